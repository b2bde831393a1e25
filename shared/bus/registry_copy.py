"""The handlers of a service that keeps its own copy of the registry's patients, trials and
API tokens (messaging and consent): which of its use cases each event of
shared.bus.topology.REGISTRY_COPY runs."""

from __future__ import annotations

from shared.auth.store import TOKEN_HANDLERS
from shared.bus.worker import Handler


def copy_handlers(
    *,
    participant_changed: Handler,
    participant_erased: Handler,
    trial_created: Handler,
    invitations_requested: Handler,
) -> dict[str, Handler]:
    return {
        "registry.participant.registered": participant_changed,
        "registry.participant.updated": participant_changed,
        "registry.participant.erased": participant_erased,
        "registry.trial.created": trial_created,
        "registry.invitations.requested": invitations_requested,
        **TOKEN_HANDLERS,
    }
