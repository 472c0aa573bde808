"""The proof of one case, for UWV: verified offline, every change named, nothing of
other cases in it (both stores, real HTTP, ``spoorlog verify-export`` in a process
without any store)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from domain.tree_head import TreeHead
from service.config import Settings
from service.proof.verify_export import verify_export
from tests.api.payloads import case_body, step_body
from tests.api.test_export_api import offline
from tests.conftest import Api
from tests.served import cli_env

STEPS = ("melding-arbodienst", "probleemanalyse", "plan-van-aanpak", "notitie")


def employer(admin: Api, name: str) -> str:
    answer = admin.post(
        "/v1/employers",
        {"name": name, "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def open_case(admin: Api, employer_id: str, name: str, number: str) -> str:
    body = case_body(employer_id, 60, employee={"name": name, "personnel_number": number})
    opened = admin.post("/v1/cases", body)
    assert opened.status_code == 201, opened.text
    case_id = str(opened.json()["case_id"])
    for path in STEPS:
        recorded = admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, 50))
        assert recorded.status_code == 201, recorded.text
    return case_id


def proof_of(api: Api, case_id: str, **params: Any) -> list[str]:
    answer = api.get(f"/v1/cases/{case_id}/proof", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/x-ndjson")
    return answer.text.splitlines(keepends=True)


@pytest.fixture
def two_cases(admin: Api) -> tuple[str, str]:
    """Case A of one employer, then case B of another, interleaved with A's last event."""
    first = employer(admin, "Bakkerij Aarts")
    second = employer(admin, "Garage Brouwer")
    a = open_case(admin, first, "Anna Fictief", "P-A-101")
    b = open_case(admin, second, "Bram Verzonnen", "P-B-202")
    late = admin.post(f"/v1/cases/{a}/notitie", step_body("notitie", 1))
    assert late.status_code == 201, late.text
    return a, b


def write(tmp_path: Path, lines: list[str], name: str = "proof.jsonl") -> Path:
    file = tmp_path / name
    file.write_text("".join(lines), encoding="utf-8")
    return file


def test_a_case_proof_verifies_offline_and_holds_nothing_of_another_case(
    admin: Api, two_cases: tuple[str, str], tmp_path: Path
) -> None:
    a, b = two_cases
    lines = proof_of(admin, a)
    parsed = [json.loads(line) for line in lines]
    events = [p for p in parsed if "inclusion" in p]
    assert [e["version"] for e in events] == list(range(1, len(STEPS) + 3))
    assert {e["case_id"] for e in events} == {a}
    assert [list(p) for p in parsed[len(events) :]] == [["case_head"], ["tree_head"]]
    head = parsed[-1]["tree_head"]
    assert all(e["inclusion"]["tree_size"] == head["tree_size"] for e in events)

    text = "".join(lines)
    for other in (b, "Bram Verzonnen", "P-B-202", "Garage Brouwer", "Bakkerij Aarts"):
        assert other not in text  # not the other case, nor any employer's registration
    assert "Anna Fictief" in text  # the case's own employee, for UWV to read

    run = offline(write(tmp_path, lines), "--public-key", head["public_key"])
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith(f"OK: case {a}, {len(events)} events in the log")
    assert "(pinned)" in run.stdout
    assert not (tmp_path / "no-such-store").exists()


def _edit(lines: list[str], _: list[str]) -> list[str]:
    line = json.loads(lines[1])
    line["occurred_on"] = "2020-01-01"
    return [lines[0], json.dumps(line) + "\n", *lines[2:]]


def _drop_middle(lines: list[str], _: list[str]) -> list[str]:
    return [lines[0], *lines[2:]]


def _drop_last_event(lines: list[str], _: list[str]) -> list[str]:
    last = max(i for i, line in enumerate(lines) if '"inclusion"' in line)
    return [*lines[:last], *lines[last + 1 :]]


def _add(lines: list[str], _: list[str]) -> list[str]:
    return [lines[0], lines[1], lines[1], *lines[2:]]


def _swap(lines: list[str], other: list[str]) -> list[str]:
    return [lines[0], other[1], *lines[2:]]


def _forge_head(lines: list[str], _: list[str]) -> list[str]:
    head = json.loads(lines[-1])
    head["tree_head"]["created_at"] = "2020-01-01T00:00:00.000000Z"  # earlier, for UWV
    return [*lines[:-1], json.dumps(head) + "\n"]


