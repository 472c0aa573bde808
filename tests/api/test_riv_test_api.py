"""The RIV test over HTTP: new obligations, the incomplete status, the result first."""

from __future__ import annotations

from typing import Any

from tests.api.payloads import case_body, step_body
from tests.conftest import Api


def record(admin: Api, case_id: str, path: str, ago: int, **extra: Any) -> dict[str, Any]:
    answer = admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, ago, **extra))
    assert answer.status_code == 201, answer.text
    return answer.json()


def obligations(admin: Api, case_id: str) -> dict[str, Any]:
    return admin.get(f"/v1/cases/{case_id}/obligations").json()


def test_what_uwv_tests_shows_in_the_obligations_and_the_risk(admin: Api, employer_id: str) -> None:
    body = case_body(
        employer_id, 640, employee={"name": "F. Persoon", "date_of_birth": "1975-04-02"}
    )
    case_id = admin.post("/v1/cases", body).json()["case_id"]
    record(admin, case_id, "probleemanalyse", 600)
    record(admin, case_id, "plan-van-aanpak", 590)
    advice = record(admin, case_id, "arbeidsdeskundig-onderzoek", 150, advice="aangepast_werk")
    riv = record(admin, case_id, "reintegratieverslag", 10)

    found = obligations(admin, case_id)
    by_code: dict[str, list[dict[str, Any]]] = {}
    for o in found["obligations"]:
        by_code.setdefault(o["code"], []).append(o)
    assert by_code["arbeidsdeskundig_onderzoek"][0]["status"] == "met_late"
    follow_up = by_code["advies_opvolging"][0]
    assert follow_up["status"] == "overdue" and follow_up["occurrence"] == 1
    report = by_code["reintegratieverslag"][0]
    assert report["status"] == "incomplete" and report["event_ids"] == [riv["event_id"]]
    assert set(report["missing"]) >= {"actueel_oordeel", "eindevaluatie", "eerstejaarsevaluatie"}
    assert found["loonsanctie_risk"] == "high"
    reasons = " ".join(found["risk_reasons"])
    assert "Re-integratieverslag onvolledig" in reasons
    assert "Advies niet tijdig opgevolgd" in reasons
    assert "Arbeidsdeskundig onderzoek" in reasons
    assert advice["event_id"]
    case = admin.get(f"/v1/cases/{case_id}").json()
    assert case["aow_date"] is None  # born 1975: the law has not set it yet


def test_a_satisfactory_result_waives_spoor_2_over_http(admin: Api, employer_id: str) -> None:
    body = case_body(
        employer_id, 420, employee={"name": "F. Persoon", "date_of_birth": "1958-05-20"}
    )
    case_id = admin.post("/v1/cases", body).json()["case_id"]
    analysis = record(admin, case_id, "probleemanalyse", 400)
    record(
        admin,
        case_id,
        "plaatsing",
        30,
        track=1,
        permanent=True,
        wage_value_percentage=80,
        uses_remaining_capacity=True,
        evidence_event_ids=[analysis["event_id"]],
    )
    found = obligations(admin, case_id)
    spoor_2 = next(o for o in found["obligations"] if o["code"] == "spoor_2")
    assert (spoor_2["status"], spoor_2["ground"]) in {
        ("waived", "bevredigend_resultaat"),
        ("not_applicable", None),  # born 1958: the AOW date lies in the past
    }
    assert found["reintegration"]["satisfactory"] is True
    assert found["loonsanctie_risk"] == "low"
    assert found["risk_reasons"][0].startswith("Bevredigend re-integratieresultaat sinds")
    assert admin.get(f"/v1/cases/{case_id}").json()["aow_date"] == "2025-05-20"
