"""Signed checkpoints of a tenant's feed chain, and the export an auditor verifies.

The tenant's Ed25519 key is made on first use and kept in the tenant's own
store; every checkpoint names its public key, so an auditor pins the key of
the first checkpoint they receive (``verify-export --public-key``). Keeping
the private key beside the events means an insider with database access
could re-sign a forged history: pinning a key, and keeping old checkpoints,
is what makes that visible. (A key outside the database — a KMS — is the
next step; see the README.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from domain.checkpoint import Checkpoint, link, new_private_key, sign
from domain.hashchain import GENESIS_HASH, format_instant
from service.application.tenant_application import TenantApplication
from service.proof.feed_line import feed_line

PAGE = 500


def feed_lines(app: TenantApplication, after: int = 0, until: int | None = None) -> Iterator[Any]:
    """Every event after ``after`` (up to ``until``) as the feed shows it, in order.

    A record that no longer decodes is still a line — with its position and
    the error — so an export of a damaged store shows the damage.
    """
    while True:
        page = app.recorder.select_notifications(after, PAGE, stop=until, inclusive_of_start=False)
        for notification in page:
            try:
                line = feed_line(app.mapper.to_domain_event(notification), notification.id)
            except Exception as error:
                line = {"position": notification.id, "error": type(error).__name__}
            yield line
        if len(page) < PAGE:
            return
        after = page[-1].id


def _private_key(app: TenantApplication) -> bytes:
    recorder: Any = app.recorder
    found = recorder.checkpoint_rows("signing_key")
    if not found:
        recorder.checkpoint_rows("add_signing_key", (new_private_key(),), write=True)
        found = recorder.checkpoint_rows("signing_key")  # another process may have won the race
    return bytes(found[0][0])


def checkpoints(app: TenantApplication, slug: str) -> list[Checkpoint]:
    recorder: Any = app.recorder
    return [
        Checkpoint(slug, int(p), h, c, s, k)
        for p, h, c, s, k in recorder.checkpoint_rows("all_checkpoints")
    ]


def latest(app: TenantApplication, slug: str) -> Checkpoint | None:
    recorder: Any = app.recorder
    rows = recorder.checkpoint_rows("latest_checkpoint")
    return Checkpoint(slug, int(rows[0][0]), *rows[0][1:]) if rows else None


def make_checkpoint(app: TenantApplication, slug: str) -> Checkpoint | None:
    """Sign the chain's head as it is now; extends the latest checkpoint's chain.

    None for an empty feed: a checkpoint of nothing proves nothing, and the
    previous release's position-0 checkpoints are what made new tenants'
    exports fail (they verify now: chain(0) is the empty chain's head).
    """
    previous = latest(app, slug)
    position, head = (previous.position, previous.head_hash) if previous else (0, GENESIS_HASH)
    for line in feed_lines(app, after=position):
        head = link(head, line)
        position = line["position"]
    if position == 0:
        return None
    if previous is not None and position == previous.position:
        return previous
    checkpoint = sign(
        _private_key(app),
        tenant=slug,
        position=position,
        head_hash=head,
        created_at=format_instant(datetime.now(UTC)),
    )
    recorder: Any = app.recorder
    recorder.checkpoint_rows(
        "insert_checkpoint",
        (position, head, checkpoint.created_at, checkpoint.signature, checkpoint.public_key),
        write=True,
    )
    return checkpoint


def export(app: TenantApplication, slug: str, *, fresh: bool = True) -> Iterator[str]:
    """JSON Lines: every event with its position, hashes and ``chain``, then every
    checkpoint — with ``fresh``, up to a new one covering the last line. Constant memory.

    Without ``fresh`` nothing is signed: that is how ``spoorlog verify`` checks the
    store against the checkpoints it already has.
    """
    newest = make_checkpoint(app, slug) if fresh else None
    until = (newest.position if newest else 0) if fresh else None  # fresh and empty: no lines
    head = GENESIS_HASH
    for line in feed_lines(app, until=until):
        head = link(head, line)
        yield json.dumps({**line, "chain": head}, ensure_ascii=False) + "\n"
    for checkpoint in checkpoints(app, slug):
        if until is None or checkpoint.position <= until:
            yield json.dumps({"checkpoint": checkpoint.as_dict()}) + "\n"
