"""A patient's signature on a consent form: drawn with a finger, or a typed full name with a
tick, as the trial allows.

A drawn signature is kept as SVG path data (moves and lines on a fixed 600 x 200 grid): text
that is small, checked against a strict grammar (no markup, no scripts, nothing to decode),
and drawn unchanged in the signed copy. Its hash goes into the audit chain; the hash is
salted, so the chain cannot be used to test a guessed name (decision 0031).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from shared import clock
from shared.errors import InvalidInput

# A trial's signature setting: none (a button press, as before), typed only, drawn only, or
# drawn where the phone runs JavaScript with the typed name as the fallback.
NONE, TYPED, DRAWN, DRAWN_OR_TYPED = "none", "typed", "drawn", "drawn_or_typed"
MODES = (NONE, TYPED, DRAWN, DRAWN_OR_TYPED)
KINDS = (TYPED, DRAWN)

WIDTH, HEIGHT = 600, 200  # the drawing grid the page's canvas scales to
MAX_DRAWING_CHARS = 32_000  # about 4,000 points: a long signature, not a picture
MIN_POINTS = 8
MIN_EXTENT = 20  # a dot or a short dash is not a signature
MAX_NAME_CHARS = 120

UK = ZoneInfo("Europe/London")

_NUMBER = r"\d{1,3}(?:\.\d)?"
_COMMAND = re.compile(rf"([ML])\s?({_NUMBER})[ ,]({_NUMBER})")
_DRAWING = re.compile(rf"(?:[ML]\s?{_NUMBER}[ ,]{_NUMBER}\s*)+")
# Letters and marks of any script, spaces, hyphens, apostrophes and full stops.
_NAME_PUNCTUATION = frozenset(" -'.\u2019")


def allows(mode: str, kind: str) -> bool:
    """Whether a trial with this setting accepts a signature of this kind."""
    return (mode, kind) in {
        (TYPED, TYPED),
        (DRAWN, DRAWN),
        (DRAWN_OR_TYPED, DRAWN),
        (DRAWN_OR_TYPED, TYPED),
    }


def uk_time(moment: datetime) -> str:
    """A moment as the patient's clock shows it: 06/12/2026 15:04 GMT (or BST)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UK).strftime("%d/%m/%Y %H:%M %Z")


def clean_drawing(path: str) -> str:
    """The drawing as canonical path data, or InvalidInput naming the field `drawing`."""
    path = path.strip()
    if len(path) > MAX_DRAWING_CHARS:
        raise InvalidInput.for_field("drawing", f"at most {MAX_DRAWING_CHARS} characters")
    if not path or _DRAWING.fullmatch(path) is None:
        raise InvalidInput.for_field("drawing", "draw your signature in the box")
    points = [(c, float(x), float(y)) for c, x, y in _COMMAND.findall(path)]
    if points[0][0] != "M":
        raise InvalidInput.for_field("drawing", "a drawing starts with a move")
    xs = [x for _, x, _ in points]
    ys = [y for _, _, y in points]
    if max(xs) > WIDTH or max(ys) > HEIGHT:
        raise InvalidInput.for_field("drawing", f"points lie within {WIDTH} x {HEIGHT}")
    extent = max(max(xs) - min(xs), max(ys) - min(ys))
    if len(points) < MIN_POINTS or extent < MIN_EXTENT:
        raise InvalidInput.for_field("drawing", "draw your signature in the box")
    return " ".join(f"{c}{_num(x)} {_num(y)}" for c, x, y in points)


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def clean_name(name: str, confirmed: bool) -> str:
    """The typed full name (NFC, single spaces), or InvalidInput naming its field."""
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if not name:
        raise InvalidInput.for_field("typed_name", "type your full name")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput.for_field("typed_name", f"at most {MAX_NAME_CHARS} characters")
    if not any(ch.isalpha() for ch in name) or any(
        not (ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] in "LM") for ch in name
    ):
        raise InvalidInput.for_field("typed_name", "letters, spaces, hyphens and apostrophes")
    if not confirmed:
        raise InvalidInput.for_field(
            "typed_confirm", "tick to say the typed name is your signature"
        )
    return name


@dataclass
class Signature:
    record_id: uuid.UUID
    trial_id: uuid.UUID
    response_id: uuid.UUID
    form_version: int
    kind: str
    typed_name: str | None = None
    drawing: str | None = None
    salt: str = field(default_factory=lambda: secrets.token_hex(16))
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    signed_at: datetime = field(default_factory=lambda: clock.now())
    sha256: str = ""

    def content(self) -> bytes:
        mark = self.drawing if self.kind == DRAWN else self.typed_name
        return f"{self.salt}\n{self.kind}\n{mark}".encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.content()).hexdigest()

    def verifies(self) -> bool:
        return bool(self.sha256) and self.compute_hash() == self.sha256

    @property
    def uk_time(self) -> str:
        return uk_time(self.signed_at)


def sign(
    mode: str,
    kind: str,
    *,
    record_id: uuid.UUID,
    trial_id: uuid.UUID,
    response_id: uuid.UUID,
    form_version: int,
    drawing: str = "",
    typed_name: str = "",
    confirmed: bool = False,
) -> Signature:
    """A sealed signature of the kind the trial allows, or InvalidInput naming the field."""
    if kind not in KINDS or not allows(mode, kind):
        allowed = [k for k in KINDS if allows(mode, k)]
        raise InvalidInput.for_field("signature", f"this trial accepts: {', '.join(allowed)}")
    signature = Signature(
        record_id=record_id,
        trial_id=trial_id,
        response_id=response_id,
        form_version=form_version,
        kind=kind,
        drawing=clean_drawing(drawing) if kind == DRAWN else None,
        typed_name=clean_name(typed_name, confirmed) if kind == TYPED else None,
    )
    signature.sha256 = signature.compute_hash()
    return signature


COPY_LINK_LIFETIME = timedelta(hours=72)


@dataclass
class CopyLink:
    """A short-lived link to one signed copy, texted in the confirmation: it opens that PDF
    and nothing else (its token is signed for purpose "copy"), for COPY_LINK_LIFETIME.
    It names the agreement (response) the copy shows, and its signature where the trial
    asked for one; a later agreement or signature makes it open nothing."""

    record_id: uuid.UUID
    response_id: uuid.UUID | None  # None only for links made before consent migration 0009
    signature_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=lambda: clock.now())
    expires_at: datetime = field(default_factory=lambda: clock.now() + COPY_LINK_LIFETIME)

    def is_live(self, now: datetime) -> bool:
        expires = self.expires_at if self.expires_at.tzinfo else self.expires_at.replace(tzinfo=UTC)
        return now < expires
