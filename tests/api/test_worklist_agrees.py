"""The worklist and each case's obligations view agree, for every case of the tenant.

The worklist is a read model of due dates judged when asked; the obligations
view judges the case's facts on the spot. A bureau acts on the first and
defends itself with the second: they may never disagree about what is open
or overdue. Cases of every kind are made here, then all are walked.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.payloads import TODAY, case_body, day, step_body
from tests.conftest import Api


def open_case(admin: Api, employer_id: str, sick_days_ago: int, **extra: Any) -> str:
    answer = admin.post("/v1/cases", case_body(employer_id, sick_days_ago, **extra))
    assert answer.status_code == 201, answer.text
    return answer.json()["case_id"]


def record(admin: Api, case_id: str, path: str, ago: int, **extra: Any) -> dict[str, Any]:
    answer = admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, ago, **extra))
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_worklist_and_the_obligations_view_agree_for_every_case(
    admin: Api, employer_id: str
) -> None:
    plain = open_case(admin, employer_id, 200)
    record(admin, plain, "probleemanalyse", 170)
    record(admin, plain, "plan-van-aanpak", 150)

    relapsed = open_case(admin, employer_id, 120)
    record(admin, relapsed, "probleemanalyse", 100)
    record(admin, relapsed, "herstelmelding", 90, percentage=100)
    admin.post(
        f"/v1/cases/{relapsed}/ziekmelding", {"occurred_on": day(80), "first_sick_day": day(80)}
    )
    record(admin, relapsed, "plan-van-aanpak", 70)

    advised = open_case(admin, employer_id, 400)
    record(admin, advised, "plan-van-aanpak", 350)
    record(admin, advised, "arbeidsdeskundig-onderzoek", 100, advice="aangepast_werk")

    long_ago = open_case(admin, employer_id, 900)
    record(admin, long_ago, "plan-van-aanpak", 850)

    vangnet = open_case(admin, employer_id, 10, vangnet=True, vangnet_reason="orgaandonatie")
    record(admin, vangnet, "melding-arbodienst", 9)

    incomplete = open_case(admin, employer_id, 640)
    record(admin, incomplete, "plan-van-aanpak", 590)
    last = record(admin, incomplete, "reintegratieverslag", 5)

    admin.get("/v1/worklist", params={"min_position": last["position"]})
    horizon = (TODAY + timedelta(days=400)).isoformat()
    listed = admin.get("/v1/worklist", params={"due_before": horizon, "limit": 1000}).json()
    by_case: dict[str, set[tuple[str, int | None, str, str]]] = {}
    for item in listed["items"]:
        by_case.setdefault(item["case_id"], set()).add(
            (item["code"], item["occurrence"], item["due_on"], item["status"])
        )

    cases = admin.get("/v1/cases", params={"limit": 1000}).json()["items"]
    assert len(cases) == 6
    for case in cases:
        if case["status"] != "open":
            continue
        view = admin.get(f"/v1/cases/{case['case_id']}/obligations").json()["obligations"]
        expected = {
            (o["code"], o["occurrence"], o["due_on"], o["status"])
            for o in view
            if o["status"] in ("open", "overdue", "incomplete")
            and o["code"] not in ("einde_wachttijd", "passend_werk_eigen_bedrijf")
            and o["due_on"] < horizon
        }
        assert by_case.get(case["case_id"], set()) == expected, case["case_id"]
    assert ("reintegratieverslag", None) in {
        (c, o) for c, o, _, s in by_case[incomplete] if s == "incomplete"
    }
    # The case past einde wachttijd lists no evaluation after it.
    long_view = admin.get(f"/v1/cases/{long_ago}/obligations").json()
    end = next(o for o in long_view["obligations"] if o["code"] == "einde_wachttijd")["due_on"]
    assert all(o["due_on"] <= end for o in long_view["obligations"] if o["code"] == "evaluatie")
