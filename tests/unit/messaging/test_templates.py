"""Templates: placeholders checked at save time, and the fallback to English."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from services.messaging.domain.templates import (
    DEFAULT_SCOPE,
    KINDS,
    Template,
    check_template,
    choose,
)
from services.messaging.domain.texts import consent_notification_text
from shared.errors import InvalidInput
from shared.languages import UNKNOWN
from shared.sms_segments import count_segments

SHIPPED = Path("services/messaging/migrations/data/templates_0002.json")
# Texts shipped later, each file with the migration that seeds it.
SHIPPED_LATER = (
    Path("services/messaging/migrations/data/templates_0006.json"),
    Path("services/messaging/migrations/data/templates_0008.json"),
    Path("services/messaging/migrations/data/templates_0012.json"),
)


def all_shipped() -> dict[str, dict[str, str]]:
    shipped: dict[str, dict[str, str]] = json.loads(SHIPPED.read_text(encoding="utf-8"))
    for later in SHIPPED_LATER:
        for language, kinds in json.loads(later.read_text(encoding="utf-8")).items():
            shipped.setdefault(language, {}).update(kinds)
    return shipped


REQUIRED_LANGUAGES = {"en", "ur", "pa", "pa-Arab", "bn", "pl", "ro", "ar", "so", "zh", "gu"}


def reasons(error: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str, str]]:
    return [(e.field, e.reason) for e in error.value.errors]


def test_an_unknown_placeholder_is_refused_naming_the_body_and_the_placeholder() -> None:
    with pytest.raises(InvalidInput) as error:
        check_template("invitation", "en", "Study {title} {tittle}, see {info_url}")
    [(field, reason)] = reasons(error)
    assert field == "body"
    assert reason.startswith("unknown placeholder {tittle}")


def test_a_missing_required_placeholder_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        check_template("consent_link", "ur", "یہاں پڑھیں")
    assert reasons(error) == [("body", "missing placeholder {link}")]


def test_broken_braces_and_format_specs_are_refused() -> None:
    for body in ("Study {title", "Study {title!r} {info_url}", "Study {title:>9} {info_url}"):
        with pytest.raises(InvalidInput) as error:
            check_template("invitation", "en", body)
        assert reasons(error)[0][0] == "body"


def test_an_unknown_kind_and_language_are_each_named() -> None:
    with pytest.raises(InvalidInput) as error:
        check_template("postcard", "xx", "hello")
    assert [f for f, _ in reasons(error)] == ["kind", "language"]


def test_a_good_template_passes() -> None:
    check_template("invitation", "pa-Arab", "{title} — {info_url} {short_name}")


def template(scope: str, kind: str, language: str, version: int) -> Template:
    return Template(scope, kind, language, version, f"{scope}/{language}/v{version}")


def test_the_trials_own_newest_version_wins_over_the_default() -> None:
    trial = str(uuid.uuid4())
    found = choose(
        [
            template(DEFAULT_SCOPE, "invitation", "ur", 3),
            template(trial, "invitation", "ur", 1),
            template(trial, "invitation", "ur", 2),
        ],
        "invitation",
        "ur",
        trial,
    )
    assert found is not None and found.body == f"{trial}/ur/v2"


def test_a_language_without_a_template_falls_back_through_its_chain_to_english() -> None:
    shipped = [template(DEFAULT_SCOPE, "invitation", c, 1) for c in ("en", "bn")]
    sylheti = choose(shipped, "invitation", "syl", "t")  # Sylheti readers read Bengali
    tamil = choose(shipped, "invitation", "ta", "t")
    assert sylheti is not None and sylheti.language == "bn"
    assert tamil is not None and tamil.language == "en"


def test_a_patient_of_unknown_language_gets_the_english_text() -> None:
    shipped = [template(DEFAULT_SCOPE, "invitation", c, 1) for c in ("en", "ur", "bn")]
    found = choose(shipped, "invitation", UNKNOWN, "t")
    assert found is not None and found.language == "en"


def test_no_text_is_written_in_the_unknown_language() -> None:
    with pytest.raises(InvalidInput) as error:
        check_template("invitation", UNKNOWN, "{title} {info_url} {short_name}")
    assert [f for f, _ in reasons(error)] == ["language"]


def test_no_template_of_the_kind_is_none() -> None:
    assert choose([template(DEFAULT_SCOPE, "help", "en", 1)], "reminder", "en", "t") is None


def test_every_shipped_template_passes_its_own_checks_in_every_required_language() -> None:
    shipped = all_shipped()
    assert set(shipped) >= REQUIRED_LANGUAGES
    for language, kinds in shipped.items():
        assert set(kinds) == set(KINDS), language
        for kind, body in kinds.items():
            check_template(kind, language, body)


def test_the_english_invitation_says_who_why_voluntary_how_to_answer_stop_and_more() -> None:
    body = json.loads(SHIPPED.read_text(encoding="utf-8"))["en"]["invitation"]
    for words in ("Your GP practice", "research study", "your choice", "Reply YES", "NO", "STOP"):
        assert words in body
    assert "{info_url}" in body
    rendered = body.format(
        title="Finding irregular heart rhythm early", short_name="AF", info_url="https://x.nhs.uk/a"
    )
    assert count_segments(rendered).encoding == "GSM-7"


@pytest.mark.parametrize("language", sorted(REQUIRED_LANGUAGES))
def test_the_unclear_answer_offers_yes_no_and_call_and_the_check_asks_for_start(
    language: str,
) -> None:
    texts = all_shipped()[language]
    for keyword in ("YES", "NO", "CALL"):
        assert keyword in texts["unclear"], (language, keyword)
    assert "START" in texts["opt_in_check"], language
    assert count_segments(texts["unclear"]).segments <= 3


def test_the_languages_shared_says_we_ship_texts_in_are_the_shipped_ones() -> None:
    from shared.languages import TEXTS

    assert set(json.loads(SHIPPED.read_text(encoding="utf-8"))) == TEXTS


def test_the_plain_english_confirmation_carries_the_copy_link_when_there_is_one() -> None:
    """Before a trial's settings reach messaging the plain English text goes: with the link."""
    link = "https://consent.example/copy/AAAA.BBBB"
    with_link = consent_notification_text("consent_confirmation", "AF", link)
    assert f"Your copy of the consent form: {link} Open your link" in with_link
    without = consent_notification_text("consent_confirmation", "AF", None)
    assert "copy of the consent form:" not in without and "  " not in without


