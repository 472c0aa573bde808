"""``/docs``: Swagger UI over the served OpenAPI document, entirely from this process.

The assets come from the pinned ``flask-swagger-ui`` package (its ``dist``
folder is Swagger UI's own release), so the page works without internet and
the browser runs no script from anywhere else. The page has no inline script
either: the start-up lines are a file of their own, which lets the page's
Content-Security-Policy say ``script-src 'self'``.
"""

from __future__ import annotations

from importlib.metadata import version
from importlib.resources import files

from flask import Blueprint, Response, send_from_directory

blp = Blueprint("api_docs", __name__)

ASSETS = str(files("flask_swagger_ui") / "dist")
"""Swagger UI's release files as the package ships them."""
SWAGGER_UI_VERSION = version("flask-swagger-ui")

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Spoorlog API</title>
  <meta name="swagger-ui-version" content="{SWAGGER_UI_VERSION}">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/start.js"></script>
</body>
</html>
"""

START = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout",
    validatorUrl: null
  });
});
"""
"""``validatorUrl: null``: Swagger UI would otherwise send the document to an outside validator."""


@blp.get("/docs")
@blp.get("/docs/")
def page() -> Response:
    return Response(PAGE, mimetype="text/html")


@blp.get("/docs/start.js")
def start() -> Response:
    return Response(START, mimetype="text/javascript")


@blp.get("/docs/assets/<path:name>")
def asset(name: str) -> Response:
    """A file of Swagger UI's release; anything else is 404 (send_from_directory's guard)."""
    return send_from_directory(ASSETS, name, max_age=86400)
