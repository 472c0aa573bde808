"""``spoorlog retention run``: erase every case whose retention term has ended.

Safe to rerun and to stop: each case is erased in a transaction of its own
and an erased case is skipped afterwards, so a run killed halfway is finished
by the next one and nothing is erased twice.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from service.cli.commands import DATA_DIR_HELP, _settings, open_tenancy, open_tenant


class CaseProgress:
    """A progress line on standard error: cases looked at and the rate, once a second."""

    def __init__(self, label: str, every: float = 1.0) -> None:
        self.label = label
        self.every = every
        self.started = time.monotonic()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < self.every and done < total:
            return
        self._last = now
        rate = done / max(now - self.started, 1e-9)
        print(f"{self.label}: {done}/{total} cases, {rate:,.0f} cases/s", file=sys.stderr)


def retention_run(args: argparse.Namespace) -> int:
    """Erase (or with --dry-run: name) every case whose term has ended and no hold keeps."""
    from service.application import retention

    settings = _settings(args)
    slugs = [args.tenant] if args.tenant else open_tenancy(settings).control.tenants()
    for slug in slugs:
        _, app = open_tenant(settings, slug)  # creates no store
        label = f"{slug} retention{' (dry run)' if args.dry_run else ''}"
        report = retention.run(
            app,
            dry_run=args.dry_run,
            tell=lambda line, slug=slug: print(f"{slug}: {line}", flush=True),
            progress=CaseProgress(label),
        )
        done = "would erase" if args.dry_run else "erased"
        print(
            f"{slug}: {report.looked_at} cases looked at, {done} {len(report.erased)}, "
            f"{report.held} held by a legal hold, {report.already_erased} erased before",
            flush=True,
        )
    return 0


def register(commands: Any) -> None:
    """Add ``retention run`` to ``spoorlog``'s sub-command parsers."""
    retention = commands.add_parser("retention", help="retention terms (AVG)").add_subparsers(
        dest="action", required=True
    )
    p = retention.add_parser("run", help="erase every case whose retention term has ended")
    p.add_argument("--tenant", help="only this tenant (default: all)")
    p.add_argument(
        "--dry-run", action="store_true", help="name what would be erased; change nothing"
    )
    p.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.set_defaults(run=retention_run)
