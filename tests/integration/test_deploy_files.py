"""deploy/: the systemd units verify, the image and compose file hold no secret and run as
non-root, and the PostgreSQL set-up gives a role that can run Spoorlog and nothing more.

Images cannot be built here (no container engine), so the container files are checked
as text; the units go through ``systemd-analyze verify``, and the set-up script through
a real PostgreSQL server.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from service.config import Settings
from tests.conftest import ADMIN_URL
from tests.served import cli_env

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ("spoorlog-api.service", "spoorlog-projections.service", "spoorlog-backup@.service")
SECRET = re.compile(r"PASSWORD|SECRET|TOKEN|OPERATOR_KEY", re.IGNORECASE)


def unit(name: str) -> configparser.ConfigParser:
    parsed = configparser.ConfigParser(strict=False, interpolation=None)
    parsed.optionxform = str  # type: ignore[assignment,method-assign]
    parsed.read(DEPLOY / name)
    return parsed


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI"):
            pytest.fail("CI must verify the units, but systemd-analyze is not installed")
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    # The units name the install prefix /opt/spoorlog; here the checkout is the install.
    for source in [*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")]:
        text = source.read_text().replace("/opt/spoorlog", str(ROOT))
        name = source.name.replace("@.", "@demo.")  # a template is verified as an instance
        (tmp_path / name).write_text(text)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "spoorlog-backup@demo.timer" in names and len(names) == 4
    done = subprocess.run(
        [analyze, "verify", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


@pytest.mark.parametrize("name", UNITS)
def test_every_unit_runs_as_spoorlog_hardened_with_an_environment_file(name: str) -> None:
    service = unit(name)["Service"]
    assert service["User"] == "spoorlog" and service["EnvironmentFile"] == (
        "/etc/spoorlog/spoorlog.env"
    )
    hardening = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
        "RestrictSUIDSGID": "yes",
        "UMask": "0077",
    }
    assert {k: service.get(k) for k in hardening} == hardening


def test_the_api_runs_gunicorn_with_the_projects_settings_and_the_runner_apart() -> None:
    api = unit("spoorlog-api.service")["Service"]["ExecStart"]
    assert "gunicorn -c /opt/spoorlog/deploy/gunicorn.conf.py" in api
    assert '"service.http.app:create_app()"' in api
    runner = unit("spoorlog-projections.service")["Service"]
    assert runner["ExecStart"].endswith("spoorlog projections run")
    assert runner["Restart"] == "always"


def stages() -> list[list[tuple[str, str]]]:
    """The Containerfile's instructions, (instruction, value), stage by stage."""
    with (DEPLOY / "Containerfile").open("rb") as source:
        structure = DockerfileParser(fileobj=source).structure
    found: list[list[tuple[str, str]]] = []
    for item in structure:
        if item["instruction"] == "FROM":
            found.append([])
        if item["instruction"] != "COMMENT":
            found[-1].append((item["instruction"], item["value"]))
    return found


def test_the_image_is_multi_stage_runs_as_non_root_and_bakes_in_no_secret() -> None:
    built = stages()
    assert len(built) >= 2 and built[0][0][1].endswith(" AS build")
    final = built[-1]
    users = [value for instruction, value in final if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    copies = [value for stage in built for instruction, value in stage if instruction == "COPY"]
    assert any(value.startswith("--from=build ") for value in copies)
    for stage in built:
        for instruction, value in stage:
            if instruction in ("ENV", "ARG", "LABEL"):
                assert not SECRET.search(value), value
    for value in (v for v in copies if not v.startswith("--from=")):  # from the checkout
        sources = value.split()[:-1]
        assert all((ROOT / source).exists() for source in sources), value
    assert final[-1] == (
        "CMD",
        '["gunicorn", "-c", "/opt/spoorlog/gunicorn.conf.py", "service.http.app:create_app()"]',
    )


def test_the_containerfile_passes_hadolint() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "hadolint"), str(DEPLOY / "Containerfile")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_compose_file_runs_spoorlog_on_postgres_with_secrets_from_outside() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"api", "projections", "postgres"}
    for name in ("api", "projections"):
        service = services[name]
        assert service["user"].split(":")[0] not in ("0", "root")
        assert service["build"]["dockerfile"] == "deploy/Containerfile"
        assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).exists()
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["environment"]["SPOORLOG_DATABASE_URL"].startswith("postgresql://")
    assert services["projections"]["command"] == ["spoorlog", "projections", "run"]
    for service in services.values():
        for variable, value in service.get("environment", {}).items():
            if SECRET.search(variable) or "DATABASE_URL" in variable:
                assert re.search(r"\$\{[A-Z_]+:\?[^}]+\}", value), (variable, value)
    assert "deploy/.env" in (ROOT / ".gitignore").read_text().split()  # where they are kept
    for mount in services["postgres"]["volumes"]:
        source = mount.split(":")[0]
        assert not source.startswith("./") or (DEPLOY / source).exists(), mount


def test_the_environment_file_example_holds_no_secret_value() -> None:
    for line in (DEPLOY / "spoorlog.env.example").read_text().splitlines():
        if SECRET.search(line.split("=")[0]) or "DATABASE_URL" in line:
            assert line.startswith("#"), line


@pytest.fixture
def least_privileged(postgres_url: str) -> Iterator[tuple[str, str]]:
    """The set-up script run as it is meant to be: as a superuser, with names of its own."""
    role = f"spoorlog_role_{uuid.uuid4().hex[:8]}"
    database = f"spoorlog_db_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "SPOORLOG_DB_PASSWORD": "not-a-real-password",
        "SPOORLOG_DB_ROLE": role,
        "SPOORLOG_DB_NAME": database,
        "SPOORLOG_SETUP_SQL": str(DEPLOY / "postgres-setup.sql"),
        "PGHOST": "127.0.0.1",
        "POSTGRES_USER": "postgres",
    }
    done = subprocess.run(
        ["sh", str(DEPLOY / "postgres-setup.sh")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgres@", f"{role}@", 1)
    try:
        yield role, f"{base}/{database}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.mark.postgres
def test_the_postgres_role_runs_spoorlog_and_owns_only_its_schemas(
    least_privileged: tuple[str, str], tmp_path: Path
) -> None:
    role, url = least_privileged
    settings = Settings(database_url=url, data_dir=tmp_path / "unused")

    def spoorlog(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "service.cli", *args],
            env=cli_env(settings),
            capture_output=True,
            text=True,
            timeout=120,
        )

    created = spoorlog("tenant", "create", "bureau-pg", "--name", "Bureau PG")
    assert created.returncode == 0, created.stderr
    seeded = spoorlog("demo")
    assert seeded.returncode == 0, seeded.stderr
    assert spoorlog("projections", "rebuild").returncode == 0
    assert spoorlog("verify", "--tenant", "bureau-pg").returncode == 0
    backup = tmp_path / "bureau.backup"
    done = spoorlog("backup", "--tenant", "bureau-pg", "--output", str(backup))
    assert done.returncode == 0, done.stderr

    with psycopg.connect(url) as conn:
        rights = conn.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls "
            "FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert rights == (False, False, False, False, False)
        owners = dict(
            conn.execute(
                "SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace "
                "WHERE nspname = 'spoorlog_control' OR nspname LIKE 't\\_%'"
            ).fetchall()
        )
        assert owners["t_bureau_pg"] == role and owners["spoorlog_control"] == role
        assert set(owners.values()) == {role}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE public.not_here (x int)")
