"""The API's shared conventions: answers, cursors, If-Match and Idempotency-Key."""

from __future__ import annotations

import hashlib
import http
import json
import re
from functools import cache
from typing import Any

from flask import Response, request
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import prepare_response
from marshmallow import Schema
from marshmallow.utils import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest

from service.application.tenant_application import IdempotentRequest, Respond
from service.http import input_guard
from service.http.schemas import ProblemOut


class Parser(FlaskParser):
    """Malformed input is 400 (API conventions); 422 is kept for rules of the case."""

    DEFAULT_VALIDATION_STATUS = 400
    # Unknown query parameters are refused like unknown body fields: a typo
    # such as ?employer= must not silently return every employer's cases.
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": None,
        "querystring": None,
    }

    def _raw_load_json(self, req: Any) -> Any:
        """Bodies go through the input guard: NUL, lone surrogates, depth, duplicate keys."""
        if not is_json_request(req):
            return missing
        try:
            return input_guard.loads(req.get_data(cache=True))
        except input_guard.UnacceptableInput as error:
            raise invalid({error.field: [error.message]}) from None

    def load_querystring(self, req: Any, schema: Any) -> Any:
        _guard(req.args.items(multi=True))
        return super().load_querystring(req, schema)

    def load_form(self, req: Any, schema: Any) -> Any:
        _guard(req.form.items(multi=True))
        return super().load_form(req, schema)

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req: Any, schema: Any) -> Any:
        """A multipart/form-data body: its text fields and its one ``file`` part, as one
        schema, so the OpenAPI document has one requestBody (other parts are ignored)."""
        _guard(req.form.items(multi=True))
        data = req.form.copy()
        if "file" in req.files:
            data["file"] = req.files["file"]
        return self._makeproxy(data, schema)


def _guard(pairs: Any) -> None:
    try:
        input_guard.check_texts(pairs)
    except input_guard.UnacceptableInput as error:
        raise invalid({error.field: [error.message]}) from None


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **SmorestBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }


PROBLEM_JSON = "application/problem+json"

DOCUMENT_ALTERNATIVES = {
    200: {
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        }
    }
}
"""A document's 200 besides JSON: a page to print, and a PDF (chosen by Accept)."""

DOCUMENT_FORMATS = ["application/json", "text/html", "application/pdf"]
"""What a document answers in, JSON first: the Accept header chooses."""


class Api(SmorestApi):
    """The OpenAPI document says what errors really are: RFC 9457 problems, 4xx and 5xx."""

    ERROR_SCHEMA = ProblemOut

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = ProblemOut
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "A problem (RFC 9457)", "schema": ProblemOut}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


_POSITION = re.compile("[0-9]{1,18}")
"""A version or feed position: ASCII digits that fit a 64-bit integer column."""


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def answer_as(
    schema: type[Schema], body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """An answer dumped through the schema the OpenAPI document declares for it, so the
    two cannot drift: a field the schema does not declare (such as a read model's own
    ``_periods``) is never sent."""
    dumped = _dumper(schema).dump(body)
    return answer(dumped, status, headers)


@cache
def _dumper(schema: type[Schema]) -> Schema:
    """One instance per schema: building one costs more than the dump (nested schemas)."""
    return schema()


def cursor(value: str | None) -> int:
    """Cursors are opaque to clients; here they are a position in the store."""
    if value is None:
        return 0
    if not _POSITION.fullmatch(value):
        raise BadRequest("The cursor in ?after= is not one this API gave out.")
    return int(value)


def page(items: list[Any], next_cursor: int | None) -> dict[str, Any]:
    return {"items": items, "next": None if next_cursor is None else str(next_cursor)}


def expected_version() -> int | None:
    """The version named by ``If-Match: "<version>"``; None when absent or ``*``."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not _POSITION.fullmatch(value):
        raise BadRequest('If-Match must name a case version, such as "3".')
    return int(value)


def idempotency(payload: Any, respond: Respond) -> IdempotentRequest | None:
    """The request's Idempotency-Key and a fingerprint of what was asked under it, and by
    which API key: another key reusing the Idempotency-Key is a different request (422),
    never a replay of this key's answer.

    Fingerprints stored by the previous release did not name the key; they do not match
    (a retry in flight across the upgrade is answered 422, as a reused key).
    """
    from service.http import auth  # here: auth imports problems, which imports this module

    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= 255:
        raise BadRequest("Idempotency-Key must be 1 to 255 characters.")
    asked = json.dumps(
        ["key", auth.actor().id, request.method, request.path, payload],
        sort_keys=True,
        default=str,
    ).encode()
    return IdempotentRequest(key, hashlib.sha256(asked).hexdigest(), respond)


def invalid(errors: dict[str, Any]) -> BadRequest:
    """A 400 that names the offending fields, like schema validation does."""
    error = BadRequest("The request is not valid.")
    error.data = {"messages": errors}  # type: ignore[attr-defined]
    return error


def with_position(body: dict[str, Any], position: int) -> dict[str, Any]:
    """Add where the event was recorded: clients wait for projections up to it."""
    body = dict(body)
    if "event" in body:
        body["event"] = {**body["event"], "position": position}
    else:
        body["position"] = position
    return body
