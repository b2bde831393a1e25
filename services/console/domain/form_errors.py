"""A service's field errors, placed next to the form fields they are about. Pure: no Flask."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

GENERAL = "_"  # an error about the whole form, or a field this form does not show


@dataclass(frozen=True)
class FormErrors:
    by_field: dict[str, list[str]] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)  # (field id, message)

    def __bool__(self) -> bool:
        return bool(self.summary)

    def on(self, name: str) -> list[str]:
        return self.by_field.get(name, [])


def place(
    errors: Iterable[Mapping[str, str]], form_fields: Iterable[str] | Mapping[str, str]
) -> FormErrors:
    """Each error goes to the form field named by the rightmost part of its path that the form
    has ("translations.ur.title" to "title", "window.days" to "days"); else to the form.
    `form_fields` may map each field to its label as the form shows it."""
    labels = dict(form_fields) if isinstance(form_fields, Mapping) else {}
    known = set(form_fields)
    placed = FormErrors()
    for error in errors:
        path = str(error.get("field", GENERAL))
        reason = str(error.get("reason", ""))
        target = next((part for part in reversed(path.split(".")) if part in known), GENERAL)
        placed.by_field.setdefault(target, []).append(reason)
        label = labels.get(target) or (
            target.replace("_", " ").capitalize() if target != GENERAL else "The form"
        )
        # A message that names its field already reads whole in the summary.
        message = reason if reason.lower().startswith(label.lower()) else f"{label}: {reason}"
        placed.summary.append((target, message))
    return placed
