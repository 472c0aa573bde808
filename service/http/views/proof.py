"""What an auditor takes away: signed checkpoints and the verifiable export."""

from __future__ import annotations

from flask import Response, stream_with_context

from domain.access import Role
from service.application.errors import Conflict, NotFound
from service.http import auth
from service.http.conventions import Blueprint, answer
from service.http.schemas import CheckpointOut
from service.proof import checkpoints

blp = Blueprint("proof", __name__, url_prefix="/v1", description="Checkpoints and export")
blp.before_request(auth.authenticate)


@blp.route("/checkpoints/latest", methods=["GET"])
@blp.response(200, CheckpointOut)
def latest_checkpoint() -> Response:
    """The newest signed checkpoint of the tenant's feed chain (made periodically)."""
    found = checkpoints.latest(auth.tenant(), auth.tenant_slug())
    if found is None:
        raise NotFound
    return answer(found.as_dict())


@blp.route("/checkpoints", methods=["POST"])
@blp.response(201, CheckpointOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(409, response="CONFLICT")
def make_checkpoint() -> Response:
    """Sign the chain's head now (admin; auditors are read-only): keep the answer as
    proof. 409 while the feed is empty: there is nothing to sign yet."""
    auth.require(auth.actor().role == Role.ADMIN, "Only an admin key makes checkpoints.")
    made = checkpoints.make_checkpoint(auth.tenant(), auth.tenant_slug())
    if made is None:
        raise Conflict("The tenant's feed is empty: there is nothing to sign yet.")
    return answer(made.as_dict(), 201)


@blp.route("/export", methods=["GET"])
@blp.response(
    200,
    {"type": "array", "items": {"type": "object"}},
    content_type="application/x-ndjson",
    description="JSON Lines: one object a line (feed lines, then checkpoints).",
)
def export() -> Response:
    """Every event of the tenant as JSON Lines with positions, hashes and the tenant
    chain, then the checkpoints (auditor, admin). Streamed; check it offline with
    ``spoorlog verify-export``."""
    auth.require(auth.actor().may_export, "Only an auditor or admin key may export.")
    lines = checkpoints.export(auth.tenant(), auth.tenant_slug())
    return Response(
        stream_with_context(lines),
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{auth.tenant_slug()}.jsonl"'},
    )
