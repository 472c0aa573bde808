"""The upgrade an operator does: this release started on the previous release's store.

``test_release_store.py`` checks the stored events in-process; this test goes
the operator's way (docs/operations.md, Upgrading): the new release's
``spoorlog serve`` (real gunicorn and the projection runner) is started on a
copy of the store release 0.1 wrote, serves the old case and its read models,
records on top, and ``spoorlog verify`` and a backup's round trip pass.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from service.config import Settings
from tests.conftest import Api
from tests.integration.test_release_store import RELEASE
from tests.served import cli_env, free_port, start_server, stop_server

TENANT = "vorige-release"


def spoorlog(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_this_release_serves_the_previous_releases_store(tmp_path: Path) -> None:
    """Release 0.1's store is an embedded one, so this runs on SQLite."""
    data = tmp_path / "data"
    shutil.copytree(RELEASE, data)
    settings = Settings(data_dir=data)
    key, case_id = (data / "admin_key").read_text(), (data / "case_id").read_text()

    server = start_server(settings, port := free_port())
    try:
        admin = Api(f"http://127.0.0.1:{port}", key)
        case = admin.get(f"/v1/cases/{case_id}")
        assert case.status_code == 200 and case.json()["status"] == "closed"
        head = admin.get("/v1/events", params={"limit": 1000}).json()["items"][-1]["position"]
        listed = admin.get("/v1/cases", params={"min_position": head})  # the runner caught up
        assert [row["case_id"] for row in listed.json()["items"]] == [case_id]
        assert admin.get("/readyz").json()["tenants"][TENANT]["ready"] is True
        employer_id = case.json()["employer_id"]
        opened = admin.post(
            "/v1/cases",
            {
                "employer_id": employer_id,
                "employee": {"name": "Na De Upgrade"},
                "first_sick_day": case.json()["first_sick_day"],
                "reported_on": case.json()["first_sick_day"],
            },
        )
        assert opened.status_code == 201, opened.text
    finally:
        stop_server(server)

    verified = spoorlog(settings, "verify", "--tenant", TENANT)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    backup = tmp_path / "old.backup"
    assert spoorlog(settings, "backup", "--tenant", TENANT, "--output", str(backup)).returncode == 0
    restored = Settings(data_dir=tmp_path / "restored")
    done = spoorlog(restored, "restore", "--input", str(backup))
    assert done.returncode == 0, done.stderr
    assert spoorlog(restored, "verify", "--tenant", TENANT).returncode == 0
