"""What every PDF document of Spoorlog shares: text the core fonts can show, and tables."""

from __future__ import annotations

from fpdf import FPDF


def latin(text: str) -> str:
    """The PDF's core fonts are Latin-1 (ë fits): anything else is shown as '?', never an
    error."""
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
    document.set_font("helvetica", "B", 12)
    document.cell(0, 7, latin(text), new_x="LMARGIN", new_y="NEXT")
    document.set_font("helvetica", "", 8)
