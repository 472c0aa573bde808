"""Employers: the bureau's clients, whose cases it runs."""

from __future__ import annotations

from typing import Any

from flask import Response

from service.http import auth
from service.http.conventions import (
    Blueprint,
    answer,
    answer_as,
    cursor,
    idempotency,
    page,
    with_position,
)
from service.http.representations import employer_json
from service.http.schemas import EmployerIn, EmployerOut, EmployerPage, PageArgs

blp = Blueprint("employers", __name__, url_prefix="/v1/employers", description="Employers")
blp.before_request(auth.authenticate)


def _registered(employer: Any, _: list[Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    return 201, employer_json(employer), {"Location": f"/v1/employers/{employer.id}"}


@blp.route("", methods=["POST"])
@blp.arguments(EmployerIn)
@blp.response(201, EmployerOut)
def register_employer(payload: dict[str, Any]) -> Response:
    actor = auth.actor()
    auth.require(actor.may_manage_employers, "This key may not register employers.")
    recorded = auth.tenant().register_employer(
        actor, idempotency=idempotency(payload, _registered), **payload
    )
    status, body, headers = _registered(recorded.aggregate, recorded.events)
    return answer(with_position(body, recorded.positions[-1]), status, headers)


@blp.route("", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, EmployerPage)
def list_employers(args: dict[str, Any]) -> Response:
    employers, next_cursor = auth.tenant().employers(
        auth.actor(), after=cursor(args["after"]), limit=args["limit"]
    )
    return answer_as(EmployerPage, page([employer_json(e) for e in employers], next_cursor))


@blp.route("/<employer_id>", methods=["GET"])
@blp.response(200, EmployerOut)
def get_employer(employer_id: str) -> Response:
    employer = auth.tenant().employer(employer_id, auth.actor())
    return answer_as(EmployerOut, employer_json(employer))
