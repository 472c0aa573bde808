"""The command line as an operator meets it: JSON logs, a taken port, a wrong path, help."""

from __future__ import annotations

import argparse
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import requests

from service.cli.commands import parser
from service.config import Settings
from tests.conftest import OPERATOR_KEY
from tests.served import cli_env, free_port


def spoorlog(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_every_option_of_every_command_has_a_help_text() -> None:
    def walk(command: argparse.ArgumentParser, name: str) -> list[str]:
        found = []
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    found += walk(sub, f"{name} {sub_name}")
            elif not isinstance(action, argparse._HelpAction) and not action.help:
                found.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
        return found

    assert walk(parser(), "spoorlog") == []


@pytest.mark.parametrize("store", ["sqlite"])
def test_every_line_spoorlog_serve_writes_is_json(settings: Settings, tmp_path: Path) -> None:
    """gunicorn's own lines and its access log included (real gunicorn, real requests)."""
    port = free_port()
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    env = {**cli_env(settings), "SPOORLOG_OPERATOR_KEY": OPERATOR_KEY, "SPOORLOG_ACCESS_LOG": "-"}
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):  # still booting
                    pass
                assert time.monotonic() < deadline, err.read_text()
                time.sleep(0.1)
            created = requests.post(
                f"{base}/v1/platform/tenants",
                json={"slug": "logs", "name": "Bureau Logs"},
                headers={"Authorization": f"Bearer {OPERATOR_KEY}"},
                timeout=10,
            )
            assert created.status_code == 201
            assert requests.get(f"{base}/v1/cases", timeout=10).status_code == 401
            assert requests.get(f"{base}/no-such-thing", timeout=10).status_code == 404
            metrics = requests.get(f"{base}/metrics", timeout=10).text  # every worker's
            assert 'route="/v1/cases",status="401"' in metrics
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    lines = [line for line in (out.read_text() + err.read_text()).splitlines() if line.strip()]
    entries = []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not a JSON line: {line!r}")
    loggers = {entry["logger"] for entry in entries}
    assert {"gunicorn.error", "gunicorn.access", "spoorlog.http"} <= loggers
    access = [e for e in entries if e["logger"] == "gunicorn.access"]
    assert {e["status"] for e in access} >= {201, 401, 404}
    assert all(e["request_id"] and "Bureau Logs" not in json.dumps(e) for e in access)


def test_serve_on_a_taken_port_says_so_before_it_seeds_anything(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        answer = spoorlog(settings, "serve", "--demo", "--port", port)
    assert answer.returncode != 0
    assert f"127.0.0.1:{port}" in answer.stderr and "in use" in answer.stderr
    assert "Traceback" not in answer.stderr
    assert answer.stdout == ""  # no key, no curl lines for another server
    assert not (tmp_path / "data").exists()


READ_ONLY = (("verify",), ("export",), ("backup", "--output", "unused.backup"))


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: c[0])
def test_a_read_only_command_on_a_missing_store_names_it_and_creates_nothing(
    settings: Settings, command: tuple[str, ...], tmp_path: Path
) -> None:
    answer = spoorlog(settings, command[0], "--tenant", "bureau-x", *command[1:])
    assert answer.returncode == 2, answer.stderr
    assert "Traceback" not in answer.stderr and "NotFound" not in answer.stderr
    if settings.database_url:
        assert "no Spoorlog store in the database" in answer.stderr
        with psycopg.connect(settings.database_url) as conn:
            schemas = conn.execute(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name IN (%s, %s)",
                (settings.control_schema, "t_bureau_x"),
            ).fetchall()
        assert schemas == []
    else:
        assert f"no Spoorlog store in the data directory {settings.data_dir}" in answer.stderr
        assert not settings.data_dir.exists()
    assert not (tmp_path / "unused.backup").exists()


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: c[0])
def test_an_unknown_tenant_is_named_with_the_store_it_was_looked_for_in(
    tenancy: object, settings: Settings, command: tuple[str, ...]
) -> None:
    answer = spoorlog(settings, command[0], "--tenant", "bureau-x", *command[1:])
    assert answer.returncode == 2
    where = "the database" if settings.database_url else f"the data directory {settings.data_dir}"
    assert f"spoorlog: no tenant bureau-x in {where}" in answer.stderr
    assert "Traceback" not in answer.stderr and "NotFound" not in answer.stderr
    if not settings.database_url:
        assert not (settings.data_dir / "tenants" / "bureau-x.sqlite").exists()


def test_a_read_only_command_names_an_unreachable_postgres(tmp_path: Path) -> None:
    with socket.socket() as reserved:  # bound, never listened on: connecting is refused
        reserved.bind(("127.0.0.1", 0))
        port = reserved.getsockname()[1]
        settings = Settings(
            database_url=f"postgresql://postgres@127.0.0.1:{port}/postgres",
            data_dir=tmp_path / "data",
        )
        answer = spoorlog(settings, "verify", "--tenant", "bureau-x")
    assert answer.returncode == 1
    assert f"spoorlog: cannot connect to PostgreSQL at 127.0.0.1:{port}: Connection refused" in (
        answer.stderr
    )
    assert "Traceback" not in answer.stderr
