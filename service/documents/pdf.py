"""What every PDF document of Spoorlog shares: an embedded Unicode font, tables, headings.

Names of employees come from everywhere (Turkish, Polish, Arabic): the
documents embed DejaVu Sans (Debian's fonts-dejavu-core, which the project's
set-up installs) so every name prints as written. Where the font is missing
the documents still render, in the core fonts, with '?' for what Latin-1
cannot show.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from functools import cache
from io import BytesIO
from itertools import groupby
from pathlib import Path
from typing import Any, NamedTuple

from fontTools import subset, ttLib
from fpdf import FPDF
from fpdf.fonts import CORE_FONTS_CHARWIDTHS, SubsetMap, TTFFont

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


class Document(FPDF):
    """An fpdf2 document that remembers what it measured and embeds its fonts cut down
    from the process's plain copy of each face (:func:`_plain_font`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widths: dict[tuple[str, str, str], int] = {}
        """A word's width in font units by (family, style, word): a long trail repeats its words."""
        self.wrapped: dict[tuple[str, str, str, float, float], tuple[str, ...]] = {}
        """A text's lines by (text, family, style, size, room): dates and names repeat."""

    def output(self, *args: Any, **kwargs: Any) -> Any:
        """fpdf2's output, each face cut from the file :func:`_font_file` chooses."""
        for face in self.fonts.values():
            if isinstance(face, TTFFont):
                face.ttfont = _font_file(face)
        return super().output(*args, **kwargs)


class Paged(Document):
    """A document whose every page ends in a footer line and "Pagina x van y"."""

    footer_text = ""

    def footer(self) -> None:
        """The footer line and the page number; shaped (slower) only where the text needs it."""
        font(self, "", 7)
        self.set_text_color(90)
        self.set_xy(self.l_margin, -12)
        text = latin(self.footer_text)
        if _needs_shaping(text):
            self.cell(self.epw - 28, 4, text)
        else:
            _lines(self, Part(text, size=7), [(self.l_margin, self.y, self.epw - 28, [text])], 4)
            self.set_x(self.l_margin + self.epw - 28)
        shaping, self.text_shaping = self.text_shaping, None
        self.cell(28, 4, f"Pagina {self.page_no()} van {{nb}}", align="R")
        self.text_shaping = shaping
        self.set_text_color(0)


def new_document(footer: str = "") -> Document:
    """An A4 document in the Unicode font when it is there; with a footer text, every page
    carries it and its page number."""
    document = Paged(format="A4") if footer else Document(format="A4")
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


def _face(family: str, style: str) -> _Face:
    """A face for one document, added when the document first uses it (fpdf2 embeds every
    face it holds): the process's widths and glyph table (read only, so shared), and a
    record of the glyphs this document uses of its own. The font file is opened when the
    document is written (``Document.output``), because fpdf2 cuts it down in place."""
    loaded = _loaded(family, style)
    face = _Face.__new__(_Face)
    for name in TTFFont.__slots__:
        if hasattr(loaded, name):
            setattr(face, name, getattr(loaded, name))
    face.missing_glyphs = []
    face.subset = SubsetMap(face)
    face.codes, face.known, face.encoded = {}, set(), {}
    return face


class _Face(TTFFont):
    """fpdf2's TrueType face, encoding text by table rather than character by character
    (a long trail prints some 300,000 characters)."""

    __slots__ = ("codes", "encoded", "known")

    def encode_text(self, text: str) -> str:
        """As fpdf2's: each character as its code in the document's subset, the codes
        given in the order the characters are first used; characters the face lacks left
        out. Each line once per document (dates and names repeat)."""
        found = self.encoded.get(text)
        if found is not None:
            return found
        mapped = self._map_symbol_text(text)
        if not self.known.issuperset(mapped):
            for char in mapped:
                if char not in self.known:
                    self.known.add(char)
                    code = self.subset.pick(ord(char))
                    self.codes[ord(char)] = None if code is None else chr(code)
        found = self.encoded[text] = f"({self.escape_text(mapped.translate(self.codes))}) Tj"
        return found


