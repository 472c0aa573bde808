"""A trajectory report: the document a coach hands over and UWV reads.

One spoor-2 or spoor-3 trajectory of a case as JSON, as a printable HTML page
and as PDF: who guides it, the plan, its status and dates, every activity by
week of the trajectory, resistance signals, interruptions, the reports given
so far and the counts by kind. Every line is an event of the case; its hash is
shown beside it. Values read in Dutch through the steps' own declarations
(``Step.show``), so no label is repeated here. No medical data: these fields
hold none.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fpdf import FPDF, FontFace
from jinja2 import Environment, PackageLoader, select_autoescape

from domain.facts import Fact
from domain.hashchain import format_instant
from domain.steps.catalogue import step_of
from domain.trajectories import Trajectory
from service.documents.dossier import DEMO_BANNER
from service.documents.dutch import dutch_date
from service.documents.pdf import banner, font, heading, latin, new_document, table

STATUS = {"running": "loopt", "interrupted": "onderbroken", "ended": "beëindigd"}

_WEEK = FontFace(emphasis="BOLD", fill_color=(230, 237, 245))

_templates = Environment(
    loader=PackageLoader("service.documents", "templates"), autoescape=select_autoescape(["html"])
)


def _shown(fact: Fact) -> dict[str, str]:
    """The fact's values as they read in Dutch, absent ones left out."""
    shown = step_of(fact).show(fact.data)
    return {name: text for name, text in shown.items() if fact.data.get(name) not in (None, "")}


def _line(fact: Fact, hashes: dict[str, str]) -> dict[str, Any]:
    return {
        "event_id": fact.event_id,
        "occurred_on": fact.occurred_on.isoformat(),
        "hash": hashes.get(fact.event_id, ""),
    }


def _activity(fact: Fact, week: int, hashes: dict[str, str]) -> dict[str, Any]:
    data, shown = fact.data, _shown(fact)
    return {
        **_line(fact, hashes),
        "week": week,
        "kind": str(data.get("kind")),
        "kind_label": shown.get("kind", str(data.get("kind"))),
        "hours": data.get("hours"),
        "hours_label": shown.get("hours"),
        "employer_name": data.get("employer_name"),
        "position": data.get("position"),
        "outcome": data.get("outcome"),
    }


def week_of(trajectory: Trajectory, day: date) -> int:
    """The week of the trajectory ``day`` falls in: week 1 starts on its first day."""
    return (day - trajectory.started_on).days // 7 + 1


def _weeks(trajectory: Trajectory, hashes: dict[str, str]) -> list[dict[str, Any]]:
    """The weeks that saw activities, in order, each with its activities."""
    weeks: dict[int, list[dict[str, Any]]] = {}
    for fact in trajectory.activities:
        week = week_of(trajectory, fact.occurred_on)
        weeks.setdefault(week, []).append(_activity(fact, week, hashes))
    found = []
    for week, activities in sorted(weeks.items()):
        first = trajectory.started_on + timedelta(days=7 * (week - 1))
        found.append(
            {
                "week": week,
                "from": first.isoformat(),
                "until": (first + timedelta(days=6)).isoformat(),
                "activities": activities,
            }
        )
    return found


