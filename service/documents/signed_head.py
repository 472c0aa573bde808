"""The bureau's signed log head as a document shows it: read defensively, since the
proof's own format grows (checkpoints became signed Merkle tree heads, timestamps came)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from rfc3161_client import decode_timestamp_response

from service.documents.dutch import dutch_instant


@dataclass(frozen=True)
class TreeHead:
    """The bureau's latest signed tree head (or checkpoint), as far as it says."""

    position: int | None
    hash: str | None
    signed_at: str
    timestamp: str | None
    public_key: str | None
    fingerprint: str | None


def signed_head(found: Any | None) -> TreeHead | None:
    """The latest signed tree head as far as it says: read defensively, the proof changes."""
    if found is None:
        return None
    values = found.as_dict() if hasattr(found, "as_dict") else dict(vars(found))

    def first(*names: str) -> Any:
        return next((values[n] for n in names if values.get(n) not in (None, "")), None)

    public_key = first("public_key", "key")
    fingerprint = first("fingerprint", "key_fingerprint", "key_id")
    if fingerprint is None and public_key:
        try:
            fingerprint = hashlib.sha256(bytes.fromhex(str(public_key))).hexdigest()
        except ValueError:
            fingerprint = None
    timestamp = first("timestamp", "timestamp_token", "tsa_timestamp", "timestamped_at")
    position = first("tree_size", "size", "position")
    return TreeHead(
        position=int(position) if position is not None else None,
        hash=first("root_hash", "head_hash", "hash"),
        signed_at=dutch_instant(first("created_at", "signed_at")),
        timestamp=_timestamp(timestamp),
        public_key=str(public_key) if public_key else None,
        fingerprint=_grouped(fingerprint) if fingerprint else None,
    )


def _timestamp(value: Any) -> str | None:
    """When the timestamp authority says the head existed (its genTime, as the token
    states it; checking the token is the verifier's work), or that a token is there."""
    if value is None:
        return None
    try:
        token = base64.b64decode(str(value), validate=True)
        stated = decode_timestamp_response(token).tst_info.gen_time
    except (ValueError, TypeError):  # a token this reader cannot parse is still a token
        return "RFC 3161-tijdstempel aanwezig"
    return f"{dutch_instant(stated)} volgens de tijdstempeldienst (RFC 3161)"


def _grouped(hex_text: str) -> str:
    """A fingerprint in groups of four, easy to read aloud and compare."""
    text = str(hex_text).replace(":", "").replace(" ", "")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
