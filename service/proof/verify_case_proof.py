"""Checking a case proof offline (docs/proof.md gives the algorithm):

1. The last line is a signed tree head (for a pinned key when keys are given).
2. Every event line is of the proof's case, in order of position; its hash
   is recomputed from its content and its ``prev_hash`` is the hash of the
   case's previous event, versions 1, 2, 3, ….
3. Every event line's leaf, with its inclusion path, leads to the head's root.
4. The signed case head says how many events the case had at that tree size,
   and the hash of the last: the file holds exactly those.
5. With an old head the auditor kept: the consistency proof in the file
   shows the old log is the beginning of the head's log.
"""

from __future__ import annotations

from typing import Any

from domain.merkle import feed_leaf, root_from_inclusion
from domain.tree_head import CaseHead, TreeHead
from service.proof.verify_heads import (
    ExportCheck,
    Trust,
    case_event,
    consistent_from,
    kept_head,
    signed_case_head,
    signed_head,
)


def verify_case_proof(
    parsed: list[tuple[int, Any]], trust: Trust, result: ExportCheck
) -> ExportCheck:
    events: list[tuple[int, dict[str, Any]]] = []
    signed: dict[str, list[tuple[int, Any]]] = {"tree_head": [], "case_head": []}
    consistency: dict[str, Any] | None = None
    for number, line in parsed:
        if not isinstance(line, dict):
            result.problems.append(f"line {number}: not a JSON object")
        elif "tree_head" in line or "case_head" in line:
            kind = "tree_head" if "tree_head" in line else "case_head"
            signed[kind].append((number, line[kind]))
        elif "consistency" in line:
            consistency = line["consistency"] if isinstance(line["consistency"], dict) else {}
        elif "checkpoint" in line:
            result.problems.append(f"line {number}: a checkpoint does not belong in a case proof")
        else:
            events.append((number, line))
    head = _tree_head(result, signed["tree_head"], trust)
    case_head = None
    if signed["case_head"]:
        for number, _ in signed["case_head"][:-1]:
            result.problems.append(f"line {number}: a case proof has one case head, not more")
        number, fields = signed["case_head"][-1]
        case_head = signed_case_head(result, f"line {number}", fields, trust)
    else:
        result.problems.append("no case head: nothing shows no event of the case was left out")
    first = events[0][1].get("case_id") if events else None
    result.case_id = case_head.case_id if case_head else str(first)
    cases: dict[str, tuple[int, str]] = {}
    own = [(n, line) for n, line in events if _event(result, n, line, head, cases)]
    if case_head is not None and head is not None:
        _complete(result, case_head, head, own)
    if head is not None:
        old = kept_head(result, head, trust)
        if old is not None:
            consistent_from(result, old, head, consistency)
    return result


def _tree_head(result: ExportCheck, found: list[tuple[int, Any]], trust: Trust) -> TreeHead | None:
    if not found:
        result.problems.append("no tree head: nothing in the file is signed")
        return None
    for number, _ in found[:-1]:
        result.problems.append(f"line {number}: a case proof ends with one tree head, not more")
    number, fields = found[-1]
    head = signed_head(result, f"line {number}", fields, trust, stamped=True)
    if head is not None:
        result.tree_heads, result.head = 1, head
    return head


def _event(
    result: ExportCheck,
    number: int,
    line: dict[str, Any],
    head: TreeHead | None,
    cases: dict[str, tuple[int, str]],
) -> bool:
    """Check one event line; whether it is an event of the proof's case."""
    result.events += 1
    inclusion = line.pop("inclusion", None)
    position = line.get("position")
    if not isinstance(inclusion, dict):
        result.problems.append(f"line {number}: no inclusion proof: not part of a case proof")
    elif head is not None:
        _included(result, number, line, inclusion, head)
    if line.get("case_id") != result.case_id:
        result.problems.append(
            f"line {number}: an event of another case ({line.get('case_id')}), not of case "
            f"{result.case_id}"
        )
        return False
    if "error" in line:
        result.problems.append(f"line {number}: the event did not decode ({line['error']})")
        return True
    if not isinstance(position, int):
        result.problems.append(f"line {number}: no position")
    case_event(result, number, line, cases)
    return True


def _included(
    result: ExportCheck,
    number: int,
    line: dict[str, Any],
    inclusion: dict[str, Any],
    head: TreeHead,
) -> None:
    try:
        index, size = int(inclusion["leaf_index"]), int(inclusion["tree_size"])
        path = [bytes.fromhex(p) for p in inclusion["path"]]
    except (KeyError, TypeError, ValueError):
        result.problems.append(f"line {number}: its inclusion proof is malformed")
        return
    position = line.get("position")
    if not isinstance(position, int) or index != position - 1:
        result.problems.append(f"line {number}: its inclusion proof is for another position")
    if size != head.tree_size:
        result.problems.append(
            f"line {number}: its inclusion proof is for tree size {size}, the head's is "
            f"{head.tree_size}"
        )
    root = root_from_inclusion(index, size, feed_leaf(line), path)
    if root is None or root.hex() != head.root_hash:
        result.problems.append(
            f"line {number}: not in the log the tree head signs: the line was changed, or "
            "never recorded"
        )


def _complete(
    result: ExportCheck, case_head: CaseHead, head: TreeHead, own: list[tuple[int, Any]]
) -> None:
    if case_head.tree_size != head.tree_size or case_head.tenant != head.tenant:
        result.problems.append("the case head is of another tree head than the file's")
    if case_head.events != len(own):
        fewer = len(own) < case_head.events
        result.problems.append(
            f"case {case_head.case_id} had {case_head.events} events at tree size "
            f"{case_head.tree_size}; the file holds {len(own)} "
            f"({'events left out' if fewer else 'events added'})"
        )
    elif own and own[-1][1].get("hash") != case_head.last_hash:
        result.problems.append(
            f"line {own[-1][0]}: not the case's last event at tree size {case_head.tree_size} "
            "(its last event was left out, or the events reordered)"
        )
