"""A signed tree head: the tenant's Merkle log at one size, signed with Ed25519.

The signature covers the canonical bytes (:func:`domain.hashchain.canonical_bytes`)
of ``{tenant, tree_size, root_hash, created_at, key_id}``. ``key_id`` is the
SHA-256 of the raw 32-byte public key, so a head names the key it was signed
with even after the bureau rotated to a new one, and an auditor who pinned
several keys knows which one applies. An RFC 3161 timestamp token, when the
bureau has a timestamp authority, is over SHA-256 of those same signed bytes:
it shows the head existed at the authority's time, and is not itself signed.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.hashchain import canonical_bytes


def raw_public_key(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public_key: bytes) -> str:
    """The fingerprint a head names its key by: SHA-256 of the raw public key, hex."""
    return hashlib.sha256(public_key).hexdigest()


@dataclass(frozen=True)
class TreeHead:
    tenant: str
    tree_size: int
    root_hash: str
    created_at: str
    key_id: str
    public_key: str
    signature: str
    timestamp_token: str | None = None
    """Base64 DER of an RFC 3161 TimeStampToken over :meth:`digest`; None without a TSA."""

    def signed_part(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "created_at": self.created_at,
            "key_id": self.key_id,
        }

    def signed_bytes(self) -> bytes:
        return canonical_bytes(self.signed_part())

    def digest(self) -> bytes:
        """What a timestamp authority stamps: SHA-256 of the signed bytes."""
        return hashlib.sha256(self.signed_bytes()).digest()

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        if found["timestamp_token"] is None:
            del found["timestamp_token"]
        return found

    @classmethod
    def from_dict(cls, fields: dict[str, Any]) -> TreeHead:
        """A head as a file holds it; TypeError or ValueError when it is not one."""
        head = cls(**fields)
        if not isinstance(head.tree_size, int) or isinstance(head.tree_size, bool):
            raise TypeError("tree_size is not a number")
        bytes.fromhex(head.root_hash)
        return head

    def problem(self) -> str | None:
        """Why the signature does not hold, or None when it does."""
        return _signature_problem(self.public_key, self.key_id, self.signature, self.signed_bytes())


@dataclass(frozen=True)
class CaseHead:
    """How many events a case had at a tree size, and the hash of its last, signed.

    A case proof ends with it, so dropping the case's newest events from the
    file (which leaves the earlier events' chain intact) is seen.
    """

    tenant: str
    case_id: str
    tree_size: int
    events: int
    last_hash: str
    key_id: str
    public_key: str
    signature: str

    def signed_part(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "case_id": self.case_id,
            "tree_size": self.tree_size,
            "events": self.events,
            "last_hash": self.last_hash,
            "key_id": self.key_id,
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def problem(self) -> str | None:
        signed = canonical_bytes(self.signed_part())
        return _signature_problem(self.public_key, self.key_id, self.signature, signed)


def _signature_problem(public_key: str, named: str, signature: str, signed: bytes) -> str | None:
    try:
        public, signature_bytes = bytes.fromhex(public_key), bytes.fromhex(signature)
    except (TypeError, ValueError):
        return "its key or signature is not hex"
    if key_id(public) != named:
        return "its key_id is not the fingerprint of its public key"
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature_bytes, signed)
    except (InvalidSignature, ValueError):
        return "its signature is not valid (forged or altered)"
    return None


def sign_head(
    private_key: Ed25519PrivateKey, *, tenant: str, tree_size: int, root_hash: str, created_at: str
) -> TreeHead:
    public = raw_public_key(private_key)
    unsigned = TreeHead(tenant, tree_size, root_hash, created_at, key_id(public), public.hex(), "")
    signature = private_key.sign(unsigned.signed_bytes()).hex()
    return TreeHead(
        tenant, tree_size, root_hash, created_at, unsigned.key_id, unsigned.public_key, signature
    )


def sign_case_head(
    private_key: Ed25519PrivateKey,
    *,
    tenant: str,
    case_id: str,
    tree_size: int,
    events: int,
    last_hash: str,
) -> CaseHead:
    public = raw_public_key(private_key)
    unsigned = CaseHead(
        tenant, case_id, tree_size, events, last_hash, key_id(public), public.hex(), ""
    )
    signature = private_key.sign(canonical_bytes(unsigned.signed_part())).hex()
    return CaseHead(**{**unsigned.as_dict(), "signature": signature})
