"""A demo tenant with fictional employers and cases at different Poortwachter stages.

Every name here is made up, and the tenant says so: its name, and every
document it prints ("DEMO — fictieve gegevens"). Dates are relative to today,
and every step is recorded at the time a bureau would have recorded it (a
clock only this seeder uses, :mod:`domain.clock`), so the files read as kept:
a fresh sick report, a well-kept case in the plan-van-aanpak phase, a
neglected one (entered weeks late, evaluations missed), one in spoor 2 with
the coach's trajectory, a recovered one and a closed one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from domain.access import Actor, Role
from domain.clock import recording_clock
from domain.facts import LEGAL_TIMEZONE
from service.application.errors import Conflict
from service.application.tenancy import Tenancy
from service.config import Settings
from service.documents.dossier import DEMO_REGISTRAR

SLUG = "demo"
NAME = "DEMO Re-integratiebureau Voorbeeld (fictieve gegevens)"
CASEMANAGER = "M. Jansen (fictief)"
"""The name of the key the demo's steps are recorded with: the trail names it."""


def _ago(days: int) -> date:
    return date.today() - timedelta(days=days)


PLAN = {"casemanager": "C. Manager", "goal": "Terug naar eigen of passend werk"}
ANALYSE = {"bedrijfsarts": "Dr. F. Ictief"}


@dataclass(frozen=True)
class Seeded:
    """A step of a demo case: what, how many days ago it happened, and when it was entered."""

    step: str
    ago: int
    fields: dict[str, Any] = field(default_factory=dict)
    entered_ago: int | None = None
    """Days ago it was entered; None: the day it happened (a well-kept file)."""


SPOOR_2_TRAJECTORY: list[tuple[str, int, dict[str, Any]]] = [
    (
        "traject_start",
        40,
        {
            "track": 2,
            "provider": "Re-integratie Voorbeeld",
            "coach": "E. Coach",
            "plan": {
                "goal": "Passend werk bij een andere werkgever, 24 uur per week",
                "search_directions": ["Logistieke planning", "Klantenservice"],
                "hours_per_week": 24,
            },
        },
    ),
    (
        "traject_rapportage",
        39,
        {"kind": "start", "summary": "Plan besproken met werkgever en werknemer"},
    ),
    (
        "traject_activiteit",
        38,
        {"kind": "coachgesprek", "hours": 1.5, "outcome": "Wensen en mogelijkheden in kaart"},
    ),
    (
        "weerstand",
        38,
        {
            "signal": "angst_ontslag",
            "approach": "Uitgelegd dat spoor 2 geen ontslag is; werkgever bevestigt het",
        },
    ),
    (
        "traject_activiteit",
        31,
        {"kind": "assessment", "hours": 3, "outcome": "Geschikt voor planning en klantcontact"},
    ),
    (
        "traject_activiteit",
        24,
        {
            "kind": "sollicitatie",
            "employer_name": "Logistiek Noord (fictief)",
            "position": "Planner",
            "outcome": "Uitgenodigd voor gesprek",
        },
    ),
    (
        "traject_activiteit",
        17,
        {"kind": "netwerkgesprek", "hours": 1, "outcome": "Twee contacten bij vervoerders"},
    ),
    (
        "traject_activiteit",
        10,
        {
            "kind": "vacature",
            "employer_name": "Servicepunt Oost (fictief)",
            "position": "Klantenservice",
            "outcome": "Gesprek gepland",
        },
    ),
    (
        "traject_rapportage",
        3,
        {"kind": "voortgang", "summary": "Twee sollicitaties lopen; werknemer gemotiveerd"},
    ),
]
"""Dana Demo's spoor-2 trajectory, as a coach records one (every name fictional)."""

EVALUATION = {"participants": ["werkgever", "werknemer"], "summary": "Voortgang besproken"}


@dataclass(frozen=True)
class DemoCase:
    employer: int
    name: str
    sick_days_ago: int
    steps: list[Seeded]
    arbodienst_entered_ago: int | None = None


def _steps(*steps: tuple[str, int, dict[str, Any]]) -> list[Seeded]:
    return [Seeded(step, ago, fields) for step, ago, fields in steps]