_PLAIN = ((0x0000, 0x02FF), (0x2000, 0x21FF))
"""Latin with its accents (Turkish, Polish, Icelandic too) and punctuation: what prints
without HarfBuzz, and what the plain copy of a face holds."""


@cache
def _plain_font(path: Path) -> tuple[bytes, frozenset[str]]:
    """The face cut down to the plain characters, once per process, glyph names kept: a
    document's font is cut from this (a fifth of the glyphs) instead of from the whole
    file, to the same bytes. It holds the glyphs HarfBuzz substitutes for plain text too
    (the "fi" ligature of a shaped heading), and every character the whole file maps to
    one of its glyphs (fpdf2's cut keeps them all). Returns the font file and its glyph
    names."""
    unused = ["FFTM", "GPOS", "MATH", "hdmx"]  # fpdf2 drops these on embedding, GDEF and GSUB too
    whole = ttLib.TTFont(path, recalcTimestamp=False, lazy=True)
    closure = subset.Subsetter(subset.Options(glyph_names=True, hinting=False, drop_tables=unused))
    closure.populate(unicodes=[c for low, high in _PLAIN for c in range(low, high + 1)])
    closure.subset(whole)  # with GSUB: the glyphs its substitutions reach
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    options.drop_tables += [*unused, "GDEF", "GSUB"]
    plain = ttLib.TTFont(path, recalcTimestamp=False, lazy=True)
    cutter = subset.Subsetter(options)
    cutter.populate(glyphs=whole.getGlyphOrder())
    cutter.subset(plain)
    written = BytesIO()
    plain.save(written)
    return written.getvalue(), frozenset(plain.getGlyphOrder())


def warm_up() -> None:
    """Load every face and build its plain copy now, for a worker about to serve: else the
    first PDF each process writes pays for those it uses (half a second of CPU for a
    dossier; a fifth of a second a face)."""
    if UNICODE:
        for family, style in FACES:
            _plain_font(_loaded(family, style).ttffile)


def _font_file(face: TTFFont) -> ttLib.TTFont:
    """The font file fpdf2 cuts the face's used glyphs from: the plain copy when it has
    them all, else (shaped Arabic) the whole file; opened lazily, once per document."""
    plain, names = _plain_font(face.ttffile)
    if names.issuperset(face.subset.get_all_glyph_names()):
        return ttLib.TTFont(BytesIO(plain), recalcTimestamp=False, lazy=True)
    return ttLib.TTFont(face.ttffile, recalcTimestamp=False, lazy=True)


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
        if document.will_page_break(line_height(size)):
            document.add_page()
        _lines(
            document, Part(marker, style, size, family), [(x, document.get_y(), 5, [latin(marker)])]
        )
        x += 5
    width = document.w - document.r_margin - x
    part = Part(text, style, size, family)
    for line in _wrapped(document, width, part):
        if document.will_page_break(line_height(size)):
            document.add_page()
        _lines(document, part, [(x, document.get_y(), width, [line])])
        document.set_y(document.get_y() + line_height(size))
    document.set_x(document.l_margin)


# --- rows drawn cell by cell -------------------------------------------------------
#
# fpdf2's table() lays out every cell through its generic text regions (2.4 ms a
# row); a long trail needs plain cells: each part wrapped once, lines drawn as cells,
# a row moved whole to the next page with the column heads repeated.


class Part(NamedTuple):
    """A run of text in one style inside a cell (a tuple: a long trail makes 10,000)."""

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


_SHAPED = re.compile("[^" + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in _PLAIN) + "]")
"""Anything beyond Latin and punctuation: scripts that join or run right to left."""


