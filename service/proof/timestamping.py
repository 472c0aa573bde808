"""Trusted time for tree heads: an RFC 3161 timestamp authority vouches that a digest
existed at a moment, so a proof shows it was made before, say, the end of week 104.

A *token* here is the TSA's whole answer, the DER ``TimeStampResp`` (RFC 3161 §2.4.2:
status, then the TimeStampToken). That is what rfc3161-client parses and what an auditor
checks with ``openssl ts -verify -in TOKEN -digest HEX -CAfile TSA_CHAIN`` as it is.

The message imprint is the caller's SHA-256 digest itself (not a hash of it), so the
auditor's ``-digest`` is the hex of the very digest the proof states.
"""

from __future__ import annotations

import http.client
import secrets
import urllib.request
from datetime import datetime

from asn1crypto import tsp
from cryptography import x509
from rfc3161_client import (
    PKIStatus,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)
from rfc3161_client.verify import SHA256_OID

SHA256 = x509.ObjectIdentifier(SHA256_OID)

LARGEST_ANSWER = 1 << 20
"""A token is a few kilobytes; a TSA that sends more than this is not answering."""


class TimestampError(Exception):
    """No trusted time: the reason is in the message."""


class TimestampUnavailable(TimestampError):
    """The TSA gave no usable token (unreachable, refused, or answered something else);
    the caller decides whether a tree head goes out without one."""


class TimestampInvalid(TimestampError):
    """A token does not prove that this digest existed at its time, by this TSA."""


def request_token(url: str, digest: bytes, *, timeout: float = 5.0) -> bytes:
    """Ask the TSA at ``url`` to timestamp a SHA-256 ``digest``; the DER TimeStampResp.

    The request carries a random nonce and certReq (RFC 3161 §2.4.1), so the token holds
    the TSA's certificate and cannot be a replayed answer. The answer is checked to be
    granted and about this request; its signature is `verify_token`'s job, which needs
    the TSA's certificate. ``timeout`` bounds connecting and each read.
    """
    _require_sha256(digest)
    if not url.startswith(("http://", "https://")):
        raise TimestampUnavailable(f"the TSA URL {url!r} is not http(s) (RFC 3161 §3.4)")
    nonce = secrets.randbits(64)
    # rfc3161-client builds a request only from the data, hashing it itself; the imprint
    # must be the digest we were given, hence asn1crypto for the request.
    query = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    ).dump()
    request = urllib.request.Request(
        url, data=query, method="POST", headers={"Content-Type": "application/timestamp-query"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read(LARGEST_ANSWER + 1)
    except (OSError, http.client.HTTPException) as error:  # URLError and timeouts are OSErrors
        raise TimestampUnavailable(f"the TSA at {url} did not answer: {error}") from error
    if len(body) > LARGEST_ANSWER:
        raise TimestampUnavailable(f"the TSA at {url} answered more than {LARGEST_ANSWER} bytes")
    try:
        response = decode_timestamp_response(body)
    except ValueError as error:
        raise TimestampUnavailable(
            f"the TSA at {url} answered no TimeStampResp: {error}"
        ) from error
    try:
        _require_granted_for(response, digest)
    except TimestampInvalid as error:
        raise TimestampUnavailable(f"the TSA at {url} gave no usable token: {error}") from error
    if response.tst_info.nonce != nonce:
        raise TimestampUnavailable(f"the TSA at {url} answered another request (nonce differs)")
    return body


def verify_token(token: bytes, digest: bytes, tsa_certificate_pem: bytes) -> datetime:
    """The time (genTime, UTC) at which the TSA vouches ``digest`` existed.

    ``tsa_certificate_pem`` is the TSA's certificate followed by the certificates that
    issued it, up to a self-signed root: the same file an auditor gives ``openssl ts
    -verify -CAfile``. Checked: the token is a granted TimeStampResp, its imprint is
    exactly this SHA-256 digest, its signer (RFC 5652 §5.3) is exactly this TSA
    certificate, which has the critical timeStamping EKU (RFC 3161 §2.3) and chains to the
    root as of genTime, and the CMS signature holds. Raises `TimestampInvalid` naming the
    first thing that is wrong.
    """
    _require_sha256(digest)
    try:
        response = decode_timestamp_response(token)
    except ValueError as error:
        raise TimestampInvalid(f"the token is malformed, not a TimeStampResp: {error}") from error
    _require_granted_for(response, digest)
    certificate, issuers = _tsa_certificates(tsa_certificate_pem)
    signers = {
        (signer.issuer, signer.serial_number) for signer in response.signed_data.signer_infos
    }
    if (certificate.issuer, certificate.serial_number) not in signers:
        # Named here because the library would first fail on the chain, less plainly.
        raise TimestampInvalid(
            f"the token is signed by another TSA certificate than "
            f"{certificate.subject.rfc4514_string()} (serial {certificate.serial_number:x})"
        )
    builder = VerifierBuilder(tsa_certificate=certificate)
    for issuer in issuers:
        if issuer.issuer == issuer.subject:
            builder = builder.add_root_certificate(issuer)
        else:
            builder = builder.add_intermediate_certificate(issuer)
    try:
        builder.build().verify(response, digest)
    except ValueError as error:  # build(): no root
        raise TimestampInvalid(
            f"the TSA certificate file has no self-signed root after the TSA's certificate: {error}"
        ) from error
    except VerificationError as error:
        raise TimestampInvalid(
            f"the token's signature does not verify with this TSA certificate: {error}"
        ) from error
    return response.tst_info.gen_time


def _require_sha256(digest: bytes) -> None:
    if len(digest) != 32:
        raise ValueError(f"a SHA-256 digest is 32 bytes, not {len(digest)}")


def _require_granted_for(response: TimeStampResponse, digest: bytes) -> None:
    """A granted answer (RFC 3161 §2.4.2: only then is there a token) whose imprint is the
    one requested. SHA-256 is the only hash this log uses."""
    if response.status != PKIStatus.GRANTED:
        reason = "; ".join(response.status_string) or "no reason given"
        raise TimestampInvalid(f"refused: status {PKIStatus(response.status).name} ({reason})")
    try:
        imprint = response.tst_info.message_imprint
    except ValueError as error:
        raise TimestampInvalid(f"the token is malformed: {error}") from error
    if imprint.hash_algorithm != SHA256:
        raise TimestampInvalid(
            f"another digest: the token's imprint is not SHA-256 but "
            f"{imprint.hash_algorithm.dotted_string}"
        )
    if imprint.message != digest:
        raise TimestampInvalid(
            f"another digest: the token is over {imprint.message.hex()}, not {digest.hex()}"
        )


def _tsa_certificates(pem: bytes) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The TSA's certificate (the first in the file) and the ones that issued it."""
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise TimestampInvalid(
            f"the TSA certificate file holds no PEM certificate: {error}"
        ) from error
    if len(certificates) == 1 and certificates[0].issuer == certificates[0].subject:
        return certificates[0], certificates  # a self-signed TSA is its own root
    return certificates[0], certificates[1:]