CASES = [
    DemoCase(0, "Anna Voorbeeld", 10, []),
    DemoCase(0, "Bram Testpersoon", 60, _steps(
        ("probleemanalyse", 25, ANALYSE),
        ("plan_van_aanpak", 13, {**PLAN, "agreements": ["Wekelijks contact", "Opbouw uren"]}),
        ("notitie", 6, {"kind": "contact", "text": "Telefonisch contact, opbouw loopt"}),
    )),
    # The neglected file: entered in batches weeks after the fact, evaluations missed.
    DemoCase(1, "Chris Proef", 290, [
        Seeded("probleemanalyse", 250, ANALYSE, entered_ago=205),
        Seeded("plan_van_aanpak", 230, {**PLAN, "agreements": ["Werkplekonderzoek"]}, 205),
        Seeded("evaluatie", 185, EVALUATION, entered_ago=150),
    ], arbodienst_entered_ago=268),
    DemoCase(1, "Dana Demo", 400, _steps(
        ("probleemanalyse", 362, ANALYSE),
        ("plan_van_aanpak", 350, {**PLAN, "agreements": ["Arbeidsdeskundig onderzoek"]}),
        *(("evaluatie", ago, EVALUATION) for ago in (310, 270, 230, 190, 150, 110)),
        ("ziekmelding_uwv", 107, {}),
        ("arbeidsdeskundig_onderzoek", 75, {"advice": "spoor_2"}),
        ("evaluatie", 70, EVALUATION),
        ("eerstejaarsevaluatie", 60, {"conclusion": "Spoor 1 sluit", "spoor_2_needed": True}),
        ("spoor_2_start", 40, {"provider": "Re-integratie Voorbeeld", "coach": "E. Coach"}),
        *SPOOR_2_TRAJECTORY,
        ("evaluatie", 30, EVALUATION),
    )),
    DemoCase(0, "Eva Fictief", 30, _steps(("herstelmelding", 3, {"percentage": 100}))),
    DemoCase(1, "Frank Verzonnen", 120, _steps(
        ("herstelmelding", 40, {"percentage": 100}),
        ("afsluiting", 2, {"reason": "herstel"}),
    )),
]  # fmt: skip


class Clock:
    """The demo's recording clock: each step entered on its day, in office hours."""

    def __init__(self) -> None:
        self.instant = datetime.now(UTC)

    def entered(self, days_ago: int, nth: int) -> None:
        """Set the clock to day ``days_ago``, 09:00 Amsterdam time plus a few minutes a step
        (never later than now)."""
        local = datetime.combine(_ago(days_ago), time(9), LEGAL_TIMEZONE)
        later = local + timedelta(minutes=7 * nth)
        self.instant = min(later.astimezone(UTC), datetime.now(UTC) - timedelta(seconds=1))

    def __call__(self) -> datetime:
        return self.instant


def _history() -> Iterator[tuple[int, int, DemoCase, Seeded | None]]:
    """Every step of every case as (entered days ago, order, case, step), oldest first; the
    opening (step None) comes first in its case."""
    for case in CASES:
        yield case.sick_days_ago, 0, case, None
        arbodienst = Seeded(
            "melding_arbodienst",
            case.sick_days_ago - 2,
            {"arbodienst": "Arbodienst Voorbeeld"},
            case.arbodienst_entered_ago,
        )
        for order, step in enumerate([arbodienst, *case.steps], 1):
            entered = step.ago if step.entered_ago is None else step.entered_ago
            yield entered, order, case, step


def _seed_cases(tenancy: Tenancy, actor: Actor) -> None:
    app = tenancy.tenant(SLUG)
    employers = [
        app.register_employer(
            actor,
            name=name,
            kvk_number=kvk,
            eigenrisicodrager_zw=eigenrisico,
            eigenrisicodrager_wga=eigenrisico,
        ).aggregate
        for name, kvk, eigenrisico in [
            ("Bakkerij De Korenschoof (fictief)", "00000001", False),
            ("Transport Van Dijk B.V. (fictief)", "00000002", True),
        ]
    ]
    opened: dict[str, Any] = {}
    clock = Clock()
    history = sorted(_history(), key=lambda h: (-h[0], h[1]))  # as the bureau entered it
    with recording_clock(clock):
        for nth, (entered, _order, case, step) in enumerate(history):
            clock.entered(entered, nth % 40)
            if step is None:
                opened[case.name] = app.open_case(
                    actor,
                    employer_id=str(employers[case.employer].id),
                    employee={"name": case.name, "personnel_number": f"P-{case.sick_days_ago:04d}"},
                    first_sick_day=_ago(case.sick_days_ago),
                    reported_on=_ago(case.sick_days_ago),
                    expected_duration_weeks=6,
                ).aggregate.id
            else:
                app.record(opened[case.name], step.step, actor, on=_ago(step.ago), **step.fields)


def seed(settings: Settings, host: str = "http://127.0.0.1:8000") -> str:
    """Create (or reuse) the demo tenant; print a fresh admin key and requests to try."""
    tenancy = Tenancy(settings)
    try:
        _, key = tenancy.create_tenant(SLUG, NAME, by=DEMO_REGISTRAR)
        casemanager, _plain = tenancy.control.issue_key(
            SLUG, name=CASEMANAGER, role=Role.CASEMANAGER, employer_ids=None, by=DEMO_REGISTRAR
        )
        _seed_cases(tenancy, casemanager.as_actor())
        fresh = True
    except Conflict:
        _issued, key = tenancy.control.issue_key(
            SLUG, name="demo", role=Role.ADMIN, employer_ids=None, by=DEMO_REGISTRAR
        )
        fresh = False
    tenancy.close()
    state = "seeded" if fresh else "already there; a new admin key was issued"
    print(f"Demo tenant '{SLUG}' ({NAME}) {state}.")
    print(f"API key (shown once): {key}\n\nTry:")
    auth = f'-H "Authorization: Bearer {key}"'
    print(f"  curl -s {auth} {host}/v1/cases")
    print(f"  curl -s {auth} {host}/v1/worklist")
    print(f"  curl -s {host}/v1/openapi.json | head -c 400")
    print(f"\nInteractive documentation: {host}/docs\n", flush=True)
    return key
