"""RFC 3161 trusted time against a real local TSA (tests/tsa.py): asking, verifying, and
what an auditor's `openssl ts -verify` says about the same token."""

from __future__ import annotations

import hashlib
import socket
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rfc3161_client import decode_timestamp_response

from service.proof.timestamping import (
    TimestampInvalid,
    TimestampUnavailable,
    request_token,
    verify_token,
)
from tests.tsa import LocalTsa, make_ca, make_tsa_certificate, start_tsa

DIGEST = hashlib.sha256(b"tree head 42").digest()
OTHER_DIGEST = hashlib.sha256(b"tree head 43").digest()


@pytest.fixture(scope="module")
def token(tsa: LocalTsa) -> bytes:
    return request_token(tsa.url, DIGEST)


def test_a_token_verifies_and_gives_the_time_the_tsa_signed_it(tsa: LocalTsa) -> None:
    before = datetime.now(UTC)
    token = request_token(tsa.url, DIGEST)
    after = datetime.now(UTC)

    signed_at = verify_token(token, DIGEST, tsa.chain_pem)

    assert signed_at.tzinfo is not None
    assert before.replace(microsecond=0) <= signed_at <= after  # genTime is whole seconds
    assert len(decode_timestamp_response(token).signed_data.certificates) == 1  # certReq


def test_each_request_carries_a_fresh_nonce(tsa: LocalTsa, token: bytes) -> None:
    again = request_token(tsa.url, DIGEST)
    nonces = {decode_timestamp_response(t).tst_info.nonce for t in (token, again)}
    assert len(nonces) == 2


def test_a_token_for_another_digest_fails(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(TimestampInvalid, match="another digest"):
        verify_token(token, OTHER_DIGEST, tsa.chain_pem)


def test_a_tampered_signature_fails(tsa: LocalTsa, token: bytes) -> None:
    tampered = token[:-1] + bytes([token[-1] ^ 0x01])  # the last byte is the signature's
    with pytest.raises(TimestampInvalid, match="signature does not verify"):
        verify_token(tampered, DIGEST, tsa.chain_pem)


def test_a_backdated_gen_time_fails(tsa: LocalTsa, token: bytes) -> None:
    gen_time = decode_timestamp_response(token).tst_info.gen_time
    stamp = gen_time.strftime("%Y%m%d%H%M%SZ").encode()
    assert token.count(stamp) == 1
    backdated = token.replace(stamp, b"2001" + stamp[4:])
    with pytest.raises(TimestampInvalid, match="signature does not verify"):
        verify_token(backdated, DIGEST, tsa.chain_pem)


def test_a_truncated_token_is_malformed(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(TimestampInvalid, match="malformed"):
        verify_token(token[: len(token) // 2], DIGEST, tsa.chain_pem)


def test_another_tsa_certificate_fails(tsa: LocalTsa, token: bytes) -> None:
    other_ca = make_ca()
    other = make_tsa_certificate(other_ca)
    with pytest.raises(TimestampInvalid, match="another TSA certificate"):
        verify_token(token, DIGEST, other.certificate_pem + other_ca.certificate_pem)


def test_another_certificate_of_the_same_ca_fails(tsa: LocalTsa, token: bytes) -> None:
    sibling = make_tsa_certificate(tsa.ca)  # same name, same root, another key
    with pytest.raises(TimestampInvalid, match="another TSA certificate"):
        verify_token(token, DIGEST, sibling.certificate_pem + tsa.ca_pem)


@pytest.fixture(scope="module")
def impostor(tsa: LocalTsa, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTsa]:
    """A TSA whose root and certificate carry exactly the real ones' names and serial,
    with keys of its own: only the signatures tell them apart."""
    ca = make_ca(tsa.ca.certificate.subject.rfc4514_string().removeprefix("CN="))
    forged = make_tsa_certificate(ca, serial=tsa.tsa.certificate.serial_number)
    with start_tsa(tmp_path_factory.mktemp("impostor"), ca=ca, tsa=forged) as running:
        yield running


def test_a_token_of_an_impostor_tsa_fails(tsa: LocalTsa, impostor: LocalTsa) -> None:
    forged = request_token(impostor.url, DIGEST)
    assert verify_token(forged, DIGEST, impostor.chain_pem)  # a good token, of another TSA
    with pytest.raises(TimestampInvalid, match="signature does not verify"):
        verify_token(forged, DIGEST, tsa.chain_pem)


def test_the_tsa_certificate_must_come_with_its_root(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(TimestampInvalid, match="no self-signed root"):
        verify_token(token, DIGEST, tsa.certificate_pem)
    with pytest.raises(TimestampInvalid, match="no PEM certificate"):
        verify_token(token, DIGEST, b"not a certificate")


def test_an_unreachable_tsa_is_unavailable() -> None:
    with socket.socket() as bound:  # held bound, never listening: connecting is refused
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/tsa"
        with pytest.raises(TimestampUnavailable, match="did not answer"):
            request_token(url, DIGEST, timeout=2.0)


def test_only_http_urls_are_asked() -> None:
    with pytest.raises(TimestampUnavailable, match="not http"):
        request_token("file:///etc/hostname", DIGEST)


def test_a_refusing_tsa_is_unavailable_and_named(tmp_path: Path) -> None:
    with (
        start_tsa(tmp_path, digests="sha512") as refusing,
        pytest.raises(TimestampUnavailable, match="refused: status REJECTION"),
    ):
        request_token(refusing.url, DIGEST)


def test_a_digest_is_32_bytes(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        request_token(tsa.url, DIGEST.hex().encode())
    with pytest.raises(ValueError, match="32 bytes"):
        verify_token(token, DIGEST[:20], tsa.chain_pem)


def auditor_verifies(tsa: LocalTsa, token: bytes, digest: bytes, tmp_path: Path) -> str:
    """The auditor's check, as the proof documentation gives it."""
    (tmp_path / "head.tsr").write_bytes(token)
    (tmp_path / "tsa-chain.pem").write_bytes(tsa.chain_pem)
    command = "openssl ts -verify -in head.tsr -digest {} -CAfile tsa-chain.pem"
    checked = subprocess.run(
        command.format(digest.hex()).split(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    return checked.stdout + checked.stderr


def test_openssl_accepts_the_token(tsa: LocalTsa, token: bytes, tmp_path: Path) -> None:
    assert "Verification: OK" in auditor_verifies(tsa, token, DIGEST, tmp_path)


def test_openssl_refuses_another_digest_and_an_impostor(
    tsa: LocalTsa, impostor: LocalTsa, token: bytes, tmp_path: Path
) -> None:
    assert "Verification: FAILED" in auditor_verifies(tsa, token, OTHER_DIGEST, tmp_path)
    forged = request_token(impostor.url, DIGEST)
    assert "Verification: FAILED" in auditor_verifies(tsa, forged, DIGEST, tmp_path)
