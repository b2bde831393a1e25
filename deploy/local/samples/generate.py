"""Write a synthetic patient list for a Birmingham inner-city practice, as EMIS would export it.

Fictional people only: NHS numbers from the 999 range the NHS keeps for test data, mobile
numbers that only ever reach the fake Twilio server, landlines from Ofcom's drama range.
The mix of ethnic groups, languages and deprivation is roughly that of a practice in
Sparkbrook or Small Heath (Census 2021, IMD 2019); a few rows are wrong on purpose, as
real exports are, so that the import's error report has something to say.

    .venv/bin/python -m deploy.local.samples.generate   # rewrites birmingham_practice_list.csv
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from services.registry.domain.demographics import ETHNIC_CATEGORIES
from services.registry.entrypoints.demo import synthetic_nhs_number

SEED = 20261123
ROWS = 2500
OUT = Path(__file__).parent / "birmingham_practice_list.csv"
TODAY = date(2026, 11, 23)

# (ethnic category code, share, [(language as the GP system writes it, share)], names key)
GROUPS = [
    (
        "J",
        0.38,
        [("English", 0.45), ("Urdu", 0.3), ("Panjabi", 0.12), ("Pashto", 0.08), ("Mirpuri", 0.02)],
        "pk",
    ),
    ("K", 0.10, [("English", 0.4), ("Bengali", 0.25), ("Sylheti", 0.35)], "bd"),
    ("A", 0.13, [("English", 1.0)], "gb"),
    ("H", 0.05, [("English", 0.55), ("Panjabi", 0.3), ("Gujarati", 0.15)], "in"),
    ("N", 0.07, [("English", 0.5), ("Somali", 0.3), ("Tigrinya", 0.1), ("Amharic", 0.1)], "af"),
    ("M", 0.03, [("English", 1.0)], "gb"),
    ("L", 0.04, [("English", 0.6), ("Pashto", 0.2), ("Persian", 0.2)], "pk"),
    ("S", 0.06, [("Arabic", 0.6), ("English", 0.3), ("Kurdish", 0.1)], "ar"),
    ("C", 0.06, [("Polish", 0.4), ("Romanian", 0.4), ("English", 0.2)], "eu"),
    ("D", 0.02, [("English", 1.0)], "gb"),
    ("G", 0.02, [("English", 1.0)], "gb"),
    ("R", 0.01, [("Chinese", 0.6), ("English", 0.4)], "cn"),
    ("Z", 0.02, [("English", 1.0)], "gb"),
    ("99", 0.01, [("", 1.0)], "gb"),
]
NAMES = {
    "pk": (
        [
            "Imran",
            "Ayesha",
            "Bilal",
            "Fatima",
            "Usman",
            "Zainab",
            "Hamza",
            "Maryam",
            "Asif",
            "Nazia",
        ],
        ["Hussain", "Khan", "Ali", "Akhtar", "Iqbal", "Mahmood", "Rashid", "Bibi", "Shah", "Butt"],
    ),
    "bd": (
        ["Rahima", "Abdul", "Shirin", "Jamal", "Nasrin", "Habib", "Rumana", "Sohel"],
        ["Begum", "Miah", "Uddin", "Rahman", "Ahmed", "Islam", "Chowdhury", "Khatun"],
    ),
    "gb": (
        [
            "Amelia",
            "Jack",
            "Olivia",
            "Harry",
            "Sophie",
            "George",
            "Jade",
            "Liam",
            "Marcia",
            "Delroy",
        ],
        ["Hughes", "Smith", "Jones", "Taylor", "Brown", "Walker", "Campbell", "Clarke", "Wright"],
    ),
    "in": (
        ["Harpreet", "Gurdeep", "Priya", "Rajesh", "Manjit", "Sunita"],
        ["Singh", "Kaur", "Patel", "Sandhu", "Gill", "Sharma"],
    ),
    "af": (
        ["Hodan", "Abdi", "Faduma", "Yonas", "Selam", "Mohamed", "Amina"],
        ["Abdullahi", "Hassan", "Warsame", "Tesfaye", "Haile", "Farah"],
    ),
    "ar": (
        ["Omar", "Layla", "Yusuf", "Noor", "Karim", "Huda"],
        ["Al-Sayed", "Haddad", "Mansour", "Saleh", "Aziz"],
    ),
    "eu": (
        ["Zofia", "Andrei", "Katarzyna", "Ioana", "Piotr", "Mihai"],
        ["Nowak", "Popescu", "Kowalski", "Ionescu", "Wiśniewska", "Dumitru"],
    ),
    "cn": (["Wei", "Mei", "Jun", "Ling"], ["Chen", "Wong", "Li", "Zhang"]),
}
HEADER = [
    "NHS Number",
    "Given Name",
    "Surname",
    "Date of Birth",
    "Sex",
    "Mobile Telephone",
    "Main Spoken Language",
    "Interpreter Required",
    "Ethnicity",
    "IMD 2019 Decile",
]


def _pick(rng: random.Random, options: list[tuple[str, float]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _age(rng: random.Random) -> int:
    # Inner-city Birmingham is young: many children and young adults, fewer over 70.
    band = rng.choices([(0, 17), (18, 39), (40, 59), (60, 79), (80, 99)], [30, 33, 22, 12, 3])[0]
    return rng.randint(*band)


def _row(rng: random.Random, serial: int) -> list[str]:
    code, _, languages, names = rng.choices(GROUPS, weights=[g[1] for g in GROUPS])[0]
    given, family = NAMES[names]
    age = _age(rng)
    born = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
    language = _pick(rng, languages) if age >= 16 else "English"
    phone_kind = rng.random()
    if phone_kind < 0.82:
        phone = f"07400 {rng.randint(100000, 999999)}"
    elif phone_kind < 0.94:
        phone = f"0121 496 0{rng.randint(0, 999):03d}"
    else:
        phone = ""
    group, label = ETHNIC_CATEGORIES[code]
    return [
        synthetic_nhs_number(100_000 + serial * 3),
        rng.choice(given),
        rng.choice(family),
        born.strftime("%d/%m/%Y"),
        rng.choice(["Female", "Male"]),
        phone,
        language,
        "Yes" if language not in ("English", "") and rng.random() < 0.4 else "No",
        label if group == label else f"{group} - {label}",
        str(rng.choices(range(1, 11), [55, 25, 8, 4, 3, 2, 1, 1, 0.5, 0.5])[0]),
    ]


def _spoil(rng: random.Random, rows: list[list[str]]) -> None:
    """A few of the mistakes real exports carry."""
    rows[17][0] = "0000000000"  # placeholder NHS number
    rows[42][0] = rows[42][0][:-1] + str((int(rows[42][0][-1]) + 1) % 10)  # mistyped digit
    rows[99][3] = "31/02/1975"  # no such day
    rows[150][3] = (TODAY + timedelta(days=30)).strftime("%d/%m/%Y")  # in the future
    rows[233][5] = "07400 12"  # cut short
    rows[301][2] = ""  # no surname
    rows[377][8] = "Arab"  # a 2011 census group, not a Data Dictionary code
    rows[512][9] = "11"  # no such decile
    rows[640][6] = "Patwari"  # misspelt Potwari: imported as an unknown language, noted
    rows.insert(800, list(rows[799]))  # the same patient twice


def main() -> None:
    rng = random.Random(SEED)  # noqa: S311 - a fixed seed for a reproducible sample, not secrets
    rows = [_row(rng, serial) for serial in range(ROWS)]
    _spoil(rng, rows)
    with OUT.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"wrote {len(rows)} patients to {OUT}")


if __name__ == "__main__":
    main()
