"""The import page over a fake registry: a row loaded with a language the list did not
say, or said in words we could not read, is noted, not listed as a row not loaded."""

from __future__ import annotations

from html import unescape

from tests.support.console_fakes import FakeServices, console_over, signed_in_as

IMPORT = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
JOB = {
    "id": IMPORT,
    "practice_ods": "M85001",
    "filename": "sparkbrook.csv",
    "dry_run": False,
    "status": "done",
    "rows_read": 4,
    "percent_done": 100,
    "created": 3,
    "updated": 0,
    "unchanged": 0,
    "noted": 2,
    "rejected": 1,
    "duplicates": 0,
    "ignored_columns": [],
}
REPORT = (
    "line,column,reason,kind\r\n"
    "2,Main spoken language,\"language 'Patois Creole' is not one we know: imported as an "
    'unknown language, texted in English; an interpreter may be needed",note\r\n'
    "3,NHS Number,cannot be the same digit ten times,error\r\n"
    "5,Main spoken language,\"language 'Not known' is not recorded: imported as an unknown "
    'language, texted in English; an interpreter may be needed",note\r\n'
)


def test_rows_loaded_with_an_unknown_language_are_counted_and_noted_apart() -> None:
    registry = FakeServices()
    registry.routes[("GET", f"/imports/{IMPORT}")] = lambda _: (200, JOB)
    registry.routes[("GET", f"/imports/{IMPORT}/errors.csv")] = lambda _: (200, REPORT)
    client = console_over(registry).test_client()

    page = unescape(signed_in_as(client, "staff").get(f"/practice/imports/{IMPORT}").get_data(True))

    counted = page.split("Loaded with an unknown language", 1)[1].split("</div>", 1)[0]
    assert ">2<" in counted
    rows = page.split("<tbody", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    assert ["Yes, with a note" in r for r in rows] == [True, False, True]
    assert "'Patois Creole' is not one we know" in rows[0]
    assert "may need an interpreter" in page  # what staff do about them


def test_the_note_points_to_the_patients_of_unknown_language_to_set_it_there() -> None:
    registry = FakeServices()
    registry.routes[("GET", f"/imports/{IMPORT}")] = lambda _: (200, JOB)
    registry.routes[("GET", f"/imports/{IMPORT}/errors.csv")] = lambda _: (200, REPORT)
    client = console_over(registry).test_client()

    page = unescape(signed_in_as(client, "staff").get(f"/practice/imports/{IMPORT}").get_data(True))

    assert "set their language on their patient page" in page
    assert 'href="/practice/patients?practice=M85001&language=und"' in page
