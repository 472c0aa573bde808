"""No request, however malformed, produces a 500 (issue 2, acceptance).

Every endpoint gets bodies of every wrong shape, odd headers and odd paths;
each answer must be a problem in the 4xx range, and nothing may be stored.
"""

from __future__ import annotations

from typing import Any

import pytest

from service.http.step_schemas import STEP_SCHEMAS
from tests.api.payloads import step_body
from tests.conftest import Api

HOSTILE_BODIES: list[Any] = [
    None,
    [],
    "text",
    12,
    {},
    {"occurred_on": None},
    {"occurred_on": 20261123},
    {"occurred_on": "2026-02-30"},
    {"occurred_on": "9999-12-31"},
    {"occurred_on": "0001-01-01"},
    {"occurred_on": "2026-11-23", "note": {"nested": True}},
    {"occurred_on": "2026-11-23", "note": "x" * 100_000},
    {"occurred_on": "2026-11-23", "percentage": float("1e308")},
    {"occurred_on": "2026-11-23", "hours_per_week": -1e308, "wage_value_percentage": 1e-308},
    {"occurred_on": "2026-11-23", "weeks": 10**30},
    {"occurred_on": "2026-11-23", "event_id": "not-a-uuid", "reason": "r"},
    {"occurred_on": "2026-11-23", "agreements": [None, 1, {}]},
    {
        "occurred_on": "2026-11-23",
        "replacement": [],
        "event_id": "00000000-0000-0000-0000-000000000000",
        "reason": "r",
    },
    {"\u0000": "\ud800"},
]

RAW_BODIES = [b"", b"{", b"\xff\xfe", b"[1,2", b'{"a": NaN}', b"null", b"1e999999"]


def assert_problem(answer: Any) -> None:
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert answer.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("path", sorted(STEP_SCHEMAS))
def test_hostile_bodies_on_every_command_are_4xx(admin: Api, case_id: str, path: str) -> None:
    for body in HOSTILE_BODIES:
        assert_problem(admin.post(f"/v1/cases/{case_id}/{path}", json=body))
    for raw in RAW_BODIES:
        assert_problem(
            admin.post(
                f"/v1/cases/{case_id}/{path}",
                data=raw,
                headers={"Content-Type": "application/json"},
            )
        )
    assert len(admin.get(f"/v1/cases/{case_id}/events").json()["items"]) == 1


def test_hostile_bodies_on_the_other_posts_are_4xx(admin: Api, operator: Api) -> None:
    for path, client in [
        ("/v1/cases", admin),
        ("/v1/employers", admin),
        ("/v1/api-keys", admin),
        ("/v1/platform/tenants", operator),
    ]:
        for body in HOSTILE_BODIES:
            assert_problem(client.post(path, json=body))
        for raw in RAW_BODIES:
            assert_problem(
                client.post(path, data=raw, headers={"Content-Type": "application/json"})
            )
        assert_problem(
            client.post(
                path, data="a=b", headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
        )


@pytest.mark.parametrize(
    "headers",
    [
        {"If-Match": ""},
        {"If-Match": '"-1"'},
        {"If-Match": '"99999999999999999999999"'},
        {"Idempotency-Key": ""},
        {"Idempotency-Key": "k" * 300},
        {"Content-Type": "text/plain"},
    ],
)
def test_odd_headers_are_4xx_or_honoured(admin: Api, case_id: str, headers: dict[str, str]) -> None:
    answer = admin.post(f"/v1/cases/{case_id}/notitie", json=step_body("notitie"), headers=headers)
    assert answer.status_code < 500, answer.text


@pytest.mark.parametrize(
    "path",
    [
        "/v1/cases/%00",
        "/v1/cases/..%2F..%2Fetc",
        "/v1/cases?limit=-1",
        "/v1/cases?limit=abc",
        "/v1/cases?status=maybe",
        "/v1/cases?employer_id=x",
        "/v1/cases?after=-5",
        "/v1/cases?unknown=1",
        "/v1/employers/00000000-0000-0000-0000-000000000000",
        "/v1/employers/%F0%9F%98%80",
        "/v1/api-keys/not-a-key",
        "/v1/nothing-here",
    ],
)
def test_odd_reads_are_4xx(admin: Api, path: str) -> None:
    assert_problem(admin.get(path))


def test_odd_reads_of_a_case_are_4xx(admin: Api, case_id: str) -> None:
    for query in [
        "as_of=",
        "as_of=2026-13-01T00:00:00Z",
        "as_of=2026-11-23",
        "limit=0",
        "after=x",
        "x=1",
    ]:
        assert_problem(admin.get(f"/v1/cases/{case_id}/events?{query}"))
    assert_problem(admin.request("PUT", f"/v1/cases/{case_id}"))
    assert_problem(admin.request("PATCH", f"/v1/cases/{case_id}"))
    assert_problem(admin.delete(f"/v1/cases/{case_id}"))


def test_a_document_upload_gone_wrong_is_4xx(admin: Api, case_id: str) -> None:
    assert_problem(
        admin.post(
            f"/v1/cases/{case_id}/document", data={"title": "x", "occurred_on": "2026-11-01"}
        )
    )
    assert_problem(admin.post(f"/v1/cases/{case_id}/document", files={"file": ("a.txt", b"x")}))
    assert_problem(admin.post(f"/v1/cases/{case_id}/document", json={"title": "x"}))
    too_big = b"x" * (10 * 1024 * 1024 + 100 * 1024)
    answer = admin.post(
        f"/v1/cases/{case_id}/document",
        data={"title": "groot", "occurred_on": "2026-11-01"},
        files={"file": ("big.bin", too_big)},
    )
    assert answer.status_code == 413
