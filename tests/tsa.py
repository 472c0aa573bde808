"""A real RFC 3161 timestamp authority on 127.0.0.1, for tests and benchmarks: no network.

Each request is signed by `openssl ts -reply`, the reference implementation an auditor's
`openssl ts -verify` comes from, behind a small HTTP server in a thread (RFC 3161 §3.4:
POST application/timestamp-query, answer application/timestamp-reply). The root CA and
the TSA's certificate are made afresh with `cryptography` on every start.

In pytest: the session fixture ``tsa`` (registered in tests/conftest.py). Elsewhere:

    running = start_tsa(Path("/tmp/tsa"))
    ...  # SPOORLOG_TSA_URL=running.url; verify with running.chain_pem
    running.stop()

or `python -m tests.tsa DIRECTORY`, which serves until interrupted.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

POLICY = "1.3.6.1.4.1.99999.3161.1"
"""The test TSA's policy OID (RFC 3161 §2.4.2 TSAPolicyId): any OID will do for tests."""


@dataclass(frozen=True)
class Authority:
    """A key and its certificate: a root CA or a TSA."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def make_ca(name: str = "Spoorlog Test Root CA") -> Authority:
    """A self-signed root, valid from yesterday for a year."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (
        _builder(subject, subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return Authority(key, certificate)


def make_tsa_certificate(
    ca: Authority, name: str = "Spoorlog Test TSA", serial: int | None = None
) -> Authority:
    """A TSA certificate issued by ``ca``: extendedKeyUsage timeStamping only, critical,
    as RFC 3161 §2.3 requires of a TSA's signing certificate. ``serial`` lets a test make
    an impostor that names itself exactly as a real TSA does."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (
        _builder(subject, ca.certificate.subject, key.public_key(), serial)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    return Authority(key, certificate)


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    serial: int | None = None,
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
    )


@dataclass
class LocalTsa:
    """A running test TSA: where to ask, and what a verifier trusts."""

    url: str
    ca: Authority
    tsa: Authority
    directory: Path
    _server: ThreadingHTTPServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def certificate_pem(self) -> bytes:
        """The TSA's own certificate (the one that signs the tokens)."""
        return self.tsa.certificate_pem

    @property
    def ca_pem(self) -> bytes:
        return self.ca.certificate_pem

    @property
    def chain_pem(self) -> bytes:
        """The TSA's certificate, then its root: what `verify_token` takes and what an
        auditor passes to `openssl ts -verify -CAfile` (also written to chain.pem)."""
        return self.certificate_pem + self.ca_pem

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> LocalTsa:
        return self

    def __exit__(self, *exception: object) -> None:
        self.stop()


def start_tsa(
    directory: Path,
    ca: Authority | None = None,
    tsa: Authority | None = None,
    digests: str = "sha256, sha384, sha512",
) -> LocalTsa:
    """Serve RFC 3161 on a free port of 127.0.0.1, signing with ``tsa`` (issued by ``ca``;
    both made afresh when not given); its files go to ``directory``. ``digests`` are the
    imprint algorithms it grants; it refuses others (badAlg)."""
    if shutil.which("openssl") is None:
        raise RuntimeError("the test TSA signs with `openssl ts -reply`: install openssl")
    directory.mkdir(parents=True, exist_ok=True)
    ca = ca or make_ca()
    tsa = tsa or make_tsa_certificate(ca)
    (directory / "ca.pem").write_bytes(ca.certificate_pem)
    (directory / "tsa.pem").write_bytes(tsa.certificate_pem)
    (directory / "tsa.key").write_bytes(tsa.key_pem)
    (directory / "chain.pem").write_bytes(tsa.certificate_pem + ca.certificate_pem)
    (directory / "serial").write_text("01\n")
    config = directory / "openssl-tsa.cnf"
    config.write_text(_OPENSSL_CONFIG.format(directory=directory, policy=POLICY, digests=digests))

    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(config))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/tsa"
    return LocalTsa(url, ca, tsa, directory, server, thread)


_OPENSSL_CONFIG = """\
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
serial = {directory}/serial
crypto_device = builtin
signer_cert = {directory}/tsa.pem
signer_key = {directory}/tsa.key
signer_digest = sha256
default_policy = {policy}
digests = {digests}
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""
"""`openssl ts -reply`'s TSA section (see `man openssl-ts`): the token carries the TSA's
certificate (certReq) and names it by an ESSCertIDv2 (RFC 5816). No `certs =` line: openssl
would add the root in chain order, not in the DER order of a SET OF (X.690 §11.6), and
rfc3161-client refuses such a token as malformed."""


def _handler(config: Path) -> type[BaseHTTPRequestHandler]:
    serial = threading.Lock()  # openssl reads and rewrites the serial file on every reply

    class TimestampHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self._answer(415, b"expected application/timestamp-query", "text/plain")
                return
            query = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with serial:
                signed = subprocess.run(
                    ["openssl", "ts", "-reply", "-config", str(config), "-queryfile", "/dev/stdin"],
                    input=query,
                    capture_output=True,
                    check=False,
                )
            if signed.returncode != 0:
                self._answer(500, signed.stderr, "text/plain")
                return
            self._answer(200, signed.stdout, "application/timestamp-reply")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests' output is not the place for an access log."""

    return TimestampHandler


@pytest.fixture(scope="session")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTsa]:
    """A real local RFC 3161 TSA for the session: ``tsa.url`` to ask, ``tsa.chain_pem``
    (the TSA certificate, then its root) to verify with; ``tsa.directory`` holds them as
    files (chain.pem, tsa.pem, ca.pem) for `openssl ts -verify`."""
    running = start_tsa(tmp_path_factory.mktemp("tsa"))
    yield running
    running.stop()


if __name__ == "__main__":
    running = start_tsa(Path(sys.argv[1] if len(sys.argv) > 1 else "tsa"))
    print(f"SPOORLOG_TSA_URL={running.url}")
    print(f"TSA certificate chain: {running.directory / 'chain.pem'}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        running.stop()
