"""Postal addresses for letters: up to three lines, a town and a UK postcode.

No maintained library checks UK postcodes offline (the ones on PyPI are unmaintained or call
a web API), so the rule is the format in the UK Government Data Standards Catalogue (BS 7666):
an outward code (area, district, optional sub-district letter) and an inward code (a sector
digit and two unit letters from a restricted set), plus GIR 0AA. A postcode is normalised to
capitals with one space before the inward code. The format does not prove the postcode is in
use: Royal Mail's address file would, and it is licensed (decision 0029).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from shared.errors import FieldError, InvalidInput

MAX_LINE_CHARS = 100
MAX_TOWN_CHARS = 60
ADDRESS_FIELDS = ("address_line_1", "address_line_2", "address_line_3", "town", "postcode")

# The outward code: A9, A99, AA9, AA99, A9A or AA9A; the inward code: 9AA. Letters by position
# as BS 7666 allows them (Q, V, X never first; I, J, Z never second; C, I, K, M, O, V never in
# the unit).
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9]{1,2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(rf"(?:{_OUTWARD}{_INWARD}|GIR0AA)")


def parse_postcode(raw: str, field: str = "postcode") -> str:
    """The postcode in its normal form ("B18 4BX"), or InvalidInput naming the field."""
    compact = "".join(raw.split()).upper()
    if not compact:
        raise InvalidInput.for_field(field, "is required")
    if not _POSTCODE.fullmatch(compact):
        raise InvalidInput.for_field(
            field, f"{raw.strip()[:12]!r} is not a UK postcode (for example B18 4BX)"
        )
    return f"{compact[:-3]} {compact[-3:]}"


@dataclass(frozen=True, slots=True)
class PostalAddress:
    line_1: str
    line_2: str | None
    line_3: str | None
    town: str
    postcode: str


def _clean(raw: str | None) -> str:
    return " ".join((raw or "").split())


def parse_address(values: dict[str, str | None]) -> PostalAddress | None:
    """An address from its fields, None when every field is blank; every wrong field is
    reported at once. A letter needs the first line, the town and the postcode."""
    cleaned = {name: _clean(values.get(name)) for name in ADDRESS_FIELDS}
    if not any(cleaned.values()):
        return None
    errors: list[FieldError] = []
    for name in ("address_line_1", "town"):
        if not cleaned[name]:
            errors.append(FieldError(name, "is required for a postal address"))
    for name in ("address_line_1", "address_line_2", "address_line_3"):
        if len(cleaned[name]) > MAX_LINE_CHARS:
            errors.append(FieldError(name, f"is longer than {MAX_LINE_CHARS} characters"))
    if len(cleaned["town"]) > MAX_TOWN_CHARS:
        errors.append(FieldError("town", f"is longer than {MAX_TOWN_CHARS} characters"))
    postcode = ""
    try:
        postcode = parse_postcode(cleaned["postcode"])
    except InvalidInput as exc:
        errors.extend(exc.errors or [FieldError("postcode", exc.detail)])
    if errors:
        raise InvalidInput("the postal address is not complete or not valid", errors)
    return PostalAddress(
        line_1=cleaned["address_line_1"],
        line_2=cleaned["address_line_2"] or None,
        line_3=cleaned["address_line_3"] or None,
        town=cleaned["town"],
        postcode=postcode,
    )


_YES = {"y", "yes", "true", "1", "t"}
_NO = {"", "n", "no", "false", "0", "f"}


def parse_large_print(raw: str | None, field: str = "large_print") -> bool:
    text = (raw or "").strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise InvalidInput.for_field(field, f"{(raw or '')[:20]!r} is not yes or no")


@dataclass(frozen=True)
class LetterRecipient:
    """Who a letter goes to, for messaging's letters only (shared/letter_recipients.py's
    LetterRecipient is its wire form)."""

    participant_id: uuid.UUID
    name: str
    address_lines: tuple[str, ...]
    large_print: bool
    practice_ods: str
    practice_name: str

    @classmethod
    def of(
        cls,
        participant_id: uuid.UUID,
        name: str,
        lines: Sequence[str | None],
        large_print: bool,
        practice_ods: str,
        practice_name: str,
    ) -> LetterRecipient:
        """Blank lines of the stored address are left out."""
        kept = tuple(line for line in lines if line)
        return cls(participant_id, name, kept, large_print, practice_ods, practice_name)
