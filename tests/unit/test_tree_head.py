"""Signed heads and the keys an auditor pins: what a signature binds, and what a pin file
may hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from domain.tree_head import TreeHead, key_id, raw_public_key, sign_case_head, sign_head
from service.proof.signing import new_key_pem, pinned_keys, public_pem


def head(key: Ed25519PrivateKey) -> TreeHead:
    return sign_head(
        key, tenant="bureau", tree_size=7, root_hash="ab" * 32, created_at="2026-11-25T10:00:00Z"
    )


def test_a_head_binds_every_signed_member_and_its_key() -> None:
    key = Ed25519PrivateKey.generate()
    signed = head(key)
    assert signed.problem() is None
    assert signed.key_id == key_id(raw_public_key(key))
    for member, value in (("tree_size", 6), ("root_hash", "cd" * 32), ("tenant", "ander")):
        altered = TreeHead(**{**signed.as_dict(), member: value})
        assert altered.problem() == "its signature is not valid (forged or altered)"
    other = head(Ed25519PrivateKey.generate())
    swapped = TreeHead(**{**signed.as_dict(), "public_key": other.public_key})
    assert swapped.problem() == "its key_id is not the fingerprint of its public key"
    assert TreeHead(**{**signed.as_dict(), "signature": "zz"}).problem() is not None
    # the timestamp token is not signed: adding one later leaves the signature valid
    assert TreeHead(**{**signed.as_dict(), "timestamp_token": "AA=="}).problem() is None


def test_a_case_head_binds_its_count_and_last_hash() -> None:
    key = Ed25519PrivateKey.generate()
    case = sign_case_head(
        key, tenant="bureau", case_id="c", tree_size=9, events=3, last_hash="ef" * 32
    )
    assert case.problem() is None
    fewer = type(case)(**{**case.as_dict(), "events": 2})
    assert fewer.problem() == "its signature is not valid (forged or altered)"


def test_a_pin_file_holds_published_keys_and_hex_keys(tmp_path: Path) -> None:
    keys = [load_pem_private_key(new_key_pem(), None) for _ in range(3)]
    raw = [raw_public_key(k).hex() for k in keys]  # type: ignore[arg-type]
    published = tmp_path / "published.pem"
    published.write_text(public_pem(keys[0]) + public_pem(keys[1]))  # type: ignore[arg-type]
    assert pinned_keys([str(published), raw[2].upper()]) == set(raw)
    assert key_id(bytes.fromhex(raw[0])) not in pinned_keys([str(published)])  # not a key
    for wrong in ("not-a-key", str(tmp_path)):
        with pytest.raises(ValueError):
            pinned_keys([wrong])
