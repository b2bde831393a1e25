"""One language's coverage beyond the page words: each trial's texts and consent forms.
Pure: no Flask. Built from messaging's templates and consent's form versions as their APIs
list them (issue 15 item 5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.console.domain.templates import in_use, kind_name


@dataclass(frozen=True)
class TextState:
    """One kind of text in the language, for one trial."""

    kind: str
    name: str
    exists: bool
    own: bool  # the trial's own version, not the shipped default
    version: int | None
    reviewed: bool
    reviewed_by: str | None
    author: str | None


@dataclass(frozen=True)
class TrialTexts:
    trial_id: str
    trial: str
    texts: tuple[TextState, ...]

    @property
    def translated(self) -> int:
        return sum(1 for t in self.texts if t.exists)

    @property
    def reviewed(self) -> int:
        return sum(1 for t in self.texts if t.reviewed)


@dataclass(frozen=True)
class FormVersion:
    version: int
    languages: tuple[str, ...]
    has_language: bool
    current: bool  # the newest published version: what patients are asked to agree to


@dataclass(frozen=True)
class TrialForms:
    trial_id: str
    trial: str
    versions: tuple[FormVersion, ...]

    @property
    def current_has_language(self) -> bool | None:
        """None when the trial has no published form yet."""
        current = [v for v in self.versions if v.current]
        return current[0].has_language if current else None


def trial_label(trial: Mapping[str, Any]) -> str:
    return f"{trial.get('short_name') or trial['id']}: {trial.get('title') or ''}".rstrip(": ")


def trial_texts(
    language: str,
    trial: Mapping[str, Any],
    own: Iterable[Mapping[str, Any]],
    shipped: Iterable[Mapping[str, Any]],
) -> TrialTexts:
    """Per kind, the version this trial sends in `language`, or that it has none (the
    patient then gets the fallback language's text)."""
    shipped = list(shipped)
    rows = {(r.kind, r.language): r for r in in_use(own, shipped)}
    kinds = list(dict.fromkeys([t["kind"] for t in shipped] + [k for k, _ in rows]))
    texts = []
    for kind in kinds:
        row = rows.get((kind, language))
        template = row.template if row else {}
        texts.append(
            TextState(
                kind=kind,
                name=kind_name(kind),
                exists=row is not None,
                own=bool(row and row.own),
                version=template.get("version"),
                reviewed=bool(row and row.reviewed),
                reviewed_by=template.get("reviewed_by"),
                author=template.get("created_by"),
            )
        )
    return TrialTexts(str(trial["id"]), trial_label(trial), tuple(texts))


def trial_forms(
    language: str, trial: Mapping[str, Any], forms: Iterable[Mapping[str, Any]]
) -> TrialForms:
    """Each published version of the trial's consent form and the languages it has."""
    published = sorted(
        (f for f in forms if f.get("status") == "published"), key=lambda f: f["version"]
    )
    newest = published[-1]["version"] if published else None
    return TrialForms(
        str(trial["id"]),
        trial_label(trial),
        tuple(
            FormVersion(
                version=f["version"],
                languages=tuple(sorted(f.get("translations") or {})),
                has_language=language in (f.get("translations") or {}),
                current=f["version"] == newest,
            )
            for f in reversed(published)
        ),
    )
