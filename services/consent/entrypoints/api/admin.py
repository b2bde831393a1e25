"""Admin tools: verify audit chains, revoke a participant's consent link."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.consent.entrypoints.api.schemas import (
    LinkRevokedOut,
    RevokeIn,
    VerificationOut,
    VerificationQuery,
)
from services.consent.entrypoints.context import unit_of_work, uow_factory
from services.consent.service_layer import audit, outreach
from shared.http.auth import current_principal, require
from shared.logs import get_logger

log = get_logger(__name__)

blp = Blueprint("admin", __name__, url_prefix="/admin", description="Audit and links")


@blp.get("/audit/verify")
@require("admin")
@blp.arguments(VerificationQuery, location="query")
@blp.response(200, VerificationOut)
def verify_audit(query: dict[str, Any]) -> Any:
    result = audit.verify_chains(
        uow_factory(), current_principal(), query["trial_id"], query["participant_id"]
    )
    return {"checked": result.checked, "intact": result.intact, "broken": result.broken}


@blp.post("/trials/<uuid:trial_id>/participants/<uuid:participant_id>/link/revoke")
@require("admin")
@blp.arguments(RevokeIn)
@blp.response(200, LinkRevokedOut)
def revoke_link(body: dict[str, Any], trial_id: uuid.UUID, participant_id: uuid.UUID) -> Any:
    revoked = outreach.revoke_links(unit_of_work(), trial_id, participant_id)
    log.info("consent_link_revoked", trial_id=str(trial_id), reason=body["reason"])
    return {"revoked": revoked}
