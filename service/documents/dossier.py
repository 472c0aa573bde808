"""The dossier UWV reads: one model of the "Verantwoording re-integratiedossier".

What an arbeidsdeskundige, a judge or the employee reads in the appendix to
a re-integratieverslag: who, which period, how the obligations stand, the
risk and why, every event with who recorded it and when (late and corrected
entries marked), the documents in the file with their SHA-256, and how to
check all of it without Spoorlog. The HTML page and the PDF both draw this
model (``trail_document``), so they can never tell different stories.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.case import Case
from domain.facts import legal_date
from domain.steps.catalogue import step_of
from domain.steps.dossier import field_label, field_shown
from service.documents.dutch import dutch_date, dutch_dates_in, dutch_instant
from service.documents.signed_head import TreeHead, signed_head

TITLE = "Verantwoording re-integratiedossier"
DEMO_REGISTRAR = "demo"
"""Who registers the demo tenant: every document of such a tenant says it is fictional."""
DEMO_BANNER = "DEMO — fictieve gegevens"

STATUS_NAMES = {
    "met": "tijdig",
    "met_late": "te laat gedaan",
    "overdue": "te laat, nog niet gedaan",
    "incomplete": "onvolledig",
    "open": "open",
    "waived": "vrijgesteld",
    "not_applicable": "vervallen",
}
STATUS_MEANING = {
    "met": "gedaan op of voor de uiterste datum",
    "met_late": "gedaan, maar na de uiterste datum",
    "overdue": "uiterste datum voorbij en nog niet gedaan",
    "incomplete": "vastgelegd, maar een verplicht onderdeel ontbreekt",
    "open": "uiterste datum ligt nog in de toekomst",
    "waived": "niet nodig op een vastgelegde, toegestane grond",
    "not_applicable": "niet meer van toepassing (bijvoorbeeld na herstel)",
}
CASE_STATUS = {"open": "lopend", "recovered": "hersteld", "closed": "afgesloten"}
RISK = {"low": "laag", "medium": "gemiddeld", "high": "hoog"}
ROLES = {
    "admin": "beheerder",
    "casemanager": "casemanager",
    "employer": "werkgever",
    "auditor": "auditor",
    "integration": "koppeling",
}
HASH_SHOWN = 16
"""Hex digits of an event's hash the timeline prints (64 bits: no two events share them)."""
LATE = "laat geregistreerd"
CORRECTED = "gecorrigeerd"


