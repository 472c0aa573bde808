"""The audit trail as a document: printable HTML, and the same as PDF.

Fit for a re-integratieverslag appendix: the case header, the obligations,
the timeline in plain Dutch with every hash, and the verification result. The
PDF is drawn with fpdf2, which installs with pip alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from service.documents.pdf import font, heading, latin, new_document, table

STATUS_NAMES = {
    "open": "open",
    "overdue": "te laat, nog niet gedaan",
    "met": "tijdig",
    "met_late": "te laat gedaan",
    "not_applicable": "vervallen",
    "waived": "vrijgesteld",
}
CASE_STATUS = {"open": "lopend", "recovered": "hersteld", "closed": "afgesloten"}
RISK = {"low": "laag", "medium": "gemiddeld", "high": "hoog"}

_templates = Environment(
    loader=PackageLoader("service.documents", "templates"), autoescape=select_autoescape(["html"])
)


def context(
    case: dict[str, Any],
    obligations: dict[str, Any],
    trail: dict[str, Any],
    verification: dict[str, Any],
    as_of: datetime | None,
) -> dict[str, Any]:
    """Everything both renderings show, from the API's own JSON answers."""
    return {
        "case": case,
        "obligations": obligations,
        "trail": trail,
        "verification": verification,
        "as_of_label": f"per {as_of.isoformat()}" if as_of else "op dit moment",
        "status_label": CASE_STATUS.get(case["status"], case["status"]),
        "risk_label": RISK.get(obligations["loonsanctie_risk"], obligations["loonsanctie_risk"]),
        "status_names": STATUS_NAMES,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def html(values: dict[str, Any]) -> str:
    return _templates.get_template("audit_trail.html").render(**values)


def pdf(values: dict[str, Any]) -> bytes:
    case, obligations = values["case"], values["obligations"]
    document = new_document()
    document.set_auto_page_break(auto=True, margin=15)
    document.add_page()
    document.set_title(f"Audit trail {case['employee']['name']}")
    font(document, "B", 15)
    document.cell(0, 9, latin("Audit trail re-integratiedossier"), new_x="LMARGIN", new_y="NEXT")
    font(document, "", 9)
    document.cell(
        0, 5, latin(f"Wet verbetering poortwachter - stand van zaken {values['as_of_label']}"),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    document.ln(3)
    header = [
        ("Werkgever", case["employer_name"]),
        ("Werknemer", case["employee"]["name"]),
        ("Eerste ziektedag", case["first_sick_day"]),
        ("Status", values["status_label"]),
        ("Ziektedagen / week", f"{case['sick_days']} / week {case['week']}"),
        ("Loonsanctierisico", values["risk_label"]),
        ("Zaaknummer", case["case_id"]),
    ]
    for label, value in header:
        font(document, "B", 9)
        document.cell(40, 5, latin(label))
        font(document, "", 9)
        document.cell(0, 5, latin(str(value)), new_x="LMARGIN", new_y="NEXT")
    for reason in obligations["risk_reasons"]:
        document.multi_cell(0, 4.5, latin(f"- {reason}"), new_x="LMARGIN", new_y="NEXT")

    heading(document, "Verplichtingen")
    rows = [
        (
            o["label"] + (f" {o['occurrence']}" if o["occurrence"] else ""),
            o["due_on"],
            STATUS_NAMES.get(o["status"], o["status"]),
            o["met_on"] or "",
            (o["recorded_at"] or "")[:10] + (" (laat)" if o["recorded_late"] else ""),
        )
        for o in obligations["obligations"]
    ]
    table(document, ("Verplichting", "Uiterlijk", "Status", "Gedaan op", "Vastgelegd"), rows)

    heading(document, "Tijdlijn")
    table(
        document,
        ("Datum", "Gebeurtenis en hash", "Vastgelegd"),
        [(e["occurred_on"], _told(e), e["recorded_at"][:10]) for e in values["trail"]["entries"]],
        widths=(22, 136, 22),
    )

    verification = values["verification"]
    heading(document, "Verificatie")
    font(document, "B", 9)
    verdict = (
        f"Hashketen intact: {verification['events_checked']} gebeurtenissen gecontroleerd."
        if verification["valid"]
        else "Hashketen NIET intact: " + " ".join(verification["problems"])
    )
    document.multi_cell(0, 5, latin(verdict), new_x="LMARGIN", new_y="NEXT")
    font(document, "", 7, "mono")
    document.multi_cell(
        0, 4, f"Laatste hash: {verification['head_hash']}", new_x="LMARGIN", new_y="NEXT"
    )
    return bytes(document.output())


def _told(entry: dict[str, Any]) -> str:
    """The entry as it reads now, and, when corrected, as it was first recorded."""
    text = entry["summary_nl"]
    if entry.get("original"):
        first = entry["original"]
        text += f"\nGecorrigeerd; oorspronkelijk ({first['occurred_on']}): {first['summary_nl']}"
    return f"{text}\n{entry['hash']}"
