"""A keyed hash of a date of birth: consent checks a patient's answer without holding it."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date


def keyed_dob_hash(key: str, date_of_birth: date) -> str:
    return hmac.new(key.encode(), date_of_birth.isoformat().encode(), hashlib.sha256).hexdigest()