@dataclass(frozen=True)
class Obligation:
    label: str
    due_on: str
    status: str
    status_label: str
    met_on: str
    recorded_on: str
    recorded_late: bool


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: what happened, its marks, who recorded it, and its hash."""

    occurred_on: str
    text: str
    late: str | None
    """``laat geregistreerd: 23 dagen na de gebeurtenis``, or None."""
    changes: tuple[str, ...]
    """For a corrected event: each field, original → corrected."""
    original: str | None
    recorded_at: str
    actor: str
    hash: str

    @property
    def hash_start(self) -> str:
        """The hash as the timeline prints it: enough to find the event in the proof."""
        return f"{self.hash[:HASH_SHOWN]}…"


@dataclass(frozen=True)
class Document:
    title: str
    occurred_on: str
    kind: str
    sha256: str


@dataclass(frozen=True)
class Dossier:
    title: str
    demo: bool
    stand_per: str
    generated_on: str
    header: tuple[tuple[str, str], ...]
    risk: str
    risk_level: str
    risk_reasons: tuple[str, ...]
    obligations: tuple[Obligation, ...]
    entries: tuple[Entry, ...]
    documents: tuple[Document, ...]
    valid: bool
    verdict: str
    problems: tuple[str, ...]
    head_hash: str | None
    tree_head: TreeHead | None
    case_id: str
    late_days: int

    @property
    def employee(self) -> str:
        return dict(self.header)["Werknemer"]

    @property
    def employer(self) -> str:
        return dict(self.header)["Werkgever"]

    @property
    def footer(self) -> str:
        """What every printed page says about whose file it is and when it was made."""
        text = f"{self.title} · {self.employee} · opgesteld op {self.generated_on}"
        return f"{DEMO_BANNER} · {text}" if self.demo else text

    @property
    def legend(self) -> tuple[tuple[str, str], ...]:
        statuses = tuple((STATUS_NAMES[s], STATUS_MEANING[s]) for s in STATUS_NAMES)
        return (
            *statuses,
            (
                LATE,
                f"vastgelegd meer dan {self.late_days} dagen na de gebeurtenis; het telt, "
                "maar UWV weegt bewijs van het moment zelf zwaarder",
            ),
            (
                CORRECTED,
                "later gecorrigeerd: de tijdlijn toont de waarde nu, met de "
                "oorspronkelijke waarde ernaast; beide blijven bewaard",
            ),
            (
                "hash",
                f"de eerste {HASH_SHOWN} tekens van de SHA-256-vingerafdruk van de gebeurtenis; "
                "de volledige staat in het bewijs (zie Verificatie)",
            ),
        )

    @property
    def proof(self) -> tuple[tuple[str, str, bool], ...]:
        """What proves the file: label, value, and whether the value is a code (a hash, a
        key) to print in a fixed-width face."""
        found = [("Laatste hash van deze zaak", self.head_hash or "(geen gebeurtenissen)", True)]
        head = self.tree_head
        if head is None:
            return (
                *found,
                ("Ondertekende logboekstand", "nog geen: het bureau tekende nog niet", False),
            )
        signed = f"{head.position} gebeurtenissen van het bureau, ondertekend op {head.signed_at}"
        return (
            *found,
            ("Ondertekende logboekstand", signed, False),
            ("Wortelhash van het logboek", head.hash or "", True),
            ("Tijdstempel", head.timestamp or "geen (geen tijdstempeldienst ingesteld)", False),
            ("Vingerafdruk publieke sleutel", head.fingerprint or "", True),
            ("Publieke sleutel (Ed25519)", head.public_key or "", True),
        )

    @property
    def check_steps(self) -> tuple[str, ...]:
        """How anyone checks this file with a JSON library and SHA-256, without Spoorlog."""
        steps = (
            f"Vraag bij het bureau het bewijs van deze zaak op (GET /v1/cases/{self.case_id}"
            "/proof): één gebeurtenis per regel, met de ondertekende logboekstand; het bevat "
            "niets van andere zaken.",
            "Vorm per gebeurtenis een JSON-object met precies case_id, version, event_id, type, "
            "schema_version, occurred_on, recorded_at, actor, role, data en prev_hash; in data "
            "staat elk persoonsgegeven als commitment: de SHA-256 van zijn zout (salts) en zijn "
            "waarde. Sleutels op alfabet, geen spaties, tekst als UTF-8.",
            "De SHA-256 van dat object is de hash van de gebeurtenis; prev_hash is de hash van "
            "de vorige (64 nullen bij de eerste).",
            "De hash van de laatste gebeurtenis is de laatste hash hierboven; de tijdlijn noemt "
            f"bij elke regel de eerste {HASH_SHOWN} tekens van zijn hash.",
        )
        if self.tree_head is None:
            return steps
        return (
            *steps,
            "Het inclusiebewijs bij elke gebeurtenis leidt naar de wortelhash van de "
            "ondertekende logboekstand (RFC 9162), en de handtekening daarvan (Ed25519) klopt "
            "met de publieke sleutel hierboven.",
        )

    @property
    def check_command(self) -> str:
        key = self.tree_head.public_key if self.tree_head and self.tree_head.public_key else None
        return "spoorlog verify-export bewijs.jsonl" + (f" --public-key {key}" if key else "")


def dossier(
    *,
    case: dict[str, Any],
    facts: Case,
    obligations: dict[str, Any],
    trail: dict[str, Any],
    verification: dict[str, Any],
    documents: list[dict[str, Any]],
    tree_head: Any | None,
    now: datetime,
    generated_at: datetime,
    demo: bool,
    late_days: int,
) -> Dossier:
    """The document from the API's own answers, and the case for its corrections' fields."""
    reasons = tuple(dutch_dates_in(reason) for reason in obligations["risk_reasons"])
    valid = bool(verification["valid"])
    return Dossier(
        title=TITLE,
        demo=demo,
        stand_per=dutch_instant(now),
        generated_on=dutch_instant(generated_at),
        header=_header(case, now, generated_at),
        risk=RISK.get(obligations["loonsanctie_risk"], obligations["loonsanctie_risk"]),
        risk_level=obligations["loonsanctie_risk"],
        risk_reasons=reasons,
        obligations=tuple(_obligation(o) for o in obligations["obligations"]),
        entries=tuple(_entry(e, facts) for e in trail["entries"]),
        documents=tuple(_document(d) for d in documents),
        valid=valid,
        verdict=(
            f"De hashketen is intact: {verification['events_checked']} gebeurtenissen "
            "nagerekend, geen enkele is gewijzigd, verwijderd of tussengevoegd."
            if valid
            else "De hashketen is NIET intact. Wat niet klopt:"
        ),
        problems=tuple(verification["problems"]),
        head_hash=verification["head_hash"],
        tree_head=signed_head(tree_head),
        case_id=case["case_id"],
        late_days=late_days,
    )


def _header(case: dict[str, Any], now: datetime, generated_at: datetime) -> tuple[Any, ...]:
    employee = case["employee"]
    end = case["closed_on"] or case["recovered_on"]
    period = f"{dutch_date(case['first_sick_day'])} t/m " + (dutch_date(end) if end else "heden")
    status = CASE_STATUS.get(case["status"], case["status"])
    if case["status"] == "closed" and case.get("closing_reason"):
        status += f" ({case['closing_reason']})"
    rows = [
        ("Werkgever", case.get("employer_name") or ""),
        ("Werknemer", employee.get("name") or ""),
        ("Personeelsnummer", employee.get("personnel_number") or "(niet vastgelegd)"),
        ("Periode", period),
        ("Status", status),
        ("Ziektedagen", f"{case['sick_days']} (week {case['week']} van de wachttijd)"),
        ("Spoor", f"spoor {case['track']}" if case.get("track") else "spoor 1"),
        ("Stand per", dutch_instant(now)),
        ("Opgesteld op", dutch_instant(generated_at)),
        ("Zaaknummer", case["case_id"]),
    ]
    return tuple(rows)


def _obligation(o: dict[str, Any]) -> Obligation:
    status = STATUS_NAMES.get(o["status"], o["status"])
    if o.get("early"):
        status += " (vroeg)"
    if o.get("ground"):
        status += f" ({o['ground']})"
    if o.get("missing"):
        status += f": ontbreekt {', '.join(o['missing'])}"
    return Obligation(
        label=o["label"] + (f" {o['occurrence']}" if o["occurrence"] else ""),
        due_on=dutch_date(o["due_on"]),
        status=o["status"],
        status_label=status,
        met_on=dutch_date(o["met_on"]),
        recorded_on=dutch_date(_legal_day(o["recorded_at"])) if o["recorded_at"] else "",
        recorded_late=bool(o["recorded_late"]),
    )


def _legal_day(instant: str) -> date:
    return legal_date(datetime.fromisoformat(instant))


def _entry(e: dict[str, Any], case: Case) -> Entry:
    first_date = (e["original"] or {}).get("occurred_on") or e["occurred_on"]
    late = None
    if e["recorded_late"]:
        days = (_legal_day(e["recorded_at"]) - date.fromisoformat(first_date)).days
        late = f"{LATE}: {days} {'dag' if days == 1 else 'dagen'} na de gebeurtenis"
    original = None
    if e["original"]:
        first = e["original"]
        told = dutch_dates_in(first["summary_nl"])
        original = f"Oorspronkelijk ({dutch_date(first['occurred_on'])}): {told}"
    name = e.get("actor_name") or e["actor"]
    return Entry(
        occurred_on=dutch_date(e["occurred_on"]),
        text=dutch_dates_in(e["summary_nl"]),
        late=late,
        changes=_changes(case, e["event_id"]) if e["corrected_by"] else (),
        original=original,
        recorded_at=dutch_instant(e["recorded_at"]),
        actor=f"{name} ({ROLES.get(e['role'], e['role'])})",
        hash=e["hash"],
    )


def _changes(case: Case, event_id: str) -> tuple[str, ...]:
    """Each corrected field in Dutch: ``Casemanager: J. Smit → K. de Vries``."""
    fact = case.find(event_id)
    if fact is None:
        return ()
    step = step_of(fact)
    lines = []
    for correction in fact.corrections:
        for name, change in correction.changes.items():
            before, after = change["from"], change["to"]
            if name == "occurred_on":
                before, after = dutch_date(before), dutch_date(after)
            else:
                before, after = field_shown(step, name, before), field_shown(step, name, after)
            lines.append(f"{field_label(step, name).capitalize()}: {before} → {after}")
    return tuple(lines)


def _document(d: dict[str, Any]) -> Document:
    kind = d.get("media_type") or ""
    if d.get("size") is not None:
        kind += ", " + f"{d['size']:,} bytes".replace(",", ".")
    return Document(
        title=d.get("title") or "(zonder titel)",
        occurred_on=dutch_date(d["occurred_on"]),
        kind=kind,
        sha256=d["sha256"],
    )
