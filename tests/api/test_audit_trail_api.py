"""The audit trail over HTTP, on both stores (issue 5): every event in plain Dutch."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from tests.api.payloads import case_body, day, step_body
from tests.conftest import Api, key_of_another_employer

# Every step, in an order a case can take them (afsluiting last), each with a
# phrase its sentence must contain.
STEPS: list[tuple[str, int, dict[str, Any], str]] = [
    ("melding-arbodienst", 199, {}, "Ziekte gemeld bij arbodienst Arbodienst Voorbeeld op"),
    ("probleemanalyse", 170, {}, "Probleemanalyse opgesteld door bedrijfsarts Dr. F. Ictief"),
    ("plan-van-aanpak", 160, {}, "Plan van aanpak opgesteld door J. Smit op"),
    ("evaluatie", 120, {}, "Evaluatie gehouden op"),
    ("bijstelling", 100, {}, "Plan van aanpak bijgesteld op"),
    ("arbeidsdeskundig-onderzoek", 95, {}, "advies: aangepast werk"),
    ("deskundigenoordeel-aanvraag", 90, {}, "Deskundigenoordeel aangevraagd bij UWV"),
    ("deskundigenoordeel", 85, {}, "Deskundigenoordeel van UWV ontvangen"),
    ("werkhervatting", 80, {}, "loonwaarde 50 %"),
    ("plaatsing", 75, {}, "in spoor 2 als Planner bij Voorbeeld B.V. (vast)"),
    ("herstelmelding", 70, {}, "Gedeeltelijk herstel gemeld"),
    ("ziekmelding-uwv", 60, {}, "42e-weeksmelding aan UWV gedaan op"),
    ("eerstejaarsevaluatie", 50, {}, "tenzij-grond: uitzicht op structurele terugkeer"),
    ("spoor-2-start", 45, {}, "Spoor 2 gestart op"),
    ("actueel-oordeel", 40, {}, "Actueel oordeel van de bedrijfsarts opgesteld"),
    ("eindevaluatie", 35, {}, "Eindevaluatie gehouden op"),
    ("reintegratieverslag", 30, {}, "Re-integratieverslag opgesteld op"),
    ("wia-aanvraag", 25, {}, "WIA-aanvraag ingediend op"),
    ("verlenging-loondoorbetaling", 20, {}, "verlengd met 13 weken (art. 24 WIA)"),
    ("loonsanctie", 15, {}, "Loonsanctie opgelegd door UWV van 26 weken"),
    ("bekortingsverzoek", 10, {}, "Bekortingsverzoek ingediend bij UWV"),
    ("notitie", 5, {}, "Notitie (gesprek)"),
]


def trail(admin: Api, case_id: str, **params: Any) -> dict[str, Any]:
    answer = admin.get(f"/v1/cases/{case_id}/audit-trail", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_every_event_type_has_an_entry_in_plain_dutch(admin: Api, employer_id: str) -> None:
    opened = admin.post("/v1/cases", case_body(employer_id, 200, expected_duration_weeks=8))
    case_id = opened.json()["case_id"]
    for path, ago, extra, _ in STEPS:
        answer = admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, ago, **extra))
        assert answer.status_code == 201, answer.text
    document = admin.post(
        f"/v1/cases/{case_id}/document",
        data={"title": "Plan van aanpak getekend", "occurred_on": day(4)},
        files={"file": ("pva.pdf", b"%PDF fictief", "application/pdf")},
    ).json()
    plan = admin.get(f"/v1/cases/{case_id}/events").json()["items"][3]
    corrected = admin.post(
        f"/v1/cases/{case_id}/correctie",
        {
            "occurred_on": day(3),
            "event_id": plan["event_id"],
            "reason": "Datum verkeerd overgenomen",
            "replacement": {"occurred_on": day(158)},
        },
    ).json()
    closing = admin.post(f"/v1/cases/{case_id}/afsluiting", step_body("afsluiting", 1)).json()

    body = trail(admin, case_id, min_position=closing["position"])
    entries = body["entries"]
    events = admin.get(f"/v1/cases/{case_id}/events").json()["items"]
    assert [e["event_id"] for e in entries] == [e["event_id"] for e in events]
    assert [e["hash"] for e in entries] == [e["hash"] for e in events]
    assert body["head_hash"] == events[-1]["hash"]
    texts = {e["type"]: e["summary_nl"] for e in entries}
    assert texts["ziekmelding"] == (
        f"Ziekmelding: eerste ziektedag {day(200)}, gemeld op {day(200)}. Verwachte duur 8 weken."
    )
    for path, _, _, phrase in STEPS:
        assert phrase in texts[path.replace("-", "_")], (path, texts[path.replace("-", "_")])
    # The plan reads as corrected; what was first recorded stays beside it.
    assert texts["plan_van_aanpak"] == (
        f"Plan van aanpak opgesteld door J. Smit op {day(158)} (week 7), tijdig: uiterlijk "
        f"{day(156)}. Pas vastgelegd op {day(0)}, 158 dagen later."
    )
    plan_entry = next(e for e in entries if e["type"] == "plan_van_aanpak")
    assert plan_entry["occurred_on"] == day(158)
    assert plan_entry["original"] == {
        "occurred_on": day(160),
        "summary_nl": f"Plan van aanpak opgesteld door J. Smit op {day(160)} (week 6), tijdig: "
        f"uiterlijk {day(156)}. Pas vastgelegd op {day(0)}, 160 dagen later.",
    }
    assert f"SHA-256 {document['data']['sha256']}" in texts["document"]
    assert texts["correctie"].startswith("Correctie van Plan van aanpak (versie 4)")
    assert (
        f"Reden: Datum verkeerd overgenomen. Datum van {day(160)} naar {day(158)}; "
        "de oorspronkelijke vastlegging blijft bewaard." in texts["correctie"]
    )
    assert texts["afsluiting"] == f"Zaak afgesloten op {day(1)} (week 29): uit dienst."
    assert plan_entry["corrected_by"] == [corrected["event_id"]]
    assert plan_entry["recorded_late"] is True  # recorded today, 160 days after
    assert plan_entry["actor"] and plan_entry["role"] == "admin"
    notitie = next(e for e in entries if e["type"] == "notitie")
    assert notitie["recorded_late"] is False  # a note is never a late step


def test_the_trail_says_whether_a_step_was_on_time(admin: Api, employer_id: str) -> None:
    case_id = admin.post("/v1/cases", case_body(employer_id, 60)).json()["case_id"]
    admin.post(f"/v1/cases/{case_id}/probleemanalyse", step_body("probleemanalyse", 30))
    late = admin.post(f"/v1/cases/{case_id}/plan-van-aanpak", step_body("plan-van-aanpak", 2))
    entries = trail(admin, case_id, min_position=late.json()["position"])["entries"]
    assert entries[1]["summary_nl"] == (
        f"Probleemanalyse opgesteld door bedrijfsarts Dr. F. Ictief op {day(30)} (week 5), "
        f"tijdig: uiterlijk {day(60 - 41)}. Pas vastgelegd op {day(0)}, 30 dagen later."
    )
    assert entries[2]["summary_nl"] == (
        f"Plan van aanpak opgesteld door J. Smit op {day(2)} (week 9), 14 dagen te laat: "
        f"uiterlijk {day(16)}."
    )


def test_as_of_shows_exactly_what_was_recorded_then(admin: Api, employer_id: str) -> None:
    case_id = admin.post("/v1/cases", case_body(employer_id, 30)).json()["case_id"]
    first = admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", 2)).json()
    time.sleep(0.01)
    between = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    second = admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", 1)).json()
    then = trail(admin, case_id, as_of=between, min_position=second["position"])
    assert [e["event_id"] for e in then["entries"]][-1] == first["event_id"]
    assert len(then["entries"]) == 2 and then["head_hash"] == first["hash"]
    before_case = "2000-01-01T00:00:00+00:00"
    assert admin.get(
        f"/v1/cases/{case_id}/audit-trail", params={"as_of": before_case}
    ).status_code == (404)


def test_the_trail_is_404_for_another_employer_and_400_for_bad_input(
    admin: Api, case_id: str
) -> None:
    scoped = key_of_another_employer(admin)
    assert scoped.get(f"/v1/cases/{case_id}/audit-trail").status_code == 404
    assert admin.get(
        f"/v1/cases/{case_id}/audit-trail", params={"as_of": "gisteren"}
    ).status_code == (400)


def test_a_relapse_is_told_as_the_samentelregel(admin: Api, employer_id: str) -> None:
    case_id = admin.post("/v1/cases", case_body(employer_id, 60)).json()["case_id"]
    admin.post(
        f"/v1/cases/{case_id}/herstelmelding", step_body("herstelmelding", 30, percentage=100)
    )
    relapse = admin.post(
        f"/v1/cases/{case_id}/ziekmelding", {"occurred_on": day(10), "first_sick_day": day(10)}
    ).json()
    entries = trail(admin, case_id, min_position=relapse["position"])["entries"]
    assert entries[1]["summary_nl"].startswith(f"Volledig hersteld gemeld per {day(30)}")
    assert entries[2]["summary_nl"] == (
        f"Hernieuwde ziekmelding: opnieuw ziek vanaf {day(10)}, binnen 28 dagen na herstel, "
        "dus de zaak loopt door (samentelregel, art. 7:629 lid 10 BW)."
    )
