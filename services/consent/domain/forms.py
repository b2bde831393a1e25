"""Consent forms: one numbered version per trial, in several languages, made of items.

A version starts as a draft an admin may edit; publishing seals its content with a hash and
it never changes again. Every translation of a version shares the same items (the same keys
and the same mandatory flags), so "version 2" means one thing whatever language was read.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.consent.domain.understanding import (
    Question,
    QuestionWords,
    check_questions,
    question_as_json,
)
from shared import clock, languages
from shared.errors import Conflict, FieldError, InvalidInput

DRAFT, PUBLISHED = "draft", "published"


@dataclass(frozen=True)
class Item:
    key: str
    mandatory: bool


@dataclass(frozen=True)
class Translation:
    title: str
    summary: str  # the participant information sheet, summarised in plain words
    sheet_url: str  # the full sheet
    items: dict[str, str]  # item key -> the words the patient ticks
    # question key -> its words, where the form checks understanding (domain/understanding.py)
    questions: dict[str, QuestionWords] = field(default_factory=dict)


@dataclass
class ConsentForm:
    trial_id: uuid.UUID
    version: int
    items: list[Item]
    translations: dict[str, Translation]
    requires_reconsent: bool = False
    status: str = DRAFT
    content_hash: str | None = None
    created_at: datetime = field(default_factory=lambda: clock.now())
    published_at: datetime | None = None
    ethics_reference: str | None = None  # the approval this version was published under
    questions: list[Question] = field(default_factory=list)  # asked before the patient decides

    def __post_init__(self) -> None:
        check_content(self.items, self.translations, self.questions)

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def revise(
        self,
        items: list[Item],
        translations: dict[str, Translation],
        requires_reconsent: bool,
        questions: list[Question] | None = None,
    ) -> None:
        if self.is_published:
            raise Conflict(f"version {self.version} is published and can no longer change")
        check_content(items, translations, questions or [])
        self.items, self.translations = items, translations
        self.requires_reconsent = requires_reconsent
        self.questions = questions or []

    def publish(self, ethics_reference: str, now: datetime) -> None:
        if self.is_published:
            raise Conflict(f"version {self.version} is already published")
        self.ethics_reference = ethics_reference
        self.status = PUBLISHED
        self.published_at = now
        self.content_hash = content_hash(self.content())

    def content(self) -> dict[str, Any]:
        """What the hash covers: everything a patient reads, answers and ticks. A form without
        questions has no question keys at all, so hashes sealed before questions existed
        still verify."""
        content: dict[str, Any] = {
            "trial_id": str(self.trial_id),
            "version": self.version,
            "items": [{"key": i.key, "mandatory": i.mandatory} for i in self.items],
            "translations": {
                code: {
                    "title": t.title,
                    "summary": t.summary,
                    "sheet_url": t.sheet_url,
                    "items": dict(t.items),
                }
                for code, t in sorted(self.translations.items())
            },
            "requires_reconsent": self.requires_reconsent,
            "ethics_reference": self.ethics_reference,
        }
        if self.questions:
            content["questions"] = [question_as_json(q) for q in self.questions]
            translations: dict[str, dict[str, Any]] = content["translations"]
            for code, t in self.translations.items():
                translations[code]["questions"] = {
                    key: words.as_json() for key, words in sorted(t.questions.items())
                }
        return content

    def verifies(self) -> bool:
        return self.content_hash == content_hash(self.content())

    def language_for(self, wanted: str) -> str:
        """The translation to show: the patient's language, its fallbacks, then English."""
        for code in languages.fallbacks(wanted):
            if code in self.translations:
                return code
        return next(iter(sorted(self.translations)))

    def mandatory_keys(self) -> set[str]:
        return {i.key for i in self.items if i.mandatory}


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_content(
    items: list[Item], translations: dict[str, Translation], questions: list[Question]
) -> None:
    errors: list[FieldError] = check_questions(
        questions, {code: t.questions for code, t in translations.items()}
    )
    keys = [i.key for i in items]
    if not items:
        errors.append(FieldError("items", "a form needs at least one item"))
    if len(set(keys)) != len(keys):
        errors.append(FieldError("items", "item keys must be unique"))
    if not any(i.mandatory for i in items):
        errors.append(FieldError("items", "at least one item must be mandatory"))
    if "en" not in translations:
        errors.append(FieldError("translations.en", "an English translation is required"))
    for code, translation in translations.items():
        if not languages.is_text_language(code):
            errors.append(FieldError(f"translations.{code}", "not a language we know"))
        if set(translation.items) != set(keys):
            errors.append(
                FieldError(f"translations.{code}.items", "must give words for exactly the items")
            )
        if not translation.sheet_url.startswith(("https://", "http://")):
            errors.append(FieldError(f"translations.{code}.sheet_url", "must be a web address"))
    if errors:
        raise InvalidInput("the consent form is not complete", errors)
