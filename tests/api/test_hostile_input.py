"""Input that cannot be stored faithfully is a 400 naming the field, and stores nothing.

Found by fuzzing the first release: a NUL reached PostgreSQL and froze a
tenant's audit trail; a lone surrogate broke the hash chain's encoder; deep
nesting, endless numbers, far dates and huge cursors answered 500.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.payloads import case_body, day, step_body
from tests.conftest import Api

NUL = "Arbo\u0000Zuid"
SURROGATE = "x\ud800y"


def raw_json(text: str) -> dict[str, Any]:
    """A body sent as written: requests would escape what we want to send raw."""
    return {
        "data": text.encode("utf-8", "surrogatepass"),
        "headers": {"Content-Type": "application/json"},
    }


def assert_refused(answer: Any, field: str | None = None, status: int = 400) -> None:
    assert answer.status_code == status, (answer.status_code, answer.text[:300])
    assert answer.headers["Content-Type"] == "application/problem+json"
    if field is not None:
        assert field in answer.json()["errors"], answer.json()


def events_of(admin: Api, case_id: str) -> int:
    return len(admin.get(f"/v1/cases/{case_id}/events").json()["items"])


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "lone-surrogate"])
def test_unstorable_text_is_refused_in_every_kind_of_field(
    admin: Api, operator: Api, employer_id: str, case_id: str, bad: str
) -> None:
    arbodienst = step_body("melding-arbodienst", arbodienst=bad)
    assert_refused(
        admin.post(f"/v1/cases/{case_id}/melding-arbodienst", json=arbodienst), "arbodienst"
    )
    plan = step_body("plan-van-aanpak", agreements=["Contact", bad])
    assert_refused(admin.post(f"/v1/cases/{case_id}/plan-van-aanpak", json=plan), "agreements[1]")
    opening = case_body(employer_id, employee={"name": bad})
    assert_refused(admin.post("/v1/cases", json=opening), "employee.name")
    employer = {"name": bad, "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False}
    assert_refused(admin.post("/v1/employers", json=employer), "name")
    assert_refused(admin.post("/v1/api-keys", json={"name": bad, "role": "auditor"}), "name")
    tenant = {"slug": "nieuw-bureau", "name": bad}
    assert_refused(operator.post("/v1/platform/tenants", json=tenant), "name")
    # A form field travels as UTF-8 bytes, which cannot carry a lone surrogate.
    document = {"title": NUL, "occurred_on": day(1)}
    assert_refused(
        admin.post(f"/v1/cases/{case_id}/document", data=document, files={"file": ("a.txt", b"x")}),
        "title",
    )
    assert events_of(admin, case_id) == 1
    assert len(admin.get("/v1/employers").json()["items"]) == 1


def notitie(*members: str) -> str:
    """A notitie body as raw JSON text, with extra members written as given."""
    valid = f'"occurred_on": "{day(1)}", "kind": "overig", "text": "t"'
    return "{" + ", ".join([valid, *members]) + "}"


def test_unstorable_text_sent_raw_is_refused_too(admin: Api, case_id: str) -> None:
    """Escaped in JSON (``\\u0000``, ``\\ud800``): the same 400."""
    path = f"/v1/cases/{case_id}/notitie"
    for member in [
        r'"note": "a\u0000b"',
        r'"note": "a\ud800b"',
        r'"note": "a\udc00"',
        r'"\u0000": 1',
    ]:
        assert_refused(admin.post(path, **raw_json(notitie(member))))
    assert_refused(admin.get("/v1/cases?status=open%00"), "status")
    assert events_of(admin, case_id) == 1


def test_absurd_shapes_are_400(admin: Api, case_id: str) -> None:
    path = f"/v1/cases/{case_id}/notitie"
    for member in [
        '"note": ' + "[" * 1000 + "]" * 1000,
        '"note": ' + "[" * 100_000 + "]" * 100_000,
        '"note": ' + "9" * 5000,
        '"note": 1e999',
        '"note": NaN',
    ]:
        assert_refused(admin.post(path, **raw_json(notitie(member))))
    assert_refused(admin.post(path, **raw_json(notitie('"kind": "contact"'))), "kind")
    assert events_of(admin, case_id) == 1


def test_absurd_sizes_are_400(admin: Api, employer_id: str, case_id: str) -> None:
    participants = step_body("evaluatie", participants=["p"] * 50_000)
    assert_refused(admin.post(f"/v1/cases/{case_id}/evaluatie", json=participants), "participants")
    opening = case_body(employer_id, expected_duration_weeks=10**22)
    assert_refused(admin.post("/v1/cases", json=opening), "expected_duration_weeks")
    weeks = step_body("verlenging-loondoorbetaling", weeks=10**12)
    assert_refused(admin.post(f"/v1/cases/{case_id}/verlenging-loondoorbetaling", json=weeks))
    hours = step_body("werkhervatting", hours_per_week=1e300)
    assert_refused(admin.post(f"/v1/cases/{case_id}/werkhervatting", json=hours))
    assert events_of(admin, case_id) == 1


@pytest.mark.parametrize(
    "query",
    [
        "as_of=9999-12-31T23:59:59Z",
        "as_of=0001-01-01T00:00:00Z",
        "after=99999999999999999999",
        "after=%C2%B2",
        "limit=99999999999999999999999",
    ],
)
def test_absurd_queries_are_400(admin: Api, case_id: str, query: str) -> None:
    assert_refused(admin.get(f"/v1/cases/{case_id}/events?{query}"))


def test_absurd_reads_are_400(admin: Api, case_id: str) -> None:
    for path in [
        f"/v1/cases/{case_id}?as_of=9999-12-31T23:59:59Z",
        f"/v1/cases/{case_id}/obligations?as_of=9999-12-31T23:59:59Z",
        f"/v1/cases/{case_id}/audit-trail?as_of=9999-12-31T23:59:59Z",
        "/v1/worklist?due_before=9999-12-31",
        "/v1/cases?after=99999999999999999999",
        "/v1/events?after=99999999999999999999",
        "/v1/cases?min_position=99999999999999999999999",
    ]:
        assert_refused(admin.get(path))


@pytest.mark.parametrize("version", ["9" * 5000, "²", "1" * 19])
def test_absurd_if_match_is_400(admin: Api, case_id: str, version: str) -> None:
    answer = admin.post(
        f"/v1/cases/{case_id}/notitie",
        json=step_body("notitie"),
        headers={"If-Match": f'"{version}"'},
    )
    assert_refused(answer)
    assert events_of(admin, case_id) == 1


def test_min_position_past_the_head_is_400_at_once(admin: Api, case_id: str) -> None:
    head = admin.get("/v1/events").json()["items"][-1]["position"]
    assert admin.get(f"/v1/cases?min_position={head}").status_code == 200
    answer = admin.get(f"/v1/cases?min_position={head + 1}")
    assert_refused(answer, "min_position")
    assert answer.elapsed.total_seconds() < 1.5
    assert_refused(admin.get(f"/v1/worklist?min_position={head + 5}"), "min_position")


def test_every_answer_carries_the_security_headers(admin: Api, case_id: str) -> None:
    case = admin.get(f"/v1/cases/{case_id}")
    assert case.headers["X-Content-Type-Options"] == "nosniff"
    assert case.headers["Cache-Control"] == "no-store"
    problem = admin.get("/v1/cases/not-a-case")
    assert problem.headers["X-Content-Type-Options"] == "nosniff"
    assert problem.headers["Cache-Control"] == "no-store"
    html = admin.get(f"/v1/cases/{case_id}/audit-trail", headers={"Accept": "text/html"})
    assert html.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert html.headers["X-Frame-Options"] == "DENY"
    assert html.headers["Cache-Control"] == "no-store"


def test_documents_are_downloads_never_rendered(admin: Api, case_id: str) -> None:
    page = b"<html><script>alert(1)</script></html>"
    uploaded = admin.post(
        f"/v1/cases/{case_id}/document",
        data={"title": "Verslag", "occurred_on": day(1)},
        files={"file": ("verslag.html", page, "text/html")},
    )
    assert uploaded.status_code == 201, uploaded.text
    document_id = uploaded.json()["data"]["document_id"]
    answer = admin.get(f"/v1/cases/{case_id}/documents/{document_id}")
    assert answer.status_code == 200
    assert answer.content == page
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"
