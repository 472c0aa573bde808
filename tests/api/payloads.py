"""A valid body for every case command, all fictional (README)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

TODAY = date.today()


def day(ago: int) -> str:
    return (TODAY - timedelta(days=ago)).isoformat()


def case_body(employer_id: str, sick_days_ago: int = 200, **extra: Any) -> dict[str, Any]:
    return {
        "employer_id": employer_id,
        "employee": {"name": "Fictief Persoon", "personnel_number": "P-001"},
        "first_sick_day": day(sick_days_ago),
        "reported_on": day(sick_days_ago),
        **extra,
    }


STEP_BODIES: dict[str, dict[str, Any]] = {
    "melding-arbodienst": {"arbodienst": "Arbodienst Voorbeeld"},
    "probleemanalyse": {
        "bedrijfsarts": "Dr. F. Ictief",
        "functional_limitations": "Niet tillen",
        "prognosis": "Herstel verwacht",
    },
    "plan-van-aanpak": {
        "casemanager": "J. Smit",
        "goal": "Eigen werk",
        "agreements": ["Wekelijks contact"],
    },
    "bijstelling": {"reason": "Voortgang", "changes": "Meer uren"},
    "evaluatie": {"participants": ["werkgever", "werknemer"], "summary": "Goede voortgang"},
    "arbeidsdeskundig-onderzoek": {"advice": "aangepast_werk"},
    "ziekmelding-uwv": {},
    "eerstejaarsevaluatie": {
        "conclusion": "Spoor 1 loopt",
        "spoor_2_needed": False,
        "tenzij_ground": "prospect_internal_return",
    },
    "spoor-2-start": {"provider": "Re-integratie Voorbeeld", "coach": "E. Coach"},
    "traject-start": {
        "track": 2,
        "provider": "Re-integratie Voorbeeld",
        "coach": "E. Coach",
        "plan": {
            "goal": "Passend werk als planner bij een andere werkgever",
            "search_directions": ["Logistieke planning", "Administratie"],
            "hours_per_week": 16,
        },
    },
    "traject-activiteit": {
        "kind": "sollicitatie",
        "hours": 2,
        "employer_name": "Voorbeeld B.V.",
        "position": "Planner",
        "outcome": "Uitgenodigd voor een gesprek",
    },
    "weerstand": {"signal": "angst_ontslag", "approach": "Gesprek over de zekerheden"},
    "traject-rapportage": {"kind": "voortgang", "summary": "Twee sollicitaties verstuurd"},
    "traject-onderbreking": {"reason": "Vakantie", "until": day(0)},
    "traject-einde": {"reason": "plaatsing"},
    "deskundigenoordeel-aanvraag": {"question": "Zijn de inspanningen voldoende?"},
    "deskundigenoordeel": {"outcome": "Voldoende"},
    "werkhervatting": {"work": "aangepast", "hours_per_week": 16.5, "wage_value_percentage": 50},
    "plaatsing": {
        "track": 2,
        "employer_name": "Voorbeeld B.V.",
        "position": "Planner",
        "hours_per_week": 32,
        "wage_value_percentage": 70,
        "permanent": True,
    },
    "herstelmelding": {"percentage": 50},
    "actueel-oordeel": {},
    "eindevaluatie": {"employee_opinion": "Eens met het verloop"},
    "reintegratieverslag": {"copy_to_employee_on": day(0)},
    "wia-aanvraag": {},
    "verlenging-loondoorbetaling": {"weeks": 13},
    "loonsanctie": {"weeks": 26, "reasons": ["Spoor 2 te laat gestart"]},
    "bekortingsverzoek": {},
    "bekortingsbesluit": {"granted": True, "ends_on": day(3)},
    "loonsanctie-einde": {"ends_on": day(3)},
    "wia-besluit": {"outcome": "wga", "percentage": 55, "lasting": False, "from": day(5)},
    "verlof": {"kind": "zwangerschap", "from": day(40), "until": day(0)},
    "waarschuwing": {"reason": "Niet verschenen bij de bedrijfsarts"},
    "loonopschorting": {"from": day(12), "reason": "Niet bereikbaar voor controle"},
    "loonstop": {"from": day(12), "ground": "e", "reason": "Weigert mee te werken aan het plan"},
    "loonbetaling-hervat": {"from": day(2)},
    "uitdiensttreding": {"last_working_day": day(0)},
    "notitie": {"kind": "gesprek", "text": "Telefonisch contact"},
    "afsluiting": {"reason": "uit_dienst"},
}
"""Every JSON step but ziekmelding (needs a recovery) and correctie (needs a target)."""

NEEDS_FIRST: dict[str, tuple[str, ...]] = {
    path: ("traject-start",)
    for path in (
        "traject-activiteit",
        "weerstand",
        "traject-rapportage",
        "traject-onderbreking",
        "traject-einde",
    )
}
"""Steps recorded only within a running trajectory: a case takes these first (20 days ago)."""


def step_body(path: str, occurred_days_ago: int = 10, **extra: Any) -> dict[str, Any]:
    return {
        "occurred_on": day(occurred_days_ago),
        "note": "Geen medische gegevens",
        **STEP_BODIES[path],
        **extra,
    }
