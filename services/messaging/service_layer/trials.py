"""Per-trial sending settings, set by admins: where to read more, reminder, window."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from services.messaging.domain.trial_settings import TrialSettings
from services.messaging.domain.windows import SendingWindow
from services.messaging.service_layer.templates import retext_held_invitations
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.errors import InvalidInput, NotFound


def get_settings(uow: MessagingUnitOfWork, trial_id: uuid.UUID) -> TrialSettings:
    with uow:
        found = uow.trials.trial_settings(trial_id)
        if found is None:
            raise NotFound(f"no trial {trial_id}")
        return found


def update_settings(
    uow: MessagingUnitOfWork, trial_id: uuid.UUID, changes: dict[str, Any]
) -> TrialSettings:
    with uow:
        current = uow.trials.trial_settings(trial_id)
        if current is None:
            raise NotFound(f"no trial {trial_id}")
        window = changes.pop("window", "keep")
        updated = replace(current, **changes)
        if window is None:
            updated.window = None
        elif window != "keep":
            try:
                updated.window = SendingWindow.parse(window["days"], window["start"], window["end"])
            except (ValueError, KeyError) as exc:
                raise InvalidInput.for_field("window", str(exc)) from exc
        uow.trials.save_trial_settings(updated)
        retext_held_invitations(uow, trial_id)
        uow.commit()
    return updated


def effective_window(found: TrialSettings, default: SendingWindow) -> tuple[SendingWindow, str]:
    """The window the sender uses for this trial, and whose it is: "trial" or "deployment"."""
    return (found.window, "trial") if found.window is not None else (default, "deployment")
