"""The tenant feed: every event in recording order, positions 1, 2, 3, … with no gaps."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.api.payloads import case_body, step_body
from tests.conftest import Api, unique_slug


def test_feed_pages_concatenate_to_the_whole_gapless_feed_of_this_tenant_only(
    operator: Api, admin: Api, case_id: str
) -> None:
    other = operator.as_key(
        operator.post("/v1/platform/tenants", {"slug": unique_slug(), "name": "Ander"}).json()[
            "admin_key"
        ]
    )
    other_employer = other.post(
        "/v1/employers",
        {"name": "X", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
    ).json()["id"]
    other_case = other.post("/v1/cases", case_body(other_employer)).json()["case_id"]

    def write(n: int) -> int:  # racing writers: the losers roll back and retry
        client = admin.as_key(admin.key)
        answer = client.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", text=f"n{n}"))
        other.as_key(other.key).post(f"/v1/cases/{other_case}/notitie", step_body("notitie"))
        return answer.json()["position"]

    with ThreadPoolExecutor(8) as pool:
        positions = list(pool.map(write, range(24)))

    feed, after = [], None
    while True:
        page = admin.get(
            "/v1/events", params={"limit": 7, **({"after": after} if after else {})}
        ).json()
        feed += page["items"]
        after = page["next"]
        if after is None:
            break
    assert [e["position"] for e in feed] == list(range(1, len(feed) + 1))
    assert len(feed) == 1 + 1 + 24  # employer, ziekmelding, notes
    assert {e["case_id"] for e in feed} == {None, case_id}
    assert feed[0]["type"] == "employer_registered"
    assert sorted(positions) == [e["position"] for e in feed if e["type"] == "notitie"]


def test_an_employer_key_sees_only_its_employers_events(
    admin: Api, case_id: str, employer_id: str
) -> None:
    other = admin.post(
        "/v1/employers",
        {"name": "Ander", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
    ).json()["id"]
    admin.post("/v1/cases", case_body(other))
    key = admin.post(
        "/v1/api-keys", {"name": "w", "role": "employer", "employer_ids": [employer_id]}
    ).json()["key"]
    seen = admin.as_key(key).get("/v1/events").json()["items"]
    assert {e["case_id"] for e in seen} == {None, case_id}
    assert {e.get("employer_id") for e in seen if e["case_id"] is None} == {employer_id}