def _needs_shaping(text: str) -> bool:
    """Whether text needs HarfBuzz (Arabic); Latin, Turkish and Polish print the same unshaped."""
    return UNICODE and not text.isascii() and _SHAPED.search(text) is not None


def _units(document: Document, part: Part) -> Callable[[str], int]:
    """How wide a word is in the part's face, in thousandths of its size, unshaped: from the
    face's glyph widths, each word measured once per document."""
    known, face = document.widths, (part.family, part.style)
    if UNICODE:
        widths = _loaded(part.family, part.style).cw

        def measured(word: str) -> int:
            return sum(map(widths.__getitem__, map(ord, word)))
    else:
        core = CORE_FONTS_CHARWIDTHS[CORE[part.family] + part.style]

        def measured(word: str) -> int:
            return sum(map(core.__getitem__, word))

    def units(word: str) -> int:
        key = (*face, word)
        found = known.get(key)
        if found is None:
            found = known[key] = measured(word)
        return found

    return units


def _wrapped(document: Document, width: float, part: Part) -> tuple[str, ...]:
    """The part's lines in a cell ``width`` wide: words moved whole, a word too long for a
    line (a hash) cut. Shaped text is wrapped by fpdf2 itself."""
    text, room = latin(part.text), width - 2 * document.c_margin
    if _needs_shaping(text):
        font(document, part.style, part.size, part.family)
        return tuple(document.multi_cell(width, 4, text, dry_run=True, output="LINES"))
    key = (text, part.family, part.style, part.size, room)
    lines = document.wrapped.get(key)
    if lines is None:
        lines = document.wrapped[key] = _broken(text, room, part.size, _units(document, part))
    return lines


def _broken(text: str, room: float, size: float, units: Callable[[str], int]) -> tuple[str, ...]:
    """Greedy line breaking on word widths in font units; a line's width is the sum of its
    words' and spaces' (exact in integers), so no line is measured twice."""
    scale = size * 0.001 / (72 / 25.4)  # font units to mm
    words = text.split(" ")
    sizes = [units(word) for word in words]
    space = units(" ")
    if (sum(sizes) + space * (len(words) - 1)) * scale <= room:
        return (text,)
    lines: list[str] = []
    line, used = "", 0
    for word, size_of in zip(words, sizes, strict=True):
        candidate = used + space + size_of if line else size_of
        if candidate * scale <= room:
            line, used = (f"{line} {word}" if line else word), candidate
            continue
        if line:
            lines.append(line)
        while size_of * scale > room:  # cut what cannot be wrapped
            cut = len(word) - 1
            while cut > 1 and units(word[:cut]) * scale > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
            size_of = units(word)
        line, used = word, size_of
    return (*lines, line)


def rows(
    document: Document,
    widths: Sequence[float],
    head: Sequence[str],
    body: Sequence[Sequence[Sequence[Part]]],
) -> None:
    """A table: a shaded head row, then each row's cells, each cell a list of parts.

    A page's rules and shading are drawn as its rows are laid out; its text once the
    page is full, grouped by font and colour, so the document switches font a few times
    a page instead of at every part.
    """
    heads = _laid(document, widths, [[Part(h, "B", 8)] for h in head])
    texts: list[Placed] = []
    document.set_draw_color(210)  # the rules' grey, kept from page to page
    _draw(document, widths, heads, _height(heads), texts, shaded=True)
    for cells in body:
        laid = _laid(document, widths, cells)
        height = _height(laid)
        if document.will_page_break(height):
            _place(document, texts)
            document.add_page()
            _draw(document, widths, heads, _height(heads), texts, shaded=True)
        _draw(document, widths, laid, height, texts)
    _place(document, texts)


Laid = list[list[tuple[Part, Sequence[str]]]]
"""A row's cells, each part with its wrapped lines."""
Placed = tuple[Part, float, float, float, Sequence[str]]
"""A part's lines and where they go: (part, x, y, width, lines)."""


