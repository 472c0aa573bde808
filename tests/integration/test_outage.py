"""A store that is down, full or misnamed: 503 with Retry-After in bounded time, never a
500 or a hang, and service again after recovery without a restart.

The PostgreSQL outage is real: the test starts a cluster of its own on a free
port, stops it (immediate mode, as a crash would), and starts it again. The
SQLite full disk is real too: the data directory is a small tmpfs, filled up.
Under CI=true a missing PostgreSQL toolchain or cluster fails the test
instead of skipping it.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from service.application.tenancy import Tenancy
from service.config import Settings
from service.http.app import create_app
from service.operations.projection_runner import ProjectionRunner
from tests.api.payloads import case_body
from tests.conftest import OPERATOR_KEY, Api, unique_slug
from tests.served import cli_env, free_port

STORE_TIMEOUT = 2.0
BOUND = STORE_TIMEOUT + 2.0
"""Every answer during an outage must come within the store timeout plus this slack."""
EMPLOYER = {
    "name": "Bakkerij Storing",
    "eigenrisicodrager_zw": False,
    "eigenrisicodrager_wga": False,
}


def _unavailable_here(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the outage tests, but {why}")
    pytest.skip(why)


@dataclass
class Cluster:
    version: str
    name: str
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def ctl(self, *args: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", self.version, self.name, *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def stop(self) -> None:
        self.ctl("stop", "-m", "immediate")

    def start(self) -> None:
        self.ctl("start")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster of this test's own, on a free port, dropped afterwards."""
    if shutil.which("pg_createcluster") is None or not Path("/etc/postgresql").is_dir():
        _unavailable_here("the PostgreSQL cluster tools (pg_createcluster) are not installed")
    if os.geteuid() != 0:
        _unavailable_here("creating a PostgreSQL cluster needs root")
    version = max(os.listdir("/etc/postgresql"), key=lambda v: float(v))
    found = Cluster(version, f"spoorlog_outage_{os.getpid()}_{uuid.uuid4().hex[:6]}", free_port())
    created = subprocess.run(
        ["pg_createcluster", version, found.name, "-p", str(found.port), "--", "-A", "trust"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if created.returncode != 0:
        _unavailable_here(f"pg_createcluster failed: {created.stderr.strip()}")
    try:
        found.start()
        yield found
    finally:
        subprocess.run(
            ["pg_dropcluster", "--stop", version, found.name], capture_output=True, timeout=120
        )


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The real app and projection runner behind a real threaded HTTP server, as served."""
    tenancy = Tenancy(settings)
    runner = ProjectionRunner(tenancy, poll_interval=0.05, refresh_interval=0.2)
    runner.start()
    http = make_server("127.0.0.1", 0, create_app(settings, tenancy), threaded=True)
    thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join(timeout=30)
        runner.stop()
        tenancy.close()


def settings_for(data_dir: Path, database_url: str | None = None) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        operator_key=OPERATOR_KEY,
        store_timeout=STORE_TIMEOUT,
        application_name=f"spoorlog-test-{uuid.uuid4().hex[:10]}",
        control_schema=f"control_{uuid.uuid4().hex[:10]}",
    )


def timed(api: Api, method: str, path: str, **kwargs: object) -> tuple[requests.Response, float]:
    started = time.monotonic()
    answer = api.http.request(
        method,
        api.base + path,
        headers={"Authorization": f"Bearer {api.key}", **kwargs.pop("headers", {})},  # type: ignore[dict-item]
        timeout=BOUND + 10,
        **kwargs,  # type: ignore[arg-type]
    )
    return answer, time.monotonic() - started


def assert_unavailable(answer: requests.Response, took: float, what: str) -> None:
    assert answer.status_code == 503, f"{what}: {answer.status_code} {answer.text}"
    assert int(answer.headers["Retry-After"]) >= 1, what
    assert answer.headers["Content-Type"].startswith("application/problem+json"), what
    assert answer.json()["type"].endswith("/store-unavailable"), f"{what}: {answer.text}"
    assert took < BOUND, f"{what} took {took:.2f} s, more than {BOUND} s"


def open_tenant(base: str) -> tuple[Api, str, str]:
    """An admin of a fresh tenant, an employer and a case of it."""
    operator = Api(base, OPERATOR_KEY)
    made = operator.post("/v1/platform/tenants", {"slug": unique_slug(), "name": "Bureau Storing"})
    assert made.status_code == 201, made.text
    admin = operator.as_key(made.json()["admin_key"])
    employer = admin.post("/v1/employers", EMPLOYER)
    assert employer.status_code == 201, employer.text
    case = admin.post("/v1/cases", case_body(employer.json()["id"]))
    assert case.status_code == 201, case.text
    return admin, employer.json()["id"], case.json()["case_id"]


def until(
    deadline: float, attempt: Callable[[], requests.Response], wanted: int
) -> requests.Response:
    """Repeat ``attempt`` until it answers ``wanted`` or the deadline passes; the last answer."""
    while True:
        answer = attempt()
        if answer.status_code == wanted or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)


# --- PostgreSQL down ----------------------------------------------------------------------


def test_a_postgres_outage_is_503_with_retry_after_in_bounded_time_and_heals(
    cluster: Cluster, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path / "data", cluster.url)
    with serving(settings) as base:
        admin, employer_id, case_id = open_tenant(base)
        cluster.stop()
        down = time.monotonic()
        try:
            for round_ in (1, 2):  # the first requests after the crash, and those later on
                for method, path, body in (
                    ("GET", f"/v1/cases/{case_id}", None),
                    ("GET", f"/v1/cases/{case_id}/events", None),
                    ("POST", "/v1/employers", EMPLOYER),
                    ("POST", "/v1/cases", case_body(employer_id)),
                    ("GET", "/readyz", None),
                ):
                    answer, took = timed(
                        admin,
                        method,
                        path,
                        json=body,
                        headers={"Idempotency-Key": f"outage-{round_}"} if body else {},
                    )
                    assert_unavailable(answer, took, f"{method} {path} (round {round_})")
                    print(f"outage: {method} {path} round {round_}: 503 in {took:.2f} s")
        finally:
            cluster.start()
        up = time.monotonic()
        assert up - down < 60
        healed = until(up + STORE_TIMEOUT + 10, lambda: admin.get(f"/v1/cases/{case_id}"), 200)
        assert healed.status_code == 200, healed.text
        print(f"outage: serving again {time.monotonic() - up:.2f} s after the restart")
        # the write a client saw fail is retried with its key: recorded now, once
        again = admin.post("/v1/employers", EMPLOYER, headers={"Idempotency-Key": "outage-2"})
        assert again.status_code == 201, again.text
        replay = admin.post("/v1/employers", EMPLOYER, headers={"Idempotency-Key": "outage-2"})
        assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json()["id"] == again.json()["id"]
        assert admin.post("/v1/cases", case_body(employer_id)).status_code == 201
        ready = until(time.monotonic() + 10, lambda: admin.get("/readyz"), 200)
        assert ready.status_code == 200, ready.text


# --- SQLite on a full disk ----------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs: a disk that can really be filled."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True, timeout=30)


def fill(path: Path) -> None:
    """Write until the file system refuses."""
    chunk = b"\0" * 65536
    with open(path, "wb", buffering=0) as out:
        try:
            while True:
                out.write(chunk)
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
    with open(path, "ab", buffering=0) as out:  # the last few bytes too
        try:
            while True:
                out.write(b"\0")
        except OSError as error:
            assert error.errno == errno.ENOSPC, error


def test_a_full_disk_under_sqlite_is_503_never_500_and_heals(small_disk: Path) -> None:
    settings = settings_for(small_disk / "data")
    with serving(settings) as base:
        admin, _, case_id = open_tenant(base)
        filler = small_disk / "filler"
        fill(filler)
        # SQLite reuses free pages and WAL space, so a write or two may still fit.
        answers = []
        for n in range(200):
            answer, took = timed(
                admin, "POST", "/v1/employers", json=EMPLOYER, headers={"Idempotency-Key": f"k{n}"}
            )
            answers.append(answer.status_code)
            if answer.status_code != 201:
                assert_unavailable(answer, took, f"write {n} on a full disk")
                break
        assert answers[-1] == 503, f"the full disk never refused a write: {answers}"
        refused = f"k{len(answers) - 1}"
        print(f"full disk: writes answered {answers}")
        for path in (f"/v1/cases/{case_id}", f"/v1/cases/{case_id}/events", "/readyz"):
            read, took = timed(admin, "GET", path)
            assert read.status_code in (200, 503), f"GET {path}: {read.status_code} {read.text}"
            print(f"full disk: GET {path}: {read.status_code} in {took:.2f} s")
            if read.status_code == 503:
                assert_unavailable(read, took, f"GET {path} on a full disk")
        filler.unlink()
        again = until(
            time.monotonic() + 10,
            lambda: admin.post("/v1/employers", EMPLOYER, headers={"Idempotency-Key": refused}),
            201,
        )
        assert again.status_code == 201, again.text
        assert "Idempotent-Replayed" not in again.headers  # the refused write was not recorded
        assert admin.get(f"/v1/employers/{again.json()['id']}").status_code == 200
        assert admin.get("/readyz").status_code == 200


# --- a wrong database URL on the command line ------------------------------------------------


@pytest.mark.parametrize("wrong", ["missing database", "nothing on the port"])
def test_the_cli_names_an_unreachable_postgres_and_exits_in_seconds(
    wrong: str, postgres_url: str, tmp_path: Path
) -> None:
    # A port bound here but never listened on: connecting is refused, and no other
    # process can take it meanwhile (a free port let go may become some client's source
    # port, and a connection to that is reset rather than refused).
    with socket.socket() as reserved:
        reserved.bind(("127.0.0.1", 0))
        if wrong == "missing database":
            port = int(postgres_url.rsplit(":", 1)[1].split("/")[0])
            url = postgres_url.rsplit("/", 1)[0] + f"/spoorlog_missing_{os.getpid()}"
            reason = f'database "spoorlog_missing_{os.getpid()}" does not exist'
        else:
            port = reserved.getsockname()[1]
            url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
            reason = "Connection refused"
        env = cli_env(settings_for(tmp_path / "data", url))
        env.pop("SPOORLOG_STORE_TIMEOUT", None)  # the default applies
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "service.cli", "tenant", "create", unique_slug(), "--name", "X"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        took = time.monotonic() - started
    assert done.returncode != 0
    assert f"cannot connect to PostgreSQL at 127.0.0.1:{port}: {reason}" in done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert took < Settings().store_timeout + 5, f"took {took:.1f} s"
