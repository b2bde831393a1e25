"""The equity report of a trial: JSON, CSV, and a page with charts that needs no JavaScript."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, render_template
from flask_smorest import Blueprint

from services.consent.domain import channel_reach, disclosure, equity
from services.consent.entrypoints.api.schemas import EquityOut
from services.consent.entrypoints.context import unit_of_work
from services.consent.service_layer import queries
from shared.http.auth import current_principal, require

blp = Blueprint("equity", __name__, url_prefix="/trials", description="Equity report")

DEFINITION = (
    "Rates are out of the invited. Consented means consented now: a patient who withdrew "
    "counts as withdrawn, not consented. The participation-to-prevalence ratio (PPR) is the "
    "group's share of those who consented divided by its share of a population: of the "
    "invited (everyone the registry asked us to invite for this trial), of the trial's "
    "eligible cohort at the practices taking part, and of those practices' lists. A group is "
    f"judged under- or over-represented only with at least {equity.MIN_TO_JUDGE} invited and "
    "a consent rate whose 95% interval lies wholly below or above the trial's. By channel: "
    "invited on it (a text or WhatsApp message the provider took, a call placed, a letter "
    "posted; a patient tried on several channels counts on each), delivered (a message "
    "delivered, a call answered, a letter posted), and replied and consented by the channel "
    "the patient first answered by. Counts from "
    f"1 to {disclosure.SMALL - 1} are shown as {disclosure.HIDDEN!r}, with another count hidden "
    "where a total would give one away; rates and ratios built on a hidden count are not shown."
)


def _report(trial_id: uuid.UUID) -> queries.EquityReport:
    return queries.equity_report(unit_of_work(), current_principal(), trial_id)


def _json(report: queries.EquityReport) -> dict[str, Any]:
    return {
        "trial_id": report.trial_id,
        "definition": DEFINITION,
        "totals": disclosure.shown(report.totals, report.hidden_totals),
        "populations": {
            "invited": True,
            "eligible_cohort": report.has_eligible,
            "practice_list": report.has_practice_lists,
        },
        "rows": [
            {
                "dimension": row.dimension,
                "group": row.group,
                "counts": disclosure.shown(row.counts, row.suppressed),
                "rates": row.rates,
                "intervals": {
                    stage: {"low": ci[0], "high": ci[1]} if ci else None
                    for stage, ci in row.intervals.items()
                },
                "share_of_invited": row.share_of_invited,
                "share_of_consented": row.share_of_consented,
                "participation_to_prevalence_ratio": row.ppr,
                "ppr_eligible_cohort": row.ppr_eligible,
                "ppr_practice_list": row.ppr_practice_list,
                "flag": row.flag,
            }
            for row in report.rows
        ],
        "channels": [{"channel": row.channel, "counts": row.shown()} for row in report.channels],
    }


@blp.get("/<uuid:trial_id>/equity")
@require("coordinator", "admin")
@blp.response(200, EquityOut)
def equity_json(trial_id: uuid.UUID) -> Any:
    return _json(_report(trial_id))


@blp.get("/<uuid:trial_id>/equity.csv")
@require("coordinator", "admin")
@blp.doc(
    responses={
        "200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
    }
)
def equity_csv(trial_id: uuid.UUID) -> Response:
    report = _report(trial_id)
    return Response(
        queries.equity_csv(report),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="equity-{trial_id}.csv"'},
    )


@blp.get("/<uuid:trial_id>/equity.html")
@require("coordinator", "admin")
@blp.doc(
    responses={
        "200": {
            "description": "HTML page",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    }
)
def equity_page(trial_id: uuid.UUID) -> Response:
    report = _report(trial_id)
    groups: dict[str, list[equity.GroupRow]] = {}
    for row in report.rows:
        groups.setdefault(row.dimension, []).append(row)
    html = render_template(
        "consent/equity.html",
        report=report,
        groups=groups,
        stages=equity.STAGES,
        definition=DEFINITION,
        titles=DIMENSION_TITLES,
        channel_stages=channel_reach.STAGES,
        channel_names=CHANNEL_NAMES,
        page_lang="en",
        service_name="TrialReach: equity report",
    )
    return Response(html, mimetype="text/html")


DIMENSION_TITLES = {
    "ethnic_group": "Ethnic group (5 broad groups)",
    "ethnic_category": "Ethnic category (detailed)",
    "imd_quintile": "Deprivation (IMD quintile, 1 = most deprived)",
    "language": "Language",
    "age_band": "Age band",
    "sex": "Sex",
    "practice": "GP practice",
}
CHANNEL_NAMES = {
    "sms": "Text (SMS)",
    "whatsapp": "WhatsApp",
    "voice": "Phone call",
    "letter": "Letter",
}
