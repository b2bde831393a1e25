"""A batch's letters for practice staff: per language with large print and postage, the batch
as one PDF to print (in parts), or handed to the print provider; printed and posted recorded
here (decision 0029). Approving is the batch page's approve."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.entrypoints.downloads import passed_on
from services.console.entrypoints.session import client, signed_in
from services.console.entrypoints.staff import bp

LETTERS_PER_PART = 250  # messaging's parts of a batch PDF (service_layer/letter_printing.py)
DONE = {
    "print": "Letters sent to the print provider",
    "printed": "Letters recorded as printed",
    "posted": "Letters recorded as posted",
}


@bp.get("/batches/<uuid:batch_id>/letters")
@signed_in
def letters(batch_id: uuid.UUID) -> str:
    return _letters_page(batch_id)


def _letters_page(batch_id: uuid.UUID, **context: object) -> str:
    preview = client("messaging").get(f"/batches/{batch_id}/letters")
    printable = preview["stages"]["to_print"] + preview["stages"]["printed"]
    parts = max(1, -(-printable // LETTERS_PER_PART))
    return render_template(
        "console/staff/letters.html", letters=preview, batch_id=batch_id, parts=parts, **context
    )


@bp.get("/batches/<uuid:batch_id>/letters.pdf")
@signed_in
def letters_pdf(batch_id: uuid.UUID) -> Response:
    part = request.args.get("part", "1")
    path = f"/batches/{batch_id}/letters.pdf?part={part if part.isdigit() else 1}"
    return passed_on(client("messaging"), path)


@bp.post("/batches/<uuid:batch_id>/letters/<any(print, printed, posted):action>")
@signed_in
def letters_action(batch_id: uuid.UUID, action: str) -> Response | tuple[str, int]:
    try:
        done = client("messaging").post(f"/batches/{batch_id}/letters/{action}", {})
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return _letters_page(batch_id, problem=problem), problem.status
    flash(f"{DONE[action]}: {done['letters']}")
    return redirect(url_for("staff.letters", batch_id=batch_id))
