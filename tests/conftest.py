"""Fixtures for real stores: SQLite files and a PostgreSQL database of the tests' own.

PostgreSQL tests run when the server answers (SPOORLOG_TEST_DATABASE_URL, or
the local default). Under CI=true an unreachable PostgreSQL fails the run
instead of skipping it: CI must prove both stores.
"""

from __future__ import annotations

import json as json_module
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from jsonschema import Draft4Validator
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.paths.exceptions import PathError
from werkzeug.serving import make_server

from service.application.tenancy import Tenancy
from service.config import Settings
from service.http.app import create_app
from service.operations.projection_runner import ProjectionRunner

pytest_plugins = ("tests.tsa",)  # the ``tsa`` fixture: a real local RFC 3161 TSA

ADMIN_URL = os.environ.get(
    "SPOORLOG_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TEST_DB = f"spoorlog_test_{os.getpid()}"
"""A database per test session, so parallel runs (a developer's and CI's) never collide."""
OPERATOR_KEY = "test-operator-key"


def _admin(sql: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session, or a skip (a failure under CI)."""
    try:
        _admin(f"DROP DATABASE IF EXISTS {TEST_DB} WITH (FORCE)")
        _admin(f"CREATE DATABASE {TEST_DB}")
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests, but PostgreSQL is unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    yield ADMIN_URL.rsplit("/", 1)[0] + "/" + TEST_DB
    _admin(f"DROP DATABASE IF EXISTS {TEST_DB} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> str:
    """Run the test once per store."""
    return request.param


@pytest.fixture
def settings(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    url = request.getfixturevalue("postgres_url") if store == "postgres" else None
    return Settings(
        database_url=url,
        data_dir=tmp_path / "data",
        operator_key=OPERATOR_KEY,
        application_name=f"spoorlog-test-{uuid.uuid4().hex[:10]}",
        control_schema=f"control_{uuid.uuid4().hex[:10]}",  # each test sees only its tenants
    )


@pytest.fixture
def tenancy(settings: Settings) -> Iterator[Tenancy]:
    tenancy = Tenancy(settings)
    yield tenancy
    tenancy.close()


def unique_slug(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


OUTSIDE_THE_DOCUMENT = ("/healthz", "/readyz", "/metrics", "/docs", "/v1/openapi.json")
"""Paths outside the API document by design: the load balancer's liveness and readiness
probes, Prometheus' scrape, the Swagger UI and the document itself are operations of the
process, not of API v1, so their answers are not validated against it."""

_documents: dict[str, tuple[OpenAPI, dict[str, Any]]] = {}
"""The served OpenAPI document, loaded once per server (by base URL)."""


def served_document(base: str) -> tuple[OpenAPI, dict[str, Any]]:
    if base not in _documents:
        served = requests.get(base + "/v1/openapi.json", timeout=30)
        assert served.status_code == 200, served.text
        config = Config(
            extra_media_type_deserializers={
                "application/problem+json": json_module.loads,
                "application/x-ndjson": _json_lines,
            }
        )
        _documents[base] = OpenAPI.from_dict(served.json(), config=config), served.json()
    return _documents[base]


def _json_lines(body: bytes) -> list[Any]:
    """An export: one JSON value a line."""
    return [json_module.loads(line) for line in body.splitlines() if line.strip()]


def as_documented(base: str, answer: requests.Response) -> None:
    """The answer is one the served OpenAPI document describes: its status, its content
    type and its body; an answer on a path the document does not have is a problem."""
    path = "/" + answer.url.removeprefix(base).lstrip("/").split("?", 1)[0]
    if path.startswith(OUTSIDE_THE_DOCUMENT):
        return
    document, served = served_document(base)
    try:
        document.validate_response(
            RequestsOpenAPIRequest(answer.request), RequestsOpenAPIResponse(answer)
        )
    except PathError:
        # No such path or method in the document (a 404 or 405): still a documented problem.
        assert answer.status_code >= 400, f"{answer.request.method} {path} is not documented"
        content_type = answer.headers.get("Content-Type", "").split(";")[0]
        assert content_type == "application/problem+json", (path, answer.status_code)
        problem = served["components"]["schemas"]["ProblemOut"]
        Draft4Validator(problem).validate(answer.json())
    except Exception as error:
        raise AssertionError(
            f"{answer.request.method} {path} answered {answer.status_code} "
            f"{answer.headers.get('Content-Type')} not as documented: {error!r}; "
            f"{_causes(error)}\n{answer.text[:500]}"
        ) from error


def _causes(error: BaseException) -> str:
    """openapi-core's schema errors keep the reasons in nested exceptions."""
    found = []
    for nested in getattr(error, "schema_errors", None) or []:
        found.append(f"{list(nested.absolute_path)}: {nested.message}")
    if error.__cause__ is not None:
        found.append(f"{error.__cause__}; {_causes(error.__cause__)}")
    return "; ".join(f for f in found if f)


class Api:
    """A client of the real API over HTTP, acting with one key.

    Every answer it receives is checked against the served OpenAPI document.
    """

    def __init__(self, base: str, key: str | None = None) -> None:
        self.base = base
        self.key = key
        self.http = requests.Session()

    def as_key(self, key: str | None) -> Api:
        return Api(self.base, key)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.key is not None:
            headers.setdefault("Authorization", f"Bearer {self.key}")
        answer = self.http.request(method, self.base + path, headers=headers, timeout=30, **kwargs)
        as_documented(self.base, answer)
        return answer

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def runner(tenancy: Tenancy) -> Iterator[ProjectionRunner]:
    """The projection runner, in this process, as `spoorlog serve` runs it beside the API."""
    with ProjectionRunner(tenancy, poll_interval=0.05, refresh_interval=0.2) as running:
        yield running


@pytest.fixture
def server(tenancy: Tenancy, settings: Settings, runner: ProjectionRunner) -> Iterator[str]:
    """The real Flask app behind a real threaded HTTP server on a free port."""
    app = create_app(settings, tenancy)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    base = f"http://127.0.0.1:{http.server_port}"
    yield base
    http.shutdown()
    _documents.pop(base, None)


@pytest.fixture
def operator(server: str) -> Api:
    return Api(server, OPERATOR_KEY)


@pytest.fixture
def admin(operator: Api) -> Api:
    """An admin key of a fresh tenant."""
    answer = operator.post("/v1/platform/tenants", {"slug": unique_slug(), "name": "Bureau Test"})
    assert answer.status_code == 201, answer.text
    return operator.as_key(answer.json()["admin_key"])


@pytest.fixture
def admin_slug(admin: Api, tenancy: Tenancy) -> str:
    """The tenant of the ``admin`` key, as the control plane knows it."""
    assert admin.key is not None
    found = tenancy.control.authenticate(admin.key)
    assert found is not None
    return found[0]


@pytest.fixture
def employer_id(admin: Api) -> str:
    answer = admin.post(
        "/v1/employers",
        {
            "name": "Bakkerij Voorbeeld",
            "eigenrisicodrager_zw": False,
            "eigenrisicodrager_wga": False,
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


@pytest.fixture
def case_id(admin: Api, employer_id: str) -> str:
    from tests.api.payloads import case_body

    answer = admin.post("/v1/cases", case_body(employer_id))
    assert answer.status_code == 201, answer.text
    return answer.json()["case_id"]


def key_of_another_employer(admin: Api) -> Api:
    """An employer-role key scoped to a fresh employer: it must see no other employer's case."""
    other = admin.post(
        "/v1/employers",
        {"name": "Ander B.V.", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
    ).json()["id"]
    key = admin.post(
        "/v1/api-keys", {"name": "ander", "role": "employer", "employer_ids": [other]}
    ).json()["key"]
    return admin.as_key(key)
