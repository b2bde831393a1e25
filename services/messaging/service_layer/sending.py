"""Sending: claim queued messages, call the provider outside any transaction, record.

At most one send per attempt: the attempt is committed before the provider is called.
If the process dies in between, the message stays "sending"; reconciliation asks the
provider whether it arrived before anything is sent again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.messaging.adapters.provider import ProviderError, SendRequest, SmsProvider
from services.messaging.domain.model import Message, Suppression
from services.messaging.service_layer.outbound import publish_status
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class SendJob:
    message_id: uuid.UUID
    to: str
    body: str


def claim(uow: MessagingUnitOfWork, limit: int) -> list[SendJob]:
    jobs: list[SendJob] = []
    with uow:
        for message in uow.messaging.claim_queued(limit, uow.row_locks):
            if uow.messaging.suppression(message.to) is not None and message.kind != "stop_ack":
                message.move_to("suppressed", "the number replied STOP")
                publish_status(uow, message)
                continue
            message.start_attempt()
            jobs.append(SendJob(message.id, message.to, message.body))
        uow.commit()
    return jobs


def send(
    uow: MessagingUnitOfWork,
    provider: SmsProvider,
    job: SendJob,
    callback_url: Callable[[uuid.UUID], str],
    validity_seconds: int,
) -> None:
    request = SendRequest(job.to, job.body, callback_url(job.message_id), validity_seconds)
    try:
        accepted = provider.send(request)
    except ProviderError as error:
        _record_failure(uow, job.message_id, error)
        return
    with uow:
        message = _locked(uow, job.message_id)
        if message is not None:
            message.provider_sid = accepted.sid
            if message.move_to("accepted"):
                publish_status(uow, message)
        uow.commit()


def _locked(uow: MessagingUnitOfWork, message_id: uuid.UUID) -> Message | None:
    return uow.messaging.message(message_id, lock=uow.row_locks)


def _record_failure(uow: MessagingUnitOfWork, message_id: uuid.UUID, error: ProviderError) -> None:
    log.warning("send_failed", message_id=str(message_id), code=error.code, outcome=error.outcome)
    with uow:
        message = _locked(uow, message_id)
        if message is None or error.outcome == "unknown":
            return  # left as "sending": reconciliation decides
        if error.outcome == "retry":
            message.back_to_queue(message.retry_delay())
        else:
            if error.outcome == "suppress":
                suppress_number(uow, message.to, f"provider error {error.code}", source="sms")
            message.move_to("failed", f"{error.code}: {error.reason}"[:300])
            publish_status(uow, message)
        uow.commit()


def suppress_number(uow: MessagingUnitOfWork, mobile: str, reason: str, source: str) -> None:
    """STOP wins: nothing more to this number, and every service hears of it."""
    if uow.messaging.suppression(mobile) is None:
        uow.messaging.add(Suppression(mobile, reason))
    for contact in uow.messaging.contacts_with_mobile(mobile):
        uow.publish(
            "messaging.participant.opted_out",
            {"participant_id": contact.participant_id, "source": source},
        )


def reconcile(uow: MessagingUnitOfWork, provider: SmsProvider, stale_after: timedelta) -> int:
    """Settle attempts whose outcome is unknown: adopt what the provider has, else requeue."""
    cutoff = datetime.now(UTC) - stale_after
    with uow:
        stale = [
            (m.id, m.to, m.body, m.attempt_started_at or cutoff)
            for m in uow.messaging.stale_attempts(cutoff)
        ]
    settled = 0
    for message_id, to, body, started in stale:
        try:
            sid = provider.find_sent(to, body, since=started - timedelta(minutes=1))
        except ProviderError:
            continue  # provider unreachable: try again next round, never resend blind
        with uow:
            message = _locked(uow, message_id)
            if message is None or message.status != "sending":
                continue
            if sid is not None:
                message.provider_sid = sid
                message.move_to("accepted")
                publish_status(uow, message)
            else:
                message.back_to_queue()
            uow.commit()
            settled += 1
    return settled
