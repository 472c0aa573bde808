"""Signed tree heads of a tenant's Merkle log, and the export an auditor verifies.

A tree head signs the root of the log at one size (``domain.tree_head``).
The projection runner makes one periodically (``make_checkpoint``), and an
export or a case proof makes a fresh one covering what it holds. With
``SPOORLOG_TSA_URL`` set every head also gets an RFC 3161 timestamp token;
when the authority cannot be reached the head is kept without one and
stamped the next time a head is asked for.

The previous release signed the head of the tenant chain instead (a
``checkpoint``); those stay in the store, and in the export, and verify as
they did: every exported line still carries its ``chain``.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from domain.checkpoint import Checkpoint, link
from domain.errors import DomainError
from domain.hashchain import GENESIS_HASH, format_instant
from domain.tree_head import TreeHead, sign_head
from service.application.tenant_application import TenantApplication
from service.proof import merkle_log
from service.proof.feed import feed_lines
from service.proof.merkle_store import MerkleStore
from service.proof.signing import signing_key

__all__ = ["checkpoints", "consistency", "export", "feed_lines", "latest", "make_checkpoint"]

log = logging.getLogger(__name__)

TSA_URL_VARIABLE = "SPOORLOG_TSA_URL"
TSA_TIMEOUT = 5.0


def checkpoints(app: TenantApplication, slug: str) -> list[Checkpoint]:
    """The tenant-chain checkpoints the previous release signed."""
    recorder: Any = app.recorder
    return [
        Checkpoint(slug, int(p), h, c, s, k)
        for p, h, c, s, k in recorder.checkpoint_rows("all_checkpoints")
    ]


def latest(app: TenantApplication, slug: str) -> TreeHead | None:
    return MerkleStore(app.recorder).latest_head()


def make_checkpoint(app: TenantApplication, slug: str) -> TreeHead | None:
    """Sign the log's head as it is now (the latest head when the log has not grown).

    None for an empty log: a head of nothing proves nothing.
    """
    store = MerkleStore(app.recorder)
    size = merkle_log.extend(app, store)
    if size == 0:
        return None
    newest = store.latest_head()
    if newest is None or newest.tree_size < size:
        newest = store.add_head(
            sign_head(
                signing_key(app.recorder),
                tenant=slug,
                tree_size=size,
                root_hash=merkle_log.root(store, size).hex(),
                created_at=format_instant(datetime.now(UTC)),
            )
        )
    return _stamped(store, newest)


def _stamped(store: MerkleStore, head: TreeHead) -> TreeHead:
    url = os.environ.get(TSA_URL_VARIABLE)
    if not url or head.timestamp_token is not None:
        return head
    from service.proof.timestamping import TimestampError, request_token

    try:
        token = request_token(url, head.digest(), timeout=TSA_TIMEOUT)
    except TimestampError as error:
        log.warning("tree head %s kept without a timestamp: %s", head.tree_size, error)
        return head
    store.stamp(head.tree_size, base64.b64encode(token).decode("ascii"))
    return store.head(head.tree_size) or head


def consistency(
    app: TenantApplication, old: int, new: int
) -> tuple[TreeHead, TreeHead, list[bytes]]:
    """The RFC 9162 consistency proof between two signed heads, with both heads."""
    store = MerkleStore(app.recorder)
    first, second = store.head(old), store.head(new)
    if first is None or second is None:
        field, size = ("from", old) if first is None else ("to", new)
        raise DomainError(f"no signed tree head of size {size}", field)
    return first, second, merkle_log.consistency_proof(store, old, new)


def export(app: TenantApplication, slug: str, *, fresh: bool = True) -> Iterator[str]:
    """JSON Lines: every event with its position, hashes and ``chain``, then every
    checkpoint and every signed tree head — with ``fresh``, up to a new head covering
    the last line. Constant memory.

    Without ``fresh`` nothing is signed: that is how ``spoorlog verify`` checks the
    store against the heads it already has.
    """
    newest = make_checkpoint(app, slug) if fresh else None
    until = (newest.tree_size if newest else 0) if fresh else None  # fresh and empty: no lines
    head = GENESIS_HASH
    for line in feed_lines(app, until=until):
        head = link(head, line)
        yield json.dumps({**line, "chain": head}, ensure_ascii=False) + "\n"
    for checkpoint in checkpoints(app, slug):
        if until is None or checkpoint.position <= until:
            yield json.dumps({"checkpoint": checkpoint.as_dict()}) + "\n"
    for tree_head in MerkleStore(app.recorder).heads(until):
        yield json.dumps({"tree_head": tree_head.as_dict()}) + "\n"
