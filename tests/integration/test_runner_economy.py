"""What keeps the runner's cost with the work: kept folds, let-go tenants, one leader.

None of it may change a read model: the audit trail folded on across batches
equals a fresh rebuild; a tenant let go and opened again serves the same
rows; of two electing runners one works, and the other takes over.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from domain.access import Actor
from projections.audit_trail import COLUMNS, AuditTrail
from projections.projection import (
    active_build,
    catch_up,
    rebuild,
    rebuild_together,
    run,
    target_build,
)
from service.application.tenancy import Tenancy
from service.operations import projection_runner
from service.operations.projection_runner import ProjectionRunner, ReadModels
from tests.conftest import unique_slug
from tests.seeding import tenant_with_case

ACTOR = Actor("test-key", "casemanager")


def seed(tenancy: Tenancy, notes: int = 12) -> tuple[str, str]:
    slug = unique_slug("e")
    _, app, case_id, start = tenant_with_case(tenancy, slug, ACTOR, sick_days=60)
    for n in range(notes):
        on = start + timedelta(days=n)
        app.record(case_id, "notitie", ACTOR, on=on, kind="contact", text="t")
    return slug, case_id


def trail_rows(store: Any, build: str) -> list[tuple[Any, ...]]:
    trail = AuditTrail(store, build)
    return store.read(
        lambda s: s.fetchall(f"SELECT {COLUMNS} FROM {trail.table('entries')} ORDER BY version")
    )


def test_the_trail_folded_on_across_batches_equals_a_fresh_rebuild(tenancy: Tenancy) -> None:
    slug, case_id = seed(tenancy)
    app = tenancy.tenant(slug)
    store = ReadModels(tenancy).store(slug)
    run(store, AuditTrail, batch_size=3)  # many batches, each folding on the kept case
    first = app.case(case_id, ACTOR).facts[1].event_id
    app.record(case_id, "correctie", ACTOR, on=date.today(), event_id=first, reason="typfout")
    for _ in range(4):
        app.record(case_id, "notitie", ACTOR, on=date.today(), kind="contact", text="t")
        run(store, AuditTrail, batch_size=2)
    live = active_build(store, AuditTrail)
    assert live is not None and store.memo, "the runner kept the folded case"

    fresh = target_build(store, AuditTrail, fresh=True)
    catch_up(store, AuditTrail(store, fresh))
    assert trail_rows(store, live) == trail_rows(store, fresh)
    assert len(trail_rows(store, live)) == app.case(case_id, ACTOR).version


def test_a_tenant_let_go_is_opened_again_and_serves_the_same(tenancy: Tenancy) -> None:
    small = Tenancy(tenancy.settings, open_tenants=2)
    read_models = ReadModels(small)
    slugs = [seed(tenancy, notes=2)[0] for _ in range(3)]
    first = small.tenant(slugs[0])
    store = read_models.store(slugs[0])
    run(store, AuditTrail)
    rows = trail_rows(store, active_build(store, AuditTrail) or "")
    small.tenant(slugs[1])
    small.tenant(slugs[2])  # the least recently used, slugs[0], is let go
    again = small.tenant(slugs[0])
    assert again is not first and again.read_model_store is None
    reopened = read_models.store(slugs[0])
    assert trail_rows(reopened, active_build(reopened, AuditTrail) or "") == rows
    assert len(small._tenants) == 2


def test_of_two_electing_runners_one_works_and_the_other_takes_over(tenancy: Tenancy) -> None:
    slug, case_id = seed(tenancy, notes=1)
    store = ReadModels(tenancy).store(slug)
    first = ProjectionRunner(Tenancy(tenancy.settings), poll_interval=0.05, elect=True).start()
    second = ProjectionRunner(Tenancy(tenancy.settings), poll_interval=0.05, elect=True).start()
    try:
        deadline = time.monotonic() + 30
        while not (first.leading or second.leading):
            assert time.monotonic() < deadline, "no runner took the lead"
            time.sleep(0.05)
        working, waiting = (first, second) if first.leading else (second, first)
        assert not waiting.leading
        working.stop()  # lets the lock go, as a dying process's kernel would
        tenancy.tenant(slug).record(
            case_id, "notitie", ACTOR, on=date.today(), kind="contact", text="t"
        )
        head = store.head()
        while not (
            waiting.leading
            and (build := active_build(store, AuditTrail))
            and store.position(build) >= head
        ):
            assert time.monotonic() < deadline + 30, "the waiting runner did not take over"
            time.sleep(0.05)
    finally:
        first.stop()
        second.stop()


def test_a_long_unsigned_stretch_is_signed_by_the_signer_not_the_worker(
    tenancy: Tenancy, monkeypatch: Any
) -> None:
    """An old store's first signing builds its whole Merkle log: the worker leaves it to
    the signer thread (the tenant's projections do not wait behind it), which signs it."""
    monkeypatch.setattr(projection_runner, "LONG_SIGNING", 5)
    slug, _ = seed(tenancy, notes=12)
    head = tenancy.stores.head(slug)
    assert head is not None and head > 5
    runner = ProjectionRunner(Tenancy(tenancy.settings), poll_interval=0.05).start()
    try:
        deadline = time.monotonic() + 60
        while tenancy.stores.signed_size(slug) < head:
            assert time.monotonic() < deadline, "the long stretch was never signed"
            time.sleep(0.05)
        store = ReadModels(tenancy).store(slug)
        build = active_build(store, AuditTrail)
        assert build is not None and store.position(build) >= head
    finally:
        runner.stop()


def test_a_rebuild_stopped_early_leaves_the_build_queries_read(tenancy: Tenancy) -> None:
    """A rebuild told to stop (a runner shutting down) keeps its unfinished build out of
    sight: queries go on reading the complete one."""
    slug, _ = seed(tenancy, notes=3)
    store = ReadModels(tenancy).store(slug)
    run(store, AuditTrail)
    live = active_build(store, AuditTrail)
    assert live is not None
    rebuild(store, AuditTrail, stop=lambda: True)
    rebuild_together(store, [AuditTrail], stop=lambda: True)
    assert active_build(store, AuditTrail) == live
    rebuild(store, AuditTrail)
    rebuilt = active_build(store, AuditTrail)
    assert rebuilt != live and trail_rows(store, rebuilt or "") == trail_rows(store, live)
