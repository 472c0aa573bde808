"""Employers over real HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import Api


def body(name: str = "Bakkerij", **extra: object) -> dict:
    return {"name": name, "eigenrisicodrager_zw": True, "eigenrisicodrager_wga": False, **extra}


def test_an_employer_is_registered_and_read_back(admin: Api) -> None:
    created = admin.post("/v1/employers", body(kvk_number="12345678"))
    assert created.status_code == 201
    employer = created.json()
    assert created.headers["Location"] == f"/v1/employers/{employer['id']}"
    read = admin.get(f"/v1/employers/{employer['id']}").json()
    assert read["name"] == "Bakkerij" and read["kvk_number"] == "12345678"
    assert read["eigenrisicodrager_zw"] is True


@pytest.mark.parametrize(
    "bad",
    [
        {"eigenrisicodrager_zw": "yes"},
        {"kvk_number": "123"},
        {"name": ""},
        {"name": 5},
        {"sector": "bouw"},
    ],
)
def test_bad_employer_input_is_400(admin: Api, bad: dict) -> None:
    answer = admin.post("/v1/employers", {**body(), **bad})
    assert answer.status_code == 400
    assert set(bad) <= set(answer.json()["errors"])
    assert admin.get("/v1/employers").json()["items"] == []


def test_employers_are_listed_with_cursor_pagination(admin: Api) -> None:
    names = [f"Werkgever {i}" for i in range(5)]
    for name in names:
        admin.post("/v1/employers", body(name))
    seen, after = [], None
    while True:
        params = {"limit": 2, **({"after": after} if after else {})}
        page = admin.get("/v1/employers", params=params).json()
        seen += [e["name"] for e in page["items"]]
        after = page["next"]
        if after is None:
            break
    assert seen == names
    assert admin.get("/v1/employers", params={"limit": 0}).status_code == 400
    assert admin.get("/v1/employers", params={"limit": 1001}).status_code == 400
    assert admin.get("/v1/employers", params={"after": "abc"}).status_code == 400
