"""Signed tree heads and the verifiable export, on both stores (issues 5 and 13).

The export is checked offline by ``spoorlog verify-export`` — in a process
with no database settings at all — and every kind of change to the file is
caught and named by its line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from domain.tree_head import TreeHead
from service.proof.verify_export import verify_export
from tests.api.payloads import case_body, step_body
from tests.conftest import Api
from tests.served import cli_env

SIGNED = ('{"checkpoint"', '{"tree_head"')


def events_of(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith(SIGNED)]


def exported(api: Api) -> list[str]:
    answer = api.get("/v1/export")
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/x-ndjson")
    return answer.text.splitlines(keepends=True)


@pytest.fixture
def export_lines(admin: Api, employer_id: str) -> list[str]:
    for sick in (40, 20):
        case_id = admin.post("/v1/cases", case_body(employer_id, sick)).json()["case_id"]
        for path in ("melding-arbodienst", "notitie"):
            assert admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, 5)).status_code == 201
    return exported(admin)


def offline(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`spoorlog verify-export` with no database or data directory configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOORLOG_")}
    env["SPOORLOG_DATA_DIR"] = str(path.parent / "no-such-store")
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "verify-export", str(path), *options],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_export_verifies_offline(export_lines: list[str], tmp_path: Path) -> None:
    events = [json.loads(line) for line in events_of(export_lines)]
    assert [e["position"] for e in events] == list(range(1, len(events) + 1))
    assert {e["type"] for e in events} >= {"employer_registered", "ziekmelding", "notitie"}
    head = json.loads(export_lines[-1])["tree_head"]
    assert head["tree_size"] == len(events) and len(head["root_hash"]) == 64
    file = tmp_path / "export.jsonl"
    file.write_text("".join(export_lines))
    run = offline(file, "--public-key", head["public_key"])
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith(f"OK: {len(events)} events")
    assert not (tmp_path / "no-such-store").exists()  # it touched no store


def _event_line(lines: list[str], kind: str) -> int:
    return next(i for i, line in enumerate(lines) if f'"type": "{kind}"' in line)


def _edit(lines: list[str]) -> list[str]:
    i = _event_line(lines, "melding_arbodienst")
    line = json.loads(lines[i])
    line["data"]["arbodienst"] = "Een andere arbodienst"
    return [*lines[:i], json.dumps(line) + "\n", *lines[i + 1 :]]


def _remove(lines: list[str]) -> list[str]:
    i = _event_line(lines, "notitie")
    return [*lines[:i], *lines[i + 1 :]]


def _reorder(lines: list[str]) -> list[str]:
    i = _event_line(lines, "melding_arbodienst")
    return [*lines[:i], lines[i + 1], lines[i], *lines[i + 2 :]]


def _add(lines: list[str]) -> list[str]:
    i = _event_line(lines, "notitie")
    return [*lines[: i + 1], lines[i], *lines[i + 1 :]]


def _forge(lines: list[str]) -> list[str]:
    head = json.loads(lines[-1])["tree_head"]
    head["tree_size"] -= 1  # claim less was covered, keep the signature
    return [*lines[:-1], json.dumps({"tree_head": head}) + "\n"]


def _drop_heads(lines: list[str]) -> list[str]:
    return events_of(lines)


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        (_edit, "does not match its hash (edited)"),
        (_remove, "lines removed"),
        (_reorder, "where"),
        (_add, "a line added or moved"),
        (_forge, "signature is not valid (forged or altered)"),
        (_drop_heads, "no checkpoint or tree head"),
    ],
)
def test_verify_export_names_every_kind_of_change(
    export_lines: list[str], tmp_path: Path, change: Any, finding: str
) -> None:
    file = tmp_path / "changed.jsonl"
    file.write_text("".join(change(export_lines)))
    run = offline(file)
    assert run.returncode == 1, run.stdout
    assert finding in run.stdout
    assert run.stdout.startswith("line ") or finding.startswith("no checkpoint")


def test_a_head_signed_by_another_key_fails_when_the_key_is_pinned(
    export_lines: list[str],
) -> None:
    head = json.loads(export_lines[-1])["tree_head"]
    assert verify_export(export_lines, head["public_key"]).valid
    other = verify_export(export_lines, "ab" * 32)
    assert not other.valid
    assert any("not among the pinned keys" in p for p in other.problems)


def test_checkpoints_are_signed_and_kept(admin: Api, employer_id: str) -> None:
    admin.post("/v1/cases", case_body(employer_id, 10))
    made = admin.post("/v1/checkpoints")
    assert made.status_code == 201, made.text
    head = TreeHead(**made.json())
    assert head.problem() is None and head.tree_size == 2  # the employer and the case
    assert admin.get("/v1/checkpoints/latest").json() == made.json()
    casemanager = admin.as_key(
        admin.post("/v1/api-keys", {"name": "cm", "role": "casemanager"}).json()["key"]
    )
    assert casemanager.post("/v1/checkpoints").status_code == 403
    assert casemanager.get("/v1/export").status_code == 403
    auditor = admin.as_key(
        admin.post("/v1/api-keys", {"name": "a", "role": "auditor"}).json()["key"]
    )
    assert auditor.get("/v1/export").status_code == 200
    assert auditor.get("/v1/checkpoints/latest").json()["public_key"] == head.public_key


def test_events_removed_from_the_store_after_a_checkpoint_fail_the_export(
    admin: Api, employer_id: str, settings: Any, tmp_path: Path, admin_slug: str
) -> None:
    from tests.api.test_verify_api import StoredEvents

    case_id = admin.post("/v1/cases", case_body(employer_id, 30)).json()["case_id"]
    admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", 2))
    assert admin.post("/v1/checkpoints").status_code == 201
    stored = StoredEvents(settings, admin_slug, case_id)
    stored.delete(2)  # the newest event of the tenant, and its case's newest: no case chain breaks
    assert admin.get(f"/v1/cases/{case_id}/verify").json()["valid"] is True
    file = tmp_path / "after.jsonl"
    file.write_text("".join(exported(admin)))
    run = offline(file)
    assert run.returncode == 1
    assert "does not match the log of the lines before it: the history up to it was changed" in (
        run.stdout
    )


def test_spoorlog_export_writes_the_same_verifiable_history(
    export_lines: list[str], settings: Any, admin_slug: str
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "service.cli", "export", "--tenant", admin_slug],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines(keepends=True)
    assert verify_export(lines).valid
    assert events_of(lines) == events_of(export_lines)
