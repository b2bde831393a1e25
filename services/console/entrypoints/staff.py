"""Practice staff: patients, patient list uploads, cohorts, invitation batches, replies."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.domain import formats
from services.console.domain.cohort_form import COHORT_FIELDS, cohort_body
from services.console.domain.error_report import RowProblem, first_problems
from services.console.domain.form_errors import FormErrors
from services.console.domain.patient_search import (
    PATIENT_SEARCH_FIELDS,
    PATIENT_SORTS,
    PATIENT_STATUSES,
    PATIENTS_PER_PAGE,
    patient_search,
)
from services.console.entrypoints.downloads import passed_on
from services.console.entrypoints.forms import refused
from services.console.entrypoints.session import client, current_user, signed_in
from shared.ethnicity import ETHNIC_CATEGORIES
from shared.languages import LANGUAGES, UNKNOWN

bp = Blueprint("staff", __name__, url_prefix="/practice")


def chosen_practice() -> str:
    user = current_user()
    practice = request.values.get("practice") or (user.practices[0] if user.practices else "")
    if user.role != "admin" and practice not in user.practices:
        abort(403)
    return practice


@bp.get("/patients")
@signed_in
def participants() -> str | tuple[str, int]:
    """Search, filter, sort and page through the practice's patients: a GET form, so it works
    without JavaScript and a search can be bookmarked or shared with a colleague."""
    practice = chosen_practice()
    search = patient_search(request.args)
    names = trial_names()
    try:
        page = client("registry").get(
            "/participants", practice_ods=practice, limit=PATIENTS_PER_PAGE, **search
        )
    except ApiProblem as problem:
        errors = refused(problem, PATIENT_SEARCH_FIELDS)
        empty = {"items": [], "total": 0, "next_page": None}
        context = _patients_context(practice, search, empty, names, errors)
        return render_template("console/staff/participants.html", **context), problem.status
    context = _patients_context(practice, search, page, names, None)
    return render_template("console/staff/participants.html", **context)


def _patients_context(
    practice: str,
    search: dict[str, Any],
    page: dict[str, Any],
    trial_names: dict[str, str],
    errors: FormErrors | None,
) -> dict[str, Any]:
    number = search["page"] if isinstance(search["page"], int) else 1
    return {
        "practice": practice,
        "search": search,
        "page": page,
        "first": (number - 1) * PATIENTS_PER_PAGE + 1,
        "page_number": number,
        "trial_names": trial_names,
        "errors": errors,
        "status_options": PATIENT_STATUSES,
        "sort_options": PATIENT_SORTS,
        "language_options": [
            *((lang.code, lang.name) for lang in LANGUAGES.values()),
            (UNKNOWN, LANGUAGES[UNKNOWN].name),  # to find them and ask
        ],
        "searching": any(search[k] for k in ("q", "status", "language", "trial_id")),
    }


def trial_names() -> dict[str, str]:
    # Statuses are per trial: staff know a trial by its short name, not its id.
    return {t["id"]: t["short_name"] for t in client("registry").get("/trials")}


@bp.get("/imports")
@signed_in
def imports() -> str:
    practice = chosen_practice()
    jobs = client("registry").get(f"/practices/{practice}/imports") if practice else []
    return render_template("console/staff/imports.html", practice=practice, jobs=jobs)


@bp.post("/imports")
@signed_in
def upload() -> Response | tuple[str, int]:
    practice = chosen_practice()
    upload_ = request.files.get("file")
    if upload_ is None or not upload_.filename:
        problem = ApiProblem(
            400,
            "Choose a file",
            errors=[{"field": "file", "reason": "Select the patient list file (CSV or JSON)"}],
        )
        jobs = client("registry").get(f"/practices/{practice}/imports")
        page = render_template(
            "console/staff/imports.html", practice=practice, jobs=jobs, problem=problem
        )
        return page, 400
    job = client("registry").upload(
        f"/practices/{practice}/imports",
        upload_.stream,
        upload_.filename,
        dry_run="true" if request.form.get("dry_run") else None,
    )
    return redirect(url_for("staff.import_progress", import_id=job["id"]))


@bp.get("/imports/<uuid:import_id>")
@signed_in
def import_progress(import_id: uuid.UUID) -> str:
    job = client("registry").get(f"/imports/{import_id}")
    problems: list[RowProblem] = []
    more = False
    if job["status"] == "done" and (job["rejected"] or job["duplicates"] or job.get("noted")):
        problems, more = _first_problems(import_id)
    return render_template(
        "console/staff/import.html", job=job, problems=problems, more_problems=more
    )


def _first_problems(import_id: uuid.UUID) -> tuple[list[RowProblem], bool]:
    upstream = client("registry").download(f"/imports/{import_id}/errors.csv")
    try:
        upstream.encoding = "utf-8-sig"
        return first_problems(upstream.iter_lines(decode_unicode=True))
    finally:
        upstream.close()


@bp.get("/imports/<uuid:import_id>/errors.csv")
@signed_in
def import_errors(import_id: uuid.UUID) -> Response:
    return passed_on(client("registry"), f"/imports/{import_id}/errors.csv")


@bp.get("/trials")
@signed_in
def trials() -> str:
    practice = chosen_practice()
    registry = client("registry")
    found = registry.get("/trials")
    cohorts = {
        t["id"]: registry.get(f"/trials/{t['id']}/cohorts", practice_ods=practice) for t in found
    }
    return render_template(
        "console/staff/trials.html", practice=practice, trials=found, cohorts=cohorts
    )


@bp.get("/trials/<uuid:trial_id>/cohorts/new")
@signed_in
def new_cohort(trial_id: uuid.UUID) -> str:
    trial = client("registry").get(f"/trials/{trial_id}")
    return render_template(
        "console/staff/cohort_form.html",
        practice=chosen_practice(),
        trial=trial,
        form={},
        **cohort_options(),
    )


@bp.post("/trials/<uuid:trial_id>/cohorts")
@signed_in
def create_cohort(trial_id: uuid.UUID) -> Response | tuple[str, int]:
    practice = chosen_practice()
    body, errors = cohort_body(practice, request.form.get, request.form.getlist)
    registry = client("registry")
    status = 400
    if not errors:
        try:
            cohort = registry.post(f"/trials/{trial_id}/cohorts", body)
        except ApiProblem as problem:
            errors, status = refused(problem, COHORT_FIELDS), problem.status
        else:
            return redirect(url_for("staff.cohort", cohort_id=cohort["id"]))
    page = render_template(
        "console/staff/cohort_form.html",
        practice=practice,
        trial=registry.get(f"/trials/{trial_id}"),
        form=body,
        typed=request.form,
        errors=errors,
        **cohort_options(),
    )
    return page, status


def cohort_options() -> dict[str, list[tuple[str, str]]]:
    return {
        "ethnic_options": [
            (code, f"{group}: {label}" if group != label else label)
            for code, (group, label) in ETHNIC_CATEGORIES.items()
        ],
        "imd_options": [(str(d), str(d)) for d in range(1, 11)],
        "language_options": [(lang.code, lang.name) for lang in LANGUAGES.values()],
    }


@bp.get("/cohorts/<uuid:cohort_id>")
@signed_in
def cohort(cohort_id: uuid.UUID) -> str:
    registry = client("registry")
    found = registry.get(f"/cohorts/{cohort_id}")
    preview = registry.get(f"/cohorts/{cohort_id}/preview")
    trial = registry.get(f"/trials/{found['trial_id']}")
    return render_template("console/staff/cohort.html", cohort=found, preview=preview, trial=trial)


@bp.post("/cohorts/<uuid:cohort_id>/invitations")
@signed_in
def invite_cohort(cohort_id: uuid.UUID) -> Response:
    # The count the page showed: the registry refuses if the cohort has changed since.
    expected = request.form.get("expected_count", "")
    body = {"expected_count": int(expected) if expected.isdigit() else 0}
    requested = client("registry").post(f"/cohorts/{cohort_id}/invitations", body)
    flash(
        f"{requested['invited']} invitations are being prepared. "
        "Check the texts and approve the batch when it appears below."
    )
    return redirect(url_for("staff.batches", waiting=requested["batch_id"]))


@bp.get("/batches")
@signed_in
def batches() -> str:
    found = client("messaging").get("/batches")
    # Just requested: the page follows until that batch has reached messaging whole.
    waiting = request.args.get("waiting", "")
    arrived = any(b["id"] == waiting and b["parts_received"] >= b["parts"] for b in found)
    return render_template(
        "console/staff/batches.html", batches=found, waiting=bool(waiting) and not arrived
    )


@bp.get("/batches/<uuid:batch_id>")
@signed_in
def batch(batch_id: uuid.UUID) -> str:
    return _batch_page(batch_id)


def _batch_page(batch_id: uuid.UUID, **context: Any) -> str:
    messaging = client("messaging")
    preview = messaging.get(f"/batches/{batch_id}/preview")
    report = messaging.get(f"/batches/{batch_id}/report")
    return render_template("console/staff/batch.html", preview=preview, report=report, **context)


@bp.get("/batches/<uuid:batch_id>/cancel")
@signed_in
def confirm_cancel(batch_id: uuid.UUID) -> str:
    """Cancelling cannot be undone: staff see what it does and confirm it first."""
    messaging = client("messaging")
    return render_template(
        "console/staff/batch_cancel.html",
        preview=messaging.get(f"/batches/{batch_id}/preview"),
        report=messaging.get(f"/batches/{batch_id}/report"),
    )


@bp.post("/batches/<uuid:batch_id>/<any(approve, pause, resume, cancel):action>")
@signed_in
def batch_action(batch_id: uuid.UUID, action: str) -> Response | tuple[str, int]:
    if action == "cancel" and request.form.get("confirm") != "yes":
        # Only the confirmation page's form cancels; anything else is asked first.
        return redirect(url_for("staff.confirm_cancel", batch_id=batch_id))
    body: dict[str, Any] = {}
    if action == "approve":
        send_at = request.form.get("send_at", "").strip()
        if send_at:
            body["send_at"] = formats.from_uk_time(send_at)
        if request.form.get("allow_unreviewed"):
            body["allow_unreviewed"] = True
    try:
        client("messaging").post(f"/batches/{batch_id}/{action}", body)
    except ApiProblem as problem:
        # Refused (unreviewed texts, or the batch moved on meanwhile): the batch as it is
        # now, with the reason beside it, rather than an error page.
        if problem.status not in (409, 422):
            raise
        return _batch_page(batch_id, problem=problem), problem.status
    flash(
        {
            "approve": "Batch approved",
            "pause": "Batch paused",
            "resume": "Batch resumed",
            "cancel": "Batch cancelled: patients whose invitation was not sent can be "
            "invited again",
        }[action]
    )
    return redirect(url_for("staff.batch", batch_id=batch_id))


# The patient page, the review inbox and the letters live in their own modules, on this blueprint.
from services.console.entrypoints import letters, patient, review_inbox  # noqa: E402, F401
