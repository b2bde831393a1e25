"""A patient list's header: which column holds which field, whatever GP system wrote it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from shared.errors import FieldError, InvalidInput

REQUIRED = ("nhs_number", "given_name", "family_name", "date_of_birth")

ALIASES: dict[str, tuple[str, ...]] = {
    "nhs_number": ("nhs number", "nhs no", "nhs", "nhsnumber", "nhs num", "patient nhs number"),
    "given_name": ("given name", "forename", "forenames", "first name", "firstname", "given"),
    "family_name": ("family name", "surname", "last name", "lastname", "family"),
    "date_of_birth": ("date of birth", "dob", "birth date", "birthdate", "d o b"),
    "sex": ("sex", "gender"),
    "mobile": (
        "mobile",
        "mobile number",
        "mobile telephone",
        "mobile telephone number",
        "mobile phone",
        "mobile phone number",
        "telephone",
        "telephone number",
        "phone",
        "phone number",
        "contact number",
    ),
    "language": (
        "language",
        "preferred language",
        "main spoken language",
        "main language",
        "first language",
        "spoken language",
    ),
    "interpreter_needed": (
        "interpreter needed",
        "interpreter required",
        "interpreter",
        "requires interpreter",
        "needs interpreter",
    ),
    "ethnic_category": (
        "ethnic category",
        "ethnicity",
        "ethnic origin",
        "ethnic group",
        "ethnic category code",
    ),
    "imd_decile": ("imd decile", "imd", "deprivation decile", "index of multiple deprivation"),
    "imd_edition": ("imd edition", "imd year", "imd version"),
    "preferred_channel": (
        "preferred channel",
        "channel",
        "contact preference",
        "preferred contact method",
        "contact method",
    ),
    # A postal address for letters (domain/postal.py) and whether letters come in large print.
    "address_line_1": ("address line 1", "address 1", "address1", "address", "house and street"),
    "address_line_2": ("address line 2", "address 2", "address2", "locality"),
    "address_line_3": ("address line 3", "address 3", "address3", "district"),
    "town": ("town", "city", "post town", "town or city", "town city"),
    "postcode": ("postcode", "post code", "postal code", "zip"),
    "large_print": ("large print", "large print letters", "needs large print"),
}
_IMD_WITH_EDITION = re.compile(r"imd (2019|2025) decile|imd decile (2019|2025)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


class FileProblem(InvalidInput):
    """The file as a whole cannot be read as a patient list."""

    title = "Unreadable patient list"


def fold(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).casefold()
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


_BY_ALIAS = {fold(alias): name for name, aliases in ALIASES.items() for alias in aliases}
_BY_ALIAS.update({fold(name): name for name in ALIASES})


@dataclass(frozen=True)
class Columns:
    """Where each field is in this file, and what the file calls it."""

    index: Mapping[str, int]
    labels: Mapping[str, str]
    implied_imd_edition: int | None
    ignored: tuple[str, ...]


def canonical(header: str) -> tuple[str | None, int | None]:
    """(field, implied IMD edition) for a column heading, or (None, None)."""
    folded = fold(header)
    with_edition = _IMD_WITH_EDITION.fullmatch(folded)
    if with_edition:
        return "imd_decile", int(with_edition.group(1) or with_edition.group(2))
    return _BY_ALIAS.get(folded), None


def map_columns(header: list[str]) -> Columns:
    if len(header) == 1:
        for delimiter, name in _OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                raise FileProblem(
                    f"the columns are separated by {name}; export the list as CSV with commas"
                )
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    edition: int | None = None
    for position, heading in enumerate(header):
        found, implied = canonical(heading)
        if found is None:
            ignored.append(heading.strip())
            continue
        name = found
        if name in index:
            raise FileProblem(
                f"columns {labels[name]!r} and {heading.strip()!r} both hold {name}",
                [FieldError(heading.strip(), f"repeats the {name} column")],
            )
        index[name], labels[name] = position, heading.strip()
        edition = implied or edition
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise FileProblem(
            f"the header has no column for {', '.join(missing)}; the first line must name "
            "the columns (for example NHS number, Forename, Surname, Date of birth)",
            [FieldError(name, "no such column in the header") for name in missing],
        )
    return Columns(index, labels, edition, tuple(ignored))
