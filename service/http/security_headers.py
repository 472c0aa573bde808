"""Headers every answer carries, so browsers and proxies treat case data as what it is.

Case data is personal data of sick employees (AVG): no cache may keep it, no
browser may guess a document's type and run it, and no page may be framed.
"""

from __future__ import annotations

from flask import Flask, Response, request

DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)
"""The audit trail as HTML: inline styles only, nothing loaded, nothing run."""
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
"""The interactive API documentation: scripts of this process only (no inline script);
Swagger UI sets style attributes, hence inline styles; calls to this API only."""
PUBLIC_PATHS = ("/v1/openapi.json", "/docs", "/healthz", "/metrics")
"""Answers without personal data; everything else may carry some."""


def register(app: Flask) -> None:
    @app.after_request
    def secure(response: Response) -> Response:
        headers = response.headers
        headers["X-Content-Type-Options"] = "nosniff"
        headers.setdefault("Referrer-Policy", "no-referrer")
        if not request.path.startswith(PUBLIC_PATHS):
            headers["Cache-Control"] = "no-store"
        if response.mimetype == "text/html":
            docs = request.path.startswith("/docs")
            headers["Content-Security-Policy"] = DOCS_CSP if docs else DOCUMENT_CSP
            headers["X-Frame-Options"] = "DENY"
        return response
