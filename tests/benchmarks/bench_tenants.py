"""What many tenants cost: the idle projection runner, its memory, and read-after-write lag.

Run: .venv/bin/python -m tests.benchmarks.bench_tenants [--store sqlite|postgres]
     [--tenants 1,200,1000] [--idle-seconds 10] [--rate 20] [--seconds 10]

For each tenant count (tenants are added to the ones already seeded), the
real runner (``spoorlog projections run``) is started as a process of its
own on the store and, once every tenant's read models have caught up:

- idle: the runner's CPU (cores, from /proc) over ``--idle-seconds`` without
  a command, once its once-only work after catching up is done, and its
  resident memory;
- lag: ``--rate`` commands a second for ``--seconds`` to tenants picked at
  random, each timed from its commit until the case list has applied it.

The anchor of every figure is the same figure at the first tenant count, in
the same run. Goals: idle CPU at 1,000 tenants below 0.05 cores, RSS within
1.3x of one tenant, lag p99 below 0.5 s.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from domain.access import Actor
from projections.case_list import CaseList
from projections.projection import active_build
from service.application.tenancy import Tenancy
from service.operations.projection_runner import ReadModels
from tests.benchmarks.setup import bench_settings, store_arguments
from tests.seeding import tenant_with_case
from tests.served import cli_env

ACTOR = Actor("bench", "casemanager")
TICKS = os.sysconf("SC_CLK_TCK")


def seed_tenant(tenancy: Tenancy, slug: str) -> str:
    """A tenant with one employer and one case of three events; returns the case id."""
    _, app, case_id, _ = tenant_with_case(tenancy, slug, ACTOR, sick_days=30)
    app.record(case_id, "notitie", ACTOR, on=date.today(), kind="contact", text="t")
    return case_id


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def settle(pid: int, limit: float = 120) -> float:
    """Wait until the runner's once-only work after catching up (signing every tenant's
    first head) is done: two seconds below 0.05 cores. Returns the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        before = cpu_seconds(pid)
        time.sleep(2)
        if (cpu_seconds(pid) - before) / 2 < 0.05:
            break
    return time.perf_counter() - started


class Positions:
    """Each tenant's case-list position, read as the API reads it."""

    def __init__(self, tenancy: Tenancy) -> None:
        self.read_models = ReadModels(tenancy)
        self.builds: dict[str, str] = {}

    def of(self, slug: str) -> int:
        store = self.read_models.store(slug)
        build = self.builds.get(slug) or active_build(store, CaseList)
        if build is None:
            return 0
        self.builds[slug] = build
        return store.position(build)


def wait_caught_up(tenancy: Tenancy, positions: Positions, slugs: list[str]) -> float:
    started = time.perf_counter()
    pending = set(slugs)
    deadline = started + 600
    while pending:
        for slug in list(pending):
            head = tenancy.tenant(slug).recorder.max_notification_id() or 0
            if positions.of(slug) >= head:
                pending.discard(slug)
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(pending)} tenants did not catch up")
        time.sleep(0.2)
    return time.perf_counter() - started


def lag(
    tenancy: Tenancy,
    positions: Positions,
    cases: dict[str, str],
    rate: float,
    seconds: float,
) -> tuple[list[float], int]:
    """Seconds from each command's commit until the case list applied it; and how many
    commands were sent."""
    rng = random.Random(7)
    written: list[tuple[str, int, float]] = []
    applied: dict[int, float] = {}
    done = threading.Event()

    def watch() -> None:
        deadline = None
        while True:
            if done.is_set():
                deadline = deadline or time.perf_counter() + 30
                if len(applied) == len(written) or time.perf_counter() > deadline:
                    return
            for index, (slug, position, _) in enumerate(list(written)):
                if index not in applied and positions.of(slug) >= position:
                    applied[index] = time.perf_counter()
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    slugs = list(cases)
    end = time.perf_counter() + seconds
    sent = 0
    while time.perf_counter() < end:
        slug = rng.choice(slugs)
        recorded = tenancy.tenant(slug).record(
            cases[slug], "notitie", ACTOR, on=date.today(), kind="contact", text="t"
        )
        written.append((slug, recorded.positions[-1], time.perf_counter()))
        sent += 1
        time.sleep(max(0.0, 1 / rate))
    done.set()
    watcher.join()
    return [applied[i] - at for i, (_, _, at) in enumerate(written) if i in applied], sent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = store_arguments(__doc__)
    parser.add_argument("--tenants", default="1,200,1000")
    parser.add_argument("--idle-seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    settings = bench_settings(args)
    tenancy = Tenancy(settings)
    positions = Positions(tenancy)
    prefix = f"bt{os.getpid()}"
    cases: dict[str, str] = {}
    anchor: dict[str, float] = {}
    try:
        for count in [int(n) for n in args.tenants.split(",")]:
            started = time.perf_counter()
            while len(cases) < count:
                slug = f"{prefix}-{len(cases)}"
                cases[slug] = seed_tenant(tenancy, slug)
            seeded = time.perf_counter() - started
            print(f"\n{args.store}: {count} tenants (seeded in {seeded:.0f} s)", flush=True)
            runner = subprocess.Popen(
                [sys.executable, "-m", "service.cli", "projections", "run"], env=cli_env(settings)
            )
            try:
                took = wait_caught_up(tenancy, positions, list(cases))
                print(f"  caught up in {took:.1f} s", flush=True)
                settled = settle(runner.pid)
                print(f"  settled in {settled:.0f} s (first heads signed)", flush=True)
                before = cpu_seconds(runner.pid)
                time.sleep(args.idle_seconds)
                figures = {
                    "idle cores": (cpu_seconds(runner.pid) - before) / args.idle_seconds,
                    "runner RSS MB": rss_mb(runner.pid),
                }
                lags, sent = lag(tenancy, positions, cases, args.rate, args.seconds)
                figures["lag p50 s"] = statistics.median(lags) if lags else float("nan")
                figures["lag p99 s"] = percentile(lags, 0.99) if lags else float("nan")
                figures["runner RSS MB after lag"] = rss_mb(runner.pid)
                print(f"  commands sent {sent}, lag measured for {len(lags)}")
            finally:
                runner.terminate()
                runner.wait(timeout=30)
            for name, value in figures.items():
                base = anchor.setdefault(name, value)
                ratio = value / base if base else float("nan")
                print(
                    f"  {name:<24} {value:9.3f}   anchor (first count) {base:9.3f}   "
                    f"ratio {ratio:6.2f}",
                    flush=True,
                )
    finally:
        if settings.database_url:
            for slug in cases:
                tenancy.stores.drop(slug)
            with tenancy.stores.shared.transaction(commit=True) as curs:  # type: ignore[attr-defined]
                curs.execute(f'DROP SCHEMA IF EXISTS "{settings.control_schema}" CASCADE')
        tenancy.close()


if __name__ == "__main__":
    main()
