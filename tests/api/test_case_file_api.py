"""The case file, and corrections that obey the rules of the step they correct.

A correctie is evidence about evidence: it may not do what the step itself
may not (a herstelmelding of 150 %, a plan without casemanager, a first sick
day in the future, -500 weeks). What it may do shows everywhere as the value
now, with the value first recorded beside it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.payloads import case_body, day, step_body
from tests.conftest import Api


def record(admin: Api, case_id: str, path: str, ago: int = 10, **extra: Any) -> dict[str, Any]:
    answer = admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, ago, **extra))
    assert answer.status_code == 201, answer.text
    return answer.json()


def correct(admin: Api, case_id: str, event_id: str, **replacement: Any) -> Any:
    body = {
        "occurred_on": day(1),
        "event_id": event_id,
        "reason": "Verkeerd overgenomen",
        "replacement": replacement,
    }
    return admin.post(f"/v1/cases/{case_id}/correctie", body)


def versions(admin: Api, case_id: str) -> int:
    return len(admin.get(f"/v1/cases/{case_id}/events").json()["items"])


def opening_id(admin: Api, case_id: str) -> str:
    return admin.get(f"/v1/cases/{case_id}/events").json()["items"][0]["event_id"]


@pytest.mark.parametrize(
    ("path", "replacement", "field"),
    [
        ("herstelmelding", {"percentage": 150}, "replacement.percentage"),
        ("plan-van-aanpak", {"casemanager": None}, "replacement.casemanager"),
        ("plan-van-aanpak", {"goal": ""}, "replacement.goal"),
        ("plan-van-aanpak", {"agreements": "geen lijst"}, "replacement.agreements"),
        ("verlenging-loondoorbetaling", {"weeks": -500}, "replacement.weeks"),
        ("werkhervatting", {"hours_per_week": 200}, "replacement.hours_per_week"),
        ("arbeidsdeskundig-onderzoek", {"advice": "ontslag"}, "replacement.advice"),
        ("eerstejaarsevaluatie", {"spoor_2_needed": True}, "replacement.tenzij_ground"),
        ("notitie", {"occurred_on": day(-3)}, "replacement.occurred_on"),
        ("notitie", {"occurred_on": day(400)}, "replacement.occurred_on"),
        ("notitie", {"diagnosis": "x"}, "replacement.diagnosis"),
    ],
)
def test_a_correctie_the_step_itself_would_refuse_is_422_and_stores_nothing(
    admin: Api, case_id: str, path: str, replacement: dict[str, Any], field: str
) -> None:
    extra = {"spoor_2_needed": False, "tenzij_ground": "prospect_internal_return"}
    target = record(admin, case_id, path, **(extra if path == "eerstejaarsevaluatie" else {}))
    target = target["event_id"]
    before = versions(admin, case_id)
    answer = correct(admin, case_id, target, **replacement)
    assert answer.status_code == 422, answer.text
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert field in answer.json()["errors"], answer.json()
    assert versions(admin, case_id) == before


@pytest.mark.parametrize(
    "replacement",
    [
        {"first_sick_day": day(-5)},
        {"reported_on": day(-1)},
        {"reported_on": day(260)},
        {"occurred_on": day(5)},
        {"employee": {"name": ""}},
    ],
    ids=[
        "first-sick-day-in-the-future",
        "reported-in-the-future",
        "reported-before-sickness",
        "its-date-is-its-report-date",
        "an-employee-without-name",
    ],
)
def test_a_correctie_of_the_sick_report_obeys_its_rules(
    admin: Api, case_id: str, replacement: dict[str, Any]
) -> None:
    answer = correct(admin, case_id, opening_id(admin, case_id), **replacement)
    assert answer.status_code == 422, answer.text
    assert versions(admin, case_id) == 1
    assert admin.get(f"/v1/cases/{case_id}").json()["status"] == "open"


def test_a_missing_casemanager_is_refused_with_its_legal_source(admin: Api, case_id: str) -> None:
    plan = record(admin, case_id, "plan-van-aanpak")["event_id"]
    for casemanager in [None, "", "   "]:
        answer = correct(admin, case_id, plan, casemanager=casemanager)
        assert answer.status_code == 422, answer.text
        assert "Regeling procesgang art. 4" in answer.json()["detail"]
    nameless = correct(admin, case_id, opening_id(admin, case_id), employee={"name": ""})
    assert "replacement.employee.name" in nameless.json()["errors"], nameless.json()


def test_a_correctie_cannot_move_a_relapse_or_recovery_past_the_samentelregel(
    admin: Api, case_id: str
) -> None:
    """Recorded directly each of these is refused; corrected into place they are too."""
    recovery = record(admin, case_id, "herstelmelding", 60, percentage=100)["event_id"]
    relapse = admin.post(
        f"/v1/cases/{case_id}/ziekmelding", {"occurred_on": day(50), "first_sick_day": day(50)}
    )
    assert relapse.status_code == 201, relapse.text
    relapse_id = relapse.json()["event_id"]
    before = versions(admin, case_id)
    for target, replacement in [
        (relapse_id, {"occurred_on": day(10), "first_sick_day": day(10)}),  # 50 days after
        (relapse_id, {"first_sick_day": day(70)}),  # before the recovery
        (recovery, {"occurred_on": day(40)}),  # recovered after the relapse
        (recovery, {"percentage": 50}),  # a relapse without a recovery before it
    ]:
        answer = correct(admin, case_id, target, **replacement)
        assert answer.status_code == 422, (replacement, answer.text)
    assert versions(admin, case_id) == before
    assert admin.get(f"/v1/cases/{case_id}").json()["status"] == "open"
    moved = correct(admin, case_id, relapse_id, occurred_on=day(45), first_sick_day=day(45))
    assert moved.status_code == 201, moved.text  # still within 28 days: allowed


def test_a_first_sick_day_may_not_move_past_a_recorded_step(admin: Api, case_id: str) -> None:
    record(admin, case_id, "melding-arbodienst", 150)
    opening = opening_id(admin, case_id)
    answer = correct(admin, case_id, opening, first_sick_day=day(140), reported_on=day(140))
    assert answer.status_code == 422, answer.text
    assert "replacement.first_sick_day" in answer.json()["errors"]


def test_the_case_file_shows_each_corrected_fact_as_it_stands_and_as_recorded(
    admin: Api, case_id: str
) -> None:
    plan = record(admin, case_id, "plan-van-aanpak", 160)["event_id"]
    evaluation = record(admin, case_id, "evaluatie", 120)["event_id"]
    spoor_2 = record(admin, case_id, "spoor-2-start", 20)["event_id"]
    for target, replacement in [
        (plan, {"casemanager": "K. de Vries"}),
        (evaluation, {"occurred_on": day(118)}),
        (spoor_2, {"coach": "M. Jansen"}),
    ]:
        corrected = correct(admin, case_id, target, **replacement)
        assert corrected.status_code == 201, corrected.text

    case = admin.get(f"/v1/cases/{case_id}").json()
    assert case["employer_name"] == "Bakkerij Voorbeeld"
    by_id = {fact["event_id"]: fact for fact in case["file"]}
    assert "correctie" not in {fact["type"] for fact in case["file"]}
    assert by_id[plan]["data"]["casemanager"] == "K. de Vries"
    assert by_id[plan]["corrections"][0]["changes"] == {
        "casemanager": {"from": "J. Smit", "to": "K. de Vries"}
    }
    assert by_id[plan]["corrections"][0]["reason"] == "Verkeerd overgenomen"
    assert by_id[evaluation]["occurred_on"] == day(118)
    assert by_id[evaluation]["corrections"][0]["changes"] == {
        "occurred_on": {"from": day(120), "to": day(118)}
    }
    assert by_id[spoor_2]["data"]["coach"] == "M. Jansen"
    assert by_id[spoor_2]["corrections"][0]["changes"]["coach"]["from"] == "E. Coach"
    assert not any(key.startswith("_") for key in case)

    trail = admin.get(
        f"/v1/cases/{case_id}/audit-trail", params={"min_position": corrected.json()["position"]}
    ).json()
    entries = {entry["event_id"]: entry for entry in trail["entries"]}
    assert "K. de Vries" in entries[plan]["summary_nl"]
    assert "J. Smit" in entries[plan]["original"]["summary_nl"]
    told = [e["summary_nl"] for e in trail["entries"] if e["type"] == "correctie"]
    assert any("Casemanager van J. Smit naar K. de Vries" in text for text in told), told
    assert any(f"Datum van {day(120)} naar {day(118)}" in text for text in told), told
    assert any("Coach van E. Coach naar M. Jansen" in text for text in told), told


def test_a_corrected_report_date_is_judged_for_late_recording_by_the_new_date(
    admin: Api, employer_id: str
) -> None:
    opened = admin.post("/v1/cases", case_body(employer_id, 30, reported_on=day(2)))
    case_id = opened.json()["case_id"]
    assert admin.get(f"/v1/cases/{case_id}").json()["file"][0]["recorded_late"] is False
    assert (
        correct(admin, case_id, opening_id(admin, case_id), reported_on=day(20)).status_code == 201
    )
    opening = admin.get(f"/v1/cases/{case_id}").json()["file"][0]
    assert opening["occurred_on"] == day(20) and opening["data"]["reported_on"] == day(20)
    assert opening["recorded_late"] is True  # reported 20 days ago, recorded today


def test_lists_name_the_employee_and_employer_and_search_finds_them(
    admin: Api, employer_id: str
) -> None:
    for name, number in [("Anna de Wit", "P-100"), ("Bram Zwart", "P-200")]:
        body = case_body(employer_id, employee={"name": name, "personnel_number": number})
        position = admin.post("/v1/cases", body).json()["event"]["position"]
    rows = admin.get("/v1/cases", params={"min_position": position}).json()["items"]
    assert {(r["employee_name"], r["employer_name"]) for r in rows} == {
        ("Anna de Wit", "Bakkerij Voorbeeld"),
        ("Bram Zwart", "Bakkerij Voorbeeld"),
    }
    assert not any(key.startswith("_") for row in rows for key in row)
    for query, expected in [("anna", ["Anna de Wit"]), ("p-200", ["Bram Zwart"]), ("%", [])]:
        found = admin.get("/v1/cases", params={"q": query}).json()["items"]
        assert [r["employee_name"] for r in found] == expected, query
    work = admin.get("/v1/worklist", params={"min_position": position}).json()["items"]
    assert work and all(r["employer_name"] == "Bakkerij Voorbeeld" for r in work)
    assert {r["employee_name"] for r in work} == {"Anna de Wit", "Bram Zwart"}
