"""Who a newly published form version sends a link to.

Publishing only lists them; the links go out in chunks on the bus, each chunk in its own
transaction, so a trial of any size publishes at once and a failure retries one chunk.
"""

from __future__ import annotations

from services.consent.domain import lifecycle
from services.consent.domain.forms import ConsentForm
from services.consent.domain.lifecycle import ConsentRecord

# Small enough that one chunk's transaction stays short, large enough that a big trial
# is a few hundred events rather than tens of thousands.
LINK_CHUNK = 200


def needs_link(record: ConsentRecord, form: ConsentForm) -> bool:
    """Waiting for a form, or consented to an older version of one that asks to agree again."""
    if record.status == lifecycle.INTERESTED:
        return True
    return (
        form.requires_reconsent
        and record.status == lifecycle.CONSENTED
        and record.form_version is not None
        and record.form_version < form.version
    )
