"""The demo tenant of the README's first command: cases at every stage, with deadlines."""

from __future__ import annotations

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
