"""The proof of one case an employer can hand to UWV, and nothing of anyone else.

JSON Lines: each of the case's events as its feed line, with its inclusion
path in the tenant's Merkle log; then a signed case head (how many events
the case has, and its last hash, at that tree size); then, when asked for, a
consistency proof from an older tree size; last the signed tree head the
paths lead to. Other events appear only as hashes on the paths, and a hash
of a line reveals nothing of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

from domain.access import Actor
from domain.case import CASE_TOPIC_PREFIX
from domain.errors import DomainError
from domain.tree_head import sign_case_head
from service.application.errors import Conflict, NotFound
from service.application.tenant_application import TenantApplication
from service.proof import merkle_log
from service.proof.checkpoints import make_checkpoint
from service.proof.feed import mapper
from service.proof.feed_line import feed_line
from service.proof.merkle_store import MerkleStore
from service.proof.signing import signing_key


def case_proof(
    app: TenantApplication, slug: str, case_id: str, by: Actor, since: int | None = None
) -> Iterator[str]:
    """The case's proof, up to a fresh tree head; NotFound unless ``by`` sees the case."""
    try:
        key = UUID(case_id)
    except ValueError:
        raise NotFound from None
    store = MerkleStore(app.recorder)
    records = store.case_records(key, 2**62)
    if not records or not all(r.topic.startswith(CASE_TOPIC_PREFIX) for _, r in records):
        raise NotFound
    decode = mapper(app).to_domain_event  # the case's key read once
    lines = [_line(decode, stored, position) for position, stored in records]
    owner = (lines[0].get("data") or {}).get("employer_id") if lines[0]["version"] == 1 else None
    if by.employer_ids is not None and (owner is None or not by.sees(str(owner))):
        raise NotFound  # a scoped key sees only its employers' cases
    head = make_checkpoint(app, slug)
    size = head.tree_size if head else 0
    records = [(position, stored) for position, stored in records if position <= size]
    if head is None or not records:
        raise Conflict("The log stops before this case: a stored record no longer decodes.")
    if since is not None and not 0 < since <= size:
        raise DomainError(f"the log holds {size} events, not {since}", "since")
    lines = lines[: len(records)]
    paths = merkle_log.inclusion_proofs(store, [p for p, _ in records], size)
    for line, path in zip(lines, paths, strict=True):
        inclusion = {"tree_size": size, "leaf_index": line["position"] - 1}
        yield _json({**line, "inclusion": {**inclusion, "path": [p.hex() for p in path]}})
    case_head = sign_case_head(
        signing_key(app.recorder),
        tenant=slug,
        case_id=str(key),
        tree_size=size,
        events=len(lines),
        last_hash=str(lines[-1].get("hash")),
    )
    yield _json({"case_head": case_head.as_dict()})
    if since is not None:
        path = merkle_log.consistency_proof(store, since, size)
        yield _json({"consistency": {"from": since, "to": size, "path": [p.hex() for p in path]}})
    yield _json({"tree_head": head.as_dict()})


def _line(decode: Callable[[Any], Any], stored: Any, position: int) -> dict[str, Any]:
    try:
        return feed_line(decode(stored), position)
    except Exception as error:  # shown, as in the export: the proof names the damage
        name = type(error).__name__
        return {"position": position, "version": stored.originator_version, "error": name}


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False) + "\n"
