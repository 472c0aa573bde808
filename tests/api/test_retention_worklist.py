"""The worklist lists an ended case whose bewaartermijn ends within 30 days, on both stores:
due the day it may be erased, whatever ``due_before`` asks; not while a legal hold keeps it
or once it was erased; moved by the bureau's longer terms (AVG art. 5 lid 1 sub e)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.retention import years_after
from tests.api.payloads import TODAY, case_body
from tests.conftest import Api

CODE = "bewaartermijn_eindigt"


def ended_case(admin: Api, employer_id: str, erasable_in: int, name: str) -> str:
    """A case that ended two years before the day it may be erased, ``erasable_in`` days
    from today (its last sick day that long ago, closed on recovery the next)."""
    last_sick_day = years_after(TODAY + timedelta(days=erasable_in - 1), -2)
    recovered = (last_sick_day + timedelta(days=1)).isoformat()
    first = (last_sick_day - timedelta(days=40)).isoformat()
    body = case_body(employer_id, employee={"name": name, "personnel_number": "W-1"})
    body.update(first_sick_day=first, reported_on=first)
    opened = admin.post("/v1/cases", body)
    assert opened.status_code == 201, opened.text
    case_id = str(opened.json()["case_id"])
    for path, fields in (
        ("herstelmelding", {"percentage": 100}),
        ("afsluiting", {"reason": "herstel"}),
    ):
        answer = admin.post(f"/v1/cases/{case_id}/{path}", {"occurred_on": recovered, **fields})
        assert answer.status_code == 201, answer.text
    return case_id


def fence(admin: Api, employer_id: str) -> int:
    """A position after every write so far (some answer none: a lifted hold, the terms)."""
    opened = admin.post("/v1/cases", case_body(employer_id, 10))
    assert opened.status_code == 201, opened.text
    return int(opened.json()["event"]["position"])


def ending(admin: Api, position: int, **params: Any) -> dict[str, dict[str, Any]]:
    """The worklist's rows for a bewaartermijn that ends, by case, read after ``position``."""
    answer = admin.get("/v1/worklist", params={"min_position": position, "limit": 1000, **params})
    assert answer.status_code == 200, answer.text
    return {item["case_id"]: item for item in answer.json()["items"] if item["code"] == CODE}


def erasable_on(admin: Api, case_id: str) -> str:
    judged = admin.get(f"/v1/cases/{case_id}/retention").json()
    return (date.fromisoformat(judged["kept_until"]) + timedelta(days=1)).isoformat()


def test_a_case_whose_term_ends_within_30_days_is_listed_until_held_or_erased(
    admin: Api, employer_id: str
) -> None:
    soon = ended_case(admin, employer_id, 20, "Fictief Binnenkort")
    later = ended_case(admin, employer_id, 45, "Fictief Later")
    held = ended_case(admin, employer_id, 10, "Fictief Vastgehouden")
    over = ended_case(admin, employer_id, -400, "Fictief Verlopen")
    placed = admin.post(f"/v1/cases/{held}/legal-hold", {"reason": "Geschil loopt"})
    assert placed.status_code == 201, placed.text

    listed = ending(admin, placed.json()["position"])
    assert set(listed) == {soon, over}
    item = listed[soon]
    assert item["due_on"] == erasable_on(admin, soon)
    assert item["status"] == "open" and item["days_overdue"] == 0
    assert item["label"] == "Bewaartermijn eindigt: persoonsgegevens worden gewist"
    assert item["employee"]["name"] == "Fictief Binnenkort" and item["employee_name"]
    overdue = (TODAY - date.fromisoformat(erasable_on(admin, over))).days
    assert listed[over]["status"] == "overdue" and listed[over]["days_overdue"] == overdue > 0
    # Beyond the default two weeks, and whatever due_before asks: 30 days ahead.
    position = placed.json()["position"]
    assert set(ending(admin, position, due_before=TODAY.isoformat())) == {soon, over}
    assert later not in ending(admin, position, due_before=(TODAY + timedelta(days=90)).isoformat())

    assert admin.delete(f"/v1/cases/{held}/legal-hold").status_code == 204
    assert set(ending(admin, fence(admin, employer_id))) == {soon, over, held}
    erased = admin.post(f"/v1/cases/{over}/erasure", {"reason": "Bewaartermijn verstreken"})
    assert erased.status_code == 201, erased.text
    listed = ending(admin, erased.json()["position"])
    assert set(listed) == {soon, held}
    assert "Fictief Verlopen" not in str(listed)


def test_a_longer_term_of_the_bureau_moves_the_row(admin: Api, employer_id: str) -> None:
    soon = ended_case(admin, employer_id, 20, "Fictief Binnenkort")
    assert soon in ending(admin, fence(admin, employer_id))
    longer = {"extra_years": 1, "reason": "Lopende procedures"}
    assert admin.request("PUT", "/v1/settings/retention", json=longer).status_code == 200
    assert ending(admin, fence(admin, employer_id)) == {}
    assert admin.request("PUT", "/v1/settings/retention", json={"extra_years": 0}).ok
    assert ending(admin, fence(admin, employer_id))[soon]["due_on"] == erasable_on(admin, soon)
