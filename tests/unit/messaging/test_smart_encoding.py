"""Smart encoding: look-alike punctuation is replaced only where that makes a text GSM-7."""

from __future__ import annotations

from services.messaging.domain.segments import cost, smart_encode
from shared.sms_segments import count_segments


def test_curly_quotes_and_dashes_in_english_become_plain_and_the_text_gsm7() -> None:
    text = "Your GP\u2019s study \u2013 \u201cHeart\u201d\u2026 Reply YES"
    assert count_segments(text).encoding == "UCS-2"
    encoded = smart_encode(text)
    assert encoded == 'Your GP\'s study - "Heart"... Reply YES'
    assert count_segments(encoded).encoding == "GSM-7"


def test_a_non_breaking_space_and_zero_width_space_do_not_force_ucs2() -> None:
    assert smart_encode("Reply\u00a0YES\u200b") == "Reply YES"


def test_a_polish_text_stays_as_written_because_it_is_ucs2_anyway() -> None:
    text = "Odpowiedz \u201eTAK\u201d \u2013 dzi\u0119kujemy"
    assert smart_encode(text) == text


def test_smart_encoding_saves_parts_on_a_long_english_text() -> None:
    text = ("It\u2019s your choice \u2013 " * 8).strip()
    assert count_segments(text).segments == 3
    assert count_segments(smart_encode(text)).segments == 1


def test_cost_is_parts_times_the_price() -> None:
    assert cost(7, 0.04) == 0.28
