"""Growing a tenant's Merkle log from its feed, and reading proofs from it.

The log follows the feed: leaf *i* is the feed line at position *i + 1*. It
is extended on demand — when a tree head is made, periodically by the
projection runner and on every export or case proof — a batch of feed lines
at a time, each batch one transaction.
"""

from __future__ import annotations

import logging

from domain.merkle import (
    completed,
    consistency_ranges,
    feed_leaf,
    inclusion_ranges,
    range_hash,
    subtrees,
)
from service.application.tenant_application import TenantApplication
from service.proof.feed import feed_lines
from service.proof.merkle_store import MerkleStore

log = logging.getLogger(__name__)

BATCH = 5000
"""Feed lines hashed and stored per transaction while the log catches up."""


def extend(app: TenantApplication, store: MerkleStore) -> int:
    """Add every feed line the log does not hold yet; the log's size.

    A record that no longer decodes stops the log before it: a damaged store is
    never signed (``spoorlog verify`` and the export name the record).
    """
    size = store.size()
    batch: list[bytes] = []
    for line in feed_lines(app, after=size, sealed=True):
        if "error" in line or line["position"] != size + len(batch) + 1:
            log.error("the Merkle log stops before position %s: %s", line["position"], line)
            break
        batch.append(feed_leaf(line))
        if len(batch) == BATCH:
            size, batch = _append(store, size, batch), []
    return _append(store, size, batch)


def _append(store: MerkleStore, size: int, leaves: list[bytes]) -> int:
    if not leaves:
        return size
    peaks = store.subtrees(subtrees(0, size))  # every left sibling the new leaves need
    store.add(completed(size, leaves, lambda level, index: peaks[(level, index)]))
    return size + len(leaves)


def root(store: MerkleStore, size: int) -> bytes:
    found = store.subtrees(subtrees(0, size))
    return range_hash(0, size, lambda level, index: found[(level, index)])


def inclusion_proofs(store: MerkleStore, positions: list[int], size: int) -> list[list[bytes]]:
    """The inclusion path of each feed position in the tree of ``size``, read at once."""
    ranges = [inclusion_ranges(position - 1, size) for position in positions]
    needed = {r for path in ranges for r in path}  # the paths share their upper ranges
    found = store.subtrees(key for start, end in needed for key in subtrees(start, end))

    def subtree(level: int, index: int) -> bytes:
        return found[(level, index)]

    hashes = {(start, end): range_hash(start, end, subtree) for start, end in needed}
    return [[hashes[r] for r in path] for path in ranges]


def consistency_proof(store: MerkleStore, old: int, new: int) -> list[bytes]:
    ranges = consistency_ranges(old, new)
    found = store.subtrees(key for start, end in ranges for key in subtrees(start, end))
    return [
        range_hash(start, end, lambda level, index: found[(level, index)]) for start, end in ranges
    ]
