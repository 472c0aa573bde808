"""What an auditor takes away: signed tree heads, consistency proofs, the verifiable
export of the tenant, and the proof of one case."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context

from domain.access import Role
from domain.errors import DomainError
from service.application.errors import Conflict, NotFound
from service.http import auth
from service.http.conventions import Blueprint, answer
from service.http.proof_schemas import CaseProofArgs, ConsistencyArgs, ConsistencyOut, TreeHeadOut
from service.proof import checkpoints
from service.proof.case_proof import case_proof

blp = Blueprint("proof", __name__, url_prefix="/v1", description="Tree heads and proofs")
blp.before_request(auth.authenticate)

JSON_LINES = "application/x-ndjson"
CASE_PROOF_ROLES = (Role.ADMIN, Role.AUDITOR, Role.CASEMANAGER, Role.EMPLOYER)


@blp.route("/checkpoints/latest", methods=["GET"])
@blp.response(200, TreeHeadOut)
def latest_checkpoint() -> Response:
    """The newest signed tree head of the tenant's Merkle log (made periodically)."""
    found = checkpoints.latest(auth.tenant(), auth.tenant_slug())
    if found is None:
        raise NotFound
    return answer(found.as_dict())


@blp.route("/checkpoints", methods=["POST"])
@blp.response(201, TreeHeadOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(409, response="CONFLICT")
def make_checkpoint() -> Response:
    """Sign the log's head now (admin; auditors are read-only): keep the answer to prove
    later that the log only grew. 409 while the feed is empty: nothing to sign yet."""
    auth.require(auth.actor().role == Role.ADMIN, "Only an admin key makes tree heads.")
    made = checkpoints.make_checkpoint(auth.tenant(), auth.tenant_slug())
    if made is None:
        raise Conflict("The tenant's feed is empty: there is nothing to sign yet.")
    return answer(made.as_dict(), 201)


@blp.route("/checkpoints/consistency", methods=["GET"])
@blp.arguments(ConsistencyArgs, location="query")
@blp.response(200, ConsistencyOut)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def consistency(args: dict[str, Any]) -> Response:
    """RFC 9162 consistency proof that the log of size ``to`` begins with the log of size
    ``from``; both sizes must have signed heads, and both heads are in the answer."""
    old, new = args["from_"], args["to"]
    if old > new:
        raise DomainError(f"from ({old}) is larger than to ({new}): a log only grows", "from")
    first, second, proof = checkpoints.consistency(auth.tenant(), old, new)
    path = [node.hex() for node in proof]
    return answer({"from": first.as_dict(), "to": second.as_dict(), "proof": path})


@blp.route("/export", methods=["GET"])
@blp.response(
    200,
    {"type": "array", "items": {"type": "object"}},
    content_type=JSON_LINES,
    description="JSON Lines: feed lines, then checkpoints and signed tree heads.",
)
def export() -> Response:
    """Every event of the tenant as JSON Lines with positions, hashes and the tenant
    chain, then the signed heads, up to a fresh one (auditor, admin). Streamed; check
    it offline with ``spoorlog verify-export``."""
    auth.require(auth.actor().may_export, "Only an auditor or admin key may export.")
    lines = checkpoints.export(auth.tenant(), auth.tenant_slug())
    return Response(
        stream_with_context(lines),
        mimetype=JSON_LINES,
        headers={"Content-Disposition": f'attachment; filename="{auth.tenant_slug()}.jsonl"'},
    )


@blp.route("/cases/<case_id>/proof", methods=["GET"])
@blp.arguments(CaseProofArgs, location="query")
@blp.response(
    200,
    {"type": "array", "items": {"type": "object"}},
    content_type=JSON_LINES,
    description="JSON Lines: the case's events with inclusion paths, the signed case head, "
    "a consistency proof when asked for, the signed tree head.",
)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def get_case_proof(args: dict[str, Any], case_id: str) -> Response:
    """The proof of one case, to hand to UWV: its events only, each with its inclusion
    proof in the tenant's Merkle log, and the signed tree head (with its timestamp token
    when one is configured). Nothing of other cases but hashes on the proof paths.
    Auditor, admin, casemanager; an employer key for its own employers' cases."""
    auth.require(
        auth.actor().role in CASE_PROOF_ROLES, "This key may not take a case's proof away."
    )
    lines = list(
        case_proof(auth.tenant(), auth.tenant_slug(), case_id, auth.actor(), args["since"])
    )
    return Response(
        lines,
        mimetype=JSON_LINES,
        headers={"Content-Disposition": f'attachment; filename="case-{case_id}.jsonl"'},
    )
