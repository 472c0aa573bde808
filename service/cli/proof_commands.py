"""``spoorlog`` proof commands: verify a tenant, export it or one case's proof, check
such a file offline, and show the public key to publish."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
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
            "feed": {
                "checkpoints": feed.checkpoints,
                "tree_heads": feed.tree_heads,
                "problems": feed_problems,
            },
        }
    )
    return 1 if broken or feed_problems else 0


def export(args: argparse.Namespace) -> int:
    """Write the tenant's verifiable export, or one case's proof, to standard output."""
    from domain.access import Actor, Role
    from service.proof.case_proof import case_proof
    from service.proof.checkpoints import export as export_lines

    if args.since is not None and not args.case:
        raise CommandError("--since proves a case proof's history: give --case too")
    _, app = open_tenant(_settings(args), args.tenant)  # creates no store
    if args.case:
        lines = case_proof(app, args.tenant, args.case, Actor("cli", Role.AUDITOR), args.since)
    else:
        lines = export_lines(app, args.tenant)
    for line in lines:
        sys.stdout.write(line)
    sys.stdout.flush()
    return 0


def verify_export(args: argparse.Namespace) -> int:
    """Check an export or a case proof offline; non-zero, naming the line, on any finding."""
    from service.proof.signing import pinned_keys
    from service.proof.verify_export import verify_export as check

    try:
        keys = pinned_keys(args.public_key) if args.public_key else None
        tsa = Path(args.tsa_cert).read_bytes() if args.tsa_cert else None
        since = json.loads(Path(args.since).read_text(encoding="utf-8")) if args.since else None
        lines = open(args.file, encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise CommandError(f"cannot read {error.filename}: {error.strerror}") from None
    except ValueError as error:
        raise CommandError(str(error)) from None
    with lines:
        result = check(lines, keys, tsa_certificate=tsa, since=since)
    for problem in result.problems:
        print(problem)
    if not result.valid:
        return 1
    print(_summary(result, keys is not None))
    return 0


def _summary(result: Any, pinned: bool) -> str:
    head = result.head
    if result.case_id is not None:
        found = f"OK: case {result.case_id}, {result.events} events in the log"
    else:
        found = f"OK: {result.events} events, chain head {result.head_hash}"
        if result.checkpoints:
            found += f", {result.checkpoints} checkpoint(s) with valid signatures"
    if head is not None:
        found += (
            f"; {result.tree_heads} tree head(s), the last of size {head.tree_size}, root "
            f"{head.root_hash}, signed by key {head.key_id}"
            f"{' (pinned)' if pinned else ' (not pinned: give --public-key)'}"
        )
        if result.timestamps:
            found += f"; timestamped by the TSA at {result.timestamps[-1]}"
        elif head.timestamp_token:
            found += "; its timestamp token not checked (give --tsa-cert)"
    return found


def keys_public(args: argparse.Namespace) -> int:
    """Print the public key that signs tree heads, to publish: PEM and key id."""
    from service.proof.signing import key_file, public_pem, signing_key

    if key_file() is None and not args.tenant:
        raise CommandError(
            "no SPOORLOG_SIGNING_KEY_FILE: give --tenant to print that tenant's own key"
        )
    if key_file() is not None:
        sys.stdout.write(public_pem(signing_key(None)))
        return 0
    _, app = open_tenant(_settings(args), args.tenant)
    sys.stdout.write(public_pem(signing_key(app.recorder)))
    return 0


def keys_generate(args: argparse.Namespace) -> int:
    """Write a new Ed25519 private key file (PEM, owner-only) for SPOORLOG_SIGNING_KEY_FILE."""
    from service.proof.signing import new_key_pem

    path = Path(args.output)
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(new_key_pem())
    except FileExistsError:
        raise CommandError(f"{path} exists: a key file is never overwritten") from None
    print(
        f"wrote {path}; publish its public key with: SPOORLOG_SIGNING_KEY_FILE={path} "
        "spoorlog keys public"
    )
    return 0


def register(commands: Any) -> None:
    """Add the proof commands to ``spoorlog``'s sub-command parsers."""
    p = commands.add_parser("verify", help="recompute every case's hash chain from the store")
    p.add_argument("--tenant", required=True, help="the tenant's slug")
    p.add_argument("--data-dir", help="embedded store directory (default ./data)")
    p.set_defaults(run=verify)

    p = commands.add_parser(
        "export", help="write the tenant's verifiable export, or one case's proof, to stdout"
    )
    p.add_argument("--tenant", required=True, help="the tenant's slug")
    p.add_argument("--case", help="only this case's proof (its events, inclusion proofs, head)")
    p.add_argument(
        "--since",
        type=int,
        help="with --case: also prove the log grew from this tree size (a head kept earlier)",
    )
    p.add_argument("--data-dir", help="embedded store directory (default ./data)")
    p.set_defaults(run=export)

    p = commands.add_parser("verify-export", help="check a tenant export or a case proof offline")
    p.add_argument("file", help="the export or case proof (JSON Lines)")
    p.add_argument(
        "--public-key",
        action="append",
        metavar="KEY_OR_FILE",
        help="a signing key to pin: Ed25519 public key in hex, or a file of PEM public keys "
        "(as `spoorlog keys public` prints them); repeat for keys of earlier years",
    )
    p.add_argument(
        "--since",
        metavar="OLD_HEAD_FILE",
        help="a tree head kept earlier (JSON): check the file's log grew from it",
    )
    p.add_argument(
        "--tsa-cert",
        metavar="CERT",
        help="the timestamp authority's certificate, then its issuers (PEM): check the "
        "tree head's RFC 3161 timestamp token",
    )
    p.set_defaults(run=verify_export)

    keys = commands.add_parser("keys", help="the key that signs tree heads").add_subparsers(
        dest="action", required=True
    )
    p = keys.add_parser("public", help="print the signing key's public key (PEM) and key id")
    p.add_argument(
        "--tenant", help="without SPOORLOG_SIGNING_KEY_FILE: the tenant whose own key signs"
    )
    p.add_argument("--data-dir", help="embedded store directory (default ./data)")
    p.set_defaults(run=keys_public)
    p = keys.add_parser("generate", help="write a new signing key file (PEM, owner-only)")
    p.add_argument("output", help="where to write the private key; never overwritten")
    p.set_defaults(run=keys_generate)