def _drop_head(lines: list[str], _: list[str]) -> list[str]:
    return lines[:-1]


def _drop_case_head(lines: list[str], _: list[str]) -> list[str]:
    return [line for line in lines if '"case_head"' not in line]


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        (_edit, "line 2: the event does not match its hash (edited)"),
        (_edit, "line 2: not in the log the tree head signs"),
        (_drop_middle, "version 3 does not follow version 1"),
        (_drop_last_event, "events left out"),
        (_add, "line 3: case"),
        (_add, "events added"),
        (_swap, "line 2: an event of another case"),
        (_forge_head, "signature is not valid (forged or altered)"),
        (_drop_head, "no tree head"),
        (_drop_case_head, "no case head"),
    ],
)
def test_every_change_to_a_case_proof_is_named(
    admin: Api, two_cases: tuple[str, str], tmp_path: Path, change: Any, finding: str
) -> None:
    a, b = two_cases
    lines, other = proof_of(admin, a), proof_of(admin, b)
    changed = change(lines, other)
    run = offline(write(tmp_path, changed))
    assert run.returncode == 1, run.stdout
    assert finding in run.stdout, run.stdout
    assert not verify_export(changed).valid


def test_a_wrong_key_is_named_when_keys_are_pinned(admin: Api, two_cases: tuple[str, str]) -> None:
    lines = proof_of(admin, two_cases[0])
    found = verify_export(lines, "ab" * 32)
    assert not found.valid
    assert any("not among the pinned keys" in p for p in found.problems)


def test_who_may_take_a_case_proof_away(admin: Api, two_cases: tuple[str, str]) -> None:
    a, b = two_cases
    owner = admin.get(f"/v1/cases/{a}").json()["employer_id"]

    def key(role: str, **scope: Any) -> Api:
        made = admin.post("/v1/api-keys", {"name": role, "role": role, **scope})
        assert made.status_code == 201, made.text
        return admin.as_key(made.json()["key"])

    for role in ("auditor", "casemanager"):
        assert key(role).get(f"/v1/cases/{a}/proof").status_code == 200
    scoped = key("employer", employer_ids=[owner])
    assert verify_export(proof_of(scoped, a)).valid
    assert scoped.get(f"/v1/cases/{b}/proof").status_code == 404  # another employer's case
    assert key("integration").get(f"/v1/cases/{a}/proof").status_code == 403
    assert admin.get("/v1/cases/00000000-0000-0000-0000-000000000000/proof").status_code == 404
    assert admin.get("/v1/cases/not-a-case/proof").status_code == 404


