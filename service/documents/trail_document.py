"""The dossier (``dossier.Dossier``) drawn twice: a printable HTML page and a PDF.

Both draw the one model section by section, in the same order and words; the
PDF adds what paper needs: a footer on every page with "Pagina x van y". The
PDF is drawn with fpdf2 cell by cell (``pdf.rows``), so a case of thousands of
events prints in well under a second.
"""

from __future__ import annotations

from fpdf import FPDF
from jinja2 import Environment, PackageLoader, select_autoescape

from service.documents.dossier import DEMO_BANNER, Dossier, Entry
from service.documents.pdf import (
    GREEN,
    GREY,
    RED,
    Part,
    banner,
    font,
    heading,
    latin,
    line_height,
    new_document,
    paragraph,
    rows,
)

_templates = Environment(
    loader=PackageLoader("service.documents", "templates"), autoescape=select_autoescape(["html"])
)
BLACK = (0, 0, 0)
STATUS_COLOURS = {"met": GREEN, "met_late": RED, "overdue": RED, "incomplete": RED}
RISK_COLOURS = {"high": RED, "medium": (138, 90, 0), "low": GREEN}


def html(dossier: Dossier) -> str:
    return _templates.get_template("audit_trail.html").render(d=dossier, banner=DEMO_BANNER)


def pdf(dossier: Dossier) -> bytes:
    document = new_document(footer=dossier.footer)
    document.set_auto_page_break(auto=True, margin=16)
    document.set_title(latin(f"{dossier.title} {dossier.employee}"))
    document.add_page()
    if dossier.demo:
        banner(document, DEMO_BANNER)
    font(document, "B", 15)
    document.cell(0, 8, latin(dossier.title), new_x="LMARGIN", new_y="NEXT")
    paragraph(document, f"Wet verbetering poortwachter · stand per {dossier.stand_per}", 9)
    document.ln(2)
    for label, value in dossier.header:
        font(document, "B", 9)
        document.cell(38, line_height(9), latin(label))
        paragraph(document, value, 9, family="mono" if label == "Zaaknummer" else "sans")

    colour = RISK_COLOURS.get(dossier.risk_level, BLACK)
    heading(document, "Loonsanctierisico: ", dossier.risk, colour)
    for reason in dossier.risk_reasons or ("Geen redenen gevonden.",):
        paragraph(document, reason, marker="•")

    heading(document, "Verklaring van statussen en markeringen")
    legend = [[[Part(term, "B")], [Part(meaning)]] for term, meaning in dossier.legend]
    rows(document, (46, 144), ("Term", "Betekenis"), legend)

    heading(document, "Verplichtingen")
    rows(
        document,
        (52, 31, 42, 31, 34),
        ("Verplichting", "Uiterlijk", "Status", "Gedaan op", "Vastgelegd"),
        [
            [
                [Part(o.label)],
                [Part(o.due_on)],
                [Part(o.status_label, "B", color=STATUS_COLOURS.get(o.status, BLACK))],
                [Part(o.met_on)],
                [Part(o.recorded_on)]
                + ([Part("laat geregistreerd", "B", 7, color=RED)] if o.recorded_late else []),
            ]
            for o in dossier.obligations
        ],
    )

    heading(document, "Tijdlijn")
    rows(
        document,
        (31, 111, 48),
        ("Datum", "Gebeurtenis", "Vastgelegd, door"),
        [_timeline_row(entry) for entry in dossier.entries],
    )

    if dossier.documents:
        heading(document, "Documenten in het dossier")
        rows(
            document,
            (50, 26, 22, 92),
            ("Titel", "Datum", "Soort", "SHA-256"),
            [
                [
                    [Part(d.title)],
                    [Part(d.occurred_on)],
                    [Part(d.kind, size=7)],
                    [Part(d.sha256, size=6.5, family="mono")],
                ]
                for d in dossier.documents
            ],
        )

    _verification(document, dossier)
    return bytes(document.output())


def _timeline_row(entry: Entry) -> list[list[Part]]:
    told = [Part(entry.text)]
    if entry.late:
        told.append(Part(entry.late, "B", 7.5, color=RED))
    if entry.changes:
        told.append(Part("Gecorrigeerd (oorspronkelijk → gecorrigeerd):", "B", 7.5))
        told.extend(Part(change, size=7.5) for change in entry.changes)
    if entry.original:
        told.append(Part(entry.original, size=7, color=GREY))  # a face fewer to embed
    told.append(Part(entry.hash_start, size=6.5, family="mono", color=GREY))
    return [[Part(entry.occurred_on)], told, [Part(entry.recorded_at), Part(entry.actor, size=7)]]


def _verification(document: FPDF, dossier: Dossier) -> None:
    if document.will_page_break(80):  # the proof and how to check it on one page
        document.add_page()
    heading(document, "Verificatie")
    document.set_text_color(*(GREEN if dossier.valid else RED))
    paragraph(document, dossier.verdict, 9, "B")
    document.set_text_color(0)
    for problem in dossier.problems:
        paragraph(document, problem, marker="•")
    for label, value, code in dossier.proof:
        font(document, "B", 8)
        document.cell(52, line_height(7 if code else 8), latin(label))
        paragraph(document, value, 7 if code else 8, family="mono" if code else "sans")
    document.ln(3)
    paragraph(document, "Zo controleert u dit zonder Spoorlog", 9, "B")
    for number, step in enumerate(dossier.check_steps, 1):
        paragraph(document, step, marker=f"{number}.")
    paragraph(document, "Of met het programma van Spoorlog, zonder server of database:")
    paragraph(document, dossier.check_command, 7, family="mono")
