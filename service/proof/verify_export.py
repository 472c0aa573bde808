"""Checking an export or a case proof offline: no server, no database, only the file.

A tenant export (docs/proof.md gives the algorithm), line by line:

1. Positions run 1, 2, 3, … without gaps or repeats.
2. Every line's ``chain`` is SHA-256 over the previous line's chain (64
   zeros before the first) and the line's canonical form without ``chain``.
3. Every case event's ``hash`` is recomputed from its content, and its
   ``prev_hash`` is the hash of the case's previous event, versions 1, 2, 3, ….
4. Every line is a leaf of the Merkle log; every signed tree head's root is
   the root of the first ``tree_size`` leaves, and its signature holds (for a
   pinned key when keys are given). The last head covers the last line.
5. Checkpoints of the previous release (heads of the chain) hold as they did:
   signature, and ``head_hash`` is the chain at their position; one at
   position 0 (an empty feed) holds when its head is chain(0), 64 zeros.

A case proof is recognised by its lines' ``inclusion`` paths and checked by
:mod:`service.proof.verify_case_proof`. Every finding names its line; any
finding makes the check fail.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from domain.checkpoint import Checkpoint, link
from domain.hashchain import GENESIS_HASH
from domain.merkle import MemoryTree, feed_leaf
from service.proof.verify_case_proof import verify_case_proof
from service.proof.verify_heads import (
    ExportCheck,
    Trust,
    case_event,
    inconsistent,
    kept_head,
    signed_head,
)

__all__ = ["ExportCheck", "Trust", "verify_export"]


def verify_export(
    lines: Iterable[str],
    public_key: str | Iterable[str] | None = None,
    *,
    complete: bool = True,
    tsa_certificate: bytes | None = None,
    since: dict[str, Any] | None = None,
) -> ExportCheck:
    """Check every line; with ``complete`` (a file handed over) the last line must be
    signed too. ``public_key``: the key, or keys, the auditor pinned."""
    pinned = [public_key] if isinstance(public_key, str) else list(public_key or [])
    trust = Trust(frozenset(k.lower() for k in pinned) or None, tsa_certificate, since)
    result = ExportCheck()
    parsed = _parsed(lines, result)
    first = next(parsed, None)
    read = itertools.chain([first] if first else [], parsed)
    if first is not None and ("inclusion" in first[1] or "case_head" in first[1]):
        return verify_case_proof(list(read), trust, result)  # a case proof is small
    return _verify_tenant(read, trust, result, complete)  # streamed: an export is not


def _parsed(lines: Iterable[str], result: ExportCheck) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each line's number and object; one that is not a JSON object is a finding."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
        except ValueError:
            result.problems.append(f"line {number}: not JSON")
            continue
        if isinstance(line, dict):
            yield number, line
        else:
            result.problems.append(f"line {number}: not a JSON object")


def _verify_tenant(
    parsed: Iterable[tuple[int, dict[str, Any]]], trust: Trust, result: ExportCheck, complete: bool
) -> ExportCheck:
    result.head_hash = GENESIS_HASH
    tree = MemoryTree()
    chain_at: dict[int, str] = {0: GENESIS_HASH}  # earlier releases signed empty feeds
    cases: dict[str, tuple[int, str]] = {}
    heads: list[tuple[int, dict[str, Any]]] = []
    expected, covered = 1, 0
    for number, line in parsed:
        if "checkpoint" in line:
            covered = max(covered, _checkpoint(result, number, line["checkpoint"], chain_at, trust))
            continue
        if "tree_head" in line:
            heads.append((number, line["tree_head"]))
            continue
        result.events += 1
        position = line.get("position")
        if position != expected:
            removed = isinstance(position, int) and position > expected
            result.problems.append(
                f"line {number}: position {position} where {expected} was expected "
                f"({'lines removed' if removed else 'a line added or moved'})"
            )
        if isinstance(position, int):
            expected = position + 1
        stated = line.pop("chain", None)
        own = link(result.head_hash, line)
        if stated != own:
            result.problems.append(
                f"line {number}: its chain does not follow from the line before: "
                "this line, or an earlier one, was altered, added or removed"
            )
        result.head_hash = stated if isinstance(stated, str) else own
        if isinstance(position, int):
            chain_at[position] = result.head_hash
        tree.append(feed_leaf(line))
        if "error" in line:
            result.problems.append(f"line {number}: the event did not decode ({line['error']})")
        elif line.get("case_id"):
            case_event(result, number, line, cases)
    for index, (number, fields) in enumerate(heads):
        head = signed_head(result, f"line {number}", fields, trust, stamped=index == len(heads) - 1)
        if head is None:
            continue
        result.tree_heads += 1
        result.head = head
        covered = max(covered, head.tree_size)
        if head.tree_size > tree.size or tree.root(head.tree_size).hex() != head.root_hash:
            result.problems.append(
                f"line {number}: tree head of size {head.tree_size} does not match the log of "
                "the lines before it: the history up to it was changed"
            )
    if result.head is not None:
        old = kept_head(result, result.head, trust)
        if old is not None and tree.root(old.tree_size).hex() != old.root_hash:
            result.problems.append(inconsistent(old))
    if not complete:
        return result
    if result.checkpoints == 0 and result.tree_heads == 0:
        result.problems.append("no checkpoint or tree head: nothing in the file is signed")
    elif covered < expected - 1:
        result.problems.append(f"lines after position {covered} are not covered by a tree head")
    return result


def _checkpoint(
    result: ExportCheck,
    number: int,
    fields: dict[str, Any],
    chain_at: dict[int, str],
    trust: Trust,
) -> int:
    result.checkpoints += 1
    try:
        checkpoint = Checkpoint(**fields)
    except TypeError:
        result.problems.append(f"line {number}: not a checkpoint")
        return 0
    if trust.public_keys is not None and checkpoint.public_key not in trust.public_keys:
        result.problems.append(f"line {number}: checkpoint signed by another than the pinned key")
    if not checkpoint.signature_is_valid():
        result.problems.append(f"line {number}: checkpoint signature is not valid (forged)")
    if chain_at.get(checkpoint.position) != checkpoint.head_hash:
        result.problems.append(
            f"line {number}: checkpoint of position {checkpoint.position} does not match the "
            "chain: the history up to it was changed"
        )
    return checkpoint.position
