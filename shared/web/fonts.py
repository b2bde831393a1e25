"""Copy the Noto fonts the patient pages need from the system's font packages (not a CDN).

Run by `make venv` (so by the run and test commands): the fonts land in
shared/web/static/fonts/, which is not committed. A missing font is reported and skipped;
the pages still work, falling back to the fonts the phone has.
"""

from __future__ import annotations

import shutil
import sys
from functools import cache
from pathlib import Path

SOURCE = Path("/usr/share/fonts/truetype/noto")
TARGET = Path(__file__).parent / "static" / "fonts"

# (CSS family, file, languages whose text needs it)
FONTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Noto Nastaliq Urdu", "NotoNastaliqUrdu-Regular.ttf", ("ur", "pa-Arab", "phr")),
    ("Noto Naskh Arabic", "NotoNaskhArabic-Regular.ttf", ("ar", "fa", "ps", "ckb")),
    ("Noto Sans Bengali", "NotoSansBengali-Regular.ttf", ("bn", "syl")),
    ("Noto Sans Gurmukhi", "NotoSansGurmukhi-Regular.ttf", ("pa",)),
    ("Noto Sans Gujarati", "NotoSansGujarati-Regular.ttf", ("gu",)),
    ("Noto Sans Ethiopic", "NotoSansEthiopic-Regular.ttf", ("am", "ti")),
    ("Noto Sans Tamil", "NotoSansTamil-Regular.ttf", ("ta",)),
    ("Noto Sans Devanagari", "NotoSansDevanagari-Regular.ttf", ("hi", "ne")),
)


def font_for(code: str) -> tuple[str, str] | None:
    """(family, file) of the font for `code`'s script, when it has one and it was copied."""
    for family, name, codes in FONTS:
        if code in codes and (TARGET / name).exists():
            return family, name
    return None


@cache
def available() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The fonts copied at set-up, for the pages' @font-face rules (read once per process).
    A browser downloads one only when a page shows text in its script."""
    return tuple(font for font in FONTS if (TARGET / font[1]).exists())


def copy() -> list[str]:
    """Copy what is there; return the files that were missing."""
    TARGET.mkdir(parents=True, exist_ok=True)
    missing = []
    for _, name, _ in FONTS:
        source = SOURCE / name
        if not source.exists():
            missing.append(name)
            continue
        target = TARGET / name
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)
    return missing


if __name__ == "__main__":
    missing = copy()
    if missing:
        print(
            f"fonts: {len(missing)} missing from {SOURCE} ({', '.join(missing)}); install them "
            "with `apt-get install -y fonts-noto-core` (pages still work without them)",
            file=sys.stderr,
        )
