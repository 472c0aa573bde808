"""Projection benchmarks: rebuild speed against the store's raw read speed, and live lag.

Run: .venv/bin/python -m tests.benchmarks.bench_projections [--store sqlite|postgres]
     [--cases 2000] [--events-per-case 10] [--rate 50] [--seconds 10]

Every figure is printed next to its anchor, measured in the same run on the
same machine: the rebuild's events/s (the case list alone, then every
projection as the runner brings them up to date) next to reading (and
decoding) the same events straight from the recorder (all three projections
rebuilt together, each batch read, folded and written once); and the audit trail's
cost of one new event on a case of ``--long-case`` events next to the same on
a case of 20 events. Goals (issue 14): every projection's rebuild at ≥ 0.3x
read + decode; the long case within 1.5x of the short one.
"""

from __future__ import annotations

import statistics
import threading
import time
from datetime import date, timedelta
from uuid import UUID

from domain.access import Actor
from domain.case import Case
from projections import projection
from projections.audit_trail import AuditTrail
from projections.case_list import CaseList
from service.application.tenancy import Tenancy
from service.operations.projection_runner import PROJECTIONS, ProjectionRunner, ReadModels
from tests.benchmarks.setup import bench_settings, bench_tenant, store_arguments

ACTOR = Actor("bench", "casemanager")


def seed(tenancy: Tenancy, cases: int, events_per_case: int) -> str:
    slug, _, app, employer_id = bench_tenant(tenancy, ACTOR)
    start = date.today() - timedelta(days=200)
    for n in range(cases):
        case = Case.open_with_ziekmelding(
            by=ACTOR,
            employer_id=employer_id,
            employee={"name": f"Fictief {n}"},
            first_sick_day=start,
            reported_on=start,
        )
        for _ in range(events_per_case - 1):
            case.notitie(on=date.today(), by=ACTOR, kind="contact", text="Telefonisch contact")
        app.save(case)
    return slug


def raw_read(store: object, decode: bool) -> tuple[int, float]:
    """Read every event from the recorder in batches, as the runner does (the anchor)."""
    mapper = store.application.mapper  # type: ignore[attr-defined]
    started = time.perf_counter()
    after, count = 0, 0
    while batch := store.notifications(after, projection.BATCH_SIZE):  # type: ignore[attr-defined]
        if decode:
            for notification in batch:
                mapper.to_domain_event(notification)
        count += len(batch)
        after = batch[-1].id
    return count, time.perf_counter() - started


def caught_up(runner: ProjectionRunner, slug: str, head: int, limit: float = 300) -> float:
    """Wait until every projection has caught up with the seeded events and the runner has
    signed the feed's head (its once-only work on a feed it never signed), so the lag run
    measures the steady state. Returns the seconds waited."""
    store = runner.read_models.store(slug)
    started = time.perf_counter()
    while time.perf_counter() < started + limit:
        builds = [projection.active_build(store, kind) for kind in runner.projections]
        if all(b is not None and store.position(b) >= head for b in builds) and (
            runner.tenancy.stores.signed_size(slug) >= head
        ):
            return time.perf_counter() - started
        time.sleep(0.05)
    raise TimeoutError("the projections did not catch up, or the head was not signed")


def lag_under_load(tenancy: Tenancy, slug: str, rate: float, seconds: float) -> list[float]:
    """Seconds from a command's commit until the case list has applied it."""
    app = tenancy.tenant(slug)
    case_id = next(app.case_ids())[0]
    written: list[tuple[int, float]] = []
    applied_at: dict[int, float] = {}
    with ProjectionRunner(tenancy, poll_interval=0.2) as runner:
        store = runner.read_models.store(slug)
        waited = caught_up(runner, slug, app.recorder.max_notification_id() or 0)
        print(f"lag run: runner caught up and signed the head after {waited:.1f} s")
        done = threading.Event()

        def watch() -> None:
            while not done.is_set() or len(applied_at) < len(written):
                build = projection.active_build(store, CaseList)
                position = store.position(build) if build else 0
                now = time.perf_counter()
                for pos, _ in written:
                    if pos <= position and pos not in applied_at:
                        applied_at[pos] = now
                time.sleep(0.002)

        watcher = threading.Thread(target=watch)
        watcher.start()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            recorded = app.record(
                case_id, "notitie", ACTOR, on=date.today(), kind="contact", text="t"
            )
            written.append((recorded.positions[-1], time.perf_counter()))
            time.sleep(1 / rate)
        done.set()
        watcher.join(timeout=30)
    return [applied_at[pos] - at for pos, at in written if pos in applied_at]


