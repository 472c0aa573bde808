"""Tree heads of a new tenant, checkpoints of the previous release, and who may sign
(both stores).

An earlier release signed a checkpoint at position 0 of a new tenant's empty
feed, after which ``spoorlog verify`` and ``verify-export`` reported "the
history up to it was changed". Now an empty log is never signed, and the
position-0 checkpoints already in stores verify: their head is chain(0).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.checkpoint import sign
from domain.hashchain import GENESIS_HASH, format_instant
from service.application.tenancy import Tenancy
from service.config import Settings
from service.operations.projection_runner import ProjectionRunner
from service.proof.signing import store_key
from service.proof.verify_export import verify_export
from tests.api.payloads import case_body, step_body
from tests.api.test_export_api import exported, offline
from tests.conftest import Api
from tests.served import cli_env


def record_some(admin: Api) -> str:
    employer = admin.post(
        "/v1/employers",
        {"name": "Bakkerij", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
    ).json()["id"]
    case_id = admin.post("/v1/cases", case_body(employer, 30)).json()["case_id"]
    assert admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", 2)).status_code == 201
    return case_id


def cli_verify(settings: Settings, slug: str) -> tuple[int, dict[str, Any]]:
    run = subprocess.run(
        [sys.executable, "-m", "service.cli", "verify", "--tenant", slug],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return run.returncode, json.loads(run.stdout)


def verified_offline(lines: list[str], tmp_path: Path, key: str) -> str:
    file = tmp_path / "export.jsonl"
    file.write_text("".join(lines))
    run = offline(file, "--public-key", key)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_a_new_tenant_is_signed_only_once_it_has_events_and_its_export_verifies(
    admin: Api, admin_slug: str, runner: ProjectionRunner, settings: Settings, tmp_path: Path
) -> None:
    deadline = time.monotonic() + 10
    while admin_slug not in runner._checkpointed:  # the runner's checkpoint turn has come
        assert time.monotonic() < deadline, "the runner never reached the new tenant"
        time.sleep(0.05)
    assert admin.get("/v1/checkpoints/latest").status_code == 404  # nothing signed
    empty = admin.post("/v1/checkpoints")
    assert empty.status_code == 409, empty.text
    assert empty.headers["Content-Type"].startswith("application/problem+json")
    assert "empty" in empty.json()["detail"]

    record_some(admin)
    lines = exported(admin)
    heads = [json.loads(line)["tree_head"] for line in lines if '"tree_head"' in line]
    assert heads[-1]["tree_size"] == 3  # employer, ziekmelding, notitie
    assert verified_offline(lines, tmp_path, heads[0]["public_key"]).startswith("OK: 3 events")
    code, report = cli_verify(settings, admin_slug)
    assert code == 0, report
    assert report["feed"] == {"checkpoints": 0, "tree_heads": len(heads), "problems": []}


def test_a_position_0_checkpoint_of_the_previous_release_still_verifies(
    admin: Api, admin_slug: str, tenancy: Tenancy, settings: Settings, tmp_path: Path
) -> None:
    app = tenancy.tenant(admin_slug)
    old = sign(
        store_key(app.recorder).private_bytes_raw(),
        tenant=admin_slug,
        position=0,
        head_hash=GENESIS_HASH,
        created_at=format_instant(datetime.now(UTC)),
    )
    recorder: Any = app.recorder
    recorder.checkpoint_rows(  # as the previous release's runner did for an empty feed
        "insert_checkpoint",
        (0, old.head_hash, old.created_at, old.signature, old.public_key),
        write=True,
    )
    alone = exported(admin)  # still empty: the old checkpoint is all there is
    assert [json.loads(line)["checkpoint"]["position"] for line in alone] == [0]
    assert verify_export(alone, old.public_key).valid
    assert admin.post("/v1/checkpoints").status_code == 409  # and nothing new is signed

    case_id = record_some(admin)
    code, report = cli_verify(settings, admin_slug)  # against the checkpoints already signed
    assert code == 0, report
    assert report["feed"]["problems"] == [] and report["feed"]["checkpoints"] == 1
    assert admin.get(f"/v1/cases/{case_id}/verify").json()["valid"] is True

    lines = exported(admin)
    old_ones = [json.loads(line)["checkpoint"] for line in lines if '"checkpoint"' in line]
    heads = [json.loads(line)["tree_head"] for line in lines if '"tree_head"' in line]
    assert [c["position"] for c in old_ones] == [0]
    # The runner may sign one more while the events arrive (a periodic tree head).
    sizes = [head["tree_size"] for head in heads]
    assert sizes[-1] == 3 and sizes == sorted(set(sizes))
    out = verified_offline(lines, tmp_path, old.public_key)  # the store's key signs both
    assert out.startswith("OK: 3 events") and "1 checkpoint(s)" in out
    assert f"{len(heads)} tree head(s)" in out


def test_a_position_0_checkpoint_of_another_head_still_fails(
    admin: Api, admin_slug: str, tenancy: Tenancy
) -> None:
    """Only the empty chain's head is accepted at position 0; it is no blanket pass."""
    app = tenancy.tenant(admin_slug)
    record_some(admin)
    lines = [line for line in exported(admin) if '"tree_head"' not in line]
    forged = sign(
        store_key(app.recorder).private_bytes_raw(),
        tenant=admin_slug,
        position=0,
        head_hash="ab" * 32,
        created_at=format_instant(datetime.now(UTC)),
    )
    result = verify_export([json.dumps({"checkpoint": forged.as_dict()}) + "\n", *lines])
    assert not result.valid
    assert any("checkpoint of position 0 does not match the chain" in p for p in result.problems)


def test_only_an_admin_signs_a_tree_head_on_demand(admin: Api) -> None:
    """Auditors are read-only: they read checkpoints and export, they do not sign."""
    record_some(admin)
    auditor = admin.as_key(
        admin.post("/v1/api-keys", {"name": "a", "role": "auditor"}).json()["key"]
    )
    refused = auditor.post("/v1/checkpoints")
    assert refused.status_code == 403, refused.text
    made = admin.post("/v1/checkpoints")
    assert made.status_code == 201, made.text
    assert auditor.get("/v1/checkpoints/latest").json() == made.json()
    assert auditor.get("/v1/export").status_code == 200
