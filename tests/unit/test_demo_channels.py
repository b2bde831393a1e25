"""The local run's demo WhatsApp patient (issue 17): an approved template and the opt-in make
WhatsApp usable for them; through the fakes (the registry's side: tests/integration/
test_demo_channels.py)."""

from __future__ import annotations

from services.messaging.domain import channels
from services.messaging.service_layer import demo_whatsapp
from services.messaging.service_layer.channels import usable_channels
from tests.support.fakes.messaging import FakeMessagingUnitOfWork
from tests.support.fakes.messaging_world import a_contact


def test_the_demo_whatsapp_patient_can_be_reached_on_whatsapp() -> None:
    uow = FakeMessagingUnitOfWork()
    contact = a_contact(uow, "en")
    contact.preferred_channel = "whatsapp"
    assert "whatsapp" not in usable_channels(uow, contact, "invitation")

    texts = demo_whatsapp.seed(lambda: uow, [(contact.participant_id, contact.mobile or "")])
    demo_whatsapp.seed(lambda: uow, [(contact.participant_id, contact.mobile or "")])  # again

    assert texts == {demo_whatsapp.SID: demo_whatsapp.BODY}
    usable = usable_channels(uow, contact, "invitation")
    assert channels.choose(contact.preferred_channel, usable) == "whatsapp"
