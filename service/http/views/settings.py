"""The bureau's policy: the thresholds of the obligation engine it may tighten."""

from __future__ import annotations

from typing import Any

from flask import Response

from domain.policy import Policy
from service.http import auth
from service.http.conventions import Blueprint, answer, with_position
from service.http.representations import policy_json
from service.http.schemas import PolicyIn, PolicyOut

blp = Blueprint("settings", __name__, url_prefix="/v1/settings", description="Bureau policy")
blp.before_request(auth.authenticate)


@blp.route("", methods=["GET"])
@blp.response(200, PolicyOut)
def get_settings() -> Response:
    """The thresholds in force, the UWV defaults, and every change with its date."""
    return answer(policy_json(auth.tenant().policy_record()))


@blp.route("", methods=["PUT"])
@blp.arguments(PolicyIn)
@blp.response(200, PolicyOut)
def put_settings(payload: dict[str, Any]) -> Response:
    """Tighten (or restore) the thresholds; a change is an event, never silent.

    Read models are judged again by the new policy; ``GET …?as_of=`` judges
    by the policy in force then.
    """
    actor = auth.actor()
    auth.require(actor.may_set_policy, "Only an admin key may change the bureau's policy.")
    recorded = auth.tenant().set_policy(actor, Policy(**payload))
    return answer(with_position(policy_json(recorded.aggregate), recorded.positions[-1]))
