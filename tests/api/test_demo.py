"""The demo tenant of the README's first command: cases at every stage, with deadlines."""

from __future__ import annotations

from service.application.tenancy import Tenancy
from service.cli import demo
from service.config import Settings
from tests.conftest import Api


def test_the_demo_shows_cases_at_every_stage_with_their_deadlines(
    settings: Settings, server: str, capsys
) -> None:  # type: ignore[no-untyped-def]
    key = demo.seed(settings, host=server)
    printed = capsys.readouterr().out
    assert key in printed and printed.count("curl -s") == 3
    api = Api(server, key)
    feed = api.get("/v1/events", params={"limit": 1000}).json()["items"]
    head = feed[-1]["position"]
    cases = api.get("/v1/cases", params={"min_position": head}).json()["items"]
    assert sorted(c["status"] for c in cases) == ["closed", *["open"] * 4, "recovered"]
    worklist = api.get("/v1/worklist", params={"min_position": head}).json()["items"]
    assert {"plan_van_aanpak", "evaluatie"} & {i["code"] for i in worklist}
    dana = next(c for c in cases if c["employee"]["name"] == "Dana Demo")
    obligations = api.get(f"/v1/cases/{dana['case_id']}/obligations").json()
    spoor_2 = next(o for o in obligations["obligations"] if o["code"] == "spoor_2")
    assert spoor_2["status"] in ("met", "met_late") and dana["track"] == 2


def test_the_demo_spoor_2_case_shows_the_coachs_trajectory(
    settings: Settings, server: str, tenancy: Tenancy
) -> None:
    tenancy.stores.drop(demo.SLUG)  # on PostgreSQL the demo schema outlives an earlier test
    key = demo.seed(settings, host=server)
    api = Api(server, key)
    head = api.get("/v1/events", params={"limit": 1000}).json()["items"][-1]["position"]
    cases = api.get("/v1/cases", params={"min_position": head}).json()["items"]
    dana = next(c for c in cases if c["employee"]["name"] == "Dana Demo")
    case = api.get(f"/v1/cases/{dana['case_id']}").json()
    (trajectory,) = case["trajectories"]
    assert (trajectory["track"], trajectory["coach"], trajectory["status"]) == (
        2,
        "E. Coach",
        "running",
    )
    assert trajectory["activities"] == {
        "coachgesprek": 1,
        "assessment": 1,
        "sollicitatie": 1,
        "netwerkgesprek": 1,
        "vacature": 1,
    }
    assert trajectory["resistance_signals"] == 1 and trajectory["next_report_due"]
    report = api.get(f"/v1/cases/{dana['case_id']}/trajectories/1/report").json()
    assert report["coach"] == "E. Coach" and len(report["reports"]) == 2
    mine = api.get("/v1/worklist", params={"coach": "e. coach", "min_position": head}).json()
    assert mine["items"] and {i["case_id"] for i in mine["items"]} == {dana["case_id"]}
    assert not api.get("/v1/worklist", params={"coach": "Niemand"}).json()["items"]
    spoor_2 = api.get("/v1/worklist", params={"track": 2}).json()["items"]
    assert {i["case_id"] for i in spoor_2} == {dana["case_id"]}
