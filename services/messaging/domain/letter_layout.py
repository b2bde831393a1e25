"""A letter's HTML, ready for the layout engine (shared/documents/pdf.py): A4, the address where
a windowed envelope shows it, the invitation in the patient's language (right to left where it
reads so), a QR code and a short link to the consent page with the one-time code, and a reply
slip to cut off and post back. Large print is the same letter at 16 point and over, as the
RNIB's clear print guidance asks, so it runs to more pages."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from services.messaging.domain.letters import grouped_code

FONTS = (
    '"Noto Sans", "Noto Naskh Arabic", "Noto Sans Bengali", "Noto Sans Gurmukhi", '
    '"Noto Sans Devanagari", "Noto Sans Gujarati", "Noto Sans Tamil", "Noto Sans Ethiopic", '
    '"Noto Sans CJK SC", sans-serif'
)


@dataclass(frozen=True)
class LetterContent:
    language: str  # what the words are in (letter_words.letter_language)
    rtl: bool
    words: dict[str, str]  # by their English (shared/documents/letter_words.py)
    name: str
    address_lines: list[str]
    practice_name: str
    trial_title: str
    trial_short_name: str
    link: str
    short_link: str
    code: str
    qr_svg: str  # inline SVG of the link
    date: str  # as printed, e.g. 6 December 2026
    large_print: bool = False


STYLE = f"""
@page {{ size: A4; margin: 18mm 20mm 16mm 20mm; }}
body {{ font-family: {FONTS}; color: #000; }}
.letter {{ font-size: 11pt; line-height: 1.45; break-after: page; }}
.letter.large {{ font-size: 16pt; }}
.letterhead {{ text-align: end; font-weight: bold; }}
.address {{ margin-top: 8mm; min-height: 26mm; direction: ltr; text-align: left; }}
.address p, .return p {{ margin: 0; }}
.date {{ text-align: end; margin: 4mm 0; }}
h1 {{ font-size: 1.45em; margin: 3mm 0 3mm; }}
.access {{ display: flex; gap: 8mm; align-items: center; margin: 5mm 0;
  border: 0.4mm solid #000; padding: 4mm; break-inside: avoid; }}
.access svg {{ width: 34mm; height: 34mm; flex: none; }}
.large .access svg {{ width: 55mm; height: 55mm; }}
.link, .code {{ font-weight: bold; white-space: nowrap; }}
.large .access {{ flex-direction: column; align-items: flex-start; }}
.code {{ font-size: 1.4em; word-spacing: 0.3em; }}
.slip {{ border-top: 0.5mm dashed #000; margin-top: 5mm; padding-top: 4mm;
  break-inside: avoid; }}
.slip h2 {{ font-size: 1.15em; margin: 0 0 3mm; }}
.slip ul {{ list-style: none; padding: 0; }}
.slip li {{ margin: 1.5mm 0; }}
.slip p {{ margin: 1.5mm 0; }}
.box {{ display: inline-block; width: 1em; height: 1em; border: 0.4mm solid #000;
  vertical-align: middle; margin-inline-end: 3mm; }}
.line {{ display: inline-block; min-width: 60mm; border-bottom: 0.3mm solid #000; }}
"""


def _paragraph(text: str, **values: str) -> str:
    return f"<p>{escape(text.format(**values)) if values else escape(text)}</p>"


def letter_body(content: LetterContent) -> str:
    """One letter as a block of a document (a batch is many of them, a page break apart)."""
    w = content.words
    direction = "rtl" if content.rtl else "ltr"
    address = "".join(f"<p>{escape(line)}</p>" for line in (content.name, *content.address_lines))
    slip_id = escape(f"{content.trial_short_name} · {content.short_link.rsplit('/', 1)[-1]}")
    size = "letter large" if content.large_print else "letter"
    return f"""<section class="{size}" lang="{escape(content.language)}" dir="{direction}">
<p class="letterhead" lang="en" dir="ltr">{escape(content.practice_name)}</p>
<div class="address" lang="en">{address}</div>
<p class="date" lang="en" dir="ltr">{escape(content.date)}</p>
<h1>{escape(w["An invitation to a research study"])}</h1>
{_paragraph(w["Dear {name},"], name=content.name)}
{_paragraph(w[_INVITE], title=content.trial_title, short_name=content.trial_short_name)}
<div class="access">
{content.qr_svg}
<div>
{_paragraph(w[_SCAN])}
<p class="link" dir="ltr">{escape(content.short_link)}</p>
{_paragraph(w["You will be asked for your date of birth and this one-time code:"])}
<p class="code" dir="ltr">{escape(grouped_code(content.code))}</p>
</div>
</div>
{_paragraph(w[_SLIP_INTRO])}
<div class="slip">
<h2>{escape(w["Reply slip"])} <span class="link" dir="ltr">{slip_id}</span></h2>
<p lang="en" dir="ltr">{escape(content.name)}</p>
<ul>
<li><span class="box"></span>{escape(w["Please phone me about this study"])}</li>
<li><span class="box"></span>{escape(w["I do not want to take part"])}</li>
<li><span class="box"></span>{escape(w["Please do not contact me about research again"])}</li>
</ul>
<p>{escape(w["My phone number:"])} <span class="line"></span></p>
<p>{escape(w["Post this slip to:"])}</p>
<div class="return" lang="en" dir="ltr"><p>{escape(content.practice_name)}</p></div>
</div>
</section>"""


_INVITE = (
    "Your GP practice is writing to invite you to a research study: {title} ({short_name}). "
    "Taking part is your choice and will not change your care."
)
_SCAN = (
    "To read about the study and decide, scan the QR code with your phone camera or type "
    "this address:"
)
_SLIP_INTRO = (
    "If you would rather talk to someone, or do not want to hear about this study again, "
    "fill in the reply slip below and post it to your GP practice."
)


def document(bodies: list[str]) -> str:
    """A complete HTML document of one or more letters (each says its own language)."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Letters</title><style>{STYLE}</style></head>"
        f"<body>{''.join(bodies)}</body></html>"
    )