def report(
    case: Any,
    trajectory: Trajectory,
    *,
    employer_name: str | None,
    hashes: dict[str, str],
    now: datetime,
    today: date,
) -> dict[str, Any]:
    """The report as the API answers it: values as recorded, each with its Dutch label."""
    start, shown_start = trajectory.start.data, _shown(trajectory.start)
    plan = dict(start.get("plan") or {})
    end = trajectory.end if trajectory.end and trajectory.end.occurred_on <= today else None
    counts = trajectory.counts()
    labels = {a["kind"]: a["kind_label"] for w in _weeks(trajectory, {}) for a in w["activities"]}
    status = trajectory.status_on(today)
    return {
        "case_id": str(case.id),
        "number": trajectory.number,
        "track": trajectory.track,
        "employer_name": employer_name,
        "employee": {
            "name": case.employee.get("name"),
            "personnel_number": case.employee.get("personnel_number"),
        },
        "provider": start.get("provider"),
        "coach": start.get("coach"),
        "plan": {
            "goal": plan.get("goal"),
            "search_directions": list(plan.get("search_directions") or []),
            "hours_per_week": plan.get("hours_per_week"),
            "shown": shown_start.get("plan"),
        },
        "status": status,
        "status_label": STATUS.get(status, status),
        "started_on": trajectory.started_on.isoformat(),
        "start_event": _line(trajectory.start, hashes),
        "ended_on": end.occurred_on.isoformat() if end else None,
        "end_reason": str(end.data.get("reason")) if end else None,
        "end_reason_label": _shown(end).get("reason") if end else None,
        "end_event": _line(end, hashes) if end else None,
        "weeks": _weeks(trajectory, hashes),
        "resistance": [
            {
                **_line(f, hashes),
                "signal": str(f.data.get("signal")),
                "signal_label": _shown(f).get("signal", str(f.data.get("signal"))),
                "approach": f.data.get("approach"),
            }
            for f in trajectory.resistance
        ],
        "interruptions": [
            {**_line(f, hashes), "reason": f.data.get("reason"), "until": f.data.get("until")}
            for f in trajectory.interruptions
        ],
        "reports": [
            {
                **_line(f, hashes),
                "kind": str(f.data.get("kind")),
                "kind_label": _shown(f).get("kind", str(f.data.get("kind"))),
                "summary": f.data.get("summary"),
            }
            for f in trajectory.reports
        ],
        "counts": counts,
        "count_labels": {kind: labels.get(kind, kind) for kind in counts},
        "last_activity_on": (
            trajectory.last_activity_on.isoformat() if trajectory.last_activity_on else None
        ),
        "head_hash": case.head_hash,
        "as_of": format_instant(now),
    }


def context(body: dict[str, Any], as_of: datetime | None, demo: bool = False) -> dict[str, Any]:
    """What both renderings show: the JSON answer, dates in Dutch, the gaps between weeks;
    for the demo tenant, that its data is fictional."""
    return {
        "demo": demo,
        "banner": DEMO_BANNER,
        "r": body,
        "title": f"Trajectrapportage spoor {body['track']}",
        "as_of_label": f"per {dutch_date(as_of.date())}" if as_of else "op dit moment",
        "weeks": list(_with_gaps(body["weeks"])),
        "plan_hours": _hours(body["plan"]["hours_per_week"]),
        "d": dutch_date,
        "generated_on": dutch_date(datetime.now(UTC).date()),
    }


