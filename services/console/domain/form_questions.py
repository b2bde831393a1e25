"""A draft form version's understanding questions as the admin pages edit them, one question
at a time, from plain form fields (decision 35). Pure: no Flask.

Fields: `key` (a new question only), up to five option rows (`option_<n>`, the option's key),
`correct` (the row of the right answer), and per language of the draft: `text_<code>`,
`explanation_<code>` and `words_<code>_<n>` (option n's words).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

OPTION_ROWS = 5
MAX_QUESTIONS = 5


def _key(value: str) -> str:
    return value.strip().lower().replace(" ", "_")


def question_body(fields: Mapping[str, str], languages: Iterable[str]) -> dict[str, Any]:
    """The consent API's body for one question (PUT .../questions/<key>)."""
    rows = [
        (n, _key(fields.get(f"option_{n}", "")))
        for n in range(1, OPTION_ROWS + 1)
        if fields.get(f"option_{n}", "").strip()
    ]
    correct = next((key for n, key in rows if fields.get("correct") == str(n)), "")
    return {
        "options": [key for _, key in rows],
        "correct": correct,
        "words": {
            code: {
                "text": fields.get(f"text_{code}", "").strip(),
                "options": {key: fields.get(f"words_{code}_{n}", "").strip() for n, key in rows},
                "explanation": fields.get(f"explanation_{code}", "").strip(),
            }
            for code in languages
        },
    }


def question_fields(form: Mapping[str, Any], key: str) -> dict[str, str]:
    """The page's fields filled from the draft's question `key` (empty for a new one)."""
    found = next((q for q in form.get("questions") or [] if q["key"] == key), None)
    if found is None:
        return {}
    fields = {"key": key}
    for n, option in enumerate(found["options"], 1):
        fields[f"option_{n}"] = option
        if option == found["correct"]:
            fields["correct"] = str(n)
    for code, translation in form["translations"].items():
        words = (translation.get("questions") or {}).get(key)
        if not words:
            continue
        fields[f"text_{code}"] = words["text"]
        fields[f"explanation_{code}"] = words["explanation"]
        for n, option in enumerate(found["options"], 1):
            fields[f"words_{code}_{n}"] = words["options"].get(option, "")
    return fields


def error_field(path: str, options: list[str]) -> str:
    """The page's field for a problem's field: `words.ur.text` -> `text_ur`,
    `words.ur.options` -> `words_ur_1`, `options` -> `option_1`, `correct` -> `correct`."""
    parts = path.split(".")
    if parts[0] == "options":
        return "option_1"
    if parts[0] == "words" and len(parts) > 1:
        code = parts[1]
        if len(parts) > 2 and parts[2] in ("text", "explanation"):
            return f"{parts[2]}_{code}"
        if len(parts) > 3 and parts[2] == "options" and parts[3] in options:
            return f"words_{code}_{options.index(parts[3]) + 1}"
        return f"words_{code}_1" if len(parts) > 2 else f"text_{code}"
    return parts[0]


def field_labels(languages: Mapping[str, str]) -> dict[str, str]:
    """Each field's label as the page shows it, for the error summary."""
    labels = {"key": "Question key", "correct": "The right answer", "option_1": "Answers"}
    for n in range(2, OPTION_ROWS + 1):
        labels[f"option_{n}"] = f"Answer {n}"
    for code, name in languages.items():
        labels[f"text_{code}"] = f"Question in {name}"
        labels[f"explanation_{code}"] = f"Explanation in {name}"
        for n in range(1, OPTION_ROWS + 1):
            labels[f"words_{code}_{n}"] = f"Answer {n} in {name}"
    return labels


def with_question_words(
    translation: dict[str, Any], form: Mapping[str, Any], fields: Mapping[str, str]
) -> dict[str, Any]:
    """A translation from the translation form, with its words for each of the draft's
    questions (`qtext_<key>`, `qexplanation_<key>`, `qword_<key>_<option>`)."""
    questions = form.get("questions") or []
    if not questions:
        return translation
    return {
        **translation,
        "questions": {
            q["key"]: {
                "text": fields.get(f"qtext_{q['key']}", "").strip(),
                "options": {
                    o: fields.get(f"qword_{q['key']}_{o}", "").strip() for o in q["options"]
                },
                "explanation": fields.get(f"qexplanation_{q['key']}", "").strip(),
            }
            for q in questions
        },
    }
