"""The case's dossier over HTTP: its audit trail (JSON, HTML, PDF) and the documents in it.

The trail as a document is what UWV, a judge or the employee reads as an
appendix to the re-integratieverslag (``service/documents/dossier.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, request

from domain.case import Case
from domain.hashchain import format_instant
from projections.audit_trail import AuditTrail
from service.documents import trail_document
from service.documents.dossier import dossier
from service.http import auth, read_models
from service.http.conventions import (
    DOCUMENT_ALTERNATIVES,
    DOCUMENT_FORMATS,
    Blueprint,
    answer_as,
    cursor,
    page,
)
from service.http.dossier_schemas import CaseDocumentPage
from service.http.printed import is_demo
from service.http.representations import case_json, obligations_json, verification_json
from service.http.schemas import AsOfArgs, AuditTrailOut, PageArgs, TrailArgs
from service.proof import checkpoints

blp = Blueprint(
    "dossier",
    __name__,
    url_prefix="/v1",
    description="The case's dossier: its audit trail and the documents in its file",
)
blp.before_request(auth.authenticate)


@blp.route("/cases/<case_id>/audit-trail", methods=["GET"])
@blp.arguments(TrailArgs, location="query")
@blp.response(
    200,
    AuditTrailOut,
    description="The trail as JSON; with Accept: text/html a page to print, with "
    "Accept: application/pdf a PDF (Content-Disposition: inline).",
)
@blp.doc(responses=DOCUMENT_ALTERNATIVES)
def get_audit_trail(args: dict[str, Any], case_id: str) -> Response:
    """Every event of the case, oldest first, in plain Dutch, with its hash and who recorded it.

    With ``as_of``: exactly what was recorded up to that instant. As HTML or
    PDF: the "Verantwoording re-integratiedossier" for a re-integratieverslag.
    """
    tenant, actor, as_of = auth.tenant(), auth.actor(), args["as_of"]
    wanted = request.accept_mimetypes.best_match(DOCUMENT_FORMATS, default="application/json")
    if wanted == "application/json":  # the entries are the read model's: no case as it was
        case = tenant.known_case(case_id, actor, as_of)
    else:
        case = tenant.case(case_id, actor, as_of=as_of)
    now = as_of or datetime.now(UTC)
    trail = read_models.caught_up(AuditTrail, args["min_position"])
    entries = trail.store.read(lambda session: trail.entries(session, str(case.id), as_of))
    names = key_names()
    for entry in entries:
        entry["actor_name"] = names.get(entry["actor"])
    body = {
        "case_id": str(case.id),
        "as_of": format_instant(now),
        "head_hash": entries[-1]["hash"] if entries else None,
        "entries": entries,
    }
    if wanted == "application/json":
        return answer_as(AuditTrailOut, body)
    document = _dossier(case, body, now)
    if wanted == "text/html":
        return Response(trail_document.html(document), mimetype="text/html")
    return Response(
        trail_document.pdf(document),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="dossier-{case.id}.pdf"'},
    )


def key_names() -> dict[str, str]:
    """Who recorded what, by name: events carry the id of the API key, keys have a name.

    Read when asked, so a trail shows the names as the keys were issued, for revoked
    keys too (access is part of the record).
    """
    return {str(key.id): key.name for key in auth.tenancy().control.keys(auth.tenant_slug())}


def _dossier(case: Case, trail: dict[str, Any], now: datetime) -> Any:
    tenant, actor = auth.tenant(), auth.actor()
    assessment = tenant.assessment(case, now)
    return dossier(
        case={
            **case_json(case, now, assessment),
            "employer_name": tenant.employer(case.employer_id, actor).name,
        },
        facts=case,
        obligations=obligations_json(case, now, assessment),
        trail=trail,
        verification=verification_json(tenant.verify_case(case.id, actor)),
        documents=case_documents(case, assessment.recorded_late),
        tree_head=checkpoints.latest(tenant, auth.tenant_slug()),
        now=now,
        generated_at=datetime.now(UTC),
        demo=is_demo(),
        late_days=tenant.policy(now).recorded_late_days,
    )


def case_documents(case: Case, recorded_late: frozenset[str]) -> list[dict[str, Any]]:
    """The documents in the case's file, in the order they were added, corrections applied."""
    return [
        {
            "document_id": fact.data.get("document_id"),
            "sha256": fact.data.get("sha256"),
            "title": fact.data.get("title"),
            "media_type": fact.data.get("media_type"),
            "size": fact.data.get("size"),
            "occurred_on": fact.occurred_on.isoformat(),
            "recorded_at": format_instant(fact.recorded_at),
            "recorded_late": fact.event_id in recorded_late,
            "event_id": fact.event_id,
            "version": fact.version,
        }
        for fact in case.facts
        if fact.type == "document"
    ]


class DocumentListArgs(AsOfArgs, PageArgs):
    pass


@blp.route("/cases/<case_id>/documents", methods=["GET"])
@blp.arguments(DocumentListArgs, location="query")
@blp.response(200, CaseDocumentPage)
def list_documents(args: dict[str, Any], case_id: str) -> Response:
    """The documents in the case's file, oldest first, each with its SHA-256.

    What belongs in the appendix of a re-integratieverslag beside the trail;
    ``after`` is the case version of the last one on the previous page.
    """
    tenant, as_of = auth.tenant(), args["as_of"]
    case = tenant.case(case_id, auth.actor(), as_of=as_of)
    now = as_of or datetime.now(UTC)
    start = cursor(args["after"])
    found = [
        d
        for d in case_documents(case, tenant.assessment(case, now).recorded_late)
        if d["version"] > start
    ]
    chosen = found[: args["limit"]]
    more = len(found) > len(chosen)
    body = page(chosen, chosen[-1]["version"] if more else None)
    return answer_as(CaseDocumentPage, {"case_id": str(case.id), **body})