def _with_gaps(weeks: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """The weeks, and before each one that follows a stretch without activity, that stretch."""
    previous = 0
    for week in weeks:
        if week["week"] > previous + 1:
            first, last = previous + 1, week["week"] - 1
            yield {"gap": f"week {first}" if first == last else f"week {first} t/m {last}"}
        yield week
        previous = week["week"]


def footer(values: dict[str, Any]) -> str:
    text = (
        f"Opgesteld door Spoorlog op {values['generated_on']}; elke regel is een onveranderlijk "
        f"vastgelegde gebeurtenis (hash {values['r']['head_hash']})."
    )
    return f"{DEMO_BANNER}. {text}" if values["demo"] else text


def html(values: dict[str, Any]) -> str:
    return _templates.get_template("trajectory_report.html").render(**values, footer=footer(values))


# --- PDF ---------------------------------------------------------------------------


def pdf(values: dict[str, Any]) -> bytes:
    r, d = values["r"], dutch_date
    document = new_document()
    document.set_auto_page_break(auto=True, margin=15)
    document.add_page()
    if values["demo"]:
        banner(document, DEMO_BANNER)
    document.set_title(latin(f"{values['title']} {r['employee']['name']}"))
    font(document, "B", 15)
    document.cell(0, 9, latin(values["title"]), new_x="LMARGIN", new_y="NEXT")
    font(document, "", 9)
    subtitle = f"Re-integratietraject nr. {r['number']} - stand van zaken {values['as_of_label']}"
    document.cell(0, 5, latin(subtitle), new_x="LMARGIN", new_y="NEXT")
    document.ln(3)
    _pairs(document, _header(values))

    heading(document, "Plan")
    plan = r["plan"]
    _pairs(
        document,
        [
            ("Doel", plan["goal"] or ""),
            ("Zoekrichtingen", "; ".join(plan["search_directions"]) or "(geen)"),
            ("Uren per week", _hours(plan["hours_per_week"])),
        ],
    )

    heading(document, "Activiteiten per week")
    if values["weeks"]:
        _activities(document, values["weeks"])
    else:
        _text(document, "Nog geen activiteiten vastgelegd.")

    heading(document, "Aantallen per soort")
    if r["counts"]:
        table(
            document,
            ("Soort", "Aantal"),
            [(r["count_labels"][k], str(n)) for k, n in r["counts"].items()],
            widths=(90, 20),
            width=110,
        )
    else:
        _text(document, "Geen.")

    heading(document, "Weerstand")
    if r["resistance"]:
        table(
            document,
            ("Datum", "Signaal", "Aanpak"),
            [
                (d(x["occurred_on"]), x["signal_label"], x["approach"] or "")
                for x in r["resistance"]
            ],
            widths=(30, 50, 100),
        )
    else:
        _text(document, "Geen signalen van weerstand vastgelegd.")

    heading(document, "Onderbrekingen")
    if r["interruptions"]:
        table(
            document,
            ("Vanaf", "Tot", "Reden"),
            [
                (d(x["occurred_on"]), d(x["until"]) or "(open)", x["reason"] or "")
                for x in r["interruptions"]
            ],
            widths=(30, 30, 120),
        )
    else:
        _text(document, "Geen onderbrekingen.")

    heading(document, "Rapportages")
    if r["reports"]:
        table(
            document,
            ("Datum", "Soort", "Samenvatting"),
            [(d(x["occurred_on"]), x["kind_label"], x["summary"] or "") for x in r["reports"]],
            widths=(30, 40, 110),
        )
    else:
        _text(document, "Nog geen rapportages.")

    font(document, "", 7.5)
    if document.will_page_break(6 + 3 * 4):  # the footer is never split over two pages
        document.add_page()
    else:
        document.ln(6)
    document.multi_cell(0, 4, latin(footer(values)), align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def _activities(document: FPDF, weeks: list[dict[str, Any]]) -> None:
    """One table: a shaded row per week, a row per activity, a row per stretch without any."""
    d = dutch_date
    with document.table(col_widths=(30, 34, 16, 46, 54), text_align="LEFT", line_height=4) as table:
        table.row([latin(h) for h in ("Datum", "Activiteit", "Uren", "Werkgever / functie",
                                        "Uitkomst")])  # fmt: skip
        for week in weeks:
            if "gap" in week:
                font(document, "I", 8)
                table.row().cell(latin(f"Geen activiteiten in {week['gap']}"), colspan=5)
                font(document, "", 8)
                continue
            font(document, "B", 8)
            span = f"Week {week['week']}   {d(week['from'])} t/m {d(week['until'])}"
            table.row(style=_WEEK).cell(latin(span), colspan=5)
            font(document, "", 8)
            for a in week["activities"]:
                cells = (
                    d(a["occurred_on"]),
                    a["kind_label"],
                    a["hours_label"] or "",
                    _where(a),
                    (a["outcome"] or "") + f"\n{a['hash'][:16]}",
                )
                table.row([latin(c) for c in cells])


def _header(values: dict[str, Any]) -> list[tuple[str, str]]:
    r, d = values["r"], dutch_date
    employee = r["employee"]["name"] or ""
    if r["employee"]["personnel_number"]:
        employee += f" (personeelsnummer {r['employee']['personnel_number']})"
    rows = [
        ("Werkgever", r["employer_name"] or ""),
        ("Werknemer", employee),
        ("Re-integratiebedrijf", r["provider"] or ""),
        ("Coach", r["coach"] or ""),
        ("Status", r["status_label"]),
        ("Gestart op", d(r["started_on"])),
    ]
    if r["ended_on"]:
        rows.append(("Beëindigd op", f"{d(r['ended_on'])} ({r['end_reason_label']})"))
    rows.append(("Laatste activiteit", d(r["last_activity_on"]) or "(nog geen)"))
    return rows


def _hours(value: Any) -> str:
    if value is None:
        return "(leeg)"
    number = float(value)
    text = str(int(number)) if number == int(number) else f"{number:g}".replace(".", ",")
    return f"{text} uur"


def _where(activity: dict[str, Any]) -> str:
    return " / ".join(p for p in (activity["employer_name"], activity["position"]) if p)


def _pairs(document: FPDF, rows: list[tuple[str, str]]) -> None:
    for label, value in rows:
        font(document, "B", 9)
        document.cell(42, 5, latin(label))
        font(document, "", 9)
        document.multi_cell(0, 5, latin(str(value)), new_x="LMARGIN", new_y="NEXT")


def _text(document: FPDF, text: str) -> None:
    font(document, "I", 9)
    document.multi_cell(0, 5, latin(text), new_x="LMARGIN", new_y="NEXT")
    font(document, "", 8)
