"""The demo tenant of the README's first command: cases at every stage, with deadlines."""

from __future__ import annotations

import html

from service.application.tenancy import Tenancy
from service.cli import demo
from service.config import Settings
from service.documents.dossier import DEMO_BANNER as BANNER
from tests.api.test_trail_documents_api import pdf_text, render_pages
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


def test_the_demo_files_were_kept_at_the_time_except_the_neglected_one(
    settings: Settings, server: str, tenancy: Tenancy
) -> None:
    """Each step is recorded on the day it happened (the seeder's own clock), so the
    well-kept files read as kept; the neglected one was entered weeks late."""
    tenancy.stores.drop(demo.SLUG)
    api = Api(server, demo.seed(settings, host=server))
    head = api.get("/v1/events", params={"limit": 1000}).json()["items"][-1]["position"]
    cases = {
        c["employee"]["name"]: c
        for c in api.get("/v1/cases", params={"min_position": head}).json()["items"]
    }
    assert tenancy.control.tenant(demo.SLUG).name.startswith("DEMO ")

    def trail(name: str) -> list[dict]:  # type: ignore[type-arg]
        path = f"/v1/cases/{cases[name]['case_id']}/audit-trail"
        return api.get(path, params={"min_position": head}).json()["entries"]

    for name in ("Bram Testpersoon", "Dana Demo"):
        entries = trail(name)
        assert [e["recorded_at"][:10] for e in entries] == [e["occurred_on"] for e in entries]
        assert not any(e["recorded_late"] for e in entries)
        assert {e["actor_name"] for e in entries} == {demo.CASEMANAGER}
    assert cases["Bram Testpersoon"]["loonsanctie_risk"] == "low"
    assert cases["Dana Demo"]["track"] == 2

    neglected = trail("Chris Proef")
    assert sum(e["recorded_late"] for e in neglected) >= 3
    assert cases["Chris Proef"]["loonsanctie_risk"] == "high"
    feed = api.get("/v1/events", params={"limit": 1000}).json()["items"]
    recorded = [e["recorded_at"] for e in feed if e["case_id"]]
    assert recorded == sorted(recorded)  # the feed: the order the bureau entered things in


def test_every_document_of_the_demo_says_it_is_fictional(
    settings: Settings, server: str, tenancy: Tenancy
) -> None:
    tenancy.stores.drop(demo.SLUG)
    api = Api(server, demo.seed(settings, host=server))
    head = api.get("/v1/events", params={"limit": 1000}).json()["items"][-1]["position"]
    cases = api.get("/v1/cases", params={"min_position": head}).json()["items"]
    dana = next(c for c in cases if c["employee"]["name"] == "Dana Demo")["case_id"]
    trail = api.get(
        f"/v1/cases/{dana}/audit-trail",
        params={"min_position": head},
        headers={"Accept": "application/pdf"},
    )
    pages, document = pdf_text(trail.content)
    render_pages(document, "demo-dana-dossier")
    assert pages[0].startswith(BANNER)
    assert all(BANNER in page for page in pages)  # in every page's footer
    for path in (f"/v1/cases/{dana}/audit-trail", f"/v1/cases/{dana}/trajectories/1/report"):
        page = api.get(path, headers={"Accept": "text/html"}).text
        assert BANNER in html.unescape(page), path
    report = api.get(
        f"/v1/cases/{dana}/trajectories/1/report", headers={"Accept": "application/pdf"}
    )
    assert pdf_text(report.content)[0][0].startswith(BANNER)
