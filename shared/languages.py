"""Languages the system knows: codes, names, direction, scripts, fallbacks.

Names, native names, scripts and direction come from CLDR through Babel, so any language
CLDR knows is one this system knows. This module keeps only what CLDR cannot know
(decision 0023):

- the names GP systems write ("Panjabi", "Mirpuri", "Bengali (Sylheti)"), and the NHS's
  coded "main spoken language" (SNOMED CT concept ids, in snomed_languages.tsv; Read v2
  codes, in read2_languages.tsv);
- the spoken languages with no common written form, and the written one their speakers
  are texted in (Sylheti in Bengali, Mirpuri in Urdu, Cantonese in traditional Chinese);
- the script a patient reads where a language has two (Panjabi in Gurmukhi or in
  Shahmukhi, Chinese simplified or traditional), as BCP 47 script subtags;
- which languages the system ships texts for, and the best fallback for the others.

Codes are BCP 47 tags: the shortest ISO 639 code, plus a script where one language is
written two ways. Stored codes from before CLDR (pa, pa-Arab, zh, syl, phr) mean what
they did. `LANGUAGES` lists the languages offered in lists (the West Midlands' main
languages); looking up any other code CLDR knows also works (`"kri" in LANGUAGES`).

A patient whose language a practice list does not say, or names in a way we cannot read
("Not known", "Creole"), speaks `UNKNOWN` (CLDR's "und"): a code that can be stored and
looked up, is texted in English, and is never a language a text, page or form is written
in (`is_text_language`) nor one `parse_language` reads from input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError, localedata
from babel.core import get_global

from shared import language_codes
from shared.language_codes import READ2_LANGUAGES as READ2_LANGUAGES
from shared.language_codes import SNOMED_LANGUAGES as SNOMED_LANGUAGES

RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand"})


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in English, as staff read it
    native: str  # as the patient reads it, for language switches
    rtl: bool = False
    # The language a text is written in for this one's readers, when there is no text
    # in it: Sylheti speakers read Bengali; Czech readers Slovak.
    fallback: str | None = None
    aliases: tuple[str, ...] = ()
    script: str | None = None  # ISO 15924, as CLDR's likely script for the language
    spoken_only: bool = False  # no common written form: texted in `fallback`


# What CLDR does not know. Names where the NHS's differs from CLDR's English name
# (CLDR says "Bangla", "Central Kurdish"; GP systems and staff say Bengali, Sorani).
_STAFF_NAMES = {
    "bn": "Bengali",
    "pa": "Punjabi (Gurmukhi)",
    "pa-Arab": "Punjabi (Shahmukhi)",
    "ckb": "Kurdish (Sorani)",
    "ku": "Kurdish (Kurmanji)",
    "fa": "Persian (Farsi)",
    "zh": "Chinese (simplified)",
    "zh-Hant": "Chinese (traditional)",
    "yue": "Cantonese",
    "syl": "Sylheti",
    "phr": "Pahari-Pothwari (Mirpuri)",
    "kfr": "Kutchi",  # CLDR has the code (Read's 13lA.) but no name
}
# Spoken languages CLDR has no locale for, or none with a usable native name.
_NATIVE_NAMES = {
    "syl": "সিলেটি",
    "phr": "پہاڑی",
    "pa-Arab": "پنجابی (شاہ مکھی)",
    "zh": "中文 (简体)",
}
# Spoken languages texted in another, and the script of each (CLDR has no data for phr).
_SPOKEN_ONLY = {
    "syl": ("bn", "Beng"),
    "phr": ("ur", "Arab"),
    "yue": ("zh-Hant", "Hant"),
    "hak": ("zh-Hant", "Hant"),  # Hakka: its own speech; a call in Cantonese is not it
}
# The best text for readers of a language we have no text in: a language they are
# likely to read (Slovak and Czech readers read each other's; Shahmukhi readers Urdu).
_FALLBACKS = {"cs": "sk", "sk": "cs", "zh-Hant": "zh", "zh-Hans": "zh", "pa-Arab": "ur"}
# Codes that mean another: CLDR's aliases cover ISO 639-2 and most of 639-3; these are
# the GP system spellings and the script variants stored before CLDR.
_ALIASES: dict[str, tuple[str, ...]] = {
    "ur": ("urd",),
    "pa": ("panjabi", "punjabi", "pa-guru", "punjabi gurmukhi", "panjabi gurmukhi", "gurmukhi"),
    "pa-Arab": (
        "pnb",
        "lah",
        "shahmukhi",
        "punjabi shahmukhi",
        "panjabi shahmukhi",
        "western punjabi",
        "panjabi pakistani",
        "punjabi pakistani",
    ),
    "phr": (
        "mirpuri",
        "pahari",
        "pothwari",
        "potwari",
        "pothohari",
        "pahari pothwari",
        "pahari potwari",
        "hno",
    ),
    "bn": ("bangla", "bengali"),
    "syl": ("sylheti", "bengali sylheti", "sylheti bengali"),
    "ro": ("moldovan",),
    "zh": (
        "chinese",
        "mandarin",
        "mandarin chinese",
        "cmn",
        "zh-hans",
        "chinese simplified",
        "putonghua",
    ),
    "zh-Hant": ("chinese traditional", "zh-tw", "zh-hk"),
    "yue": ("cantonese", "chinese cantonese"),
    "hak": ("hakka",),
    "fa": ("farsi", "persian", "dari", "prs", "farsi persian"),
    "ps": ("pashtu", "pushto", "pakhto"),
    "ckb": ("sorani", "kurdish sorani", "sorani kurdish", "central kurdish"),
    "ku": ("kurmanji", "kurdish", "kurdish kurmanji", "northern kurdish", "kmr"),
    "es": ("castilian",),
    "ne": ("nepalese",),
    "so": ("somalian",),
    "ti": ("tigrigna", "tigrinia"),
    "gu": ("gujerati",),
    "sq": ("albanian kosovan",),
    # Not listed, so CLDR's names alone would not find them: GP systems' unambiguous names.
    "jam": ("patois", "jamaican patois", "jamaican creole", "jamaican"),
    "ga": ("irish gaelic", "gaelic irish"),
}
# The languages offered in lists, in order: the West Midlands' main languages. Every
# other language CLDR knows is still accepted and kept.
LISTED = (
    "en", "ur", "pa", "pa-Arab", "phr", "bn", "syl", "pl", "ro", "ar", "so", "zh",
    "zh-Hant", "yue", "gu", "fa", "ps", "ckb", "ku", "hi", "ta", "ti", "am", "tr", "pt",
    "es", "fr", "lt", "lv", "cs", "sk", "bg", "hu", "ru", "uk", "sq", "ne", "vi", "it",
    "sw",
)  # fmt: skip
# The languages the system ships texts for (messaging's shipped templates; a test keeps
# the two in step). Patients of any other language are texted in the best of these.
TEXTS = frozenset({"en", "ur", "pa", "pa-Arab", "bn", "pl", "ro", "ar", "so", "zh", "gu"})
# What GP exports write for "no language recorded": not Nauruan ("na") or Norwegian
# ("no"), which are written out as names when meant.
_PLACEHOLDERS = frozenset({"na", "n a", "no", "none", "nil", "unknown", "not known", "nk"})
# The language of a patient whose list does not say which they speak (CLDR's "und").
UNKNOWN = "und"
_UNKNOWN_NAME = "Unknown language"
# CLDR codes that are not languages a patient speaks (UNKNOWN is kept, but built apart).
_NOT_LANGUAGES = frozenset({UNKNOWN, "zxx", "mul", "mis"})

_ENGLISH = Locale("en")
_CLDR_ALIASES: Mapping[str, str] = get_global("language_aliases")
_LIKELY: Mapping[str, str] = get_global("likely_subtags")
_SPOKEN_SOMEWHERE = frozenset(
    lang for langs in get_global("territory_languages").values() for lang in langs
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[()\[\],;:/_\-]+", " ", text)
    return " ".join(text.split())


def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def _script(code: str) -> str | None:
    if "-" in code:
        return code.split("-")[1]
    if code in _SPOKEN_ONLY:
        return _SPOKEN_ONLY[code][1]
    likely = _LIKELY.get(code)
    parts = likely.split("_") if likely else []
    return parts[1] if len(parts) > 1 and len(parts[1]) == 4 else None


def _known_to_cldr(code: str) -> bool:
    base = code.split("-")[0]
    # localedata.exists reads no locale file: this runs for each of CLDR's ~600 names.
    return base not in _NOT_LANGUAGES and (
        base in _SPOKEN_SOMEWHERE or localedata.exists(base) or base in _SPOKEN_ONLY
    )


@cache
def _build(code: str) -> Language | None:
    if code == UNKNOWN:  # no script, direction or fallback: texts go in English
        return Language(code=UNKNOWN, name=_UNKNOWN_NAME, native=_UNKNOWN_NAME)
    if code not in _STAFF_NAMES and not _known_to_cldr(code):
        return None
    locale = _locale(code)
    base = code.split("-")[0]
    if code in _STAFF_NAMES:
        name = _STAFF_NAMES[code]
    elif locale is not None:
        name = locale.get_display_name(_ENGLISH) or code
    else:
        name = _ENGLISH.languages.get(base, code)
    if code in _NATIVE_NAMES:
        native = _NATIVE_NAMES[code]
    elif locale is not None:
        native = locale.get_display_name(locale) or name
    else:
        native = name
    native = native[:1].upper() + native[1:]  # "polski" heads a list as "Polski"
    script = _script(code)
    spoken_only = code in _SPOKEN_ONLY
    fallback = _SPOKEN_ONLY[code][0] if spoken_only else _FALLBACKS.get(code)
    return Language(
        code=code,
        name=name,
        native=native,
        rtl=script in RTL_SCRIPTS
        or (locale is not None and script is None and locale.text_direction == "rtl"),
        fallback=fallback,
        aliases=_ALIASES.get(code, ()),
        script=script,
        spoken_only=spoken_only,
    )


class _Languages(Mapping[str, Language]):
    """The listed languages when iterated; any language CLDR knows when looked up."""

    def __init__(self, listed: tuple[str, ...]) -> None:
        self._listed = {code: _build(code) for code in listed}

    def __getitem__(self, code: str) -> Language:
        found = self._listed.get(code) or (_lookup(code) if isinstance(code, str) else None)
        if found is None:
            raise KeyError(code)
        return found

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and (code in self._listed or _lookup(code) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._listed)

    def __len__(self) -> int:
        return len(self._listed)


@lru_cache(maxsize=4096)
def _lookup(code: str) -> Language | None:
    """A code written exactly as the system stores it ("ti", "pa-Arab")."""
    if not code or code != code.strip() or _canonical(code) != code:
        return None
    return _build(code)


def _canonical(code: str) -> str | None:
    """The stored form of a BCP 47 tag or ISO 639 code: "PA-arab" -> "pa-Arab"."""
    parts = code.replace("_", "-").split("-")
    if not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
        return None
    base = parts[0].lower()
    base = _CLDR_ALIASES.get(base, base).split("_")[0]
    if len(parts) == 1:
        return base
    if len(parts) == 2 and len(parts[1]) == 4 and parts[1].isalpha():
        script = parts[1].title()
        if _LIKELY.get(base, "").split("_")[1:2] == [script]:
            return base  # "pa-Guru" is plain "pa", as "zh-Hans" is "zh"
        return f"{base}-{script}"
    return None


LANGUAGES: Mapping[str, Language] = _Languages(LISTED)


_MAIN_SPOKEN = re.compile(r"^main spoken language\s+", re.IGNORECASE)


def _names() -> dict[str, str]:
    by_name: dict[str, str] = {}
    # CLDR's name for a code we alias ("Western Panjabi" is lah) means our language.
    ours = {alias: code for code, aliases in _ALIASES.items() for alias in aliases}
    for code, english in _ENGLISH.languages.items():
        if "_" not in code and _known_to_cldr(code):
            cldr = _CLDR_ALIASES.get(code, code).split("_")[0]
            by_name.setdefault(_fold(english), ours.get(cldr, cldr))
    # Ours after CLDR's: "Panjabi" is Gurmukhi, "Kurdish" Kurmanji, "Patois" Jamaican.
    for code in dict.fromkeys((*LISTED, *_ALIASES)):
        lang = LANGUAGES[code]
        for key in (lang.code, lang.name, lang.native, *lang.aliases):
            by_name[_fold(key)] = code
    for code, aliases in _ALIASES.items():  # aliases of languages not offered in lists
        for alias in aliases:
            by_name.setdefault(_fold(alias), code)
    return by_name


_BY_NAME = _names()


@lru_cache(maxsize=4096)  # imports repeat a few dozen spellings
def parse_language(text: str) -> Language | None:
    """The language a code, a name GP systems write, or a SNOMED CT concept or Read v2
    code for "main spoken language" means; None when it is not a language CLDR or we
    know. A coded form may carry its term ("13lL. Main spoken language Urdu",
    "13lL.|Main spoken language Urdu"); a code we have no row for is read by its term."""
    coded = language_codes.read_code(text)
    if coded is not None:
        if coded.language is not None:
            return LANGUAGES[coded.language]
        # A code we have no row for: the term after it still says the language.
        return parse_language(coded.term) if coded.term and not coded.names_none else None
    text = _MAIN_SPOKEN.sub("", text.strip())
    folded = _fold(text)
    if not folded or says_not_recorded(folded):
        return None
    # Two letters are an ISO 639-1 code before a name: "ga" is Irish, not the Ga language.
    code = _canonical(folded) if len(folded) == 2 and _lookup(folded) else None
    if code is None:
        code = _BY_NAME.get(folded)
    if code is None:
        code = _canonical(text.strip())
    # "und" is what we store for a language not known, never a language read from input.
    return _lookup(code) if code and code != UNKNOWN else None


def says_not_recorded(text: str) -> bool:
    """Whether a GP export's language cell says no language is recorded ("Not known")."""
    return _fold(text) in _PLACEHOLDERS


