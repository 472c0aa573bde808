"""A demo tenant with fictional employers and cases at different Poortwachter stages.

Every name here is made up. Dates are relative to today, so the demo always
shows a fresh sick report, a case in the plan-van-aanpak phase, one nearing
the 42nd-week report, one in spoor 2, a recovered one and a closed one.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.access import Actor, Role
from service.config import Settings
from service.errors import Conflict
from service.tenancy import Tenancy

SLUG = "demo"


def _ago(days: int) -> date:
    return date.today() - timedelta(days=days)


def _seed_cases(tenancy: Tenancy, actor: Actor) -> None:
    app = tenancy.tenant(SLUG)
    bakery = app.register_employer(
        actor,
        name="Bakkerij De Korenschoof (fictief)",
        kvk_number="00000001",
        eigenrisicodrager_zw=False,
        eigenrisicodrager_wga=False,
    ).aggregate
    logistics = app.register_employer(
        actor,
        name="Transport Van Dijk B.V. (fictief)",
        kvk_number="00000002",
        eigenrisicodrager_zw=True,
        eigenrisicodrager_wga=True,
    ).aggregate

    def case(employer: object, name: str, sick_days_ago: int) -> str:
        opened = app.open_case(
            actor,
            employer_id=str(employer.id),  # type: ignore[attr-defined]
            employee={"name": name, "personnel_number": f"P-{sick_days_ago:04d}"},
            first_sick_day=_ago(sick_days_ago),
            reported_on=_ago(sick_days_ago),
            expected_duration_weeks=6,
        )
        case_id = str(opened.aggregate.id)
        app.record(
            case_id,
            "melding_arbodienst",
            actor,
            on=_ago(sick_days_ago - 2),
            arbodienst="Arbodienst Voorbeeld",
        )
        return case_id

    case(bakery, "Anna Voorbeeld", 10)

    plan = case(bakery, "Bram Testpersoon", 60)
    app.record(plan, "probleemanalyse", actor, on=_ago(25), bedrijfsarts="Dr. F. Ictief")
    app.record(
        plan,
        "plan_van_aanpak",
        actor,
        on=_ago(5),
        casemanager="C. Manager",
        goal="Terug naar eigen werk",
        agreements=["Wekelijks contact", "Opbouw uren"],
    )

    late = case(logistics, "Chris Proef", 290)
    app.record(late, "probleemanalyse", actor, on=_ago(250), bedrijfsarts="Dr. F. Ictief")
    app.record(
        late,
        "plan_van_aanpak",
        actor,
        on=_ago(230),
        casemanager="C. Manager",
        goal="Aangepast werk",
        agreements=["Werkplekonderzoek"],
    )
    app.record(
        late,
        "evaluatie",
        actor,
        on=_ago(185),
        participants=["werkgever", "werknemer"],
        summary="Voortgang besproken",
    )

    spoor2 = case(logistics, "Dana Demo", 400)
    app.record(spoor2, "probleemanalyse", actor, on=_ago(362), bedrijfsarts="Dr. F. Ictief")
    app.record(
        spoor2,
        "plan_van_aanpak",
        actor,
        on=_ago(350),
        casemanager="C. Manager",
        goal="Passend werk",
        agreements=["Arbeidsdeskundig onderzoek"],
    )
    app.record(spoor2, "arbeidsdeskundig_onderzoek", actor, on=_ago(300), advice="spoor_2")
    app.record(spoor2, "ziekmelding_uwv", actor, on=_ago(105))
    app.record(
        spoor2,
        "eerstejaarsevaluatie",
        actor,
        on=_ago(60),
        conclusion="Geen terugkeer in eigen organisatie",
        spoor_2_needed=True,
    )
    app.record(
        spoor2,
        "spoor_2_start",
        actor,
        on=_ago(40),
        provider="Re-integratie Voorbeeld",
        coach="E. Coach",
    )

    recovered = case(bakery, "Eva Fictief", 30)
    app.record(recovered, "herstelmelding", actor, on=_ago(3), percentage=100)

    closed = case(logistics, "Frank Verzonnen", 120)
    app.record(closed, "herstelmelding", actor, on=_ago(40), percentage=100)
    app.record(closed, "afsluiting", actor, on=_ago(2), reason="herstel")


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
    print(f"  curl -s {auth} {host}/v1/employers")
    print(f"  curl -s {host}/v1/openapi.json | head -c 400")
    print(f"\nInteractive documentation: {host}/docs\n", flush=True)
    return key
