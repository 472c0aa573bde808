"""Personal values as salted commitments, over HTTP and offline, on both stores.

A new case's events show their personal values with salts and verify in the
case check, in ``spoorlog verify`` and in an exported file; an export in
which those values are erased (only their commitments left) still verifies,
and a value changed without its salt does not. The previous release's events
keep their form: no salts, and their hash is the hash of the line itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from domain.commitments import ERASED, commitment, hashed_form
from domain.verification import recomputed_hash
from service.application.tenancy import Tenancy
from service.config import Settings
from service.proof.checkpoints import feed_lines
from service.proof.verify_export import verify_export
from tests.api.payloads import case_body, day, step_body
from tests.conftest import Api
from tests.served import cli_env

EMPLOYEE = {"name": "Jan Fictief", "personnel_number": "F-0042", "date_of_birth": "1980-02-29"}
RELEASE = Path(__file__).parent.parent / "fixtures" / "release-0.1"


@pytest.fixture
def personal_case(admin: Api, employer_id: str) -> str:
    """A case whose opening, note, plan and correctie carry personal values."""
    body = case_body(employer_id, 200, employee=EMPLOYEE, note="Belde zelf op maandag")
    case_id = admin.post("/v1/cases", body).json()["case_id"]
    for path, extra in [
        ("notitie", {"text": "Gesprek met Jan over zijn werkplek"}),
        ("traject-start", {}),
    ]:
        answer = admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, 5, **extra))
        assert answer.status_code == 201, answer.text
    opening = admin.get(f"/v1/cases/{case_id}/events").json()["items"][0]
    corrected = admin.post(
        f"/v1/cases/{case_id}/correctie",
        {
            "occurred_on": day(1),
            "event_id": opening["event_id"],
            "reason": "naam verkeerd gespeld",
            "replacement": {"employee": {**EMPLOYEE, "name": "Jan Fictieff"}},
        },
    )
    assert corrected.status_code == 201, corrected.text
    return case_id


def test_events_show_their_personal_values_with_salts_and_verify(
    admin: Api, personal_case: str
) -> None:
    events = admin.get(f"/v1/cases/{personal_case}/events").json()["items"]
    opening, note, start, correctie = events
    assert opening["data"]["employee"] == EMPLOYEE
    assert set(opening["salts"]) == {
        "employee.name",
        "employee.personnel_number",
        "employee.date_of_birth",
        "note",
    }
    assert {"text", "note"} <= set(note["salts"])
    assert {"plan.goal", "plan.search_directions"} <= set(start["salts"])
    assert "replacement.employee.name" in correctie["salts"] and "reason" in correctie["salts"]
    for version, event in enumerate(events, start=1):
        assert recomputed_hash(personal_case, version, event) == event["hash"]
        assert all(len(bytes.fromhex(salt)) == 32 for salt in event["salts"].values())

    verified = admin.get(f"/v1/cases/{personal_case}/verify").json()
    assert verified["valid"] is True and verified["events_checked"] == 4, verified
    case = admin.get(f"/v1/cases/{personal_case}").json()
    assert case["employee"]["name"] == "Jan Fictieff"  # the view reads the values, not hashes

    feed = admin.get("/v1/events", params={"limit": 1000}).json()["items"]
    line = next(item for item in feed if item["event_id"] == opening["event_id"])
    assert line["salts"] == opening["salts"] and line["data"] == opening["data"]


def test_spoorlog_verify_checks_the_new_form(
    admin: Api, personal_case: str, settings: Settings, admin_slug: str
) -> None:
    assert admin.post("/v1/checkpoints").status_code == 201
    run = subprocess.run(
        [sys.executable, "-m", "service.cli", "verify", "--tenant", admin_slug],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["invalid"] == [] and report["feed"]["problems"] == []


def test_an_export_with_the_personal_values_erased_still_verifies(
    admin: Api, personal_case: str, tmp_path: Path
) -> None:
    lines = admin.get("/v1/export").text.splitlines(keepends=True)
    assert verify_export(lines).problems == []

    erased = [_erased(text) if personal_case in text else text for text in lines]
    file = "".join(erased)
    for gone in ("Jan Fictief", "1980-02-29", "F-0042", "Belde zelf", "werkplek", "gespeld"):
        assert gone not in file
    check = verify_export(erased)
    assert check.problems == [] and check.valid, check.problems
    for before, after in zip(lines, erased, strict=True):
        old, new = json.loads(before), json.loads(after)
        if "event_id" in old:
            assert hashed_form(new) == hashed_form(old)

    path = tmp_path / "erased.jsonl"
    path.write_text(file)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOORLOG_")}
    offline = subprocess.run(
        [sys.executable, "-m", "service.cli", "verify-export", str(path)],
        env={**env, "SPOORLOG_DATA_DIR": str(tmp_path / "no-such-store")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert offline.returncode == 0, offline.stdout + offline.stderr


def test_a_value_changed_without_its_salt_is_named(admin: Api, personal_case: str) -> None:
    lines = admin.get("/v1/export").text.splitlines(keepends=True)
    number, line = next(
        (n, json.loads(t))
        for n, t in enumerate(lines, 1)
        if '"ziekmelding"' in t and personal_case in t
    )
    line["data"]["employee"]["name"] = "Piet Fictief"
    changed = [*lines[: number - 1], json.dumps(line) + "\n", *lines[number:]]
    problems = verify_export(changed).problems
    assert any(p.startswith(f"line {number}:") for p in problems), problems

    line["data"]["employee"]["name"] = EMPLOYEE["name"]
    line["salts"]["employee.name"] = "ab" * 32  # a salt that does not commit to the value
    salted = [*lines[: number - 1], json.dumps(line) + "\n", *lines[number:]]
    assert any(p.startswith(f"line {number}:") for p in verify_export(salted).problems)


def test_the_previous_release_events_keep_their_form(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(RELEASE, data)
    tenancy = Tenancy(Settings(data_dir=data))
    try:
        lines = list(feed_lines(tenancy.tenant("vorige-release")))
    finally:
        tenancy.close()
    case_lines = [line for line in lines if line.get("case_id")]
    assert len(case_lines) == 26
    for line in case_lines:
        assert "salts" not in line and "commitments" not in line
        assert hashed_form(line) == line
        assert recomputed_hash(line["case_id"], line["version"], line) == line["hash"]


def _erased(text: str) -> str:
    """An export line as the retention term leaves it: commitments instead of values."""
    line = json.loads(text)
    salts: dict[str, str] = line.pop("salts", {})
    given: dict[str, str] = {}
    for path, salt in salts.items():
        *outer, last = path.split(".")
        inner: Any = line["data"]
        for key in outer:
            inner = inner[key]
        given[path] = commitment(salt, inner[last])
        inner[last] = ERASED
    if given:
        line["commitments"] = given
    return json.dumps(line, ensure_ascii=False) + "\n"
