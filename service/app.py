"""The Flask app factory: one Tenancy per process, every API blueprint, problems for errors."""

from __future__ import annotations

from flask import Flask

from projections.runner import ReadModels
from service import (
    api_access,
    api_cases,
    api_employers,
    api_feed,
    api_operations,
    api_proof,
    api_settings,
    api_worklist,
    observability,
    problems,
    security_headers,
)
from service.config import Settings
from service.conventions import Api
from service.tenancy import Tenancy


def create_app(settings: Settings | None = None, tenancy: Tenancy | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask("spoorlog")
    app.config.update(
        API_TITLE="Spoorlog",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="v1/openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        MAX_CONTENT_LENGTH=settings.max_document_bytes + 64 * 1024,
        JSON_SORT_KEYS=False,
    )
    tenancy = tenancy or Tenancy(settings)
    read_models = ReadModels(tenancy)
    app.extensions["spoorlog"] = tenancy
    app.extensions["spoorlog.read_models"] = read_models
    observability.configure_logging()
    observability.register(app, tenancy, read_models, settings.max_projection_lag)
    api = Api(
        app,
        spec_kwargs={
            "info": {
                "description": "Event-sourced Wet verbetering poortwachter case files. "
                "See README.md for the hash chain's canonical form."
            },
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    blueprints = (
        api_access.platform,
        api_access.keys,
        api_employers.blp,
        api_cases.blp,
        api_feed.blp,
        api_worklist.blp,
        api_settings.blp,
        api_proof.blp,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.register_blueprint(api_operations.blp)
    problems.register(app)
    security_headers.register(app)
    return app
