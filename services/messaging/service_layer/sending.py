"""Sending: claim queued messages, call the provider outside any transaction, record.

At most one send per attempt: the attempt is committed before the provider is called.
If the process dies in between, the message stays "sending"; reconciliation asks the
provider whether it arrived before anything is sent again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.messaging.adapters.provider import Accepted, ProviderError, SendRequest, SmsProvider
from services.messaging.domain.model import PRIORITY_BULK, Message, Suppression, moves_forward
from services.messaging.domain.screening import PASS_STOP
from services.messaging.domain.voice import VOICE
from services.messaging.domain.whatsapp import WhatsAppTemplate, address
from services.messaging.domain.windows import ALWAYS, SendingWindow
from services.messaging.service_layer.outbound import (
    STATUS_CHANGED,
    publish_status,
    status_payload,
)
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from services.messaging.service_layer.whatsapp import prepare as prepare_whatsapp
from shared import clock
from shared.link_tokens import holds_token, mask_tokens
from shared.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class SendJob:
    message_id: uuid.UUID
    to: str
    body: str
    validity_seconds: int | None = None  # shorter than usual when the window closes soon
    channel: str = "sms"  # "voice": a call (decision 27)
    content_sid: str | None = None  # WhatsApp: an approved content template and its values
    content_variables: str | None = None


MIN_VALIDITY = 60  # Twilio's lower bound
# A call waiting for the patient's call in flight to end is looked at again after this.
CALL_BUSY_WAIT = timedelta(seconds=30)


def claim(
    uow: MessagingUnitOfWork,
    limit: int,
    default_window: SendingWindow = ALWAYS,
    at: datetime | None = None,
    sender_id: uuid.UUID | None = None,
    max_calls: int | None = None,
    call_spacing: timedelta = timedelta(0),
) -> list[SendJob]:
    """Record an attempt for each due message, as the call of `sender_id` (its lease). Bulk
    texts outside their trial's sending window are put off until it opens; replies and
    acknowledgements go at any hour, since the patient has just written to us.

    With `max_calls`, at most that many calls start; the others claimed wait, each one
    `call_spacing` (a token of the calls' limit) after the one before, so a queue of calls,
    whose limit is far below texts', never holds the texts behind it back (decision 27)."""
    at = at or clock.now()
    jobs: list[SendJob] = []
    windows: dict[uuid.UUID | None, SendingWindow] = {}
    with uow:
        due = uow.messages.claim_queued(limit, uow.row_locks, at)
        stopped = uow.suppressions.suppressed_among([m.to for m in due])
        calls = [m for m in due if m.channel == VOICE]
        ringing, rung = uow.calls.in_flight(
            {m.participant_id for m in calls}, {m.to for m in calls}
        )
        starting: list[uuid.UUID] = []
        whatsapp_templates: dict[tuple[str, str], WhatsAppTemplate | None] = {}
        calls_left, calls_put_off = max_calls, 0
        for message in due:
            if message.to in stopped and message.kind not in PASS_STOP:
                message.move_to("suppressed", "the number replied STOP")
                message.body = mask_tokens(message.body)
                publish_status(uow, message)
                continue
            if message.channel == "whatsapp":
                refused = prepare_whatsapp(uow, message, at, whatsapp_templates)
                if refused is not None:
                    message.move_to("failed", refused)
                    publish_status(uow, message)
                    continue
            validity = None
            if message.priority >= PRIORITY_BULK:
                window = windows.get(message.trial_id)
                if window is None:
                    trial = (
                        uow.trials.trial_settings(message.trial_id) if message.trial_id else None
                    )
                    window = (trial.window if trial else None) or default_window
                    windows[message.trial_id] = window
                if not window.is_open(at):
                    message.not_before = window.next_open(at)
                    continue
                closes = window.closes_after(at)
                if closes is not None:
                    validity = max(MIN_VALIDITY, int((closes - at).total_seconds()))
            if message.channel == VOICE:
                # One call in flight per patient and per number (a unique index holds it
                # against two senders claiming at once): this one waits for that call.
                if message.participant_id in ringing or message.to in rung:
                    message.not_before = at + CALL_BUSY_WAIT
                    continue
                if calls_left is not None and calls_left <= 0:  # the calls' limit
                    calls_put_off += 1
                    message.not_before = at + call_spacing * calls_put_off
                    continue
                calls_left = None if calls_left is None else calls_left - 1
                ringing.add(message.participant_id)
                rung.add(message.to)
                validity = None  # a call has no validity period: the window was checked
            starting.append(message.id)  # the attempt, as Message.start_attempt records it
            jobs.append(
                SendJob(
                    message.id,
                    provider_address(message),
                    message.body,
                    validity,
                    message.channel,
                    message.content_sid,
                    message.content_variables,
                )
            )
        uow.messages.start_attempts(starting, clock.now(), sender_id)
        uow.commit()
    return jobs


def provider_address(message: Message) -> str:
    """The number as the provider addresses it: `whatsapp:+44...` for WhatsApp."""
    return address(message.to) if message.channel == "whatsapp" else message.to


def request_for(
    job: SendJob,
    callback_url: Callable[[uuid.UUID], str],
    validity_seconds: int,
    call_url: Callable[[uuid.UUID, str], str] | None = None,
) -> SendRequest:
    """What the provider is asked; a call's URLs (its TwiML, its status callbacks) come
    from `call_url(message id, "twiml" or "status")`."""
    validity = min(validity_seconds, job.validity_seconds or validity_seconds)
    if job.channel == VOICE and call_url is not None:
        return SendRequest(
            job.to,
            job.body,
            call_url(job.message_id, "status"),
            validity,
            str(job.message_id),
            voice_url=call_url(job.message_id, "twiml"),
        )
    return SendRequest(
        job.to,
        job.body,
        callback_url(job.message_id),
        validity,
        str(job.message_id),
        content_sid=job.content_sid,
        content_variables=job.content_variables,
    )


def call_provider(provider: SmsProvider, request: SendRequest) -> Accepted | ProviderError:
    """The provider call itself, outside any transaction; an error is a result, not a raise."""
    try:
        return provider.send(request)
    except ProviderError as error:
        return error
    except Exception as exc:  # a surprise from a client library: the text may have gone
        log.exception("provider_call_error", message_id=request.message_id)
        return ProviderError("unknown", "error", type(exc).__name__)


def send(
    uow: MessagingUnitOfWork,
    provider: SmsProvider,
    job: SendJob,
    callback_url: Callable[[uuid.UUID], str],
    validity_seconds: int,
) -> None:
    outcome = call_provider(provider, request_for(job, callback_url, validity_seconds))
    record_outcomes(uow, [(job, outcome)])


def record_outcomes(
    uow: MessagingUnitOfWork, outcomes: Sequence[tuple[SendJob, Accepted | ProviderError]]
) -> None:
    """What the provider said about several sends, in one transaction."""
    with uow:
        ids = [job.message_id for job, _ in outcomes]
        rows = uow.statuses.status_rows(ids, lock=uow.row_locks)
        accepted: list[dict[str, object]] = []
        events: list[dict[str, object]] = []
        failed: list[tuple[uuid.UUID, ProviderError]] = []
        for job, outcome in outcomes:
            row = rows.get(job.message_id)
            if row is None:
                continue
            if isinstance(outcome, ProviderError):
                failed.append((job.message_id, outcome))
                continue
            # Forward only: a status callback may have beaten us to "sent" or "delivered".
            moves = moves_forward(row.status, "accepted")
            status = "accepted" if moves else row.status
            accepted.append({"id": row.id, "provider_sid": outcome.sid, "status": status})
            if moves:
                events.append(status_payload(row, status="accepted"))
        uow.statuses.set_accepted(accepted, clock.now())
        _forget_tokens(uow, [job for job, outcome in outcomes if isinstance(outcome, Accepted)])
        uow.publish_many(STATUS_CHANGED, events)
        if failed:
            found = uow.messages.messages_by_id([i for i, _ in failed], lock=uow.row_locks)
            for message_id, error in failed:
                if message_id in found:
                    _record_failure(uow, found[message_id], error)
        uow.commit()


def _locked(uow: MessagingUnitOfWork, message_id: uuid.UUID) -> Message | None:
    return uow.messages.message(message_id, lock=uow.row_locks)


def _record_failure(uow: MessagingUnitOfWork, message: Message, error: ProviderError) -> None:
    log.warning("send_failed", message_id=str(message.id), code=error.code, outcome=error.outcome)
    if error.outcome == "unknown":
        # Left as "sending": reconciliation decides, a full SEND_RECONCILE_AFTER from now,
        # as the provider may still be working on the request we stopped waiting for.
        message.outcome_unknown_at = clock.now()
        return
    if error.outcome == "retry":
        message.back_to_queue(message.retry_delay())
    else:
        if error.outcome == "suppress":
            suppress_number(
                uow,
                message.to,
                f"provider error {error.code}",
                message.channel,
                message.participant_id,
                channel=message.channel,
                trial_id=message.trial_id,
            )
        message.move_to("failed", f"{error.code}: {error.reason}"[:300])
        message.body = mask_tokens(message.body)
        publish_status(uow, message)


def _forget_tokens(uow: MessagingUnitOfWork, jobs: Sequence[SendJob]) -> None:
    """The provider has the text: what we keep of it no longer holds a live consent link."""
    uow.messages.set_bodies(
        [{"id": j.message_id, "body": mask_tokens(j.body)} for j in jobs if holds_token(j.body)]
    )


def suppress_number(
    uow: MessagingUnitOfWork,
    mobile: str,
    reason: str,
    source: str,
    participant_id: uuid.UUID | None = None,
    channel: str | None = None,
    trial_id: uuid.UUID | None = None,
) -> None:
    """STOP wins: nothing more to this number, and every service hears of it. Whose STOP it
    was (the participant the reply or the failed text was attributed to) is kept, and the
    channel it came by and the trial it answered travel, so consent's reach by channel
    counts the answer there, in that trial only."""
    found = uow.suppressions.suppression(mobile)
    by = uow.contacts.contact(participant_id) if participant_id else None
    if found is None:
        found = Suppression(mobile, reason)
        uow.suppressions.add(found)
    if by is not None and found.participant_id is None:
        found.participant_id, found.practice_ods = by.participant_id, by.practice_ods
    for contact in uow.contacts.contacts_with_mobile(mobile):
        uow.publish(
            "messaging.participant.opted_out",
            {
                "participant_id": contact.participant_id,
                "source": source,
                "channel": channel,
                "trial_id": trial_id,
            },
        )


def reconcile(
    uow: MessagingUnitOfWork,
    provider: SmsProvider,
    stale_after: timedelta,
    own_sender: uuid.UUID | None = None,
    in_flight: Collection[uuid.UUID] = (),
) -> int:
    """Settle attempts whose outcome is unknown: adopt what the provider has, else requeue.

    Never an attempt whose call may still be running: not one of a sender with a live
    lease (unless it is `own_sender`, whose running calls are `in_flight`), and not within
    `stale_after` of a call that ended without an outcome."""
    cutoff = clock.now() - stale_after
    with uow:
        stale = [
            (m.id, provider_address(m), m.body, m.attempt_started_at or cutoff, m.channel)
            for m in uow.messages.stale_attempts(cutoff, own_sender)
            if m.id not in in_flight
        ]
    settled = 0
    for message_id, to, body, started, channel in stale:
        since = started - timedelta(minutes=1)
        try:
            if channel == VOICE:  # one call in flight per number: a call since is this one
                sid = provider.find_call(to, since=since)
            else:
                sid = provider.find_sent(to, body, since=since)
        except ProviderError:
            break  # provider unreachable: try again next round, never resend blind
        with uow:
            message = _locked(uow, message_id)
            if message is None or message.status != "sending":
                continue
            if sid is not None:
                message.provider_sid = sid
                message.move_to("accepted")
                message.body = mask_tokens(message.body)
                publish_status(uow, message)
            else:
                message.back_to_queue()
            uow.commit()
            settled += 1
    return settled
