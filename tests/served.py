"""`spoorlog serve` as a subprocess on a store of the caller's, for tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import requests

from service.config import Settings
from tests.conftest import OPERATOR_KEY


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cli_env(settings: Settings) -> dict[str, str]:
    """The environment that points a `spoorlog` subprocess at the caller's own stores."""
    env = {**os.environ, "SPOORLOG_DATA_DIR": str(settings.data_dir)}
    env.pop("SPOORLOG_DATABASE_URL", None)
    if settings.database_url:
        env["SPOORLOG_DATABASE_URL"] = settings.database_url
        env["SPOORLOG_CONTROL_SCHEMA"] = settings.control_schema
    return env


def start_server(settings: Settings, port: int, *options: str) -> subprocess.Popen[bytes]:
    env = {**cli_env(settings), "SPOORLOG_OPERATOR_KEY": OPERATOR_KEY, "SPOORLOG_ACCESS_LOG": ""}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--data-dir",
            str(settings.data_dir),
            *options,
        ],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except (requests.ConnectionError, requests.Timeout):  # still booting
            time.sleep(0.1)
    process.kill()
    raise AssertionError("spoorlog serve did not come up")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
