"""Personal values hashed as salted commitments: erasable later, verifiable always."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any

import pytest

from domain.access import Actor
from domain.case import Case
from domain.commitments import (
    ERASED,
    commitment,
    disclosed,
    hashed_form,
    personal_paths,
    seal,
)
from domain.steps.catalogue import CORRECTIE, ZIEKMELDING
from domain.steps.trajectory import TRAJECT_START
from domain.verification import recomputed_hash
from service.proof.feed_line import case_line

CASEMANAGER = Actor("key-1", "casemanager")
TODAY = date.today()
SALT = bytes(range(32)).hex()
EMPLOYEE = {"name": "Jan Fictief", "personnel_number": "F-0042", "date_of_birth": "1980-02-29"}


def open_case() -> Case:
    return Case.open_with_ziekmelding(
        by=CASEMANAGER,
        employer_id="employer-1",
        employee=dict(EMPLOYEE),
        first_sick_day=TODAY - timedelta(days=100),
        reported_on=TODAY - timedelta(days=100),
        note="Belde zelf, klonk opgewekt",
    )


def line_of(case: Case, index: int) -> dict[str, Any]:
    """The event as the API and the feed show it, through JSON as a client reads it."""
    return json.loads(json.dumps(case_line(case.pending_events[index])))


def test_a_commitment_is_sha256_of_salt_and_canonical_value_as_the_readme_says() -> None:
    assert (
        commitment(SALT, "Jan Fictief")
        == "5236cf0886709877e3b2be8cccf4cd168f3488a02e48d48eca89ae6ddb90b777"
    )
    assert commitment(SALT, "Jan Fictief") != commitment(SALT, "Jan Fictief ")
    assert commitment(SALT, ["a", "b"]) != commitment(SALT, ["b", "a"])
    with pytest.raises(ValueError):
        commitment("00" * 16, "Jan Fictief")


def test_personal_fields_are_those_declared_personal() -> None:
    opening = {"employer_id": "e", **ZIEKMELDING.data({"employee": EMPLOYEE, "note": "n"})}
    assert personal_paths(ZIEKMELDING, opening) == [
        "employee.date_of_birth",
        "employee.name",
        "employee.personnel_number",
        "note",
    ]
    plan = {"goal": "g", "search_directions": ["logistiek"], "hours_per_week": 8}
    start = {"track": 2, "provider": "Bureau", "coach": "C. Fictief", "plan": plan}
    assert personal_paths(TRAJECT_START, start) == ["plan.goal", "plan.search_directions"]
    correctie = {"event_id": "x", "reason": "typfout", "replacement": {"employee": EMPLOYEE}}
    assert personal_paths(CORRECTIE, correctie) == ["reason"]
    assert personal_paths(ZIEKMELDING, correctie["replacement"], "replacement.")[0] == (
        "replacement.employee.date_of_birth"
    )


def test_sealed_data_holds_only_commitments_and_disclosure_gives_the_values_back() -> None:
    data = {"employee": dict(EMPLOYEE), "first_sick_day": "2026-01-05"}
    hashed, personal = seal(data, ["employee.name", "employee.date_of_birth"])
    assert "Jan Fictief" not in json.dumps(hashed) and "1980-02-29" not in json.dumps(hashed)
    assert hashed["employee"]["name"] == commitment(
        personal["employee.name"]["salt"], "Jan Fictief"
    )
    assert hashed["employee"]["personnel_number"] == "F-0042"  # not committed: left as is
    shown, salts, erased = disclosed(hashed, personal)
    assert shown == data and set(salts) == {"employee.name", "employee.date_of_birth"}
    assert erased == {}
    gone, salts, erased = disclosed(hashed, {**personal, "employee.name": None})
    assert gone["employee"]["name"] == ERASED
    assert erased == {"employee.name": hashed["employee"]["name"]}
    assert set(salts) == {"employee.date_of_birth"}


def test_an_old_line_is_its_own_hashed_form() -> None:
    line = {"event_id": "e", "data": {"employee": {"name": "Oud"}}, "hash": "h", "position": 3}
    form = hashed_form(line)
    assert form == line and form is not line


def test_a_new_event_hashes_its_commitments_never_its_personal_values() -> None:
    case = open_case()
    event = case.pending_events[0]
    stored = json.dumps({"data": event.data, "hash": event.hash})
    assert "Jan Fictief" not in stored and "klonk opgewekt" not in stored
    assert event.personal is not None and event.personal["employee.name"]["value"] == "Jan Fictief"
    assert case.employee == EMPLOYEE and case.opening.data["note"] == "Belde zelf, klonk opgewekt"

    line = line_of(case, 0)
    assert line["data"]["employee"] == EMPLOYEE
    assert set(line["salts"]) == {
        "employee.name",
        "employee.personnel_number",
        "employee.date_of_birth",
        "note",
    }
    assert "commitments" not in line
    form = hashed_form(line)
    assert form["data"] == event.data and "salts" not in form
    assert form["committed"] == sorted(line["salts"])
    assert recomputed_hash(str(case.id), 1, line) == event.hash


def test_replacing_a_value_and_its_salt_by_its_commitment_keeps_every_hash() -> None:
    case = open_case()
    line = line_of(case, 0)
    erased = copy.deepcopy(line)
    for path in ("employee.name", "note"):
        salt = erased["salts"].pop(path)
        value = _value(erased["data"], path)
        erased.setdefault("commitments", {})[path] = commitment(salt, value)
    erased["data"]["employee"]["name"] = ERASED
    erased["data"]["note"] = ERASED
    assert hashed_form(erased) == hashed_form(line)
    assert recomputed_hash(str(case.id), 1, erased) == line["hash"]
    assert "Jan Fictief" not in json.dumps(erased)


def test_a_value_changed_without_its_salt_or_a_salt_changed_fails() -> None:
    case = open_case()
    line = line_of(case, 0)
    changed = copy.deepcopy(line)
    changed["data"]["employee"]["name"] = "Piet Fictief"
    assert recomputed_hash(str(case.id), 1, changed) != line["hash"]
    salted = copy.deepcopy(line)
    salted["salts"]["employee.name"] = "11" * 32
    assert recomputed_hash(str(case.id), 1, salted) != line["hash"]
    dropped = copy.deepcopy(line)
    dropped.pop("salts")  # shown as if never committed: the hash covered commitments
    assert recomputed_hash(str(case.id), 1, dropped) != line["hash"]


def test_a_line_whose_salts_do_not_fit_it_matches_no_hash_and_raises_nothing() -> None:
    case = open_case()
    line = line_of(case, 0)
    for broken in (
        {**line, "salts": {**line["salts"], "employee.nickname": SALT}},
        {**line, "salts": {**line["salts"], "note": "not hex"}},
        {**line, "salts": {**line["salts"], "note": 42}},
        {**line, "salts": ["note"]},
        {**line, "commitments": {"note": "ab" * 32}},  # a salt and a commitment both
        {**line, "data": "no object"},
    ):
        form = hashed_form(broken)
        assert form == broken and form != hashed_form(line)
        assert recomputed_hash(str(case.id), 1, broken) != line["hash"]


def test_a_correctie_of_the_employee_commits_the_replacement_and_the_view_shows_it() -> None:
    case = open_case()
    opening = case.facts[0]
    case.correctie(
        on=TODAY,
        by=CASEMANAGER,
        event_id=opening.event_id,
        reason="naam verkeerd gespeld",
        replacement={"employee": {"name": "Jan Fictieff"}},
    )
    event = case.pending_events[-1]
    assert "Fictieff" not in json.dumps(event.data) and "gespeld" not in json.dumps(event.data)
    assert sorted(event.personal or {}) == ["reason", "replacement.employee.name"]
    assert case.employee == {"name": "Jan Fictieff"}
    change = case.opening.corrections[0].changes["employee"]
    assert change["to"] == {"name": "Jan Fictieff"} and change["from"]["name"] == "Jan Fictief"
    assert recomputed_hash(str(case.id), 2, line_of(case, 1)) == event.hash


def test_an_event_without_personal_values_keeps_the_old_form() -> None:
    case = open_case()
    case.ziekmelding_uwv(on=TODAY, by=CASEMANAGER)
    event = case.pending_events[-1]
    assert event.personal is None
    line = line_of(case, 1)
    assert "salts" not in line and hashed_form(line) == line
    assert recomputed_hash(str(case.id), 2, line) == event.hash


def _value(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        data = data[key]
    return data


def test_once_the_case_records_its_erasure_every_personal_value_reads_erased() -> None:
    case = open_case()
    case.plan_van_aanpak(
        on=TODAY - timedelta(days=50),
        by=CASEMANAGER,
        casemanager="J. Smit",
        goal="eigen werk",
        agreements=["Wekelijks bellen"],
    )
    case.correctie(
        on=TODAY,
        by=CASEMANAGER,
        event_id=case.facts[0].event_id,
        reason="naam verkeerd gespeld",
        replacement={"employee": {"name": "Jan Fictieff"}},
    )
    cached = copy.deepcopy(case)
    recorded_at = Case.Event.create_timestamp()
    wissing = {"reason": "bewaartermijn verstreken", "term_years": 2}
    case.record_checked(Case.Wissing, TODAY, CASEMANAGER, recorded_at, wissing, [])

    opening, plan, correctie, erasure = case.facts
    assert case.employee == {"name": ERASED}  # as corrected, then erased
    assert opening.data["note"] == ERASED and opening.data["first_sick_day"]
    assert plan.data["goal"] == ERASED and plan.data["agreements"] == [ERASED]
    assert plan.data["casemanager"] == "J. Smit"  # not the employee's data
    assert correctie.data["reason"] == ERASED
    assert correctie.data["replacement"] == {"employee": {"name": ERASED}}
    (change,) = opening.corrections
    assert change.reason == ERASED
    assert change.changes["employee"]["from"] == {part: ERASED for part in EMPLOYEE}
    assert erasure.data["reason"] == "bewaartermijn verstreken"
    assert cached.employee == {"name": "Jan Fictieff"}  # a copy's erasure leaves the cache


def test_an_erased_list_reads_as_a_list() -> None:
    case = open_case()
    case.plan_van_aanpak(
        on=TODAY, by=CASEMANAGER, casemanager="J. Smit", goal="g", agreements=["a", "b"]
    )
    event = case.pending_events[-1]
    shown, salts, gone = disclosed(event.data, dict.fromkeys(event.personal or {}), event.step)
    assert shown["agreements"] == [ERASED] and shown["goal"] == ERASED and not salts
    assert set(gone) == {"agreements", "goal"}