def _laid(document: Document, widths: Sequence[float], cells: Sequence[Sequence[Part]]) -> Laid:
    return [
        [(part, _wrapped(document, width, part)) for part in parts]
        for width, parts in zip(widths, cells, strict=True)
    ]


def _height(laid: Laid) -> float:
    return 2 * PAD + max(sum(line_height(p.size) * len(ls) for p, ls in cell) for cell in laid)


def _draw(
    document: FPDF,
    widths: Sequence[float],
    laid: Laid,
    height: float,
    texts: list[Placed],
    shaded: bool = False,
) -> None:
    """A row ``height`` high: its shading and rule now, its text into ``texts`` for
    :func:`_place`."""
    top, x = document.get_y(), document.l_margin
    if shaded:
        document.set_fill_color(236, 236, 236)
        document.rect(x, top, sum(widths), height, style="F")
    for width, cell in zip(widths, laid, strict=True):
        y = top + PAD
        for part, lines in cell:
            texts.append((part, x, y, width, lines))
            y += line_height(part.size) * len(lines)
        x += width
    document.line(document.l_margin, top + height, x, top + height)
    document.set_xy(document.l_margin, top + height)


def _place(document: FPDF, texts: list[Placed]) -> None:
    """Draw the collected text, font by font and colour by colour, and forget it."""
    colour = None
    for (family, style, size, color), group in groupby(sorted(texts, key=_style), key=_style):
        if color != colour:
            colour = color
            document.set_text_color(*colour)
            document.set_fill_color(*colour)  # fpdf2 wraps text in a colour change otherwise
        placed = [(x, y, width, lines) for _, x, y, width, lines in group]
        _lines(document, Part("", style, size, family), placed)
    document.set_text_color(0)
    texts.clear()


def _style(placed: Placed) -> tuple[str, str, float, tuple[int, int, int]]:
    part = placed[0]
    return part.family, part.style, part.size, part.color


def _lines(
    document: FPDF,
    part: Part,
    placed: Sequence[tuple[float, float, float, Sequence[str]]],
    height: float | None = None,
) -> None:
    """Lines in the part's font, each run of them in a cell at (x, y, width), each line
    ``height`` high (the font's line height unless told), in the current colour: plain
    text at its baseline where it needs no shaping (fast, :func:`_plain_text`), through
    fpdf2's cell where HarfBuzz must shape it."""
    font(document, part.style, part.size, part.family)
    step = line_height(part.size) if height is None else height
    down, plain = step / 2 + 0.3 * document.font_size, []
    for x, top, width, lines in placed:
        for y, line in enumerate(lines):
            if _needs_shaping(line):  # Arabic joins and runs right to left
                _plain_text(document, plain)  # what came before first, in reading order
                document.set_xy(x, top + y * step)
                document.cell(width, step, line)
            else:
                plain.append((x + document.c_margin, top + y * step + down, line))
    _plain_text(document, plain)


def _plain_text(document: FPDF, lines: list[tuple[float, float, str]]) -> None:
    """Unshaped lines at their baselines (x, y) in the current font and colour. In a
    document's own face and with the fill colour the text's (as :func:`_place` sets it),
    one PDF text object with what fpdf2's ``text()`` writes for each line, without its
    per-call work (a long trail has 12,000 lines); otherwise through ``text()``. The
    list is emptied."""
    face = document.current_font
    if not isinstance(face, _Face) or document.fill_color != document.text_color:
        for x, y, line in lines:
            document.text(x, y, line)
    elif lines:
        k, h = document.k, document.h
        shown = "\n".join(
            f"1 0 0 1 {x * k:.2f} {(h - y) * k:.2f} Tm {face.encode_text(line)}"
            for x, y, line in lines
        )
        size = document._set_font_for_page(face, document.font_size_pt, wrap_in_text_object=False)
        document._out(f"BT {size}\n{shown}\nET")
    lines.clear()