AWAITING = "consent_awaiting_confirmation"
AWAITING_WITH_COPY = Path("services/messaging/migrations/data/templates_0020.json")
CONFIRMING_WITH_COPY = Path("services/messaging/migrations/data/templates_0018.json")


def test_the_awaiting_text_of_0020_adds_the_copy_link_in_the_confirming_texts_words() -> None:
    """Migration 0020: the 0012 words unchanged, then the copy sentence of 0018, per language."""
    later = json.loads(AWAITING_WITH_COPY.read_text(encoding="utf-8"))
    confirming = json.loads(CONFIRMING_WITH_COPY.read_text(encoding="utf-8"))
    before = all_shipped()
    assert set(later) == REQUIRED_LANGUAGES
    for language, kinds in later.items():
        body = kinds[AWAITING]
        check_template(AWAITING, language, body)  # {link} is one of its placeholders
        assert body.startswith(before[language][AWAITING]), language
        copy_sentence = body[len(before[language][AWAITING]) :].strip()
        assert copy_sentence.endswith("{link}"), language
        assert confirming[language]["consent_confirmation"].endswith(copy_sentence), language


def test_the_plain_english_awaiting_text_carries_the_copy_link_when_there_is_one() -> None:
    link = "https://consent.example/copy/AAAA.BBBB"
    with_link = consent_notification_text(AWAITING, "AF", link)
    assert with_link.endswith(f"we will text you then. Your copy of the consent form: {link}")
    without = consent_notification_text(AWAITING, "AF", None)
    assert without.endswith("we will text you then.") and "copy" not in without
