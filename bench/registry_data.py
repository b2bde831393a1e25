"""Synthetic practice lists for the registry benchmarks: valid, varied, and streamed."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

HEADER = [
    "NHS Number",
    "Forename",
    "Surname",
    "Date of Birth",
    "Sex",
    "Mobile",
    "Main spoken language",
    "Interpreter required",
    "Ethnicity",
    "IMD decile",
    "IMD edition",
]
LANGUAGES = ["English"] * 12 + ["Urdu", "Panjabi", "Bengali", "Sylheti", "Polish", "Somali"]
ETHNIC = ["A", "A", "A", "J", "J", "K", "H", "N", "M", "C", "S", "Z", "99", "L"]
GIVEN = ["Amelia", "Imran", "Zofia", "Rahima", "Jack", "Fatima", "Hodan", "Harpreet"]
FAMILY = ["Hughes", "Hussain", "Nowak", "Begum", "Smith", "Khan", "Abdi", "Singh"]


def nhs_numbers(start: int = 400_000_000) -> Iterator[str]:
    """Valid NHS numbers in order (the 4xx range), skipping those without a check digit."""
    serial = start
    while True:
        first_nine = f"{serial:09d}"
        total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            yield f"{first_nine}{check}"
        serial += 1


def rows(count: int, seed: int = 4) -> Iterator[list[str]]:
    rng = random.Random(seed)
    numbers = nhs_numbers()
    for _ in range(count):
        year, month, day = rng.randint(1930, 2024), rng.randint(1, 12), rng.randint(1, 28)
        yield [
            next(numbers),
            rng.choice(GIVEN),
            rng.choice(FAMILY),
            f"{day:02d}/{month:02d}/{year}"
            if rng.random() < 0.5
            else f"{year}-{month:02d}-{day:02d}",
            rng.choice(("F", "M")),
            f"07400 {rng.randint(100000, 999999)}" if rng.random() < 0.9 else "0121 496 0000",
            rng.choice(LANGUAGES),
            rng.choice(("Y", "N", "")),
            rng.choice(ETHNIC),
            str(rng.randint(1, 10)),
            "2019",
        ]


def write_csv(path: Path, count: int) -> int:
    """Write `count` patients a row at a time (never a list of them); returns the size."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        for row in rows(count):
            writer.writerow(row)
    return path.stat().st_size
