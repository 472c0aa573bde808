"""What the runner and the probes read without opening a tenant, and that they leave it closed.

A thousand tenants must not be opened for a readiness probe, a metrics scrape
or a runner's first look after it started: the store's newest position, its
read-model builds and its signed size are read from the store directly, and
must agree with what the opened tenant reads.
"""

from __future__ import annotations

import time
import uuid
from datetime import date
from pathlib import Path

from domain.access import Actor
from projections import projection
from service.application.tenancy import Tenancy
from service.config import Settings
from service.operations.observability import tenant_statuses
from service.operations.projection_runner import PROJECTIONS, ProjectionRunner, ReadModels
from service.proof.checkpoints import make_checkpoint
from tests.conftest import unique_slug
from tests.seeding import tenant_with_case

ACTOR = Actor("test-key", "casemanager")


def test_the_store_reads_agree_with_the_opened_tenant(tenancy: Tenancy) -> None:
    slug = unique_slug("r")
    _, app, case_id, _ = tenant_with_case(tenancy, slug, ACTOR, sick_days=30)
    stores = tenancy.stores
    assert stores.builds(slug) == [] and stores.signed_size(slug) == 0
    store = ReadModels(tenancy).store(slug)
    for kind in PROJECTIONS:
        projection.run(store, kind)
    app.record(case_id, "notitie", ACTOR, on=date.today(), kind="contact", text="t")

    head = stores.head(slug)
    assert head == app.recorder.max_notification_id() == 3
    builds = stores.builds(slug)
    assert sorted(b.projection for b in builds) == sorted(k.name for k in PROJECTIONS)
    for kind in PROJECTIONS:
        active = projection.active_build(store, kind)
        found = next(b for b in builds if b.projection == kind.name)
        assert (found.build, found.version, found.ready) == (active, kind.version, True)
        assert found.position == store.position(found.build) == 2
        assert found.quarantined == 0
    make_checkpoint(app, slug)
    assert stores.signed_size(slug) == head


def test_probes_and_a_new_runners_first_look_leave_current_tenants_closed(
    tenancy: Tenancy,
) -> None:
    seeded = [tenant_with_case(tenancy, unique_slug("r"), ACTOR, sick_days=30) for _ in range(3)]
    slugs = tenancy.slugs()
    first = ProjectionRunner(tenancy)
    for slug in slugs:
        first.run_tenant(slug)  # projects and signs each tenant's first head
        assert tenancy.stores.signed_size(slug) == tenancy.stores.head(slug)

    other = Tenancy(tenancy.settings)  # another process, started now
    statuses = tenant_statuses(other, ReadModels(other), max_lag=0)
    assert sorted(statuses) == sorted(slugs)
    for status in statuses.values():
        assert status["ready"] is True
        assert all(p == {"lag": 0, "quarantined": 0} for p in status["projections"].values())
    runner = ProjectionRunner(other)
    assert [runner.run_tenant(slug) for slug in slugs] == [0, 0, 0]
    assert not any(other.is_open(slug) for slug in slugs)

    _, app, case_id, _ = seeded[0]
    app.record(case_id, "notitie", ACTOR, on=date.today(), kind="contact", text="t")
    lagging = tenant_statuses(other, ReadModels(other), max_lag=0)[slugs[0]]
    assert lagging["ready"] is False
    assert lagging["projections"]["case_list"] == {"lag": 1, "quarantined": 0}
    assert runner.run_tenant(slugs[0]) == len(PROJECTIONS)  # news: opened, projected, signed
    assert other.is_open(slugs[0]) and not other.is_open(slugs[1])
    assert other.stores.signed_size(slugs[0]) == other.stores.head(slugs[0]) == 3
    assert tenant_statuses(other, ReadModels(other), max_lag=0)[slugs[0]]["ready"] is True


def test_a_runner_leaves_another_deployments_tenants_alone(
    postgres_url: str, tmp_path: Path
) -> None:
    """PostgreSQL's NOTIFY channel is the database's: a runner hears every deployment's
    stores, and must project only the tenants of its own control plane."""

    def deployment(name: str) -> Tenancy:
        return Tenancy(
            Settings(
                database_url=postgres_url,
                data_dir=tmp_path / name,
                control_schema=f"control_{uuid.uuid4().hex[:10]}",
            )
        )

    ours, theirs = deployment("ours"), deployment("theirs")
    mine, foreign = unique_slug("o"), unique_slug("f")
    _, app, case_id, _ = tenant_with_case(ours, mine, ACTOR, sick_days=30)
    try:
        with ProjectionRunner(ours, poll_interval=0.05, refresh_interval=0.2) as runner:
            deadline = time.monotonic() + 30
            while runner._current.get(mine) != 2:  # listening, and current
                assert time.monotonic() < deadline, "the runner did not project its tenant"
                time.sleep(0.05)
            tenant_with_case(theirs, foreign, ACTOR, sick_days=30)  # heard first
            app.record(case_id, "notitie", ACTOR, on=date.today(), kind="contact", text="t")
            while runner._current.get(mine) != 3:  # heard after the other's notices
                assert time.monotonic() < deadline, "the runner did not hear its tenant"
                time.sleep(0.05)
            assert foreign not in runner._tenants
        assert theirs.stores.builds(foreign) == []
        assert not ours.is_open(foreign)
    finally:
        for tenancy, slug in ((ours, mine), (theirs, foreign)):
            tenancy.stores.drop(slug)
            with tenancy.stores.shared.transaction(commit=True) as curs:  # type: ignore[attr-defined]
                curs.execute(f'DROP SCHEMA IF EXISTS "{tenancy.settings.control_schema}" CASCADE')
            tenancy.close()
