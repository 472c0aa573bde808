"""One bounded pool per process, whatever the number of tenants (connections never grow)."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import psycopg

from service.application.tenancy import Tenancy
from service.config import Settings
from tests.conftest import unique_slug

TENANTS = 50
POOL_MAX = 4


def connections(admin_url: str, application_name: str) -> int:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (application_name,)
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_50_tenants_in_use_never_hold_more_than_the_pool_maximum(
    postgres_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    name = f"spoorlog-pool-{uuid.uuid4().hex[:8]}"
    tenancy = Tenancy(
        Settings(
            database_url=postgres_url,
            data_dir=tmp_path,
            pool_min=1,
            pool_max=POOL_MAX,
            application_name=name,
        )
    )
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(connections(postgres_url, name))
            time.sleep(0.02)

    def use_tenant(_: int) -> int:
        slug = unique_slug("p")
        _, key = tenancy.create_tenant(slug, "Bureau")
        _, actor = tenancy.control.authenticate(key)  # type: ignore[misc]
        app = tenancy.tenant(slug)
        employer = app.register_employer(
            actor,
            name="W",
            kvk_number=None,
            eigenrisicodrager_zw=False,
            eigenrisicodrager_wga=False,
        )
        opened = app.open_case(
            actor,
            employer_id=str(employer.aggregate.id),
            employee={"name": "Fictief"},
            first_sick_day=date.today() - timedelta(days=30),
            reported_on=date.today() - timedelta(days=30),
        )
        app.record(opened.aggregate.id, "notitie", actor, on=date.today(), kind="contact", text="t")
        return app.case(opened.aggregate.id, actor).version

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        with ThreadPoolExecutor(16) as pool:
            versions = list(pool.map(use_tenant, range(TENANTS)))
    finally:
        done.set()
        sampler.join()
    assert versions == [2] * TENANTS
    assert len(tenancy.control.tenants()) >= TENANTS
    assert samples and max(samples) <= POOL_MAX, samples
    assert max(samples) >= 1  # the sampler saw the process's connections at all
    assert connections(postgres_url, name) <= POOL_MAX
    tenancy.close()
