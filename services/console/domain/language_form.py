"""The patient page's language form: a listed language, or any other one typed. Pure: no Flask.

The registry reads what was typed (a name, a code, a GP system's code) and refuses what it
cannot read, naming its one field `language`; the form has two inputs for it, so the error
goes beside the one that was used.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.languages import LANGUAGES, LISTED

LANGUAGE_FIELDS = {"language": "Language", "other_language": "Another language"}
CHOOSE = "Choose a language from the list, or type the name of another"


def language_options() -> list[tuple[str, str]]:
    """The listed languages, with their script where one language is written two ways."""
    return [(code, LANGUAGES[code].name) for code in LISTED]


def language_correction(form: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The registry's correction body (empty when nothing was chosen) and the input it came
    from: what was typed wins over the list, as staff type when the list lacks it."""
    typed = form.get("other_language", "").strip()
    if typed:
        return {"language": typed}, "other_language"
    chosen = form.get("language", "").strip()
    return ({"language": chosen} if chosen else {}), "language"


def aimed(errors: list[dict[str, str]], source: str) -> list[dict[str, str]]:
    """The registry's errors on `language`, moved to the input the language came from."""
    return [{**e, "field": source} if e.get("field") == "language" else e for e in errors]
