"""Languages the system knows: codes, the names GP systems use, direction, fallbacks.

Codes are BCP 47 tags (ISO 639 language plus a script where one language is written two
ways, as Punjabi is). Registry imports read free-text names through `parse_language`;
messaging and consent pick templates and page direction from the same table, so a code
means the same thing in every service.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in English, as staff read it
    native: str  # as the patient reads it, for language switches
    rtl: bool = False
    fallback: str | None = None  # a language most readers of this one also read
    aliases: tuple[str, ...] = ()


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "English"),
        Language("ur", "Urdu", "اردو", rtl=True, aliases=("urd",)),
        Language(
            "pa",
            "Punjabi (Gurmukhi)",
            "ਪੰਜਾਬੀ",
            aliases=(
                "pan",
                "panjabi",
                "punjabi",
                "pa-guru",
                "punjabi gurmukhi",
                "panjabi gurmukhi",
            ),
        ),
        Language(
            "pa-Arab",
            "Punjabi (Shahmukhi)",
            "پنجابی",
            rtl=True,
            aliases=(
                "pnb",
                "shahmukhi",
                "punjabi shahmukhi",
                "panjabi shahmukhi",
                "western punjabi",
            ),
        ),
        # Spoken by most British Pakistanis from Azad Kashmir; rarely written, so its
        # speakers are texted in Urdu, which they read.
        Language(
            "phr",
            "Pahari-Pothwari (Mirpuri)",
            "پہاڑی",
            rtl=True,
            fallback="ur",
            aliases=("mirpuri", "pahari", "pothwari", "potwari", "pothohari", "pahari pothwari"),
        ),
        Language("bn", "Bengali", "বাংলা", aliases=("ben", "bangla", "bengali")),
        Language("syl", "Sylheti", "সিলেটি", fallback="bn", aliases=("sylheti",)),
        Language("pl", "Polish", "Polski", aliases=("pol",)),
        Language("ro", "Romanian", "Română", aliases=("ron", "rum", "moldovan")),
        Language("ar", "Arabic", "العربية", rtl=True, aliases=("ara",)),
        Language("so", "Somali", "Soomaali", aliases=("som",)),
        # Written two ways: a bare "zh" reads simplified, the more widely taught script.
        Language(
            "zh",
            "Chinese",
            "中文",
            fallback="zh-Hans",
            aliases=("zho", "chi", "chinese", "mandarin", "cmn", "cantonese", "yue", "hakka"),
        ),
        Language("zh-Hans", "Chinese (Simplified)", "简体中文", aliases=("chinese simplified",)),
        Language("zh-Hant", "Chinese (Traditional)", "繁體中文", aliases=("chinese traditional",)),
        Language("gu", "Gujarati", "ગુજરાતી", aliases=("guj",)),
        Language("fa", "Persian", "فارسی", rtl=True, aliases=("fas", "per", "farsi", "dari")),
        Language("ps", "Pashto", "پښتو", rtl=True, aliases=("pus", "pashtu", "pushto")),
        Language(
            "ckb", "Kurdish (Sorani)", "کوردی", rtl=True, aliases=("sorani", "kurdish sorani")
        ),
        Language("ku", "Kurdish (Kurmanji)", "Kurmancî", aliases=("kur", "kurmanji", "kurdish")),
        Language("hi", "Hindi", "हिन्दी", aliases=("hin",)),
        Language("ta", "Tamil", "தமிழ்", aliases=("tam",)),
        Language("ti", "Tigrinya", "ትግርኛ", aliases=("tir",)),
        Language("am", "Amharic", "አማርኛ", aliases=("amh",)),
        Language("tr", "Turkish", "Türkçe", aliases=("tur",)),
        Language("pt", "Portuguese", "Português", aliases=("por",)),
        Language("es", "Spanish", "Español", aliases=("spa", "castilian")),
        Language("fr", "French", "Français", aliases=("fra", "fre")),
        Language("lt", "Lithuanian", "Lietuvių", aliases=("lit",)),
        Language("lv", "Latvian", "Latviešu", aliases=("lav",)),
        Language("cs", "Czech", "Čeština", aliases=("ces", "cze")),
        Language("sk", "Slovak", "Slovenčina", aliases=("slk", "slo")),
        Language("hu", "Hungarian", "Magyar", aliases=("hun",)),
        Language("bg", "Bulgarian", "Български", aliases=("bul",)),
        Language("ru", "Russian", "Русский", aliases=("rus",)),
        Language("uk", "Ukrainian", "Українська", aliases=("ukr",)),
        Language("sq", "Albanian", "Shqip", aliases=("sqi", "alb")),
        Language("ne", "Nepali", "नेपाली", aliases=("nep", "nepalese")),
        Language("vi", "Vietnamese", "Tiếng Việt", aliases=("vie",)),
        Language("it", "Italian", "Italiano", aliases=("ita",)),
        Language("sw", "Swahili", "Kiswahili", aliases=("swa",)),
    )
}

# GP systems write "Panjabi" or "Bengali (Sylheti)"; keys are folded as _fold does.
_BY_NAME: dict[str, str] = {}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[()\[\],;:/_\-]+", " ", text)
    return " ".join(text.split())


for _lang in LANGUAGES.values():
    for _key in (_lang.code, _lang.name, _lang.native, *_lang.aliases):
        _BY_NAME.setdefault(_fold(_key), _lang.code)
_BY_NAME.update({_fold("Bengali (Sylheti)"): "syl", _fold("Sylheti Bengali"): "syl"})


def parse_language(text: str) -> Language | None:
    """The language a code or a GP system's name means, or None when it is not one we know."""
    code = _BY_NAME.get(_fold(text))
    return LANGUAGES[code] if code else None


def get(code: str) -> Language:
    return LANGUAGES[code]


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
