"""`spoorlog backup` and `restore` of one tenant, on both stores, through the real CLI.

The round trip: a tenant with cases, a correction, a document and a signed
checkpoint is backed up while served, restored into an empty data directory
or database, and then verifies, exports the same file, serves the same case
files and document, and answers the same API keys.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service.application.tenancy import Tenancy
from service.config import Settings
from service.http.app import create_app
from service.operations.projection_runner import ProjectionRunner
from tests.api.payloads import case_body, step_body
from tests.api.test_documents_api import CONTENT, upload
from tests.conftest import ADMIN_URL, Api, _admin
from tests.served import cli_env


def spoorlog(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def empty_store(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """A store of the same kind without anything in it: a fresh directory or database."""
    if not settings.database_url:
        yield replace(settings, data_dir=tmp_path / "restored")
        return
    name = f"spoorlog_restore_{uuid.uuid4().hex[:10]}"
    _admin(f"CREATE DATABASE {name}")
    try:
        yield replace(settings, database_url=ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    finally:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def serve(settings: Settings) -> Iterator[str]:
    """The restored store served as in production: the API and the projection runner."""
    tenancy = Tenancy(settings)
    http = make_server("127.0.0.1", 0, create_app(settings, tenancy), threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        with ProjectionRunner(tenancy, poll_interval=0.05, refresh_interval=0.2):
            yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        tenancy.close()


def test_a_tenant_restored_from_its_backup_verifies_and_serves_the_same_files(
    admin: Api,
    admin_slug: str,
    employer_id: str,
    settings: Settings,
    empty_store: Settings,
    tmp_path: Path,
) -> None:
    cases = []
    for ago in (120, 60):
        case_id = admin.post("/v1/cases", case_body(employer_id, ago)).json()["case_id"]
        plan = admin.post(f"/v1/cases/{case_id}/plan-van-aanpak", step_body("plan-van-aanpak", 20))
        correctie = {
            **step_body("notitie", 5),
            "event_id": plan.json()["event_id"],
            "reason": "Verkeerde casemanager",
            "replacement": {"casemanager": "K. de Vries"},
        }
        correctie.pop("kind"), correctie.pop("text")
        assert admin.post(f"/v1/cases/{case_id}/correctie", correctie).status_code == 201
        cases.append(case_id)
    assert upload(admin, cases[0]).status_code == 201
    assert admin.post("/v1/checkpoints").status_code == 201

    exported = spoorlog(settings, "export", "--tenant", admin_slug)
    assert exported.returncode == 0, exported.stderr
    backup = tmp_path / "tenant.backup"
    done = spoorlog(settings, "backup", "--tenant", admin_slug, "--output", str(backup))
    assert done.returncode == 0, done.stderr
    assert backup.stat().st_mode & 0o077 == 0  # signing key and personal data: owner only

    wrong = spoorlog(empty_store, "restore", "--input", str(backup), "--tenant", "another")
    assert wrong.returncode == 2 and f"holds tenant {admin_slug}, not another" in wrong.stderr
    restored = spoorlog(empty_store, "restore", "--input", str(backup), "--tenant", admin_slug)
    assert restored.returncode == 0, restored.stderr
    again = spoorlog(empty_store, "restore", "--input", str(backup))
    assert again.returncode == 2 and "exists there" in again.stderr

    verified = spoorlog(empty_store, "verify", "--tenant", admin_slug)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    re_exported = spoorlog(empty_store, "export", "--tenant", admin_slug)
    assert re_exported.returncode == 0, re_exported.stderr
    assert re_exported.stdout == exported.stdout
    assert '"signature"' in exported.stdout.splitlines()[-1]  # ends with a signed head

    for base in serve(empty_store):
        same_key = Api(base, admin.key)  # the control plane's records came along
        now = {"as_of": datetime.now(UTC).isoformat().replace("+00:00", "Z")}
        for case_id in cases:
            for path in (f"/v1/cases/{case_id}", f"/v1/cases/{case_id}/obligations"):
                assert same_key.get(path, params=now).json() == admin.get(path, params=now).json()
            path = f"/v1/cases/{case_id}/events"
            assert same_key.get(path).json() == admin.get(path).json()
        document = admin.get(f"/v1/cases/{cases[0]}").json()["file"]
        digest = next(f for f in document if f["type"] == "document")["data"]["document_id"]
        assert same_key.get(f"/v1/cases/{cases[0]}/documents/{digest}").content == CONTENT
        head = admin.get("/v1/events", params={"limit": 1000}).json()["items"][-1]["position"]
        listed = same_key.get("/v1/cases", params={"min_position": head}).json()["items"]
        assert sorted(row["case_id"] for row in listed) == sorted(cases)


def test_a_backup_is_refused_by_a_store_of_the_other_kind(
    admin: Api, admin_slug: str, settings: Settings, tmp_path: Path
) -> None:
    backup = tmp_path / "tenant.backup"
    done = spoorlog(settings, "backup", "--tenant", admin_slug, "--output", str(backup))
    assert done.returncode == 0, done.stderr
    other = (
        replace(settings, database_url=None, data_dir=tmp_path / "other")
        if settings.database_url
        else replace(settings, database_url="postgresql://nobody@127.0.0.1:1/none")
    )
    refused = spoorlog(other, "restore", "--input", str(backup))
    assert refused.returncode == 2, refused.stderr
    assert "restore it into one of that kind" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not os.path.exists(tmp_path / "other")  # nothing made on the way
