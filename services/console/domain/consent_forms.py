"""Consent form versions as the admin pages build them from plain form fields. Pure: no Flask.

A version is a set of items and one translation per language; every translation words the
same items. Published versions never change, so adding a language to one means a new draft
copied from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

ITEM_ROWS = 6  # rows on the new-version form; blank rows are left out


def current_version(forms: Iterable[Mapping[str, Any]]) -> int | None:
    """What patients are asked to agree to now: the newest published version."""
    published = [f["version"] for f in forms if f["status"] == "published"]
    return max(published, default=None)


def translation_from(fields: Mapping[str, str], item_keys: Iterable[str]) -> dict[str, Any]:
    return {
        "title": fields.get("title", "").strip(),
        "summary": fields.get("summary", "").strip().replace("\r\n", "\n"),
        "sheet_url": fields.get("sheet_url", "").strip(),
        "items": {key: fields.get(f"words_{key}", "").strip() for key in item_keys},
    }


def new_version_body(fields: Mapping[str, str]) -> dict[str, Any]:
    """A first version (or a fresh one) with its English translation, from the item rows."""
    items: list[dict[str, Any]] = []
    words: dict[str, str] = {}
    for row in range(1, ITEM_ROWS + 1):
        key = fields.get(f"item_key_{row}", "").strip().lower().replace(" ", "_")
        if not key:
            continue
        items.append({"key": key, "mandatory": bool(fields.get(f"item_needed_{row}"))})
        words[f"words_{key}"] = fields.get(f"item_words_{row}", "")
    english = translation_from({**fields, **words}, [str(i["key"]) for i in items])
    return {
        "items": items,
        "translations": {"en": english},
        "requires_reconsent": bool(fields.get("requires_reconsent")),
    }


def with_translation(
    form: Mapping[str, Any], language: str, translation: Mapping[str, Any]
) -> dict[str, Any]:
    """The draft's content with one language added, or replaced."""
    return {**copy_body(form), "translations": {**form["translations"], language: translation}}


def copy_body(form: Mapping[str, Any]) -> dict[str, Any]:
    """The version's whole content, its understanding questions included (they are kept)."""
    return {
        "items": [{"key": i["key"], "mandatory": i["mandatory"]} for i in form["items"]],
        "translations": dict(form["translations"]),
        "requires_reconsent": bool(form["requires_reconsent"]),
        "questions": list(form.get("questions") or []),
    }
