"""What every PDF document of Spoorlog shares: an embedded Unicode font, tables, headings.

Names of employees come from everywhere (Turkish, Polish, Arabic): the
documents embed DejaVu Sans (Debian's fonts-dejavu-core, which the project's
set-up installs) so every name prints as written. Where the font is missing
the documents still render, in the core fonts, with '?' for what Latin-1
cannot show.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fontTools import ttLib
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
        """The footer line and the page number; shaped (slower) only where the text needs it."""
        font(self, "", 7)
        self.set_text_color(90)
        self.set_xy(self.l_margin, -12)
        shaping, text = self.text_shaping, latin(self.footer_text)
        self.text_shaping = shaping if _needs_shaping(text) else None
        self.cell(self.epw - 28, 4, text)
        self.text_shaping = None
        self.cell(28, 4, f"Pagina {self.page_no()} van {{nb}}", align="R")
        self.text_shaping = shaping
        self.set_text_color(0)


def new_document(footer: str = "") -> FPDF:
    """An A4 document in the Unicode font when it is there; with a footer text, every page
    carries it and its page number."""
    document = Paged(format="A4") if footer else FPDF(format="A4")
    if footer:
        document.footer_text = footer
    if UNICODE:
        document.set_text_shaping(True)  # Arabic joins and runs right to left (HarfBuzz)
    return document


def font(document: FPDF, style: str = "", size: float = 9, family: str = "sans") -> None:
    name = family if UNICODE else CORE[family]
    if (document.font_family, document.font_style, document.font_size_pt) == (name, style, size):
        return
    if UNICODE and f"{family}{style}" not in document.fonts:
        document.fonts[f"{family}{style}"] = _face(family, style)
    document.set_font(name, style, size)


@cache
def _loaded(family: str, style: str) -> Any:
    """A DejaVu face as fpdf2's ``add_font`` loads it, once per process: reading its
    glyph widths costs a tenth of a second."""
    loaded = FPDF()
    loaded.add_font(family, style, str(FONT_DIR / FACES[(family, style)]))
    face = loaded.fonts[f"{family}{style}"]
    face.i = list(FACES).index((family, style)) + 1  # a resource name of its own
    return face


def _face(family: str, style: str) -> Any:
    """A face for one document, added when the document first uses it (fpdf2 embeds every
    face it holds). fpdf2's copy keeps the widths and gives the document its own record
    of glyphs used; the font file is opened afresh (lazily), because fpdf2 cuts it down
    to those glyphs in place when it writes the document."""
    face = copy.deepcopy(_loaded(family, style))
    face.ttfont = ttLib.TTFont(face.ttffile, recalcTimestamp=False, lazy=True)
    return face


def latin(text: str) -> str:
    """Text as the document's font can show it: as written with the Unicode font; with the
    core fonts, Latin-1 (ë fits) and '?' for the rest, never an error."""
    if UNICODE:
        return text
    return text.translate(_LATIN).encode("latin-1", "replace").decode("latin-1")


_LATIN = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2026": "...", "\u2192": "->", "\u2022": "-"}
)
"""What the documents print beyond Latin-1, as the core fonts can say it."""


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


def banner(document: FPDF, text: str) -> None:
    """A marked line across the top of the first page (the demo's "fictieve gegevens")."""
    document.set_fill_color(255, 236, 179)
    font(document, "B", 11)
    document.cell(0, 8, latin(text), align="C", fill=True, new_x="LMARGIN", new_y="NEXT")
    document.ln(2)


def paragraph(
    document: FPDF,
    text: str,
    size: float = 8,
    style: str = "",
    family: str = "sans",
    marker: str = "",
) -> None:
    """Left-aligned text from the current x to the right margin, then on the next line;
    with a ``marker`` ("1.", "•") hanging in front of it. Drawn line by line like the
    table rows (``_lines``), a line moving to the next page when it no longer fits."""
    x = document.get_x()
    if marker:
        font(document, style, size, family)
        document.cell(5, line_height(size), latin(marker))
        x += 5
    width = document.w - document.r_margin - x
    part = Part(text, style, size, family)
    for line in _wrapped(document, width, part):
        if document.will_page_break(line_height(size)):
            document.add_page()
        _lines(document, x, width, document.get_y(), part, [line])
        document.set_y(document.get_y() + line_height(size))
    document.set_x(document.l_margin)


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


def line_height(size: float) -> float:
    """The height of a line of text in a ``size`` point font, in mm."""
    return size * 0.45


_SHAPED = re.compile("[^\u0000-\u02ff\u2000-\u21ff]")
"""Anything beyond Latin and punctuation: scripts that join or run right to left."""


def _needs_shaping(text: str) -> bool:
    """Whether text needs HarfBuzz (Arabic); Latin, Turkish and Polish print the same unshaped."""
    return UNICODE and not text.isascii() and _SHAPED.search(text) is not None


def _measure(document: FPDF, part: Part) -> Callable[[str], float]:
    """How wide text is in the part's font, in mm, unshaped: from the face's glyph widths,
    without switching the document's font (what a long table does most)."""
    if not UNICODE:
        font(document, part.style, part.size, part.family)
        return document.get_string_width
    widths, scale = _loaded(part.family, part.style).cw, part.size * 0.001 / (72 / 25.4)
    return lambda text: sum(widths[ord(c)] for c in text) * scale


def _wrapped(document: FPDF, width: float, part: Part) -> list[str]:
    """The part's lines in a cell ``width`` wide: words moved whole, a word too long for a
    line (a hash) cut. Shaped text is wrapped by fpdf2 itself."""
    text, room = latin(part.text), width - 2 * document.c_margin
    if _needs_shaping(text):
        font(document, part.style, part.size, part.family)
        return document.multi_cell(width, 4, text, dry_run=True, output="LINES")
    measure = _measure(document, part)
    if measure(text) <= room:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if measure(candidate) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
        while measure(word) > room:  # cut what cannot be wrapped
            cut = len(word) - 1
            while cut > 1 and measure(word[:cut]) > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    return [*lines, line]


def rows(
    document: FPDF,
    widths: Sequence[float],
    head: Sequence[str],
    body: Sequence[Sequence[Sequence[Part]]],
) -> None:
    """A table: a shaded head row, then each row's cells, each cell a list of parts.

    A page's rules and shading are drawn as its rows are laid out; its text once the
    page is full, grouped by font and colour, so the document switches font a few times
    a page instead of at every part.
    """
    heads = [[Part(h, "B", 8)] for h in head]
    texts: list[Placed] = []
    _draw(document, widths, _laid(document, widths, heads), texts, shaded=True)
    for cells in body:
        laid = _laid(document, widths, cells)
        if document.will_page_break(_height(laid)):
            _place(document, texts)
            document.add_page()
            _draw(document, widths, _laid(document, widths, heads), texts, shaded=True)
        _draw(document, widths, laid, texts)
    _place(document, texts)


Laid = list[list[tuple[Part, list[str]]]]
"""A row's cells, each part with its wrapped lines."""
Placed = tuple[Part, float, float, float, list[str]]
"""A part's lines and where they go: (part, x, y, width, lines)."""


def _laid(document: FPDF, widths: Sequence[float], cells: Sequence[Sequence[Part]]) -> Laid:
    return [
        [(part, _wrapped(document, width, part)) for part in parts]
        for width, parts in zip(widths, cells, strict=True)
    ]


def _height(laid: Laid) -> float:
    return 2 * PAD + max(sum(line_height(p.size) * len(ls) for p, ls in cell) for cell in laid)


def _draw(
    document: FPDF, widths: Sequence[float], laid: Laid, texts: list[Placed], shaded: bool = False
) -> None:
    """A row's shading and rule now; its text into ``texts`` for :func:`_place`."""
    top, x, height = document.get_y(), document.l_margin, _height(laid)
    if shaded:
        document.set_fill_color(236, 236, 236)
        document.rect(x, top, sum(widths), height, style="F")
    for width, cell in zip(widths, laid, strict=True):
        y = top + PAD
        for part, lines in cell:
            texts.append((part, x, y, width, lines))
            y += line_height(part.size) * len(lines)
        x += width
    document.set_draw_color(210)
    document.line(document.l_margin, top + height, x, top + height)
    document.set_xy(document.l_margin, top + height)


def _place(document: FPDF, texts: list[Placed]) -> None:
    """Draw the collected text, font by font and colour by colour, and forget it."""
    colour = None
    for part, x, y, width, lines in sorted(texts, key=_style):
        if part.color != colour:
            colour = part.color
            document.set_text_color(*colour)
            document.set_fill_color(*colour)  # fpdf2 wraps text in a colour change otherwise
        _lines(document, x, width, y, part, lines)
    document.set_text_color(0)
    texts.clear()


def _style(placed: Placed) -> tuple[str, str, float, tuple[int, int, int]]:
    part = placed[0]
    return part.family, part.style, part.size, part.color


def _lines(document: FPDF, x: float, width: float, y: float, part: Part, lines: list[str]) -> None:
    """A part's lines in a cell at (x, y) ``width`` wide, in the current colour: plain text
    at its baseline where it needs no shaping (fast), through fpdf2's cell where HarfBuzz
    must shape it."""
    font(document, part.style, part.size, part.family)
    step = line_height(part.size)
    for line in lines:
        if _needs_shaping(line):  # Arabic joins and runs right to left
            document.set_xy(x, y)
            document.cell(width, step, line)
        else:
            baseline = y + step / 2 + 0.3 * document.font_size
            document.text(x + document.c_margin, baseline, line)
        y += step
