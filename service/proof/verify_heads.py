"""Checks shared by the export and the case proof: a case event's own hash chain, the
signed heads with their keys and timestamp tokens, and an older head an auditor kept
(``--since``)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from domain import merkle
from domain.hashchain import GENESIS_HASH
from domain.tree_head import CaseHead, TreeHead
from domain.verification import recomputed_hash


@dataclass
class ExportCheck:
    """What an offline check found; ``problems`` name the line they are about."""

    events: int = 0
    head_hash: str | None = None
    """The tenant chain's head (an export); None for a case proof."""
    checkpoints: int = 0
    """Tenant-chain checkpoints signed by the previous release."""
    tree_heads: int = 0
    head: TreeHead | None = None
    """The last signed tree head: what the file proves."""
    case_id: str | None = None
    """The case, when the file is a case proof."""
    timestamps: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and (self.checkpoints > 0 or self.tree_heads > 0)


@dataclass(frozen=True)
class Trust:
    """What the auditor brings: the keys they pinned, a TSA's certificates, an old head."""

    public_keys: frozenset[str] | None = None
    tsa_certificate: bytes | None = None
    since: dict[str, Any] | None = None


def signed_head(
    result: ExportCheck, where: str, fields: Any, trust: Trust, *, stamped: bool
) -> TreeHead | None:
    """The head ``fields`` describe when its signature holds; every finding recorded.

    With a TSA certificate its token is checked; ``stamped`` demands one.
    """
    try:
        head = TreeHead.from_dict(dict(fields))
    except (TypeError, ValueError, AttributeError):
        result.problems.append(f"{where}: not a tree head")
        return None
    _signature(result, where, f"tree head of size {head.tree_size}", head, trust)
    if trust.tsa_certificate is not None:
        _timestamp(result, where, head, trust.tsa_certificate, required=stamped)
    return head


def signed_case_head(result: ExportCheck, where: str, fields: Any, trust: Trust) -> CaseHead | None:
    try:
        head = CaseHead(**dict(fields))
    except (TypeError, ValueError, AttributeError):
        result.problems.append(f"{where}: not a case head")
        return None
    _signature(result, where, "case head", head, trust)
    return head


def _signature(
    result: ExportCheck, where: str, what: str, head: TreeHead | CaseHead, trust: Trust
) -> None:
    if trust.public_keys is not None and head.public_key not in trust.public_keys:
        result.problems.append(
            f"{where}: {what} signed by key {head.key_id[:16]}…, which is not among the "
            "pinned keys (another key)"
        )
    problem = head.problem()
    if problem:
        result.problems.append(f"{where}: {what}: {problem}")


def _timestamp(
    result: ExportCheck, where: str, head: TreeHead, certificate: bytes, *, required: bool
) -> None:
    from service.proof.timestamping import TimestampInvalid, verify_token

    if head.timestamp_token is None:
        if required:
            result.problems.append(
                f"{where}: tree head of size {head.tree_size} carries no timestamp token"
            )
        return
    try:
        token = base64.b64decode(head.timestamp_token, validate=True)
        at = verify_token(token, head.digest(), certificate)
    except (binascii.Error, ValueError) as error:
        result.problems.append(f"{where}: timestamp token is not base64 DER: {error}")
    except TimestampInvalid as error:
        result.problems.append(f"{where}: timestamp token of tree head {head.tree_size}: {error}")
    else:
        result.timestamps.append(at.isoformat())


def case_event(
    result: ExportCheck, number: int, line: dict[str, Any], cases: dict[str, tuple[int, str]]
) -> None:
    """The event's own hash, and its link to the case's previous event in the file."""
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


def kept_head(result: ExportCheck, head: TreeHead, trust: Trust) -> TreeHead | None:
    """The old head the auditor kept, when it is one and of this tenant's log."""
    if trust.since is None:
        return None
    fields = trust.since.get("tree_head", trust.since)
    old = signed_head(result, "the kept head", fields, trust, stamped=False)
    if old is None:
        return None
    if old.tenant != head.tenant:
        result.problems.append(f"the kept head is of tenant {old.tenant}, not {head.tenant}")
        return None
    if old.tree_size > head.tree_size:
        result.problems.append(
            f"the kept head (size {old.tree_size}) is newer than the file's (size "
            f"{head.tree_size}): the file does not show the log grew from it"
        )
        return None
    return old


def inconsistent(old: TreeHead) -> str:
    return (
        f"inconsistent history: the log of {old.tree_size} events the kept head signs is "
        "not the beginning of the log this file proves (the past was rewritten)"
    )


def consistent_from(
    result: ExportCheck, old: TreeHead, head: TreeHead, proof: dict[str, Any] | None
) -> None:
    """A case proof's consistency proof from the kept head's size to its own head."""
    if old.tree_size == head.tree_size:
        if old.root_hash != head.root_hash:
            result.problems.append(inconsistent(old))
        return
    if proof is None or proof.get("from") != old.tree_size or proof.get("to") != head.tree_size:
        result.problems.append(
            f"the file holds no consistency proof from tree size {old.tree_size} to "
            f"{head.tree_size} (ask for the case proof with ?since={old.tree_size})"
        )
        return
    try:
        path = [bytes.fromhex(p) for p in proof["path"]]
        roots = bytes.fromhex(old.root_hash), bytes.fromhex(head.root_hash)
    except (KeyError, TypeError, ValueError):
        result.problems.append("the consistency proof is not a list of hex hashes")
        return
    if not merkle.consistent(old.tree_size, roots[0], head.tree_size, roots[1], path):
        result.problems.append(inconsistent(old))
