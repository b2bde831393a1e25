"""What the provider knows that we may have missed (decision 16): replies whose webhook
never reached us, and the final status of texts whose callbacks were lost.

Each reply found goes through `replies.receive` exactly as a webhook-delivered one, so it
is stored once (by MessageSid) and acted on once. Each status found is stored as a status
callback and applied by the status applier, so statuses still only move forward."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from services.messaging.domain.model import moves_forward
from services.messaging.service_layer import replies
from services.messaging.service_layer.statuses import (
    PROVIDER_STATUS,
    StatusCallback,
    store_statuses,
)
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork

STATUS_BATCH = 500  # texts whose status is fetched in one run, at most


@dataclass(frozen=True)
class ProviderStatus:
    status: str
    error_code: str | None


class MessageHistory(Protocol):
    """The provider's record of messages (Twilio's Messages list and fetch)."""

    def inbound_since(self, since: datetime, to: str | None) -> Iterable[replies.InboundSms]: ...

    def status_of(self, provider_sid: str) -> ProviderStatus | None: ...


def store_reply(
    new_uow: Callable[[], MessagingUnitOfWork],
    sms: replies.InboundSms,
    is_duplicate_error: Callable[[Exception], bool],
) -> str | None:
    """Store and act on one reply; None if this MessageSid was handled before.

    Two deliveries of one MessageSid at once (webhook and webhook, or webhook and
    reconciliation): the second waits on the unique key, fails, and is then found to be
    a duplicate, answered like a sequential one."""
    try:
        return replies.receive(new_uow(), sms)
    except Exception as exc:
        if not is_duplicate_error(exc):
            raise
    return replies.receive(new_uow(), sms)  # now seen: None, or the real error again


def reconcile_inbound(
    new_uow: Callable[[], MessagingUnitOfWork],
    history: MessageHistory,
    since: datetime,
    to: str | None,
    is_duplicate_error: Callable[[Exception], bool],
) -> int:
    """Store every reply the provider received since `since` that we have not; returns
    how many were new."""
    found = {sms.provider_sid: sms for sms in history.inbound_since(since, to)}
    with new_uow() as uow:
        seen = uow.replies.inbound_sids_seen(list(found))
    stored = 0
    for sid, sms in found.items():
        if sid not in seen and store_reply(new_uow, sms, is_duplicate_error) is not None:
            stored += 1
    return stored


def reconcile_statuses(
    new_uow: Callable[[], MessagingUnitOfWork],
    history: MessageHistory,
    now: datetime,
    older_than: timedelta,
    not_before: datetime,
) -> int:
    """Fetch the provider's status of texts still `accepted` or `sent` with no news for
    `older_than` (and updated after `not_before`), and store each as a status callback;
    returns how many moved forward. The applier applies them (forward only, again: a
    callback may have arrived meanwhile)."""
    with new_uow() as uow:
        unfinished = uow.messages.unfinished_with_provider(
            not_before, now - older_than, STATUS_BATCH
        )
    found: list[StatusCallback] = []
    for message_id, provider_sid, ours in unfinished:
        status = history.status_of(provider_sid)
        theirs = PROVIDER_STATUS.get(status.status) if status else None
        if status is not None and theirs is not None and moves_forward(ours, theirs):
            found.append(StatusCallback(message_id, provider_sid, status.status, status.error_code))
    if found:
        store_statuses(new_uow(), found)
    return len(found)
