"""Health, readiness and the OpenAPI document generated from the validating schemas."""

from __future__ import annotations

from service.schemas import STEP_SCHEMAS
from tests.conftest import Api


def test_health_and_readiness(server: str) -> None:
    api = Api(server)
    assert api.get("/healthz").json() == {"status": "ok"}
    assert api.get("/readyz").status_code == 200


def test_the_openapi_document_names_every_path_and_rejects_unknown_fields(server: str) -> None:
    spec = Api(server).get("/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in STEP_SCHEMAS:
        operation = paths[f"/v1/cases/{{case_id}}/{path}"]["post"]
        assert "201" in operation["responses"] and "400" in operation["responses"]
    for path in [
        "/v1/cases",
        "/v1/cases/{case_id}",
        "/v1/cases/{case_id}/events",
        "/v1/employers",
        "/v1/employers/{employer_id}",
        "/v1/api-keys",
        "/v1/api-keys/{key_id}",
        "/v1/platform/tenants",
        "/v1/cases/{case_id}/document",
    ]:
        assert path in paths
    schemas = spec["components"]["schemas"]
    assert schemas["PlanVanAanpakIn"]["additionalProperties"] is False
    assert "No medical data" in schemas["StepIn"]["properties"]["note"]["description"]


def test_interactive_documentation_is_served(server: str) -> None:
    answer = Api(server).get("/docs")
    assert answer.status_code == 200 and "swagger" in answer.text.lower()
