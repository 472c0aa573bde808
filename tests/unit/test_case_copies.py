"""A copy of a case (what the repository hands every command) is independent of the
case it came from, though it shares their facts until one of them changes one."""

from __future__ import annotations

import copy
from datetime import date

from domain.access import Actor
from domain.case import Case
from domain.commitments import ERASED
from domain.employer import Regime
from domain.retention import erase, retention

CASEMANAGER = Actor("key-1", "casemanager")
ADMIN = Actor("key-admin", "admin")
FIRST = date(2019, 1, 7)


def open_case() -> Case:
    """A case with a plan van aanpak, open (a correctie needs an open case)."""
    case = Case.open_with_ziekmelding(
        by=CASEMANAGER,
        employer_id="employer-1",
        employee={"name": "Fictief Persoon"},
        first_sick_day=FIRST,
        reported_on=FIRST,
    )
    case.plan_van_aanpak(
        on=date(2019, 2, 25), by=CASEMANAGER, casemanager="J. Smit", goal="eigen werk",
        agreements=[],
    )  # fmt: skip
    return case


def closed_case() -> Case:
    case = open_case()
    case.herstelmelding(on=date(2019, 3, 4), by=CASEMANAGER, percentage=100)
    case.afsluiting(on=date(2019, 3, 4), by=CASEMANAGER, reason="herstel")
    return case


def goals(case: Case) -> list[str]:
    return [f.data["goal"] for f in case.facts if f.type == "plan_van_aanpak"]


def test_a_correctie_on_a_copy_leaves_the_original_and_one_on_the_original_the_copy() -> None:
    original = open_case()
    plan = original.facts[1].event_id
    copied = copy.deepcopy(original)
    copied.correctie(
        on=date.today(), by=CASEMANAGER, event_id=plan, reason="r",
        replacement={"goal": "ander werk"},
    )  # fmt: skip
    assert goals(copied) == ["ander werk"] and copied.find(plan).corrected_by
    assert goals(original) == ["eigen werk"] and not original.find(plan).corrected_by

    # the cached case moving on (a fast-forward) while a command holds its copy
    again = copy.deepcopy(original)
    original.correctie(
        on=date.today(), by=CASEMANAGER, event_id=plan, reason="r",
        replacement={"goal": "deeltijd"},
    )  # fmt: skip
    assert goals(original) == ["deeltijd"] and goals(again) == ["eigen werk"]
    assert original.find(plan) is original.facts_by_id[plan]


def test_a_wissing_on_a_copy_leaves_the_original_readable() -> None:
    original = closed_case()
    copied = copy.deepcopy(original)
    erase(
        copied, by=ADMIN, reason="verzoek",
        judged=retention(copied.facts, Regime(), date(2022, 1, 1)),
    )  # fmt: skip
    assert copied.facts[0].data["employee"]["name"] == ERASED
    assert original.facts[0].data["employee"]["name"] == "Fictief Persoon"
    assert all(copied.facts_by_id[f.event_id] is f for f in copied.facts)
