"""Which key signs a tenant's tree heads, and how a bureau publishes it.

With ``SPOORLOG_SIGNING_KEY_FILE`` (an Ed25519 private key, PEM) the key lives
outside every tenant store: someone who can write the database cannot re-sign
a forged history. Unset, each tenant's own key in its store signs, as before —
the embedded default, for a laptop or a trial. Rotating is pointing the
variable at a new file: every head names its ``key_id`` and public key, so
heads signed with the old key stay verifiable against the old pin.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from domain.checkpoint import new_private_key
from domain.tree_head import key_id, raw_public_key

KEY_FILE_VARIABLE = "SPOORLOG_SIGNING_KEY_FILE"
PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


class SigningKeyError(RuntimeError):
    """The configured key file is missing or holds no Ed25519 private key."""


_loaded: dict[tuple[str, float], Ed25519PrivateKey] = {}


def key_file() -> str | None:
    return os.environ.get(KEY_FILE_VARIABLE) or None


def _from_file(path: str) -> Ed25519PrivateKey:
    try:
        stamp = (path, Path(path).stat().st_mtime)
        if stamp not in _loaded:
            key = load_pem_private_key(Path(path).read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise SigningKeyError(f"{KEY_FILE_VARIABLE}: {path} is not an Ed25519 key")
            _loaded[stamp] = key
        return _loaded[stamp]
    except (OSError, ValueError, TypeError) as error:
        raise SigningKeyError(f"{KEY_FILE_VARIABLE}: cannot read {path}: {error}") from error


def check_key_file() -> None:
    """Refuse to start on an unusable key file, rather than fail at the first signing
    (a 500 on ``POST /v1/checkpoints``, a runner that logs and signs nothing)."""
    path = key_file()
    if path:
        _from_file(path)


def store_key(recorder: Any) -> Ed25519PrivateKey:
    """The tenant's own key, made on first use and kept in its store."""
    found = recorder.checkpoint_rows("signing_key")
    if not found:
        recorder.checkpoint_rows("add_signing_key", (new_private_key(),), write=True)
        found = recorder.checkpoint_rows("signing_key")  # another process may have won the race
    return Ed25519PrivateKey.from_private_bytes(bytes(found[0][0]))


def signing_key(recorder: Any) -> Ed25519PrivateKey:
    """The key file's key when one is configured, else the tenant's own."""
    path = key_file()
    return _from_file(path) if path else store_key(recorder)


def new_key_pem() -> bytes:
    """A fresh Ed25519 private key as PEM (PKCS#8), for a key file."""
    return Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )


def public_pem(private_key: Ed25519PrivateKey) -> str:
    """What a bureau publishes: the public key as PEM, and its key id."""
    pem = private_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return f"{pem.decode('ascii')}key_id: {key_id(raw_public_key(private_key))}\n"


def pinned_keys(values: list[str]) -> set[str]:
    """The public keys (raw, hex) an auditor pins: each value a hex key, or a file of PEM
    public keys (such as ``spoorlog keys public`` prints, one after another) or hex lines."""
    found: set[str] = set()
    for value in values:
        path = Path(value)
        text = path.read_text(encoding="utf-8") if path.is_file() else value
        blocks = PEM_BLOCK.findall(text)
        for block in blocks:
            key = load_pem_public_key(block.encode("ascii"))
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError(f"{value}: a public key that is not Ed25519")
            found.add(key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex())
        rest = re.sub(r"key_id:\s*\S+", "", PEM_BLOCK.sub("", text))
        for word in rest.split():
            if re.fullmatch(r"[0-9a-fA-F]{64}", word):
                found.add(word.lower())
        if not blocks and not re.search(r"[0-9a-fA-F]{64}", rest):
            raise ValueError(f"{value}: neither a public key nor a file of public keys")
    return found
