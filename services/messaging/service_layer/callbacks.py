"""Callback tasks: opened by CALL ME on any channel, the consent page's button, or staff in
the review inbox; listed oldest first, assigned, closed with an outcome (decision 28).

Who: practice staff for their practices' patients; the research team (coordinators and
researchers) read their trials' tasks and close one they made the call for (assigned to
them); admins everything.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from services.messaging.domain.callbacks import CallbackTask, WaitingSummary, waiting_summary
from services.messaging.domain.filters import CallbackFilter
from services.messaging.domain.model import Contact
from services.messaging.service_layer import contacts
from services.messaging.service_layer.threads import Thread, threads
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.auth.principal import TRIAL_SCOPED, Principal
from shared.errors import Forbidden, NotFound, NotYetKnown
from shared.events.commands import CallbackRequested
from shared.logs import get_logger

log = get_logger(__name__)


class RecordNotYetKnown(NotYetKnown):
    """The patient asked for a call before messaging heard of them: the bus retries."""


def request_call(
    uow: MessagingUnitOfWork,
    contact: Contact,
    trial_id: uuid.UUID | None,
    source: str,
    *,
    language: str | None = None,
    interpreter: bool = False,
    reply_id: uuid.UUID | None = None,
    note: str | None = None,
) -> CallbackTask:
    """Inside the caller's transaction: the open task of this patient and trial gets the
    request, or a new one is opened (and announced). The caller commits."""
    task = uow.callbacks.open_for(contact.participant_id, trial_id, lock=uow.row_locks)
    if task is not None:
        task.asked_again(source, interpreter=interpreter, note=note)
        log.info("callback_asked_again", task_id=str(task.id), source=source)
        return task
    task = CallbackTask.open(
        contact.participant_id,
        contact.practice_ods,
        trial_id,
        language or contact.language,
        source,
        interpreter=interpreter,
        reply_id=reply_id,
        note=note,
    )
    uow.callbacks.add(task)
    uow.publish(
        "messaging.callback.opened",
        {
            "task_id": task.id,
            "participant_id": task.participant_id,
            "practice_ods": task.practice_ods,
            "trial_id": task.trial_id,
            "language": task.language,
            "interpreter_needed": task.interpreter_needed,
            "source": source,
            "opened_at": task.opened_at,
        },
    )
    log.info("callback_opened", task_id=str(task.id), source=source)
    return task


def from_consent_page(uow: MessagingUnitOfWork, asked: CallbackRequested) -> uuid.UUID | None:
    """`consent.callback.requested`: the form is not in the patient's language and they
    asked for a call. None for an erased patient (nothing to call)."""
    with uow:
        contact = contacts.contact_to_reach(uow, asked.participant_id, RecordNotYetKnown)
        if contact is None:
            return None
        task = request_call(
            uow,
            contact,
            asked.trial_id,
            "consent_page",
            language=asked.language or contact.language,
            interpreter=asked.interpreter,
        )
        uow.commit()
        return task.id


# Staff and coordinators


def _scope(principal: Principal) -> CallbackFilter:
    if principal.is_admin:
        return CallbackFilter()
    if principal.role in TRIAL_SCOPED:
        return CallbackFilter(trials=principal.trials)
    return CallbackFilter(practices=principal.practices)


def _scope_of(
    principal: Principal, practice_ods: str | None, trial_id: uuid.UUID | None
) -> CallbackFilter:
    """The caller's scope; asking for a practice (staff) or trial (coordinator) outside it is
    refused (403), as on every other list."""
    if practice_ods and principal.role not in TRIAL_SCOPED:
        principal.require_practice(practice_ods)
    if trial_id and principal.role in TRIAL_SCOPED:
        principal.require_trial(trial_id)
    return _scope(principal)


def _may_see(principal: Principal, task: CallbackTask) -> bool:
    if principal.is_admin:
        return True
    if principal.role in TRIAL_SCOPED:
        return task.trial_id is not None and task.trial_id in principal.trials
    return task.practice_ods in principal.practices


def _task(
    uow: MessagingUnitOfWork, principal: Principal, task_id: uuid.UUID, lock: bool = False
) -> CallbackTask:
    task = uow.callbacks.get(task_id, lock=lock and uow.row_locks)
    if task is None or not _may_see(principal, task):
        raise NotFound(f"no callback {task_id}")
    return task


def list_tasks(
    uow: MessagingUnitOfWork,
    principal: Principal,
    practice_ods: str | None = None,
    trial_id: uuid.UUID | None = None,
    state: str | None = None,
) -> list[CallbackView]:
    """Open tasks (or those in `state`) oldest first: who waited longest comes first."""
    scope = _scope_of(principal, practice_ods, trial_id)
    where = CallbackFilter(scope.practices, scope.trials, practice_ods, trial_id, state)
    with uow:
        tasks = uow.callbacks.listed(where)
        names = uow.callbacks.trial_names({t.trial_id for t in tasks if t.trial_id})
        return [view(t, names.get(t.trial_id) if t.trial_id else None) for t in tasks]


def show_task(uow: MessagingUnitOfWork, principal: Principal, task_id: uuid.UUID) -> CallbackView:
    """One task with the conversation so far (texts, calls and replies of that patient and
    trial)."""
    with uow:
        task = _task(uow, principal, task_id)
        names = uow.callbacks.trial_names({task.trial_id} if task.trial_id else set())
        conversation = threads(uow, {task.participant_id}).get(
            (task.participant_id, task.trial_id), ()
        )
        return replace(
            view(task, names.get(task.trial_id) if task.trial_id else None),
            conversation=conversation,
        )


def assign(
    uow: MessagingUnitOfWork, principal: Principal, task_id: uuid.UUID, to: str | None
) -> CallbackView:
    """To a named colleague, or (no name) to the caller."""
    if principal.role in TRIAL_SCOPED:
        raise Forbidden("practice staff assign callbacks")
    with uow:
        task = _task(uow, principal, task_id, lock=True)
        task.assign(to or principal.name, by=principal.name)
        uow.publish(
            "messaging.callback.assigned",
            {
                "task_id": task.id,
                "participant_id": task.participant_id,
                "trial_id": task.trial_id,
                "assigned_to": task.assigned_to,
                "assigned_at": task.assigned_at,
            },
        )
        uow.commit()
        return view(task, None)


def close(
    uow: MessagingUnitOfWork,
    principal: Principal,
    task_id: uuid.UUID,
    outcome: str,
    note: str | None = None,
) -> CallbackView:
    """Record the outcome. The research team may close only a call assigned to them."""
    with uow:
        task = _task(uow, principal, task_id, lock=True)
        if principal.role in TRIAL_SCOPED and task.assigned_to != principal.name:
            raise Forbidden("the research team records the outcome only of a call assigned to them")
        task.close(outcome, by=principal.name, note=note)
        uow.publish(
            "messaging.callback.closed",
            {
                "task_id": task.id,
                "participant_id": task.participant_id,
                "trial_id": task.trial_id,
                "outcome": outcome,
                "closed_at": task.closed_at,
                "waited_seconds": int(task.waited().total_seconds()),
            },
        )
        uow.commit()
        return view(task, None)


@dataclass(frozen=True)
class Waiting:
    since: datetime
    until: datetime
    summary: WaitingSummary


def waiting(
    uow: MessagingUnitOfWork,
    principal: Principal,
    since: datetime,
    until: datetime,
    practice_ods: str | None = None,
    trial_id: uuid.UUID | None = None,
) -> Waiting:
    """How long patients waited, for tasks closed in [since, until): median and longest."""
    scope = _scope_of(principal, practice_ods, trial_id)
    where = CallbackFilter(scope.practices, scope.trials, practice_ods, trial_id)
    with uow:
        closed = uow.callbacks.closed_between(where, since, until)
        return Waiting(since, until, waiting_summary(closed))


@dataclass(frozen=True)
class CallbackView:
    """A task as staff see it (the API's CallbackOut); one shown alone carries the
    conversation so far (CallbackDetailOut)."""

    id: uuid.UUID
    participant_id: uuid.UUID
    practice_ods: str
    trial_id: uuid.UUID | None
    trial_short_name: str | None
    language: str
    interpreter_needed: bool
    sources: list[str]
    requests: int
    request_note: str | None
    state: str
    opened_at: datetime
    last_requested_at: datetime
    waited_seconds: int
    assigned_to: str | None
    assigned_by: str | None
    assigned_at: datetime | None
    outcome: str | None
    outcome_note: str | None
    closed_by: str | None
    closed_at: datetime | None
    conversation: Thread = ()


def view(task: CallbackTask, trial_short_name: str | None) -> CallbackView:
    return CallbackView(
        id=task.id,
        participant_id=task.participant_id,
        practice_ods=task.practice_ods,
        trial_id=task.trial_id,
        trial_short_name=trial_short_name,
        language=task.language,
        interpreter_needed=task.interpreter_needed,
        sources=task.source_list,
        requests=task.requests,
        request_note=task.request_note,
        state=task.state,
        opened_at=task.opened_at,
        last_requested_at=task.last_requested_at,
        waited_seconds=int(task.waited().total_seconds()),
        assigned_to=task.assigned_to,
        assigned_by=task.assigned_by,
        assigned_at=task.assigned_at,
        outcome=task.outcome,
        outcome_note=task.outcome_note,
        closed_by=task.closed_by,
        closed_at=task.closed_at,
    )
