"""``/docs`` works offline: Swagger UI from the app itself, drawn by headless Chromium.

Chromium resolves no host but 127.0.0.1, so a page that still reached for a
CDN would stay blank and the operations would be missing from its DOM.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.api.test_trail_documents_api import chromium
from tests.conftest import Api


@pytest.mark.parametrize("store", ["sqlite"])  # the page does not depend on the store
def test_the_docs_page_renders_every_operation_without_internet(
    server: str, tmp_path: Path
) -> None:
    spec = Api(server).get("/v1/openapi.json").json()
    summaries = [
        operation["summary"]
        for methods in spec["paths"].values()
        for operation in methods.values()
        if isinstance(operation, dict) and operation.get("summary")
    ]
    assert len(summaries) > 20
    drawn = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            # the network closed to outside: every name but the test server's fails to resolve
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--virtual-time-budget=15000",
            "--dump-dom",
            f"{server}/docs",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "opblock-summary" in drawn, drawn[:2000]
    assert "Register a bureau" in drawn
    missing = [s for s in summaries if s.split("\n")[0][:40] not in drawn]
    assert not missing, missing[:5]


def test_the_docs_page_loads_nothing_from_elsewhere(server: str) -> None:
    http = Api(server)
    page = http.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text.replace(server, "")  # every asset by a path of this host
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    for asset in ("/docs/start.js", "/docs/assets/swagger-ui-bundle.js"):
        answer = http.get(asset)
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith("text/javascript")
    assert http.get("/docs/assets/../../__init__.py").status_code == 404
