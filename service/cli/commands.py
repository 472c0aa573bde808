"""``spoorlog``: serve the API, manage tenants and keys, seed a demo (README, Configuration)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from service.config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    data_dir = getattr(args, "data_dir", None)
    return Settings.from_env(data_dir=Path(data_dir) if data_dir else None)


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2))


def serve(args: argparse.Namespace) -> int:
    """Run the API under gunicorn, so several workers serve one store safely."""
    from gunicorn.app.base import BaseApplication

    from service.operations import gunicorn_config

    if args.data_dir:
        os.environ["SPOORLOG_DATA_DIR"] = args.data_dir
    # gunicorn's workers share their metrics through files in one directory
    metrics_dir = os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp("-spoorlog-metrics")
    )
    if args.demo:
        demo(args)
    runner = None
    if not args.no_projections:  # the one-command start keeps its read models current
        runner = subprocess.Popen([sys.executable, "-m", "service.cli", "projections", "run"])
    options = {
        name: getattr(gunicorn_config, name)
        for name in dir(gunicorn_config)
        if not name.startswith("_") and name != "os"
    }
    options["bind"] = f"{args.host}:{args.port}"
    if args.workers:
        options["workers"] = args.workers

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from service.http.app import create_app

            return create_app()

    try:
        Server().run()
    finally:
        if runner is not None:
            runner.terminate()
            runner.wait(timeout=30)
        if metrics_dir.endswith("-spoorlog-metrics"):
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def projections_run(args: argparse.Namespace) -> int:
    """Keep every tenant's read models current until stopped (SIGTERM/SIGINT)."""
    import signal
    import threading

    from service.application.tenancy import Tenancy
    from service.operations.projection_runner import ProjectionRunner

    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    runner = ProjectionRunner(
        Tenancy(_settings(args)), workers=args.workers, batch_size=args.batch_size
    )
    with runner:
        stopped.wait()
    return 0


def projections_rebuild(args: argparse.Namespace) -> int:
    """Rebuild read models into fresh tables; the old ones answer until the new are ready."""
    from projections import projection
    from projections.progress import ProgressReport
    from service.application.tenancy import Tenancy
    from service.operations.projection_runner import PROJECTIONS, ReadModels

    tenancy = Tenancy(_settings(args))
    read_models = ReadModels(tenancy)
    for slug in [args.tenant] if args.tenant else tenancy.control.tenants():
        tenancy.control.tenant(slug)  # an unknown tenant is an error, not an empty rebuild
        for kind in PROJECTIONS:
            report = ProgressReport(f"{slug} {kind.name}")
            done = projection.rebuild(read_models.store(slug), kind, progress=report)
            report.finish(done)
    return 0


def verify(args: argparse.Namespace) -> int:
    """Recompute every case's hash chain from the stored records; non-zero on any problem."""
    from domain.access import Actor, Role
    from projections.progress import ProgressReport
    from service.application.tenancy import Tenancy
    from service.proof.checkpoints import export as export_lines
    from service.proof.verify_export import verify_export

    tenancy = Tenancy(_settings(args))
    tenancy.control.tenant(args.tenant)  # an unknown tenant is an error
    app = tenancy.tenant(args.tenant)
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
    from service.application.tenancy import Tenancy
    from service.proof.checkpoints import export as export_lines

    tenancy = Tenancy(_settings(args))
    tenancy.control.tenant(args.tenant)
    for line in export_lines(tenancy.tenant(args.tenant), args.tenant):
        sys.stdout.write(line)
    sys.stdout.flush()
    return 0


def verify_export(args: argparse.Namespace) -> int:
    """Check an export file offline; non-zero, naming the line, on any finding."""
    from service.proof.verify_export import verify_export as check

    with open(args.file, encoding="utf-8") as lines:
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


def tenant_create(args: argparse.Namespace) -> int:
    from service.application.tenancy import Tenancy

    tenancy = Tenancy(_settings(args))
    tenant, admin_key = tenancy.create_tenant(args.slug, args.name, by="cli")
    _print({"slug": tenant.slug, "name": tenant.name, "admin_key": admin_key})
    return 0


