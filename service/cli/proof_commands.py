"""``spoorlog`` proof commands: verify a tenant, export it, check an export offline."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from service.cli.commands import CommandError, _print, _settings, open_tenant


def verify(args: argparse.Namespace) -> int:
    """Recompute every case's hash chain from the stored records; non-zero on any problem."""
    from domain.access import Actor, Role
    from projections.progress import ProgressReport
    from service.proof.checkpoints import export as export_lines
    from service.proof.verify_export import verify_export

    _, app = open_tenant(_settings(args), args.tenant)  # creates no store
    auditor = Actor("cli", Role.AUDITOR)
    cases = list(app.case_ids())
    total = sum(count for _, count in cases)
    report = ProgressReport(f"{args.tenant} verify")
    checked, broken = 0, []
    for case_id, count in cases:
        result = app.verify_case(case_id, auditor)
        checked += count
        report(checked, total)
        if not result.valid:
            broken.append({"case_id": case_id, "problems": result.problems})
    report.finish(checked)
    # The tenant chain against the checkpoints already signed: whole cases or the
    # newest events removed leave every case chain intact, but not this.
    feed = verify_export(export_lines(app, args.tenant, fresh=False), complete=False)
    feed_problems = feed.problems
    _print(
        {
            "tenant": args.tenant,
            "cases": len(cases),
            "events": checked,
            "invalid": broken,
            "feed": {"checkpoints": feed.checkpoints, "problems": feed_problems},
        }
    )
    return 1 if broken or feed_problems else 0


def export(args: argparse.Namespace) -> int:
    """Write the tenant's verifiable export (JSON Lines) to standard output."""
    from service.proof.checkpoints import export as export_lines

    _, app = open_tenant(_settings(args), args.tenant)  # creates no store
    for line in export_lines(app, args.tenant):
        sys.stdout.write(line)
    sys.stdout.flush()
    return 0


def verify_export(args: argparse.Namespace) -> int:
    """Check an export file offline; non-zero, naming the line, on any finding."""
    from service.proof.verify_export import verify_export as check

    try:
        lines = open(args.file, encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from None
    with lines:
        result = check(lines, args.public_key)
    for problem in result.problems:
        print(problem)
    if result.valid:
        print(
            f"OK: {result.events} events, chain head {result.head_hash}, "
            f"{result.checkpoints} checkpoint(s) with valid signatures"
        )
        return 0
    return 1


def register(commands: Any) -> None:
    """Add the proof commands to ``spoorlog``'s sub-command parsers."""
    p = commands.add_parser("verify", help="recompute every case's hash chain from the store")
    p.add_argument("--tenant", required=True, help="the tenant's slug")
    p.add_argument("--data-dir", help="embedded store directory (default ./data)")
    p.set_defaults(run=verify)

    p = commands.add_parser("export", help="write the tenant's verifiable export to stdout")
    p.add_argument("--tenant", required=True, help="the tenant's slug")
    p.add_argument("--data-dir", help="embedded store directory (default ./data)")
    p.set_defaults(run=export)

    p = commands.add_parser("verify-export", help="check an export file offline")
    p.add_argument("file", help="the export file (JSON Lines)")
    p.add_argument("--public-key", help="the tenant's Ed25519 public key (hex) to pin")
    p.set_defaults(run=verify_export)
