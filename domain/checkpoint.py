"""The tenant's chain over its feed, and signed checkpoints of its head.

Each case has its own hash chain (:mod:`domain.hashchain`), but removing a
whole case, or the newest event, leaves every remaining case chain intact.
So the feed — every event of the tenant in recording order, position 1, 2,
3, … — is chained too: ``chain`` of position *p* is SHA-256 over the chain of
*p - 1* and the canonical form of the feed line. Earlier releases signed the
head of that chain as a *checkpoint*; those stay in stores and exports and
verify as they did. New heads sign the tenant's Merkle log instead
(:mod:`domain.tree_head`, :mod:`domain.merkle`; docs/proof.md), and every
exported line still carries its ``chain``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.commitments import hashed_form
from domain.hashchain import canonical_bytes


def link(previous: str, line: Mapping[str, Any]) -> str:
    """The tenant chain after ``line`` (a feed line without its own ``chain`` field).

    Over the line's hashed form (personal values as their commitments), so erasing
    them later changes no chain; for a line without personal values, the line itself.
    """
    form = canonical_bytes(hashed_form(line))
    return hashlib.sha256(previous.encode("ascii") + form).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    tenant: str
    position: int
    head_hash: str
    created_at: str
    signature: str
    public_key: str

    def signed_part(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "position": self.position,
            "head_hash": self.head_hash,
            "created_at": self.created_at,
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def signature_is_valid(self, public_key: str | None = None) -> bool:
        """Valid for the key it names, or for ``public_key`` when an auditor pins one."""
        key = public_key or self.public_key
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(key)).verify(
                bytes.fromhex(self.signature), canonical_bytes(self.signed_part())
            )
        except (InvalidSignature, ValueError):
            return False
        return True


def new_private_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_key_of(private_key: bytes) -> str:
    public = Ed25519PrivateKey.from_private_bytes(private_key).public_key()
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def sign(
    private_key: bytes, *, tenant: str, position: int, head_hash: str, created_at: str
) -> Checkpoint:
    unsigned = Checkpoint(tenant, position, head_hash, created_at, "", public_key_of(private_key))
    signature = Ed25519PrivateKey.from_private_bytes(private_key).sign(
        canonical_bytes(unsigned.signed_part())
    )
    return Checkpoint(tenant, position, head_hash, created_at, signature.hex(), unsigned.public_key)
