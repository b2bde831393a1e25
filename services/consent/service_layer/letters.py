"""A letter's way to the consent page: a link, a short link and a one-time code, made when
messaging asks (`messaging.letter.requested`) and printed on the letter (decision 0029).

The printed code is the identity check's one-time code (decision 0024): after the date of
birth the page asks for it instead of texting one. Passing both is the patient's YES: the
record moves from invited to interested and on to link_sent, as a YES by text would, with
channel "letter" in the audit chain.
"""

from __future__ import annotations

import uuid
from typing import Any

from services.consent.domain import lifecycle, links
from services.consent.domain.letter_links import id_range, new_link_id, short_ref
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.links import ConsentLink
from services.consent.service_layer.changes import change
from services.consent.service_layer.records import RecordNotYetKnown
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared import clock
from shared.events.commands import LetterRequested

NOTIFICATION = "consent.notification.requested"


def issue_letter_link(uow: ConsentUnitOfWork, asked: LetterRequested) -> ConsentLink | None:
    """The letter's link and code, or an answer with no link when the record has moved on
    (the patient answered another way, opted out, or the invitation was cancelled)."""
    with uow:
        record = uow.records.record(asked.participant_id, asked.trial_id, lock=uow.row_locks)
        if record is None:
            raise RecordNotYetKnown(f"no consent record yet for {asked.participant_id}")
        answer: dict[str, Any] = {
            "notification_id": uuid.uuid4(),
            "participant_id": record.participant_id,
            "trial_id": record.trial_id,
            "kind": "letter_link",
            "link": None,
            "message_id": asked.message_id,
        }
        link = None
        if record.status == lifecycle.INVITED:
            now = clock.now()
            for old in uow.consent_links.live_links(record.participant_id, record.trial_id):
                old.revoke(now)
            link = ConsentLink(record.participant_id, record.trial_id, id=new_link_id())
            code = links.new_code()
            link.start_letter_code(uow.links.signer.code_hash(link.id, code))
            uow.consent_links.add(link)
            answer |= {
                "link": uow.links.url(link.id),
                "short_link": uow.links.short_url(short_ref(link.id)),
                "code": code,  # travels to messaging alone, to print (as decision 0024's)
            }
        uow.publish(NOTIFICATION, answer)
        uow.commit()
    return link


def token_for(uow: ConsentUnitOfWork, reference: str) -> str | None:
    """The consent link's token behind a letter's short reference, None when none is live."""
    found = id_range(reference)
    if found is None:
        return None
    with uow:
        link = uow.letter_links.by_id_range(*found)
        if link is None or not link.is_live(clock.now()):
            return None
        return uow.links.signer.token(link.id)


def letter_answered(uow: ConsentUnitOfWork, record: ConsentRecord | None) -> None:
    """After the date of birth and the letter's code: the patient came to hear more, which is
    their YES; with a published form the record moves on to link_sent (the page asks)."""
    if record is None or record.status != lifecycle.INVITED:
        return
    change(uow, record, lifecycle.INTERESTED, actor="participant", channel="letter")
    form = uow.forms.latest_published(record.trial_id)
    if form is not None:
        change(uow, record, lifecycle.LINK_SENT, actor="system", channel="letter", form=form)
