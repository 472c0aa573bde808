"""Paging through a case's raw events with ``as_of``, on both stores (issue 14): the page is
cut in the store query by the versions recorded by then, and shows exactly those events."""

from __future__ import annotations

from typing import Any

from tests.api.payloads import step_body
from tests.conftest import Api


def all_pages(admin: Api, case_id: str, limit: int, as_of: str | None) -> list[list[Any]]:
    """Every page of ``GET …/events``, following ``next`` until it is null."""
    pages: list[list[Any]] = []
    params: dict[str, Any] = {"limit": limit}
    if as_of is not None:
        params["as_of"] = as_of
    while True:
        answer = admin.get(f"/v1/cases/{case_id}/events", params=params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append(body["items"])
        if body["next"] is None:
            return pages
        params["after"] = body["next"]


def test_paging_with_as_of_gives_exactly_the_events_recorded_by_then(
    admin: Api, case_id: str
) -> None:
    for _ in range(6):
        assert admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie")).status_code == 201
    events = [e for page in all_pages(admin, case_id, 100, None) for e in page]
    assert [e["version"] for e in events] == [1, 2, 3, 4, 5, 6, 7]

    then = events[3]["recorded_at"]  # the instant version 4 was recorded
    pages = all_pages(admin, case_id, 2, then)
    assert [[e["version"] for e in page] for page in pages] == [[1, 2], [3, 4]]
    assert [e for page in pages for e in page] == events[:4]  # as recorded, field for field

    assert all_pages(admin, case_id, 3, then) == [events[:3], events[3:4]]
    assert all_pages(admin, case_id, 4, then) == [events[:4]]
    assert all_pages(admin, case_id, 100, events[-1]["recorded_at"]) == [events]
    assert all_pages(admin, case_id, 2, "2000-01-01T00:00:00Z") == [[]]  # nothing yet
