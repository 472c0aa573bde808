"""Tree heads signed with a key outside the store, rotated, and stamped by a real local
RFC 3161 timestamp authority (both stores)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.config import Settings
from service.proof.verify_export import verify_export
from tests.api.payloads import case_body, step_body
from tests.api.test_export_api import exported, offline
from tests.conftest import Api
from tests.served import cli_env, free_port
from tests.tsa import LocalTsa

KEY_FILE = "SPOORLOG_SIGNING_KEY_FILE"


def spoorlog(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def record(admin: Api, employer_id: str) -> str:
    case_id = admin.post("/v1/cases", case_body(employer_id, 30)).json()["case_id"]
    assert admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", 2)).status_code == 201
    return str(case_id)


def test_a_rotated_key_keeps_old_heads_verifiable(
    admin: Api,
    employer_id: str,
    settings: Settings,
    admin_slug: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The tenant's own key (the runner may have signed a head with it already), then a
    key file, then the next year's key file: each head names its key."""
    env = cli_env(settings)
    unnamed = spoorlog("keys", "public", env=env)
    assert unnamed.returncode == 2 and "--tenant" in unnamed.stderr
    tenant_key = spoorlog("keys", "public", "--tenant", admin_slug, env=env)
    assert tenant_key.returncode == 0, tenant_key.stderr
    pins = [tmp_path / "published-store.pem"]
    pins[0].write_text(tenant_key.stdout)
    key_ids = []
    for year in ("2026", "2027"):
        key_file = tmp_path / f"signing-{year}.pem"
        made = spoorlog("keys", "generate", str(key_file), env=env)
        assert made.returncode == 0, made.stderr
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        monkeypatch.setenv("SPOORLOG_SIGNING_KEY_FILE", str(key_file))
        published = spoorlog("keys", "public", env={**env, KEY_FILE: str(key_file)})
        assert published.returncode == 0, published.stderr
        assert published.stdout.startswith("-----BEGIN PUBLIC KEY-----")
        pins.append(tmp_path / f"published-{year}.pem")
        pins[-1].write_text(published.stdout)
        record(admin, employer_id)
        head = admin.post("/v1/checkpoints").json()
        assert f"key_id: {head['key_id']}" in published.stdout
        assert f"key_id: {head['key_id']}" not in tenant_key.stdout  # not the store's key
        key_ids.append(head["key_id"])
    again = spoorlog("keys", "generate", str(tmp_path / "signing-2026.pem"), env=env)
    assert again.returncode == 2 and "never overwritten" in again.stderr
    assert key_ids[0] != key_ids[1]

    file = tmp_path / "export.jsonl"
    file.write_text("".join(exported(admin)))
    every = [option for pin in pins for option in ("--public-key", str(pin))]
    run = offline(file, *every)
    assert run.returncode == 0, run.stdout
    assert "tree head(s)" in run.stdout and "(pinned)" in run.stdout
    joined = tmp_path / "published.pem"
    joined.write_text("".join(pin.read_text() for pin in pins))
    assert offline(file, "--public-key", str(joined)).returncode == 0
    only_new = offline(file, "--public-key", str(pins[-1]))
    assert only_new.returncode == 1
    assert f"key {key_ids[0][:16]}…, which is not among the pinned keys" in only_new.stdout


def test_a_timestamp_token_from_the_tsa_verifies_and_a_forged_one_fails(
    admin: Api,
    employer_id: str,
    tsa: LocalTsa,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    certificate = tmp_path / "tsa-chain.pem"
    certificate.write_bytes(tsa.chain_pem)
    case_id = record(admin, employer_id)
    unstamped = admin.post("/v1/checkpoints").json()
    assert "timestamp_token" not in unstamped  # no TSA configured yet

    monkeypatch.setenv("SPOORLOG_TSA_URL", f"http://127.0.0.1:{free_port()}/")  # nobody there
    record(admin, employer_id)
    down = admin.post("/v1/checkpoints")
    assert down.status_code == 201 and "timestamp_token" not in down.json()  # kept unstamped

    monkeypatch.setenv("SPOORLOG_TSA_URL", tsa.url)
    proof = admin.get(f"/v1/cases/{case_id}/proof").text.splitlines(keepends=True)
    head = json.loads(proof[-1])["tree_head"]
    assert head["tree_size"] == down.json()["tree_size"] and head["timestamp_token"]
    assert admin.get("/v1/checkpoints/latest").json() == head  # stamped once it could be

    file = tmp_path / "proof.jsonl"
    file.write_text("".join(proof))
    run = offline(file, "--tsa-cert", str(certificate))
    assert run.returncode == 0, run.stdout
    assert "timestamped by the TSA at" in run.stdout
    assert "not checked (give --tsa-cert)" in offline(file).stdout

    older = admin.get("/v1/export").text.splitlines(keepends=True)
    assert verify_export(older, tsa_certificate=tsa.chain_pem).valid  # the last head is stamped
    forged_token = _stamped_elsewhere(tsa, head)
    forged = [*proof[:-1], json.dumps({"tree_head": {**head, "timestamp_token": forged_token}})]
    file.write_text("".join(forged) + "\n")
    run = offline(file, "--tsa-cert", str(certificate))
    assert run.returncode == 1
    assert "timestamp token of tree head" in run.stdout

    bare = {k: v for k, v in head.items() if k != "timestamp_token"}
    file.write_text("".join([*proof[:-1], json.dumps({"tree_head": bare}) + "\n"]))
    run = offline(file, "--tsa-cert", str(certificate))
    assert run.returncode == 1 and "carries no timestamp token" in run.stdout


def _stamped_elsewhere(tsa: LocalTsa, head: dict[str, object]) -> str:
    """A genuine token of the same TSA, but over another digest (of another head)."""
    from service.proof.timestamping import request_token

    token = request_token(tsa.url, bytes(32), timeout=10)
    assert base64.b64encode(token).decode() != head["timestamp_token"]
    return base64.b64encode(token).decode()


def test_an_unusable_key_file_stops_the_start_not_the_first_signing(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key file that is missing or holds no Ed25519 key is named when the API or the
    runner starts, not found out later as a 500 or a runner that signs nothing."""
    from service.http.app import create_app
    from service.proof.signing import SigningKeyError

    not_a_key = tmp_path / "signing.pem"
    not_a_key.write_text("geen sleutel\n")
    monkeypatch.setenv(KEY_FILE, str(not_a_key))
    with pytest.raises(SigningKeyError, match=r"signing\.pem"):
        create_app(settings)
    runner = spoorlog("projections", "run", env={**cli_env(settings), KEY_FILE: str(not_a_key)})
    assert runner.returncode == 2, runner.stderr
    assert "SPOORLOG_SIGNING_KEY_FILE" in runner.stderr and "signing.pem" in runner.stderr
    assert "Traceback" not in runner.stderr
