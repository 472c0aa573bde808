"""Obligations, loonsanctie risk and the worklist over HTTP, on both stores (issue 4)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.api.payloads import STEP_BODIES, case_body, day
from tests.conftest import Api

TODAY = date.today()


def open_case(admin: Api, employer_id: str, sick_days_ago: int) -> tuple[str, int]:
    answer = admin.post("/v1/cases", case_body(employer_id, sick_days_ago))
    assert answer.status_code == 201, answer.text
    return answer.json()["case_id"], answer.json()["event"]["position"]


def step(admin: Api, case_id: str, path: str, on: str, **fields: Any) -> dict[str, Any]:
    body = {**STEP_BODIES[path], "occurred_on": on, **fields}
    answer = admin.post(f"/v1/cases/{case_id}/{path}", body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def by_code(obligations: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["code"]: o for o in obligations["obligations"] if o["code"] != "evaluatie"}


def test_obligations_show_due_dates_statuses_and_their_proof(admin: Api, employer_id: str) -> None:
    case_id, _ = open_case(admin, employer_id, 200)
    analysis = step(admin, case_id, "probleemanalyse", day(170))
    answer = admin.get(f"/v1/cases/{case_id}/obligations")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    found = by_code(body)
    assert found["probleemanalyse"] == {
        "code": "probleemanalyse",
        "label": "Probleemanalyse",
        "due_on": day(200 - 41),
        "status": "met",
        "met_on": day(170),
        "recorded_at": analysis["recorded_at"],
        "recorded_late": True,  # recorded 170 days after it happened
        "event_ids": [analysis["event_id"]],
        "occurrence": None,
        "early": False,
        "ground": None,
        "source": "Regeling procesgang art. 2",
    }
    assert found["plan_van_aanpak"]["due_on"] == day(156)  # 14 days after the analysis
    assert found["plan_van_aanpak"]["status"] == "overdue"
    assert found["melding_arbodienst"]["status"] == "overdue"
    assert found["einde_wachttijd"]["status"] == "open"
    assert body["loonsanctie_risk"] == "high"
    assert (
        f"Plan van aanpak niet tijdig opgesteld: uiterlijk {day(156)}, nog niet opgesteld."
        in body["risk_reasons"]
    )
    assert body["judged_on"] == TODAY.isoformat()
    assert body["reintegration"]["reaches_threshold"] is False


def test_as_of_judges_what_was_recorded_then_on_that_day(admin: Api, employer_id: str) -> None:
    case_id, _ = open_case(admin, employer_id, 200)
    step(admin, case_id, "probleemanalyse", day(170))
    time.sleep(0.01)
    before_plan = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    step(admin, case_id, "plan-van-aanpak", day(150))
    now = by_code(admin.get(f"/v1/cases/{case_id}/obligations").json())
    then = admin.get(f"/v1/cases/{case_id}/obligations", params={"as_of": before_plan}).json()
    assert now["plan_van_aanpak"]["status"] == "met_late"
    assert by_code(then)["plan_van_aanpak"]["status"] == "overdue"
    assert by_code(then)["plan_van_aanpak"]["event_ids"] == []
    assert then["version"] == 2 and then["as_of"].startswith(before_plan[:19])
    # Evaluations only exist once there is a plan.
    assert not [o for o in then["obligations"] if o["code"] == "evaluatie"]
    obligations = admin.get(f"/v1/cases/{case_id}/obligations").json()["obligations"]
    assert [o["occurrence"] for o in obligations if o["code"] == "evaluatie"][:2] == [1, 2]


def test_as_of_a_day_in_the_past_judges_deadlines_on_that_day(admin: Api, employer_id: str) -> None:
    case_id, _ = open_case(admin, employer_id, 10)
    future = (datetime.now(UTC) + timedelta(days=40)).isoformat()
    later = admin.get(f"/v1/cases/{case_id}/obligations", params={"as_of": future}).json()
    assert by_code(later)["probleemanalyse"]["status"] == "overdue"
    assert by_code(admin.get(f"/v1/cases/{case_id}/obligations").json())["probleemanalyse"][
        "status"
    ] == ("open")


def test_the_case_carries_sick_days_week_risk_and_the_65_percent_result(
    admin: Api, employer_id: str
) -> None:
    case_id, _ = open_case(admin, employer_id, 3)
    step(admin, case_id, "werkhervatting", day(1), wage_value_percentage=70)
    case = admin.get(f"/v1/cases/{case_id}").json()
    assert (case["sick_days"], case["week"], case["loonsanctie_risk"]) == (4, 1, "low")
    assert case["reintegration"]["reaches_threshold"] is True
    assert case["reintegration"]["since"] == day(1)


def test_unknown_cases_and_other_tenants_obligations_are_404(
    admin: Api, operator: Api, employer_id: str
) -> None:
    case_id, _ = open_case(admin, employer_id, 10)
    other = operator.post("/v1/platform/tenants", {"slug": "anders", "name": "Ander Bureau"})
    stranger = operator.as_key(other.json()["admin_key"])
    assert stranger.get(f"/v1/cases/{case_id}/obligations").status_code == 404
    assert admin.get("/v1/cases/not-a-case/obligations").status_code == 404
    assert admin.get(
        f"/v1/cases/{case_id}/obligations", params={"as_of": "gisteren"}
    ).status_code == (400)


def _worklist(api: Api, **params: Any) -> list[dict[str, Any]]:
    items, after = [], None
    while True:
        answer = api.get("/v1/worklist", params={**params, "limit": 3, "after": after})
        assert answer.status_code == 200, answer.text
        items.extend(answer.json()["items"])
        after = answer.json()["next"]
        if after is None:
            return items


def test_the_worklist_lists_overdue_and_upcoming_obligations_soonest_first(
    admin: Api, employer_id: str
) -> None:
    other = admin.post(
        "/v1/employers",
        {"name": "Garage Fictief", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
    ).json()["id"]
    neglected, _ = open_case(admin, employer_id, 200)
    fresh, position = open_case(admin, other, 3)

    items = _worklist(admin, min_position=position)
    assert [i["due_on"] for i in items] == sorted(i["due_on"] for i in items)
    mine = [(i["case_id"], i["code"], i["status"]) for i in items]
    assert (neglected, "probleemanalyse", "overdue") in mine
    assert (neglected, "plan_van_aanpak", "overdue") in mine
    assert (fresh, "melding_arbodienst", "open") in mine  # due in 4 days
    assert (fresh, "probleemanalyse", "open") not in mine  # due in 39 days
    overdue = next(i for i in items if i["code"] == "probleemanalyse")
    assert overdue["days_overdue"] == 200 - 42 + 1
    assert overdue["employee"] == {"name": "Fictief Persoon", "personnel_number": "P-001"}
    assert overdue["label"] == "Probleemanalyse"

    later = _worklist(admin, due_before=day(-60))
    assert (fresh, "probleemanalyse") in [(i["case_id"], i["code"]) for i in later]
    only_other = _worklist(admin, employer_id=other)
    assert {i["case_id"] for i in only_other} == {fresh}

    scoped = admin.post(
        "/v1/api-keys", {"name": "Garage", "role": "employer", "employer_ids": [other]}
    ).json()["key"]
    assert {i["case_id"] for i in _worklist(admin.as_key(scoped))} == {fresh}


def test_a_met_or_closed_obligation_leaves_the_worklist(admin: Api, employer_id: str) -> None:
    case_id, _ = open_case(admin, employer_id, 200)
    met = step(admin, case_id, "probleemanalyse", day(170))
    codes = {i["code"] for i in _worklist(admin, min_position=met["position"])}
    assert "probleemanalyse" not in codes and "plan_van_aanpak" in codes
    closed = step(admin, case_id, "afsluiting", day(0), reason="uit_dienst")
    assert _worklist(admin, min_position=closed["position"]) == []


def test_recurring_evaluations_show_each_missed_window_and_the_next(
    admin: Api, employer_id: str
) -> None:
    case_id, _ = open_case(admin, employer_id, 200)
    plan = step(admin, case_id, "plan-van-aanpak", day(150))
    evaluations = [
        (i["occurrence"], i["due_on"], i["status"])
        for i in _worklist(admin, min_position=plan["position"])
        if i["code"] == "evaluatie"
    ]
    # Due 42 days after the plan, then every 42 days while none is held; the
    # next one (in 18 days) is beyond the default two weeks.
    missed = [(1, day(108), "overdue"), (2, day(66), "overdue"), (3, day(24), "overdue")]
    assert evaluations == missed
    obligations = admin.get(f"/v1/cases/{case_id}/obligations").json()["obligations"]
    listed = [(o["occurrence"], o["due_on"], o["status"]) for o in obligations]
    assert [e for e in listed if e[0]] == [*missed, (4, day(-18), "open")]
    later = _worklist(admin, due_before=day(-30))
    assert (4, day(-18), "open") in [(i["occurrence"], i["due_on"], i["status"]) for i in later]
    assert 5 not in [i["occurrence"] for i in later]  # only once the 4th is overdue


def test_the_case_list_filters_by_loonsanctie_risk(admin: Api, employer_id: str) -> None:
    high, _ = open_case(admin, employer_id, 200)
    low, _ = open_case(admin, employer_id, 3)
    medium, _ = open_case(admin, employer_id, 30)
    late = step(admin, medium, "melding-arbodienst", day(29), note="pas later vastgelegd")

    def listed(risk: str) -> set[str]:
        answer = admin.get("/v1/cases", params={"risk": risk, "min_position": late["position"]})
        assert answer.status_code == 200, answer.text
        assert {c["loonsanctie_risk"] for c in answer.json()["items"]} <= {risk}
        return {c["case_id"] for c in answer.json()["items"]}

    assert listed("high") == {high}
    assert listed("medium") == {medium}  # the melding was recorded 29 days after it happened
    assert listed("low") == {low}
    assert admin.get("/v1/cases", params={"risk": "hoog"}).status_code == 400
    assert admin.get(f"/v1/cases/{medium}").json()["loonsanctie_risk"] == "medium"


def test_a_worklist_cursor_not_given_out_is_400(admin: Api) -> None:
    for cursor in ("abc", "W10", "WyIyMDI2LTAxLTAxIl0"):
        answer = admin.get("/v1/worklist", params={"after": cursor})
        assert answer.status_code == 400, answer.text
        assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert admin.get("/v1/worklist", params={"due_before": "morgen"}).status_code == 400


def test_a_bureau_tightens_its_policy_and_every_view_judges_by_it(
    admin: Api, employer_id: str
) -> None:
    opened = admin.post("/v1/cases", case_body(employer_id, 20, reported_on=day(2)))
    case_id = opened.json()["case_id"]
    step(admin, case_id, "melding-arbodienst", day(10), note="10 dagen later vastgelegd")
    before = datetime.now(UTC).isoformat()
    assert admin.get(f"/v1/cases/{case_id}").json()["loonsanctie_risk"] == "low"

    casemanager = admin.as_key(
        admin.post("/v1/api-keys", {"name": "cm", "role": "casemanager"}).json()["key"]
    )
    tighter = {"recorded_late_days": 7, "melding_arbodienst_days": 3}
    assert casemanager.request("PUT", "/v1/settings", json=tighter).status_code == 403
    looser = admin.request("PUT", "/v1/settings", json={**tighter, "recorded_late_days": 15})
    assert looser.status_code == 422, looser.text
    assert admin.request("PUT", "/v1/settings", json={**tighter, "x": 1}).status_code == 400
    assert admin.get("/v1/settings").json()["recorded_late_days"] == 14

    changed = admin.request("PUT", "/v1/settings", json=tighter)
    assert changed.status_code == 200, changed.text
    assert changed.json()["recorded_late_days"] == 7
    assert changed.json()["defaults"] == {"recorded_late_days": 14, "melding_arbodienst_days": 7}
    assert len(admin.get("/v1/settings").json()["history"]) == 1

    melding = by_code(admin.get(f"/v1/cases/{case_id}/obligations").json())["melding_arbodienst"]
    assert (melding["due_on"], melding["status"]) == (day(18), "met_late")
    assert melding["recorded_late"] is True
    then = admin.get(f"/v1/cases/{case_id}/obligations", params={"as_of": before}).json()
    assert by_code(then)["melding_arbodienst"]["recorded_late"] is False  # 14 days then

    position = changed.json()["position"]
    feed = admin.get("/v1/events", params={"after": position - 1}).json()["items"]
    assert feed[0]["type"] == "policy_changed" and feed[0]["data"] == tighter
    listed = admin.get("/v1/cases", params={"risk": "medium", "min_position": position})
    assert case_id in [c["case_id"] for c in listed.json()["items"]]
    worklist = _worklist(admin, min_position=position)
    assert all(i["code"] != "melding_arbodienst" for i in worklist)
