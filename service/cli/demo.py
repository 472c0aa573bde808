"""A demo tenant with fictional employers and cases at different Poortwachter stages.

Every name here is made up. Dates are relative to today, so the demo always
shows a fresh sick report, a case in the plan-van-aanpak phase, one nearing
the 42nd-week report, one in spoor 2 with the coach's trajectory, a recovered
one and a closed one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.access import Actor, Role
from service.application.errors import Conflict
from service.application.tenancy import Tenancy
from service.config import Settings

SLUG = "demo"


def _ago(days: int) -> date:
    return date.today() - timedelta(days=days)


PLAN = {"casemanager": "C. Manager", "goal": "Terug naar eigen of passend werk"}
ANALYSE = {"bedrijfsarts": "Dr. F. Ictief"}

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

CASES: list[tuple[int, str, int, list[tuple[str, int, dict[str, Any]]]]] = [
    # (employer index, fictional employee, first sick day ago, [(step, days ago, fields)])
    (0, "Anna Voorbeeld", 10, []),
    (0, "Bram Testpersoon", 60, [
        ("probleemanalyse", 25, ANALYSE),
        ("plan_van_aanpak", 5, {**PLAN, "agreements": ["Wekelijks contact", "Opbouw uren"]}),
    ]),
    (1, "Chris Proef", 290, [
        ("probleemanalyse", 250, ANALYSE),
        ("plan_van_aanpak", 230, {**PLAN, "agreements": ["Werkplekonderzoek"]}),
        ("evaluatie", 185, {"participants": ["werkgever", "werknemer"], "summary": "Voortgang"}),
    ]),
    (1, "Dana Demo", 400, [
        ("probleemanalyse", 362, ANALYSE),
        ("plan_van_aanpak", 350, {**PLAN, "agreements": ["Arbeidsdeskundig onderzoek"]}),
        ("arbeidsdeskundig_onderzoek", 300, {"advice": "spoor_2"}),
        ("ziekmelding_uwv", 105, {}),
        ("eerstejaarsevaluatie", 60, {"conclusion": "Spoor 1 sluit", "spoor_2_needed": True}),
        ("spoor_2_start", 40, {"provider": "Re-integratie Voorbeeld", "coach": "E. Coach"}),
        *SPOOR_2_TRAJECTORY,
    ]),
    (0, "Eva Fictief", 30, [("herstelmelding", 3, {"percentage": 100})]),
    (1, "Frank Verzonnen", 120, [
        ("herstelmelding", 40, {"percentage": 100}),
        ("afsluiting", 2, {"reason": "herstel"}),
    ]),
]  # fmt: skip


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
    for employer, name, sick_days_ago, steps in CASES:
        opened = app.open_case(
            actor,
            employer_id=str(employers[employer].id),
            employee={"name": name, "personnel_number": f"P-{sick_days_ago:04d}"},
            first_sick_day=_ago(sick_days_ago),
            reported_on=_ago(sick_days_ago),
            expected_duration_weeks=6,
        )
        case_id = opened.aggregate.id
        app.record(
            case_id,
            "melding_arbodienst",
            actor,
            on=_ago(sick_days_ago - 2),
            arbodienst="Arbodienst Voorbeeld",
        )
        for step, days_ago, fields in steps:
            app.record(case_id, step, actor, on=_ago(days_ago), **fields)


def seed(settings: Settings, host: str = "http://127.0.0.1:8000") -> str:
    """Create (or reuse) the demo tenant; print a fresh admin key and requests to try."""
    tenancy = Tenancy(settings)
    try:
        _, key = tenancy.create_tenant(SLUG, "Demo Re-integratiebureau (fictief)", by="demo")
        _slug, actor = tenancy.control.authenticate(key)  # type: ignore[misc]
        _seed_cases(tenancy, actor)
        fresh = True
    except Conflict:
        _issued, key = tenancy.control.issue_key(
            SLUG, name="demo", role=Role.ADMIN, employer_ids=None, by="demo"
        )
        fresh = False
    tenancy.close()
    state = "seeded" if fresh else "already there; a new admin key was issued"
    print(f"Demo tenant '{SLUG}' {state}.")
    print(f"API key (shown once): {key}\n\nTry:")
    auth = f'-H "Authorization: Bearer {key}"'
    print(f"  curl -s {auth} {host}/v1/cases")
    print(f"  curl -s {auth} {host}/v1/worklist")
    print(f"  curl -s {host}/v1/openapi.json | head -c 400")
    print(f"\nInteractive documentation: {host}/docs\n", flush=True)
    return key