def one_event_cost(tenancy: Tenancy, slug: str, events: int, rounds: int = 20) -> float:
    """Seconds the audit trail takes to apply one new event to a case of ``events`` events."""
    app = tenancy.tenant(slug)
    store = ReadModels(tenancy).store(slug)
    case = Case.open_with_ziekmelding(
        by=ACTOR,
        employer_id=app.repository.get(UUID(next(app.case_ids())[0])).employer_id,
        employee={"name": "Fictief Lang"},
        first_sick_day=date.today() - timedelta(days=300),
        reported_on=date.today() - timedelta(days=300),
    )
    while case.version < events:
        case.notitie(on=date.today(), by=ACTOR, kind="contact", text="Telefonisch contact")
    app.save(case)
    projection.run(store, AuditTrail)
    spent = []
    for _ in range(rounds):
        app.record(case.id, "notitie", ACTOR, on=date.today(), kind="contact", text="t")
        started = time.perf_counter()
        projection.run(store, AuditTrail)
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


def main() -> None:
    parser = store_arguments(__doc__)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--events-per-case", type=int, default=10)
    parser.add_argument(
        "--rate", type=float, default=50, help="commands per second for the lag run"
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--long-case", type=int, default=2000)
    args = parser.parse_args()

    settings = bench_settings(args)
    tenancy = Tenancy(settings)
    print(f"store: {args.store}; seeding {args.cases} cases x {args.events_per_case} events …")
    slug = seed(tenancy, args.cases, args.events_per_case)
    store = ReadModels(tenancy).store(slug)

    raw_count, raw_seconds = raw_read(store, decode=False)
    dec_count, dec_seconds = raw_read(store, decode=True)
    started = time.perf_counter()
    rebuilt = projection.rebuild(store, CaseList)
    rebuild_seconds = time.perf_counter() - started
    raw_rate = raw_count / raw_seconds
    dec_rate = dec_count / dec_seconds
    rebuild_rate = rebuilt / rebuild_seconds
    print(f"anchor  raw recorder read:            {raw_count} events, {raw_rate:,.0f} events/s")
    print(f"anchor  raw read + decode:            {dec_count} events, {dec_rate:,.0f} events/s")
    print(f"result  case_list rebuild:            {rebuilt} events, {rebuild_rate:,.0f} events/s")
    print(f"ratio   rebuild / raw read:           {rebuild_rate / raw_rate:.3f}")
    print(f"ratio   rebuild / raw read + decode:  {rebuild_rate / dec_rate:.3f}")
    started = time.perf_counter()
    projection.rebuild_together(store, PROJECTIONS)  # as the runner brings them up to date
    all_rate = dec_count / (time.perf_counter() - started)
    names = ", ".join(kind.name for kind in PROJECTIONS)
    print(f"result  rebuild of all together ({names}): {all_rate:,.0f} events/s")
    print(f"ratio   all rebuilt / raw read + decode:  {all_rate / dec_rate:.3f}")
    short = one_event_cost(tenancy, slug, 20)
    long = one_event_cost(tenancy, slug, args.long_case)
    print(f"anchor  audit trail, one new event on a 20-event case:  {short * 1000:.1f} ms")
    print(
        f"result  audit trail, one new event on a {args.long_case}-event case: "
        f"{long * 1000:.1f} ms (ratio {long / short:.2f})"
    )

    lags = sorted(lag_under_load(tenancy, slug, args.rate, args.seconds))
    if lags:
        p99 = lags[min(len(lags) - 1, int(0.99 * len(lags)))]
        print(
            f"lag     at {args.rate:.0f}/s for {args.seconds:.0f} s ({len(lags)} commands): "
            f"p50 {statistics.median(lags) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
            f"max {lags[-1] * 1000:.0f} ms"
        )
    if settings.database_url:
        tenancy.stores.drop(slug)
    tenancy.close()


if __name__ == "__main__":
    main()
