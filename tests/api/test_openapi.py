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
