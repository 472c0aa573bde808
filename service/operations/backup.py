"""Backup and restore of one tenant: its whole store, and its entry in the control plane.

A backup is a gzipped tar file holding

- ``manifest.json``: what it is (format, tenant, kind of store, when, which release);
- ``control.jsonl``: the tenant's control-plane records — its registration and
  every API key it was issued (hashed), as stored events, so the same keys work
  after a restore;
- the tenant's store, every table of it whatever the release added: on SQLite
  the tenant's file, copied with SQLite's online backup; on PostgreSQL the
  tenant's schema as ``pg_dump`` writes it (custom format, no owner, no grants).

Events, checkpoints, proof tables, the signing key, case keys, documents and
idempotent answers are all in the store, so nothing is listed by name and a
table added by a later release is backed up without a change here. Read
models come along on PostgreSQL (they are in the schema); on SQLite they have
a file of their own, left out: the projection runner rebuilds them.
The file holds personal data and the tenant's signing key: it is written
readable by its owner only.

A restore goes into a store that does not hold the tenant yet, of the same
kind as the one backed up (an SQLite file cannot become a PostgreSQL schema).
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from domain.access import tenant_id
from service.application.errors import NotFound
from service.config import Settings
from service.persistence.stores import EmbeddedStores, schema_name

if TYPE_CHECKING:  # imported when used: `spoorlog serve` must set up metrics before it is
    from service.application.tenancy import Tenancy

FORMAT = "spoorlog-tenant-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CONTROL = "control.jsonl"
SQLITE_MEMBER = "tenant.sqlite"
POSTGRES_MEMBER = "tenant.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the command line."""


@dataclass(frozen=True)
class Manifest:
    tenant: str
    name: str
    store: str
    """``sqlite`` or ``postgres``: the kind of store it came from, and can go back to."""
    created_at: str
    release: str
    control_events: int

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **vars(self)}


def store_kind(settings: Settings) -> str:
    return "postgres" if settings.uses_postgres else "sqlite"


def backup(tenancy: Tenancy, slug: str, output: Path) -> Manifest:
    """Write the tenant's backup to ``output`` (replaced only once complete)."""
    tenant = tenancy.control.tenant(slug)
    control = _control_events(tenancy, slug)
    manifest = Manifest(
        tenant=slug,
        name=tenant.name,
        store=store_kind(tenancy.settings),
        created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        release=version("spoorlog"),
        control_events=len(control),
    )
    with tempfile.TemporaryDirectory(prefix="spoorlog-backup-") as work:
        store_file = Path(work) / (
            POSTGRES_MEMBER if tenancy.settings.uses_postgres else SQLITE_MEMBER
        )
        if tenancy.settings.uses_postgres:
            _pg_dump(tenancy.settings, slug, store_file)
        else:
            _sqlite_copy(_sqlite_path(tenancy.settings, slug), store_file)
        partial = output.with_name(output.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            _add(tar, MANIFEST, json.dumps(manifest.as_json(), indent=2).encode())
            _add(tar, CONTROL, "".join(json.dumps(e) + "\n" for e in control).encode())
            tar.add(store_file, arcname=store_file.name)
        partial.replace(output)
    return manifest


def read_manifest(source: Path) -> Manifest:
    try:
        with tarfile.open(source, mode="r:gz") as tar:
            found = json.loads(_member(tar, MANIFEST))
    except (OSError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{source} is not a Spoorlog backup: {error}") from None
    if found.get("format") != FORMAT:
        raise BackupError(f"{source} is not a Spoorlog tenant backup")
    if found.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{source} has backup format {found.get('format_version')}")
    return Manifest(**{k: v for k, v in found.items() if k not in ("format", "format_version")})


def restore(settings: Settings, source: Path, expected_tenant: str | None = None) -> Manifest:
    """Put the backed-up tenant into a store that does not hold it yet."""
    manifest = read_manifest(source)
    slug = manifest.tenant
    if expected_tenant and expected_tenant != slug:
        raise BackupError(f"{source} holds tenant {slug}, not {expected_tenant}")
    if manifest.store != store_kind(settings):
        raise BackupError(
            f"{source} is a backup of an {manifest.store} store; restore it into one of "
            f"that kind (SPOORLOG_DATABASE_URL {'set' if settings.uses_postgres else 'unset'})"
        )
    from service.application.tenancy import Tenancy

    tenancy = Tenancy(settings)
    try:
        try:
            tenancy.control.tenant(slug)
        except NotFound:
            pass
        else:
            raise BackupError(f"tenant {slug} exists there; restore into a store without it")
        with tempfile.TemporaryDirectory(prefix="spoorlog-restore-") as work:
            with tarfile.open(source, mode="r:gz") as tar:
                tar.extractall(work, filter="data")
            if settings.uses_postgres:
                _pg_restore(settings, slug, Path(work) / POSTGRES_MEMBER)
            else:
                target = _sqlite_path(settings, slug)
                if target.exists():
                    raise BackupError(f"{target} exists; restore into a store without it")
                _sqlite_copy(Path(work) / SQLITE_MEMBER, target)
            lines = (Path(work) / CONTROL).read_text(encoding="utf-8").splitlines()
        # The registration last: until it is in, the tenant does not exist for anyone.
        tenancy.control.recorder.insert_events([_stored(json.loads(line)) for line in lines])
    finally:
        tenancy.close()
    return manifest


def _control_events(tenancy: Tenancy, slug: str) -> list[dict[str, Any]]:
    """The tenant's registration and every key it was issued, as stored."""
    ids = [tenant_id(slug), *(UUID(k) for k in tenancy.control.tenant(slug).key_ids)]
    recorder = tenancy.control.recorder
    return [
        {
            "originator_id": str(event.originator_id),
            "originator_version": event.originator_version,
            "topic": event.topic,
            "state": base64.b64encode(event.state).decode("ascii"),
        }
        for originator in ids
        for event in recorder.select_events(originator)
    ]


def _stored(line: dict[str, Any]) -> StoredEvent:
    return StoredEvent(
        originator_id=UUID(line["originator_id"]),
        originator_version=line["originator_version"],
        topic=line["topic"],
        state=base64.b64decode(line["state"]),
    )


def _sqlite_path(settings: Settings, slug: str) -> Path:
    return EmbeddedStores(settings).path(slug)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while the service keeps writing."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install PostgreSQL's client tools")
    return found


def _pg_dump(settings: Settings, slug: str, target: Path) -> None:
    """The tenant's schema, everything in it, as one consistent snapshot."""
    _run(
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--schema={schema_name(slug)}",
            f"--file={target}",
            f"--dbname={settings.database_url}",
        ],
        "pg_dump",
    )


def _pg_restore(settings: Settings, slug: str, source: Path) -> None:
    """Into a database without the schema: owned by the role that restores it."""
    _run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings.database_url}",
            str(source),
        ],
        "pg_restore",
    )


def _run(command: list[str], tool: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()
        raise BackupError(f"{tool} failed: {reason[-1] if reason else done.returncode}")


def _add(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))


def _member(tar: tarfile.TarFile, name: str) -> bytes:
    member = tar.extractfile(name)
    if member is None:
        raise ValueError(f"no {name}")
    return member.read()
