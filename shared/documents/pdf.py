"""HTML to print-ready PDF with WeasyPrint, one layout engine for every document.

WeasyPrint shapes right-to-left and complex scripts through HarfBuzz and Pango, with the
Noto fonts from Debian's packages found by fontconfig (decision 0026).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import segno

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

# PDF/A-3b keeps a document readable for the decades a trial file is archived, and allows
# attachments (a signature image, a FHIR bundle) where PDF/A-2 would not.
ARCHIVAL_VARIANT = "pdf/a-3b"


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, reused: WeasyPrint makes a new one for every document
    otherwise, and memory grew by about half a MiB a letter (bench/letters.py, decision 0029).
    Per thread, because a configuration's Pango font map is not safe to share between threads."""
    from weasyprint.text.fonts import FontConfiguration

    found: FontConfiguration | None = getattr(_local, "fonts", None)
    if found is None:
        found = _local.fonts = FontConfiguration()
    return found


def render_pdf(html: str, *, archival: bool = False, base_url: str | None = None) -> bytes:
    """Render a complete HTML document; `archival` asks for PDF/A."""
    # Imported here: WeasyPrint takes half a second to import, and every process of the
    # services (web, worker, relay, commands) would pay it at start for the few that render.
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url)
    fonts = _font_config()
    if archival:
        return bytes(document.write_pdf(pdf_variant=ARCHIVAL_VARIANT, font_config=fonts))
    return bytes(document.write_pdf(font_config=fonts))


def qr_code_svg(data: str, *, scale: int = 4) -> str:
    """An inline SVG QR code (medium error correction: survives a crease or a smudge)."""
    code = segno.make(data, error="m", micro=False)
    return str(code.svg_inline(scale=scale, omitsize=False))
