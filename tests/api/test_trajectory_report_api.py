"""A trajectory's report: JSON, a printable page in headless Chromium, and a PDF.

The document a coach hands over and UWV reads. Screenshots and rendered pages
land in tests/artifacts/ for CI to keep.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from service.documents.trajectory_report import dutch_date
from tests.api.payloads import TODAY, day, step_body
from tests.api.test_trail_documents_api import ARTIFACTS, screenshot
from tests.conftest import Api, key_of_another_employer

START_AGO = 70
ACTIVITIES: list[tuple[int, dict[str, Any]]] = [
    (68, {"kind": "coachgesprek", "hours": 1.5, "outcome": "Kennismaking en zoekprofiel"}),
    (66, {"kind": "assessment", "hours": 3, "outcome": "Geschikt voor planning en administratie"}),
    (60, {}),  # the payload's sollicitatie at Voorbeeld B.V. as planner
    (40, {"kind": "netwerkgesprek", "employer_name": "Transport Noord", "outcome": "Vacature"}),
    (20, {"kind": "proefplaatsing", "hours": 16, "employer_name": "Transport Noord",
          "position": "Planner", "outcome": "Geschikt bevonden"}),
]  # fmt: skip


def week(ago: int) -> int:
    return (START_AGO - ago) // 7 + 1


@pytest.fixture
def trajectory(admin: Api, case_id: str) -> dict[str, Any]:
    """One spoor-2 trajectory recorded over HTTP, ended with a placement; its events."""
    recorded: dict[str, Any] = {"activities": []}

    def post(path: str, ago: int, **extra: Any) -> dict[str, Any]:
        answer = admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, ago, **extra))
        assert answer.status_code == 201, answer.text
        return answer.json()

    recorded["start"] = post("traject-start", START_AGO)
    post("traject-rapportage", 69, kind="start", summary="Plan besproken met werknemer")
    for ago, fields in ACTIVITIES:
        body = (
            {"occurred_on": day(ago), **fields} if fields else step_body("traject-activiteit", ago)
        )
        answer = admin.post(f"/v1/cases/{case_id}/traject-activiteit", body)
        assert answer.status_code == 201, answer.text
        recorded["activities"].append(answer.json())
    post("weerstand", 45, signal="tijdsdruk", approach="Afspraken over vaste zoekdagen")
    post("traject-onderbreking", 35, reason="Vakantie", until=day(28))
    post("traject-rapportage", 28, summary="Netwerk uitgebreid; proefplaatsing in zicht")
    post("traject-rapportage", 5, kind="eind", summary="Geplaatst als planner")
    recorded["end"] = post("traject-einde", 5)
    return recorded


def report_path(case_id: str, n: int = 1) -> str:
    return f"/v1/cases/{case_id}/trajectories/{n}/report"


def test_the_report_as_json(admin: Api, case_id: str, trajectory: dict[str, Any]) -> None:
    answer = admin.get(report_path(case_id))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["case_id"] == case_id and body["number"] == 1 and body["track"] == 2
    assert body["employer_name"] == "Bakkerij Voorbeeld"
    assert body["employee"] == {"name": "Fictief Persoon", "personnel_number": "P-001"}
    assert (body["provider"], body["coach"]) == ("Re-integratie Voorbeeld", "E. Coach")
    assert body["plan"]["goal"] == "Passend werk als planner bij een andere werkgever"
    assert body["plan"]["search_directions"] == ["Logistieke planning", "Administratie"]
    assert body["plan"]["hours_per_week"] == 16
    assert body["status"] == "ended" and body["status_label"] == "beëindigd"
    assert body["started_on"] == day(START_AGO) and body["ended_on"] == day(5)
    assert (body["end_reason"], body["end_reason_label"]) == (
        "plaatsing",
        "plaatsing in passend werk",
    )
    assert body["end_event"]["hash"] == trajectory["end"]["hash"]

    assert [w["week"] for w in body["weeks"]] == [1, 2, 5, 8]
    assert [[a["occurred_on"] for a in w["activities"]] for w in body["weeks"]] == [
        [day(68), day(66)], [day(60)], [day(40)], [day(20)],
    ]  # fmt: skip
    first = body["weeks"][0]
    assert (first["from"], first["until"]) == (day(START_AGO), day(START_AGO - 6))
    activities = [a for w in body["weeks"] for a in w["activities"]]
    assert [a["hash"] for a in activities] == [e["hash"] for e in trajectory["activities"]]
    assert all(a["week"] == week(ago) for a, (ago, _) in zip(activities, ACTIVITIES, strict=True))
    application = activities[2]
    assert application["kind"] == "sollicitatie" and application["kind_label"] == "sollicitatie"
    assert (application["employer_name"], application["position"]) == ("Voorbeeld B.V.", "Planner")
    assert application["hours"] == 2 and application["hours_label"] == "2 uur"
    assert activities[3]["hours"] is None and activities[3]["hours_label"] is None

    assert body["resistance"] == [
        {
            "event_id": body["resistance"][0]["event_id"],
            "occurred_on": day(45),
            "hash": body["resistance"][0]["hash"],
            "signal": "tijdsdruk",
            "signal_label": "tijdsdruk",
            "approach": "Afspraken over vaste zoekdagen",
        }
    ]
    [pause] = body["interruptions"]
    assert (pause["occurred_on"], pause["until"], pause["reason"]) == (day(35), day(28), "Vakantie")
    assert [(r["kind"], r["kind_label"], r["occurred_on"]) for r in body["reports"]] == [
        ("start", "startrapportage", day(69)),
        ("voortgang", "voortgangsrapportage", day(28)),
        ("eind", "eindrapportage", day(5)),
    ]
    assert body["counts"] == {
        "coachgesprek": 1, "assessment": 1, "sollicitatie": 1, "netwerkgesprek": 1,
        "proefplaatsing": 1,
    }  # fmt: skip
    assert body["count_labels"]["proefplaatsing"] == "proefplaatsing"
    assert body["last_activity_on"] == day(20)
    assert body["head_hash"] == trajectory["end"]["hash"]
    for text in ("diagnos", "medisch"):  # nothing medical is part of the report
        assert text not in answer.text.lower()


def test_as_of_shows_what_was_recorded_then(
    admin: Api, case_id: str, trajectory: dict[str, Any]
) -> None:
    then = trajectory["start"]["recorded_at"]
    body = admin.get(report_path(case_id), params={"as_of": then}).json()
    assert body["weeks"] == [] and body["reports"] == [] and body["counts"] == {}
    assert body["status"] == "running" and body["ended_on"] is None
    assert body["last_activity_on"] is None
    assert body["head_hash"] == trajectory["start"]["hash"]


def test_the_html_report_is_a_printable_document(
    admin: Api, case_id: str, trajectory: dict[str, Any], store: str, tmp_path: Path
) -> None:
    answer = admin.get(report_path(case_id), headers={"Accept": "text/html"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/html")
    page = answer.text
    for text in (
        "Trajectrapportage spoor 2",
        "Bakkerij Voorbeeld",
        "Fictief Persoon (personeelsnummer P-001)",
        "Re-integratie Voorbeeld",
        "E. Coach",
        "Passend werk als planner bij een andere werkgever",
        "Logistieke planning",
        "16 uur",
        "beëindigd",
        f"{dutch_date(date.fromisoformat(day(5)))} — plaatsing in passend werk",
        dutch_date(TODAY.fromordinal(TODAY.toordinal() - START_AGO)),
        "Week 1",
        "Week 8",
        "Geen activiteiten in week 3 t/m 4",
        "Geen activiteiten in week 6 t/m 7",
        "assessment",
        "Voorbeeld B.V. — Planner",
        "Uitgenodigd voor een gesprek",
        "tijdsdruk",
        "Afspraken over vaste zoekdagen",
        "Vakantie",
        "voortgangsrapportage",
        "Geplaatst als planner",
        trajectory["activities"][0]["hash"],
        "Opgesteld door Spoorlog op ",
        "elke regel is een onveranderlijk vastgelegde gebeurtenis "
        f"(hash {trajectory['end']['hash']})",
    ):
        assert text in page, text

    screenshot(page, f"trajectory-report-{store}", tmp_path)


def test_the_pdf_report_shows_the_header_and_plan_on_its_first_page(
    admin: Api, case_id: str, trajectory: dict[str, Any], store: str
) -> None:
    answer = admin.get(report_path(case_id), headers={"Accept": "application/pdf"})
    assert answer.status_code == 200, answer.text[:200]
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("inline;")
    assert answer.content.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(answer.content)
    first = pdf[0]
    ARTIFACTS.mkdir(exist_ok=True)
    first.render(scale=1.5).to_pil().save(ARTIFACTS / f"trajectory-report-{store}-page1.png")
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    first_text = first.get_textpage().get_text_range()
    for header in ("Trajectrapportage spoor 2", "Bakkerij Voorbeeld", "Fictief Persoon", "P-001"):
        assert header in first_text, header
    for shown in ("Re-integratie Voorbeeld", "Logistieke planning", "Week 5", "tijdsdruk"):
        assert shown in text, shown
    assert "Opgesteld door Spoorlog op" in text
    assert f"(hash {trajectory['end']['hash']})" in " ".join(text.split())


def test_json_stays_the_default_answer(
    admin: Api, case_id: str, trajectory: dict[str, Any]
) -> None:
    answer = admin.get(report_path(case_id), headers={"Accept": "*/*"})
    assert answer.headers["Content-Type"].startswith("application/json")


def test_no_such_trajectory_and_another_employer_are_404(
    admin: Api, case_id: str, trajectory: dict[str, Any]
) -> None:
    assert admin.get(report_path(case_id, 2)).status_code == 404
    assert admin.get(report_path(case_id, 0)).status_code == 404
    scoped = key_of_another_employer(admin)
    assert scoped.get(report_path(case_id)).status_code == 404
    assert scoped.get(report_path(case_id), headers={"Accept": "application/pdf"}).status_code == (
        404
    )
    unknown = "00000000-0000-4000-8000-000000000000"
    assert admin.get(report_path(unknown)).status_code == 404


def test_a_case_without_a_trajectory_has_no_report(admin: Api, case_id: str) -> None:
    assert admin.get(report_path(case_id)).status_code == 404
