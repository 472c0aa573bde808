"""The second wave of steps over HTTP, on both stores: recorded, shown, told, and refused.

Every new step records (201), stands in the case file and speaks its Dutch
sentence in the audit trail; every rule answers 422 naming the field and
stores nothing; a correctie of a new step obeys the same rules.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.payloads import case_body, day, step_body
from tests.conftest import Api

NEW_STEPS: list[tuple[str, str]] = [
    ("verlof", f"Zwangerschapsverlof van {day(40)} tot en met {day(0)}"),
    ("waarschuwing", "Waarschuwing aan de werknemer gegeven op"),
    ("loonopschorting", f"Loon opgeschort sinds {day(12)}: de werknemer houdt zich niet aan"),
    ("loonstop", f"Werknemer werkt niet mee: loonstop sinds {day(12)} (art. 7:629 lid 3 sub e BW"),
    ("loonbetaling-hervat", f"Loonbetaling hervat per {day(2)}"),
    ("bekortingsbesluit", f"Bekortingsverzoek toegewezen door UWV (besluit op {day(10)}"),
    ("loonsanctie-einde", f"de loonsanctie eindigt op {day(3)}"),
    (
        "wia-besluit",
        f"WIA-besluit van UWV: WGA, 55 % arbeidsongeschikt, niet duurzaam, ingaand op {day(5)}",
    ),
    ("uitdiensttreding", f"Uit dienst na de laatste werkdag {day(0)}"),
]


def events(admin: Api, case_id: str) -> int:
    return len(admin.get(f"/v1/cases/{case_id}/events").json()["items"])


def post(admin: Api, case_id: str, path: str, ago: int = 10, **extra: Any) -> Any:
    return admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, ago, **extra))


def test_every_new_step_records_stands_in_the_file_and_speaks_dutch(
    admin: Api, case_id: str
) -> None:
    recorded = {}
    for path, _ in NEW_STEPS:
        answer = post(admin, case_id, path)
        assert answer.status_code == 201, (path, answer.text)
        assert answer.json()["type"] == path.replace("-", "_")
        recorded[path] = answer.json()
    case = admin.get(f"/v1/cases/{case_id}").json()
    by_id = {fact["event_id"]: fact for fact in case["file"]}
    assert by_id[recorded["loonstop"]["event_id"]]["data"]["from"] == day(12)
    assert by_id[recorded["verlof"]["event_id"]]["label"] == "Zwangerschaps- of bevallingsverlof"
    last = max(r["position"] for r in recorded.values())
    trail = admin.get(f"/v1/cases/{case_id}/audit-trail", params={"min_position": last}).json()
    told = {entry["event_id"]: entry["summary_nl"] for entry in trail["entries"]}
    for path, phrase in NEW_STEPS:
        event_id = recorded[path]["event_id"]
        assert event_id in by_id, path
        assert phrase in told[event_id], (path, told[event_id])


REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("bekortingsbesluit", {"granted": True, "ends_on": None}, "ends_on"),
    ("bekortingsbesluit", {"granted": False}, "ends_on"),
    ("verlof", {"from": day(5), "until": day(6)}, "until"),
    ("verlof", {"from": day(201)}, "from"),
    ("loonopschorting", {"from": day(201)}, "from"),
    ("loonstop", {"from": day(201)}, "from"),
    ("loonbetaling-hervat", {"from": day(201)}, "from"),
    ("uitdiensttreding", {"last_working_day": day(201)}, "last_working_day"),
    ("uitdiensttreding", {"last_working_day": day(-400)}, "last_working_day"),
    ("wia-besluit", {"outcome": "iva", "lasting": None}, "percentage"),
    ("wia-besluit", {"outcome": "iva", "percentage": 90}, "lasting"),
    ("wia-besluit", {"outcome": "geen", "percentage": 40}, "percentage"),
    ("wia-besluit", {"from": day(201)}, "from"),
    ("loonsanctie-einde", {"ends_on": day(201)}, "ends_on"),
    ("eindevaluatie", {"employee_opinion": None}, "employee_opinion"),
    ("eindevaluatie", {"employee_declined": True}, "employee_declined"),
    ("reintegratieverslag", {"copy_to_employee_on": day(11)}, "copy_to_employee_on"),
    ("reintegratieverslag", {"copy_to_employee_on": day(-1)}, "copy_to_employee_on"),
    ("verlenging-loondoorbetaling", {"weeks": 12}, "weeks"),
    ("verlenging-loondoorbetaling", {"weeks": 261}, "weeks"),
    (
        "eerstejaarsevaluatie",
        {"tenzij_ground": "no_capacity", "evidence_event_ids": []},
        "evidence_event_ids",
    ),
    ("eerstejaarsevaluatie", {"tenzij_ground": "gbm"}, "evidence_event_ids"),
    ("eerstejaarsevaluatie", {"tenzij_ground": "aow_within_year"}, "tenzij_ground"),
    ("bijstelling", {"tenzij_ground": "gbm"}, "evidence_event_ids"),
]


@pytest.mark.parametrize(("path", "extra", "field"), REFUSED)
def test_each_rule_is_422_naming_the_field_and_stores_nothing(
    admin: Api, case_id: str, path: str, extra: dict[str, Any], field: str
) -> None:
    before = events(admin, case_id)
    answer = post(admin, case_id, path, **extra)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["errors"], answer.json()
    assert events(admin, case_id) == before


def test_the_aow_ground_needs_the_employees_agreement(admin: Api, employer_id: str) -> None:
    employee = {"name": "Fictief Persoon", "date_of_birth": "1959-03-01"}
    case_id = admin.post("/v1/cases", case_body(employer_id, employee=employee)).json()["case_id"]
    aow = {"tenzij_ground": "aow_within_year"}
    refused = post(admin, case_id, "eerstejaarsevaluatie", **aow)
    assert refused.status_code == 422 and "employee_agrees" in refused.json()["errors"]
    agreed = post(admin, case_id, "eerstejaarsevaluatie", **aow, employee_agrees=True)
    assert agreed.status_code == 201, agreed.text


def test_evidence_is_of_this_case_and_current_for_gbm(
    admin: Api, employer_id: str, case_id: str
) -> None:
    other = admin.post("/v1/cases", case_body(employer_id)).json()["case_id"]
    foreign = post(admin, other, "probleemanalyse", 30).json()["event_id"]
    old = post(admin, case_id, "probleemanalyse", 100).json()["event_id"]
    fresh = post(admin, case_id, "actueel-oordeel", 30).json()["event_id"]
    before = events(admin, case_id)
    for path, extra in [
        ("werkhervatting", {}),
        ("plaatsing", {}),
        ("bijstelling", {}),
        ("eerstejaarsevaluatie", {"tenzij_ground": "no_capacity"}),
    ]:
        answer = post(admin, case_id, path, evidence_event_ids=[foreign], **extra)
        assert answer.status_code == 422, (path, answer.text)
        assert "evidence_event_ids" in answer.json()["errors"]
    gbm = {"tenzij_ground": "gbm", "spoor_2_needed": False}
    stale = post(admin, case_id, "eerstejaarsevaluatie", evidence_event_ids=[old], **gbm)
    assert stale.status_code == 422 and "evidence_event_ids" in stale.json()["errors"]
    assert events(admin, case_id) == before
    current = post(admin, case_id, "eerstejaarsevaluatie", evidence_event_ids=[fresh], **gbm)
    assert current.status_code == 201, current.text
    assert current.json()["data"]["evidence_event_ids"] == [fresh]


def test_the_sick_report_takes_a_vangnet_reason_only_with_vangnet(
    admin: Api, employer_id: str
) -> None:
    for extra, field in [
        ({"vangnet_reason": "zwangerschap"}, "vangnet_reason"),
        (
            {"vangnet": True, "vangnet_reason": "overig", "zwangerschap_timing": "na_verlof"},
            "zwangerschap_timing",
        ),
        ({"contract_hours_per_week": 200}, "contract_hours_per_week"),
    ]:
        answer = admin.post("/v1/cases", case_body(employer_id, **extra))
        assert answer.status_code == 422, answer.text
        assert field in answer.json()["errors"], answer.json()
    body = case_body(
        employer_id,
        vangnet=True,
        vangnet_reason="zwangerschap",
        zwangerschap_timing="voor_verlof",
        contract_hours_per_week=24,
    )
    opened = admin.post("/v1/cases", body)
    assert opened.status_code == 201, opened.text
    assert opened.json()["event"]["data"]["zwangerschap_timing"] == "voor_verlof"


@pytest.mark.parametrize(
    ("path", "replacement", "field"),
    [
        ("verlof", {"until": day(41)}, "replacement.until"),
        ("loonstop", {"ground": "z"}, "replacement.ground"),
        ("loonstop", {"from": day(201)}, "replacement.from"),
        ("bekortingsbesluit", {"ends_on": None}, "replacement.ends_on"),
        ("wia-besluit", {"outcome": "iva", "lasting": True}, "replacement.percentage"),
        ("uitdiensttreding", {"last_working_day": day(201)}, "replacement.last_working_day"),
        ("eindevaluatie", {"employee_declined": True}, "replacement.employee_declined"),
    ],
)
def test_a_correctie_of_a_new_step_obeys_its_rules(
    admin: Api, case_id: str, path: str, replacement: dict[str, Any], field: str
) -> None:
    target = post(admin, case_id, path).json()["event_id"]
    before = events(admin, case_id)
    body = {"occurred_on": day(1), "event_id": target, "reason": "Fout", "replacement": replacement}
    answer = admin.post(f"/v1/cases/{case_id}/correctie", body)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["errors"], answer.json()
    assert events(admin, case_id) == before
    body["replacement"] = {"from": day(6)} if path == "loonstop" else {"note": "Aangevuld"}
    assert admin.post(f"/v1/cases/{case_id}/correctie", body).status_code == 201
