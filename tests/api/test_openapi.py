"""The served OpenAPI document is a valid OpenAPI 3 document.

Every answer of the API tests is checked against it by the tests' client
(``Api`` in tests/conftest.py); this checks the document itself.
"""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from tests.conftest import Api


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_served_document_is_valid_openapi_3(server: str) -> None:
    document = Api(server).get("/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    validate(document)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_every_input_is_bounded(server: str) -> None:
    """No request field takes an unbounded string, list or number: a new step cannot
    bring one in unnoticed (absurd sizes are 400 before anything is stored)."""
    document = Api(server).get("/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    inputs = {name: schema for name, schema in schemas.items() if name.endswith(("In", "Args"))}
    assert len(inputs) > 30
    unbounded = []
    for name, schema in inputs.items():
        for field, spec in schema.get("properties", {}).items():
            kind = spec.get("type")
            bounded = (
                kind == "boolean"
                or "$ref" in spec
                or "enum" in spec
                or (
                    kind == "string"
                    and ("maxLength" in spec or "format" in spec or "pattern" in spec)
                )
                or (kind == "array" and "maxItems" in spec)
                or (kind in ("integer", "number") and "maximum" in spec and "minimum" in spec)
                or (kind == "object" and "maxProperties" in spec)
            )
            if not bounded:
                unbounded.append(f"{name}.{field}: {spec}")
    assert not unbounded, "\n".join(unbounded)
