"""The Flask app factory: one Tenancy per process, every API blueprint, problems for errors."""

from __future__ import annotations

from flask import Flask

from service.application.tenancy import Tenancy
from service.config import Settings
from service.http import problems, security_headers
from service.http.conventions import Api
from service.http.views import (
    access,
    api_docs,
    cases,
    dossier,
    employers,
    feed,
    operations,
    proof,
    retention,
    trajectories,
    worklist,
)
from service.http.views import (
    settings as bureau_settings,
)
from service.operations import observability
from service.operations.projection_runner import ReadModels
from service.proof import signing


def create_app(settings: Settings | None = None, tenancy: Tenancy | None = None) -> Flask:
    settings = settings or Settings.from_env()
    signing.check_key_file()
    app = Flask("spoorlog")
    app.config.update(
        API_TITLE="Spoorlog",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="v1/openapi.json",
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
                "The project's docs/api.md is the guide; an event's hash and its canonical form "
                "are in the README, the Merkle log and proofs in docs/proof.md."
            },
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    blueprints = (
        access.platform,
        access.keys,
        employers.blp,
        cases.blp,
        dossier.blp,
        feed.blp,
        worklist.blp,
        bureau_settings.blp,
        proof.blp,
        trajectories.blp,
        retention.blp,
        retention.policy_blp,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.register_blueprint(operations.blp)
    app.register_blueprint(api_docs.blp)
    problems.register(app)
    security_headers.register(app)
    return app
