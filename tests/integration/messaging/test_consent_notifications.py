"""Messaging texts what consent asks for: the link, the confirmation, the withdrawal receipt."""

from __future__ import annotations

import uuid

import pytest

from services.messaging.service_layer import contacts, notifications
from services.messaging.service_layer.sending import suppress_number
from shared.errors import NotYetKnown
from shared.events.commands import NotificationRequested, ParticipantShared, TrialCreated
from shared.runtime import Runtime
from tests.integration.messaging.conftest import uow

pytestmark = pytest.mark.integration
MOBILE = "+447400123777"


def a_contact(runtime: Runtime) -> tuple[uuid.UUID, uuid.UUID]:
    participant_id, trial_id = uuid.uuid4(), uuid.uuid4()
    contacts.save_trial(uow(runtime), TrialCreated(trial_id=trial_id, short_name="AF", title="A"))
    contacts.save_contact(
        uow(runtime),
        ParticipantShared(
            participant_id=participant_id,
            practice_ods="M85001",
            mobile=MOBILE,
            textable=True,
            language="ur",
        ),
    )
    return participant_id, trial_id


def request(
    participant_id: uuid.UUID,
    trial_id: uuid.UUID,
    kind: str,
    link: str | None,
    code: str | None = None,
) -> NotificationRequested:
    return NotificationRequested(uuid.uuid4(), participant_id, trial_id, kind, link, code)


def test_a_consent_link_request_queues_a_text_with_the_link(runtime: Runtime) -> None:
    participant_id, trial_id = a_contact(runtime)
    data = request(participant_id, trial_id, "consent_link", "https://c.example/c/abc.def")

    assert notifications.send_consent_notification(uow(runtime), data) is True

    with uow(runtime) as work:
        [message] = work.messages.messages_for(participant_id)
    assert message.id == data.notification_id
    assert (message.kind, message.to, message.status) == ("consent_link", MOBILE, "queued")
    assert "https://c.example/c/abc.def" in message.body and "AF" in message.body
    # The contact reads Urdu: the shipped Urdu consent-link template is used.
    assert (message.language, message.template_id is not None) == ("ur", True)
    assert "مطالعے" in message.body


def test_a_suppressed_number_gets_no_confirmation(runtime: Runtime) -> None:
    participant_id, trial_id = a_contact(runtime)
    with uow(runtime) as work:
        suppress_number(work, MOBILE, "replied STOP", source="sms")
        work.commit()

    notifications.send_consent_notification(
        uow(runtime), request(participant_id, trial_id, "withdrawal_receipt", None)
    )

    with uow(runtime) as work:
        [message] = work.messages.messages_for(participant_id)
    assert message.status == "suppressed"


def test_a_request_for_someone_not_yet_known_is_retried_later(runtime: Runtime) -> None:
    with pytest.raises(NotYetKnown):
        notifications.send_consent_notification(
            uow(runtime), request(uuid.uuid4(), uuid.uuid4(), "consent_confirmation", None)
        )


def test_a_one_time_code_is_texted_in_the_patients_language(runtime: Runtime) -> None:
    participant_id, trial_id = a_contact(runtime)
    data = request(participant_id, trial_id, "identity_code", None, code="482913")

    assert notifications.send_consent_notification(uow(runtime), data) is True

    with uow(runtime) as work:
        [message] = work.messages.messages_for(participant_id)
    assert (message.kind, message.language) == ("identity_code", "ur")
    assert "482913" in message.body and "کوڈ" in message.body  # the shipped Urdu text


def test_the_confirming_text_carries_the_link_to_the_patients_copy(runtime: Runtime) -> None:
    participant_id, trial_id = a_contact(runtime)
    copy = "https://c.example/copy/AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBB"
    data = request(participant_id, trial_id, "consent_confirmation", copy)

    assert notifications.send_consent_notification(uow(runtime), data) is True

    with uow(runtime) as work:
        [message] = work.messages.messages_for(participant_id)
        assert message.template_id is not None
        template = work.templates.template(message.template_id)
    # The shipped Urdu text of migration 0018, newer than 0002's, which had no link.
    assert message.body.endswith(f"کاپی: {copy}") and "رضامندی" in message.body
    assert template is not None and template.version == 2 and template.language == "ur"


def test_the_awaiting_text_carries_the_link_to_the_copy_of_what_the_patient_signed(
    runtime: Runtime,
) -> None:
    participant_id, trial_id = a_contact(runtime)
    copy = "https://c.example/copy/CCCCCCCCCCCCCCCCCCCCCC.DDDDDDDDDDDDDDDDDDDDDD"
    data = request(participant_id, trial_id, "consent_awaiting_confirmation", copy)

    assert notifications.send_consent_notification(uow(runtime), data) is True

    with uow(runtime) as work:
        [message] = work.messages.messages_for(participant_id)
        assert message.template_id is not None
        template = work.templates.template(message.template_id)
    # The shipped Urdu text of migration 0020, newer than 0012's, which had no link.
    assert message.body.endswith(f"کاپی: {copy}") and "تحقیقی ٹیم" in message.body
    assert template is not None and template.version == 2 and template.language == "ur"
