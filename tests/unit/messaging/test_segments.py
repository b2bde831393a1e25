"""SMS parts and encodings, as the preview and the fake Twilio server count them."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.messaging.domain.segments import measure
from shared.sms_segments import GSM7_BASIC, GSM7_EXTENSION, SegmentInfo, count_segments

# Urdu ends a sentence with its own full stop (U+06D4), which ruff takes for a look-alike.
URDU_INVITATION = "السلام علیکم، آپ کی GP سرجری ایک دل کی تحقیق کے لیے لوگوں کو مدعو کر رہی ہے۔"  # noqa: RUF001
gsm7_text = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=700)
any_text = st.text(max_size=500)


def test_a_short_english_text_is_one_gsm7_part() -> None:
    assert count_segments("hello") == SegmentInfo("GSM-7", 5, 1, 160)


def test_an_empty_text_takes_no_part() -> None:
    assert count_segments("") == SegmentInfo("GSM-7", 0, 0, 160)


@pytest.mark.parametrize(
    ("length", "segments", "limit"),
    [(160, 1, 160), (161, 2, 153), (306, 2, 153), (307, 3, 153), (459, 3, 153)],
)
def test_gsm7_holds_160_in_one_part_and_153_per_part_when_split(
    length: int, segments: int, limit: int
) -> None:
    info = count_segments("a" * length)
    assert (info.encoding, info.units, info.segments, info.per_segment_limit) == (
        "GSM-7",
        length,
        segments,
        limit,
    )


def test_the_euro_sign_takes_two_septets() -> None:
    assert count_segments("€").units == 2
    assert count_segments("a" * 158 + "€") == SegmentInfo("GSM-7", 160, 1, 160)
    assert count_segments("a" * 159 + "€").segments == 2


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION))
def test_every_extension_character_takes_two_septets(char: str) -> None:
    assert count_segments(char) == SegmentInfo("GSM-7", 2, 1, 160)


def test_an_escape_sequence_is_never_split_across_parts() -> None:
    # 306 septets would fit two parts of 153, but the euro sign cannot straddle them.
    info = count_segments("a" * 152 + "€" + "a" * 152)
    assert (info.units, info.segments) == (306, 3)


def test_one_polish_letter_makes_the_whole_text_ucs2() -> None:
    info = count_segments("Dzień dobry")
    assert (info.encoding, info.units, info.segments, info.per_segment_limit) == (
        "UCS-2",
        11,
        1,
        70,
    )
    assert count_segments("ą").encoding == "UCS-2"


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_holds_70_in_one_part_and_67_per_part_when_split(length: int, segments: int) -> None:
    info = count_segments("ą" * length)
    assert (info.encoding, info.segments) == ("UCS-2", segments)
    assert info.per_segment_limit == (70 if segments == 1 else 67)


def test_an_emoji_counts_two_utf16_units() -> None:
    assert count_segments("👍") == SegmentInfo("UCS-2", 2, 1, 70)
    assert count_segments("ą" * 68 + "👍").segments == 1
    assert count_segments("ą" * 69 + "👍").segments == 2


def test_a_surrogate_pair_is_never_split_across_parts() -> None:
    # 134 units would fit two parts of 67, but the emoji cannot straddle them.
    info = count_segments("ą" * 66 + "👍" + "ą" * 66)
    assert (info.units, info.segments) == (134, 3)


def test_urdu_is_ucs2() -> None:
    info = count_segments(URDU_INVITATION)
    assert info.encoding == "UCS-2"
    assert info.units == len(URDU_INVITATION)
    assert info.segments == 2


@given(gsm7_text)
def test_gsm7_texts_count_extension_characters_twice(text: str) -> None:
    info = count_segments(text)
    assert info.encoding == "GSM-7"
    assert info.units == len(text) + sum(ch in GSM7_EXTENSION for ch in text)


@given(any_text)
def test_ucs2_units_are_utf16_code_units(text: str) -> None:
    info = count_segments(text)
    if info.encoding == "UCS-2":
        assert any(ch not in GSM7_BASIC | GSM7_EXTENSION for ch in text)
        assert info.units == len(text.encode("utf-16-le")) // 2


@given(st.one_of(gsm7_text, any_text))
def test_parts_are_as_few_as_the_limits_allow(text: str) -> None:
    info = count_segments(text)
    single, multi = (160, 153) if info.encoding == "GSM-7" else (70, 67)
    if info.units == 0:
        assert info.segments == 0
    elif info.units <= single:
        assert (info.segments, info.per_segment_limit) == (1, single)
    else:
        # At least the plain division; at most one unit lost per part to an unsplittable pair.
        assert info.per_segment_limit == multi
        assert math.ceil(info.units / multi) <= info.segments <= math.ceil(info.units / (multi - 1))


@given(st.one_of(gsm7_text, any_text), st.characters())
def test_adding_a_character_never_takes_fewer_parts(text: str, char: str) -> None:
    assert count_segments(text + char).segments >= count_segments(text).segments


def test_measure_names_the_characters_that_make_a_text_ucs2() -> None:
    found = measure("Don\u2019t miss it\u2019s ok", price_per_segment=0.04)
    assert (found.encoding, found.characters, found.segments) == ("UCS-2", 18, 1)
    assert found.outside_gsm7 == ["\u2019"]


def test_measure_prices_each_part() -> None:
    found = measure("a" * 161, price_per_segment=0.04)
    assert (found.encoding, found.units, found.segments, found.per_segment_limit) == (
        "GSM-7",
        161,
        2,
        153,
    )
    assert found.cost == 0.08 and found.outside_gsm7 == []