def get(code: str) -> Language:
    return LANGUAGES[code]


def is_text_language(code: str) -> bool:
    """Whether a text, a page's words or a form can be written in `code`: any language we
    know but `UNKNOWN`, which is only ever a patient's."""
    return code != UNKNOWN and code in LANGUAGES


def is_rtl(code: str) -> bool:
    lang = LANGUAGES.get(code)
    return bool(lang and lang.rtl)


def fallbacks(code: str) -> list[str]:
    """The codes to try for a text in `code`, ending in English."""
    chain = [code]
    lang = LANGUAGES.get(code)
    while lang and lang.fallback and lang.fallback not in chain:
        chain.append(lang.fallback)
        lang = LANGUAGES.get(lang.fallback)
    if "en" not in chain:
        chain.append("en")
    return chain


def written(code: str) -> str:
    """The language a patient who speaks `code` is texted in when it has no written form."""
    lang = LANGUAGES.get(code)
    return lang.fallback if lang and lang.spoken_only and lang.fallback else code


def best_text(code: str, available: set[str] | frozenset[str] = TEXTS) -> str:
    """Of the languages texts exist in, the one a reader of `code` most likely reads."""
    return next((c for c in fallbacks(code) if c in available), "en")


def interpreter_may_be_needed(code: str, available: set[str] | frozenset[str] = TEXTS) -> bool:
    """True when texts reach this patient in a language other than their own spoken one."""
    return code != "en" and best_text(code, available) != code
