"""The patients page's search form: what staff can ask for, as the registry's API takes it.
Pure: no Flask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PATIENTS_PER_PAGE = 50
PATIENT_SEARCH_FIELDS = {
    "q": "Search",
    "status": "Trial status",
    "trial_id": "In trial",
    "language": "Language",
    "sort": "Sort by",
    "page": "Page",
}
# Trial statuses in the words staff use; the registry checks the values.
PATIENT_STATUSES = (
    ("not_invited", "Not invited"),
    ("invited", "Invited"),
    ("interested", "Interested (replied yes)"),
    ("declined", "Declined"),
    ("opted_out", "Opted out of texts"),
    ("link_sent", "Consent link sent"),
    ("awaiting_confirmation", "Signed, awaiting the research team's confirmation"),
    ("consented", "Consented"),
    ("refused", "Refused consent"),
    ("withdrawn", "Withdrawn"),
    ("expired", "No answer in time"),
    ("entered_in_error", "Entered in error"),
)
PATIENT_SORTS = (
    ("name", "Name (A to Z)"),
    ("-name", "Name (Z to A)"),
    ("date_of_birth", "Oldest first"),
    ("-date_of_birth", "Youngest first"),
    ("-added", "Most recently added"),
    ("added", "Added longest ago"),
)


def patient_search(args: Mapping[str, str]) -> dict[str, Any]:
    """The form's answers as the API's query parameters: blanks left out, a page number as a
    number (anything else is passed on, for the registry to refuse by its field)."""
    page_text = (args.get("page") or "1").strip()
    return {
        "q": (args.get("q") or "").strip(),
        "status": args.get("status") or "",
        "trial_id": args.get("trial_id") or "",
        "language": args.get("language") or "",
        "sort": args.get("sort") or "name",
        "page": int(page_text) if page_text.isdigit() else page_text,
    }
