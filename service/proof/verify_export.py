"""Checking an export offline: no server, no database, only the file (and a key).

What is checked, line by line (the README's algorithm):

1. Positions run 1, 2, 3, … without gaps or repeats.
2. Every line's ``chain`` is SHA-256 over the previous line's chain (64
   zeros before the first) and the line's canonical form without ``chain``.
3. Every case event's ``hash`` is recomputed from its content, and its
   ``prev_hash`` is the hash of the case's previous event, versions 1, 2, 3, ….
4. Every checkpoint's Ed25519 signature is valid — for the pinned public key
   when one is given — and its ``head_hash`` is the chain at its position;
   the last checkpoint covers the last line. A checkpoint at position 0 (an
   empty feed, signed by earlier releases) holds when its head is chain(0),
   64 zeros.

Every finding names its line; any finding makes the check fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from domain.checkpoint import Checkpoint, link
from domain.hashchain import GENESIS_HASH
from domain.verification import recomputed_hash


@dataclass
class ExportCheck:
    events: int = 0
    head_hash: str = GENESIS_HASH
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and self.checkpoints > 0


def verify_export(
    lines: Iterable[str], public_key: str | None = None, *, complete: bool = True
) -> ExportCheck:
    """Check every line; with ``complete`` (an export) the last line must be signed too."""
    result = ExportCheck()
    chain_at: dict[int, str] = {0: GENESIS_HASH}  # earlier releases signed empty feeds
    cases: dict[str, tuple[int, str]] = {}
    expected, last_checkpoint = 1, 0
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
        except ValueError:
            result.problems.append(f"line {number}: not JSON")
            continue
        if "checkpoint" in line:
            last_checkpoint = _checkpoint(result, number, line["checkpoint"], chain_at, public_key)
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
        if "error" in line:
            result.problems.append(f"line {number}: the event did not decode ({line['error']})")
        elif line.get("case_id"):
            _case_event(result, number, line, cases)
    if not complete:
        return result
    if result.checkpoints == 0:
        result.problems.append("no checkpoint: nothing in the file is signed")
    elif last_checkpoint < expected - 1:
        result.problems.append(
            f"lines after position {last_checkpoint} are not covered by a checkpoint"
        )
    return result


def _case_event(
    result: ExportCheck, number: int, line: dict[str, Any], cases: dict[str, tuple[int, str]]
) -> None:
    case_id, version = str(line["case_id"]), line.get("version")
    try:
        own = recomputed_hash(case_id, int(version or 0), line)
    except (KeyError, TypeError, ValueError):
        result.problems.append(f"line {number}: a field of the event hash is missing or invalid")
        return
    if own != line.get("hash"):
        result.problems.append(f"line {number}: the event does not match its hash (edited)")
    previous_version, previous_hash = cases.get(case_id, (0, GENESIS_HASH))
    if version != previous_version + 1 or line.get("prev_hash") != previous_hash:
        result.problems.append(
            f"line {number}: case {case_id} version {version} does not follow version "
            f"{previous_version} (an event of the case was removed, added or moved)"
        )
    cases[case_id] = (int(version or 0), str(line.get("hash")))


def _checkpoint(
    result: ExportCheck,
    number: int,
    fields: dict[str, Any],
    chain_at: dict[int, str],
    public_key: str | None,
) -> int:
    result.checkpoints += 1
    try:
        checkpoint = Checkpoint(**fields)
    except TypeError:
        result.problems.append(f"line {number}: not a checkpoint")
        return 0
    if public_key and checkpoint.public_key != public_key:
        result.problems.append(f"line {number}: checkpoint signed by another than the pinned key")
    if not checkpoint.signature_is_valid(public_key):
        result.problems.append(f"line {number}: checkpoint signature is not valid (forged)")
    if chain_at.get(checkpoint.position) != checkpoint.head_hash:
        result.problems.append(
            f"line {number}: checkpoint of position {checkpoint.position} does not match the "
            "chain: the history up to it was changed"
        )
    return checkpoint.position
