"""Health, readiness and the OpenAPI document generated from the validating schemas."""

from __future__ import annotations

import json
import time

from service.http.step_schemas import STEP_SCHEMAS
from tests.api.payloads import case_body, step_body
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
    for name in ["NotitieIn", "PlanVanAanpakIn", "CaseOpenIn"]:
        assert "No medical data" in schemas[name]["properties"]["note"]["description"]
    assert "No medical data" in schemas["PlanVanAanpakIn"]["properties"]["goal"]["description"]
    advice = schemas["ArbeidsdeskundigOnderzoekIn"]["properties"]["advice"]
    assert advice["enum"] == ["eigen_werk", "aangepast_werk", "ander_werk_intern", "spoor_2"]


def test_interactive_documentation_is_served(server: str) -> None:
    answer = Api(server).get("/docs")
    assert answer.status_code == 200 and "swagger" in answer.text.lower()


def test_readiness_names_a_lagging_tenant_until_it_catches_up_and_stays_200(
    admin: Api,
    admin_slug: str,
    case_id: str,
    runner,
    tenancy,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """A lagging tenant is reported per tenant; the process stays in the load balancer."""
    import threading
    from dataclasses import replace

    from werkzeug.serving import make_server

    from service.http.app import create_app
    from service.operations.projection_runner import ProjectionRunner

    runner.stop()
    for _ in range(3):
        admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie"))
    strict = create_app(replace(settings, max_projection_lag=0), tenancy)
    http = make_server("127.0.0.1", 0, strict, threaded=True)
    threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    probe = Api(f"http://127.0.0.1:{http.server_port}")

    def tenant() -> dict:  # type: ignore[type-arg]
        answer = probe.get("/readyz")
        assert answer.status_code == 200, answer.text
        return answer.json()["tenants"][admin_slug]

    try:
        lagging = probe.get("/readyz").json()
        assert lagging["status"] == "ready" and lagging["max_lag"] == 0
        assert lagging["tenants_not_ready"] == [admin_slug]
        assert any(line.startswith(f"case_list of {admin_slug}") for line in lagging["lagging"])
        assert tenant()["ready"] is False
        assert tenant()["projections"]["case_list"]["lag"] >= 3
        with ProjectionRunner(tenancy, poll_interval=0.05):
            for _ in range(100):
                if tenant()["ready"]:
                    break
                time.sleep(0.05)
            status = tenant()
            assert status["ready"] is True
            assert status["projections"]["case_list"] == {"lag": 0, "quarantined": 0}
            assert status["quarantined"] == []
    finally:
        http.shutdown()


def test_metrics_count_requests_events_and_projection_lag(admin: Api, case_id: str) -> None:
    admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie"))
    text = Api(admin.base).get("/metrics").text
    assert (
        'spoorlog_http_requests_total{method="POST",route="/v1/cases/<case_id>/notitie",status="201"}'
        in text
    )
    assert "spoorlog_http_request_duration_seconds_bucket" in text
    assert "spoorlog_events_appended_total" in text
    assert 'spoorlog_projection_lag_events{projection="case_list"}' in text
    assert "spoorlog_tenants_not_ready" in text


def test_request_logs_are_json_with_ids_and_no_case_content(admin: Api, employer_id: str) -> None:
    import io
    import logging

    from service.operations.observability import JsonFormatter

    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("spoorlog.http")
    logger.addHandler(handler)
    try:
        answer = admin.post("/v1/cases", case_body(employer_id), headers={"X-Request-Id": "req-42"})
    finally:
        logger.removeHandler(handler)
    assert answer.headers["X-Request-Id"] == "req-42"
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    entry = next(line for line in lines if line.get("request_id") == "req-42")
    assert entry["route"] == "/v1/cases" and entry["status"] == 201
    assert entry["tenant"] and entry["actor"] and entry["duration_ms"] >= 0
    assert "Fictief" not in written.getvalue()
