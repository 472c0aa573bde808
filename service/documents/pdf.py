"""What every PDF document of Spoorlog shares: an embedded Unicode font, tables, headings.

Names of employees come from everywhere (Turkish, Polish, Arabic): the
documents embed DejaVu Sans (Debian's fonts-dejavu-core, which the project's
set-up installs) so every name prints as written. Where the font is missing
the documents still render, in the core fonts, with '?' for what Latin-1
cannot show.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
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


class Paged(FPDF):
    """A document whose every page ends in a footer line and "Pagina x van y"."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        font(self, "", 7)
        self.set_text_color(90)
        self.cell(self.epw - 28, 4, latin(self.footer_text))
        self.cell(28, 4, f"Pagina {self.page_no()} van {{nb}}", align="R")
        self.set_text_color(0)


def new_document(footer: str = "") -> FPDF:
    """An A4 document with the Unicode font registered when it is there; with a footer
    text, every page carries it and its page number."""
    document = Paged(format="A4") if footer else FPDF(format="A4")
    if footer:
        document.footer_text = footer
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


def heading(
    document: FPDF, text: str, emphasis: str = "", colour: tuple[int, int, int] = (0, 0, 0)
) -> None:
    """A section heading (its ``emphasis`` in colour), then back to the body font."""
    document.ln(4)
    if document.will_page_break(7 + 12):  # a heading never ends a page alone
        document.add_page()
    font(document, "B", 12)
    document.cell(document.get_string_width(latin(text)), 7, latin(text))
    document.set_text_color(*colour)
    document.cell(0, 7, latin(emphasis), new_x="LMARGIN", new_y="NEXT")
    document.set_text_color(0)
    font(document, "", 8)


def paragraph(
    document: FPDF, text: str, size: float = 8, style: str = "", family: str = "sans"
) -> None:
    """Left-aligned text over the page's width (fpdf2 justifies multi_cell by default)."""
    font(document, style, size, family)
    document.multi_cell(0, size * 0.5, latin(text), align="L", new_x="LMARGIN", new_y="NEXT")


# --- rows drawn cell by cell -------------------------------------------------------
#
# fpdf2's table() lays out every cell through its generic text regions (2.4 ms a
# row); a long trail needs plain cells: each part wrapped once, lines drawn as cells,
# a row moved whole to the next page with the column heads repeated.


@dataclass(frozen=True)
class Part:
    """A run of text in one style inside a cell."""

    text: str
    style: str = ""
    size: float = 8
    family: str = "sans"
    color: tuple[int, int, int] = (0, 0, 0)


RED = (164, 0, 0)
GREEN = (24, 92, 28)
GREY = (85, 85, 85)
PAD = 1.2
"""Space above and below a row's text, in mm."""


def _line_height(size: float) -> float:
    return size * 0.45


def _shaping(document: FPDF, text: str) -> None:
    """Shape (HarfBuzz) only text that needs it: scripts that join or run right to left.

    Latin text, Turkish and Polish included, prints the same unshaped and costs a
    fraction; an Arabic name is shaped.
    """
    if UNICODE:
        needed = not all(ord(c) < 0x0300 or 0x2000 <= ord(c) < 0x2200 for c in text)
        if needed != bool(document.text_shaping):
            document.set_text_shaping(needed)


def _wrapped(document: FPDF, width: float, part: Part) -> list[str]:
    font(document, part.style, part.size, part.family)
    text = latin(part.text)
    _shaping(document, text)
    if document.get_string_width(text) <= width - 2 * document.c_margin:
        return [text]
    return document.multi_cell(width, 4, text, dry_run=True, output="LINES")


def rows(
    document: FPDF,
    widths: Sequence[float],
    head: Sequence[str],
    body: Sequence[Sequence[Sequence[Part]]],
) -> None:
    """A table: a shaded head row, then each row's cells, each cell a list of parts."""
    heads = [[Part(h, "B", 8)] for h in head]
    _draw(document, widths, _laid(document, widths, heads), shaded=True)
    for cells in body:
        laid = _laid(document, widths, cells)
        if document.will_page_break(_height(laid)):
            document.add_page()
            _draw(document, widths, _laid(document, widths, heads), shaded=True)
        _draw(document, widths, laid)


Laid = list[list[tuple[Part, list[str]]]]
"""A row's cells, each part with its wrapped lines."""


def _laid(document: FPDF, widths: Sequence[float], cells: Sequence[Sequence[Part]]) -> Laid:
    return [
        [(part, _wrapped(document, width, part)) for part in parts]
        for width, parts in zip(widths, cells, strict=True)
    ]


def _height(laid: Laid) -> float:
    return 2 * PAD + max(sum(_line_height(p.size) * len(ls) for p, ls in cell) for cell in laid)


def _draw(document: FPDF, widths: Sequence[float], laid: Laid, shaded: bool = False) -> None:
    top, x, height = document.get_y(), document.l_margin, _height(laid)
    if shaded:
        document.set_fill_color(236, 236, 236)
        document.rect(x, top, sum(widths), height, style="F")
    for width, cell in zip(widths, laid, strict=True):
        y = top + PAD
        for part, lines in cell:
            font(document, part.style, part.size, part.family)
            document.set_text_color(*part.color)
            step = _line_height(part.size)
            for line in lines:
                _shaping(document, line)
                document.set_xy(x, y)
                document.cell(width, step, line)
                y += step
        x += width
    document.set_text_color(0)
    document.set_draw_color(210)
    document.line(document.l_margin, top + height, x, top + height)
    document.set_xy(document.l_margin, top + height)
