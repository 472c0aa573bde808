"""What every benchmark starts from: its command line and a store of its own."""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.application.tenancy import Tenancy
from service.application.tenant_application import TenantApplication
from service.config import Settings


def store_arguments(doc: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    return parser


def bench_settings(args: argparse.Namespace) -> Settings:
    """A fresh data directory, and a control schema of its own on PostgreSQL."""
    return Settings(
        database_url=args.database_url if args.store == "postgres" else None,
        data_dir=Path(tempfile.mkdtemp()),
        control_schema=f"bench_control_{uuid.uuid4().hex[:6]}",
    )


def bench_tenant(tenancy: Tenancy, actor: Any) -> tuple[str, str, TenantApplication, str]:
    """A tenant of its own with one employer: its slug, admin key, application and employer."""
    slug = f"bench{uuid.uuid4().hex[:8]}"
    _, key = tenancy.create_tenant(slug, "Benchmark")
    app = tenancy.tenant(slug)
    employer = app.register_employer(
        actor, name="W", kvk_number=None, eigenrisicodrager_zw=False, eigenrisicodrager_wga=False
    )
    return slug, key, app, str(employer.aggregate.id)


def in_threads(clients: int, seconds: float, call: Callable[[int], Any]) -> tuple[int, float]:
    """Calls made and time taken, ``clients`` threads each calling ``call(its index)``
    for ``seconds``."""
    counts = [0] * clients
    end = time.perf_counter() + seconds

    def client(index: int) -> None:
        while time.perf_counter() < end:
            call(index)
            counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), time.perf_counter() - started