def test_spoorlog_export_case_prints_the_same_proof(
    admin: Api, two_cases: tuple[str, str], settings: Settings, admin_slug: str
) -> None:
    a, _ = two_cases
    over_http = proof_of(admin, a)
    run = subprocess.run(
        [sys.executable, "-m", "service.cli", "export", "--tenant", admin_slug, "--case", a],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    printed = run.stdout.splitlines(keepends=True)
    assert [json.loads(line) for line in printed] == [json.loads(line) for line in over_http]


def test_consistency_proofs_show_the_log_only_grew(
    admin: Api, two_cases: tuple[str, str], tmp_path: Path
) -> None:
    from domain import merkle

    a, _ = two_cases
    kept = admin.post("/v1/checkpoints").json()
    admin.post(f"/v1/cases/{a}/notitie", step_body("notitie", 0))
    newer = admin.post("/v1/checkpoints").json()
    old, new = kept["tree_size"], newer["tree_size"]
    answer = admin.get("/v1/checkpoints/consistency", params={"from": old, "to": new})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["from"] == kept and body["to"] == newer
    path = [bytes.fromhex(p) for p in body["proof"]]
    roots = bytes.fromhex(kept["root_hash"]), bytes.fromhex(newer["root_hash"])
    assert merkle.consistent(old, roots[0], new, roots[1], path)
    assert not merkle.consistent(old, bytes(32), new, roots[1], path)

    refused = admin.get("/v1/checkpoints/consistency", params={"from": new, "to": old})
    assert refused.status_code == 422 and "only grows" in refused.json()["detail"]
    unsigned = admin.get("/v1/checkpoints/consistency", params={"from": old - 1, "to": new})
    assert unsigned.status_code == 422 and f"size {old - 1}" in unsigned.json()["detail"]
    assert admin.get("/v1/checkpoints/consistency", params={"from": 1}).status_code == 400

    kept_file = tmp_path / "kept-head.json"
    kept_file.write_text(json.dumps(kept))
    lines = proof_of(admin, a, since=old)
    run = offline(write(tmp_path, lines), "--since", str(kept_file))
    assert run.returncode == 0, run.stdout + run.stderr
    without = offline(write(tmp_path, proof_of(admin, a), "plain.jsonl"), "--since", str(kept_file))
    assert without.returncode == 1 and f"?since={old}" in without.stdout
    export = write(tmp_path, admin.get("/v1/export").text.splitlines(keepends=True), "all.jsonl")
    assert offline(export, "--since", str(kept_file)).returncode == 0


def test_a_rewritten_past_fails_against_a_kept_head(
    admin: Api, two_cases: tuple[str, str], settings: Settings, admin_slug: str, tmp_path: Path
) -> None:
    """An insider deletes the case's last event, rebuilds the log and re-signs it: every
    file verifies on its own, but not against the head an auditor kept."""
    from tests.api.test_verify_api import StoredEvents

    a, b = two_cases
    kept = admin.post("/v1/checkpoints").json()
    stored = StoredEvents(settings, admin_slug, a)  # its last event is the log's last
    stored.delete(len(STEPS) + 2)
    with stored._sql() as (cursor, table, _):
        for rebuilt in ("merkle_nodes", "tree_heads"):
            cursor.execute(f"DELETE FROM {table.replace(table.split('.')[-1], rebuilt)}")
    for days in (3, 2):  # the log grows past the kept size again
        admin.post(f"/v1/cases/{b}/notitie", step_body("notitie", days))
    lines = proof_of(admin, a, since=kept["tree_size"])
    assert verify_export(lines).valid  # alone, it cannot tell
    kept_file = tmp_path / "kept-head.json"
    kept_file.write_text(json.dumps(kept))
    run = offline(write(tmp_path, lines), "--since", str(kept_file))
    assert run.returncode == 1
    assert "inconsistent history" in run.stdout and "rewritten" in run.stdout
    export = write(tmp_path, admin.get("/v1/export").text.splitlines(keepends=True), "all.jsonl")
    assert "inconsistent history" in offline(export, "--since", str(kept_file)).stdout


def test_a_kept_head_of_the_same_size_must_be_the_same_head(
    admin: Api, two_cases: tuple[str, str]
) -> None:
    lines = proof_of(admin, two_cases[0])
    head = json.loads(lines[-1])["tree_head"]
    assert verify_export(lines, since=head).valid
    other = {**head, "root_hash": "00" * 32}
    found = verify_export(lines, since=other)
    assert not found.valid and any("kept head" in p for p in found.problems)
    assert TreeHead(**head).problem() is None


def test_erasing_the_employee_changes_no_leaf_and_no_proof(
    admin: Api, two_cases: tuple[str, str], tenancy: Any, admin_slug: str, tmp_path: Path
) -> None:
    """The log hashes each line's hashed form (commitments, not values): a head kept
    before the case's key was destroyed still proves the case after it."""
    a, _ = two_cases
    before = proof_of(admin, a)
    assert "Anna Fictief" in "".join(before)
    assert tenancy.tenant(admin_slug).case_keys.destroy(a)
    after = proof_of(admin, a)
    assert "Anna Fictief" not in "".join(after) and "P-A-101" not in "".join(after)
    assert after[-1] == before[-1]  # the same tree head: no leaf changed
    assert [json.loads(line)["inclusion"] for line in after if '"inclusion"' in line] == [
        json.loads(line)["inclusion"] for line in before if '"inclusion"' in line
    ]
    kept = tmp_path / "kept.json"
    kept.write_text(before[-1])
    run = offline(write(tmp_path, after), "--since", str(kept))
    assert run.returncode == 0, run.stdout


def test_a_consistency_proof_from_beyond_the_log_is_refused(
    admin: Api, two_cases: tuple[str, str]
) -> None:
    a, _ = two_cases
    size = json.loads(proof_of(admin, a)[-1])["tree_head"]["tree_size"]
    refused = admin.get(f"/v1/cases/{a}/proof", params={"since": size + 1})
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == {"since": [f"the log holds {size} events, not {size + 1}"]}
    assert admin.get(f"/v1/cases/{a}/proof", params={"since": 0}).status_code == 400
    assert admin.get(f"/v1/cases/{a}/proof", params={"unknown": 1}).status_code == 400
