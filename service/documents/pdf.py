"""What every PDF document of Spoorlog shares: an embedded Unicode font, tables, headings.

Names of employees come from everywhere (Turkish, Polish, Arabic): the
documents embed DejaVu Sans (Debian's fonts-dejavu-core, which the project's
set-up installs) so every name prints as written. Where the font is missing
the documents still render, in the core fonts, with '?' for what Latin-1
cannot show.
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(os.environ.get("SPOORLOG_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
"""Where DejaVu's files are (Debian: fonts-dejavu-core)."""
FACES = {
    ("sans", ""): "DejaVuSans.ttf",
    ("sans", "B"): "DejaVuSans-Bold.ttf",
    ("sans", "I"): "DejaVuSans-Oblique.ttf",
    ("sans", "BI"): "DejaVuSans-BoldOblique.ttf",
    ("mono", ""): "DejaVuSansMono.ttf",
}
UNICODE = all((FONT_DIR / name).is_file() for name in FACES.values())
"""Whether the Unicode font can be embedded; decided once, when the module loads."""
CORE = {"sans": "helvetica", "mono": "courier"}


def new_document() -> FPDF:
    """An A4 document with the Unicode font registered when it is there."""
    document = FPDF(format="A4")
    if UNICODE:
        for (family, style), name in FACES.items():
            document.add_font(family, style, str(FONT_DIR / name))
        document.set_text_shaping(True)  # Arabic joins and runs right to left (HarfBuzz)
    return document


def font(document: FPDF, style: str = "", size: float = 9, family: str = "sans") -> None:
    document.set_font(family if UNICODE else CORE[family], style, size)


def latin(text: str) -> str:
    """Text as the document's font can show it: as written with the Unicode font; with the
    core fonts, Latin-1 (ë fits) and '?' for the rest, never an error."""
    if UNICODE:
        return text
    dashes = str.maketrans({"\u2013": "-", "\u2014": "-"})
    return text.translate(dashes).encode("latin-1", "replace").decode("latin-1")


def table(
    document: FPDF,
    head: tuple[str, ...],
    rows: list[tuple[str, ...]],
    widths: tuple[int, ...] | None = None,
    width: float | None = None,
) -> None:
    """A left-aligned table with a header row."""
    with document.table(
        col_widths=widths, width=width, align="LEFT", text_align="LEFT", line_height=4
    ) as drawn:
        drawn.row([latin(h) for h in head])
        for row in rows:
            drawn.row([latin(str(cell)) for cell in row])


def heading(document: FPDF, text: str) -> None:
    """A section heading, then back to the body font."""
    document.ln(4)
    font(document, "B", 12)
    document.cell(0, 7, latin(text), new_x="LMARGIN", new_y="NEXT")
    font(document, "", 8)
