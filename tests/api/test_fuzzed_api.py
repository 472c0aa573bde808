"""Schemathesis over the served OpenAPI document: no input gives a 500 or an undocumented body.

Every operation gets requests generated from its own schema, valid and
invalid, on both stores, with an admin key and, most of the time, a case that
exists, so the fuzzing reaches the commands behind the 404 of an unknown id.
Bounded by ``SPOORLOG_FUZZ_EXAMPLES`` per operation and mode (a few minutes
in all); derandomized, so a run is repeatable.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import Api

FUZZ_EXAMPLES = int(os.environ.get("SPOORLOG_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, response_schema_conformance]


def test_no_request_gives_a_server_error_or_an_undocumented_body(
    server: str, admin: Api, case_id: str
) -> None:
    schema = schemathesis.openapi.from_url(f"{server}/v1/openapi.json")
    auth = {"Authorization": f"Bearer {admin.key}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(mode), real_case=st.booleans())
            @settings(
                max_examples=FUZZ_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Any, real_case: bool) -> None:
                if real_case and "case_id" in (case.path_parameters or {}):
                    case.path_parameters["case_id"] = case_id
                case.headers = {**(case.headers or {}), **auth}
                try:
                    case.call_and_validate(base_url=server, checks=CHECKS, timeout=30)
                except (Exception, FailureGroup) as failure:  # a check failed, or the call
                    failures.append(f"{case.operation.label}: {_gist(failure)}")

            call()
    assert not failures, "\n".join(sorted(set(failures)))


def _gist(failure: BaseException) -> str:
    """The failure's kind and first finding, without the repeated schema dumps."""
    lines = [line.strip() for line in str(failure).splitlines() if line.strip()]
    return " | ".join(lines[1:3])[:300]