def key_create(args: argparse.Namespace) -> int:
    from service.application.tenancy import Tenancy
    from service.http.representations import key_json

    tenancy = Tenancy(_settings(args))
    key, plain = tenancy.control.issue_key(
        args.tenant,
        name=args.name or args.role,
        role=args.role,
        employer_ids=args.employer_id or None,
        by="cli",
    )
    _print(key_json(key, plain))
    return 0


def demo(args: argparse.Namespace) -> int:
    from service.cli.demo import seed

    seed(
        _settings(args),
        host=f"http://{getattr(args, 'host', '127.0.0.1')}:{getattr(args, 'port', 8000)}",
    )
    return 0


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="spoorlog", description=__doc__)
    commands = main_parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="run the API (gunicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data-dir", help="embedded store directory (default ./data)")
    p.add_argument("--workers", type=int, help="gunicorn worker processes")
    p.add_argument("--demo", action="store_true", help="seed the demo tenant first")
    p.add_argument(
        "--no-projections",
        action="store_true",
        help="do not start the projection runner (run `spoorlog projections run` apart)",
    )
    p.set_defaults(run=serve)

    tenant = commands.add_parser("tenant", help="tenants").add_subparsers(
        dest="action", required=True
    )
    p = tenant.add_parser("create", help="register a tenant and print its admin key")
    p.add_argument("slug")
    p.add_argument("--name", required=True)
    p.add_argument("--data-dir")
    p.set_defaults(run=tenant_create)

    key = commands.add_parser("key", help="API keys").add_subparsers(dest="action", required=True)
    p = key.add_parser("create", help="issue an API key and print it (once)")
    p.add_argument("--tenant", required=True)
    p.add_argument(
        "--role",
        required=True,
        choices=["admin", "casemanager", "employer", "auditor", "integration"],
    )
    p.add_argument("--name")
    p.add_argument("--employer-id", action="append", help="scope to this employer (repeatable)")
    p.add_argument("--data-dir")
    p.set_defaults(run=key_create)

    projections = commands.add_parser("projections", help="read models").add_subparsers(
        dest="action", required=True
    )
    p = projections.add_parser("run", help="keep every tenant's read models current")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--data-dir")
    p.set_defaults(run=projections_run)
    p = projections.add_parser("rebuild", help="rebuild read models from the events")
    p.add_argument("--tenant", help="only this tenant (default: all)")
    p.add_argument("--data-dir")
    p.set_defaults(run=projections_rebuild)

    p = commands.add_parser("verify", help="recompute every case's hash chain from the store")
    p.add_argument("--tenant", required=True)
    p.add_argument("--data-dir")
    p.set_defaults(run=verify)

    p = commands.add_parser("export", help="write the tenant's verifiable export to stdout")
    p.add_argument("--tenant", required=True)
    p.add_argument("--data-dir")
    p.set_defaults(run=export)

    p = commands.add_parser("verify-export", help="check an export file offline")
    p.add_argument("file")
    p.add_argument("--public-key", help="the tenant's Ed25519 public key (hex) to pin")
    p.set_defaults(run=verify_export)

    p = commands.add_parser("demo", help="seed a demo tenant and print a key and example requests")
    p.add_argument("--data-dir")
    p.set_defaults(run=demo)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    from domain.errors import DomainError
    from service.application.errors import Conflict, NotFound
    from service.persistence.stores import StoreUnavailable, store_unavailable

    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (DomainError, Conflict, NotFound) as error:
        print(f"spoorlog: {type(error).__name__}: {str(error) or 'not found'}", file=sys.stderr)
        return 2
    except Exception as error:
        # A store that is down, unreachable or misnamed is a message, not a traceback.
        if not store_unavailable(error):
            raise
        reason = error if isinstance(error, StoreUnavailable) else f"store unavailable: {error}"
        print(f"spoorlog: {reason}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
