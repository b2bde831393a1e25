"""WhatsApp in the local run's demo (issue 17): an approved invitation content template, and
the demo patient's recorded opt-in, so a newcomer sees a WhatsApp invitation beside the texts,
the call recordings and the letter. Kept apart from the real opt-in (staff, for a patient
messaging knows) because the demo runs before messaging has heard of anyone: an opt-in
belongs to the number (decision 30), so it can be recorded first."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from services.messaging.domain.whatsapp import WhatsAppOptIn
from services.messaging.service_layer import whatsapp
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock

# A made-up ContentSid: only the fake Twilio server sees it, and renders it with this text.
SID = "HX" + "d" * 32
BODY = (
    "{{1}}: your GP practice is looking for people to join a research study about the heart. "
    "Would you like to hear more? Reply YES or NO. Reply STOP to hear no more."
)
BY = "demo set-up"


def seed(
    new_uow: Callable[[], MessagingUnitOfWork], patients: Sequence[tuple[uuid.UUID, str]]
) -> dict[str, str]:
    """Save the approved English invitation template and each (patient, mobile)'s opt-in;
    returns the fake Twilio's templates ({ContentSid: text}). Running it again changes
    nothing."""
    whatsapp.save_template(new_uow(), BY, "invitation", "en", SID, BODY, ["short_name"], "approved")
    for participant_id, mobile in patients:
        with new_uow() as uow:
            if uow.whatsapp.opt_in(mobile) is None:
                agreed = clock.now()
                uow.whatsapp.add_opt_in(
                    WhatsAppOptIn(mobile, participant_id, agreed, "in_person", BY, "demo patient")
                )
                uow.commit()
    return {SID: BODY}
