"""Cases over HTTP: the ziekmelding, every Poortwachter step, and the reads of a case."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from datetime import UTC, datetime
from typing import Any

from flask import Response
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import Gone, RequestEntityTooLarge

from domain.case import Case
from domain.errors import DomainError
from domain.facts import legal_date
from domain.steps.catalogue import step_of
from projections.case_list import CaseList, periods_from_json
from service.application import retention
from service.application.errors import Conflict
from service.application.tenant_application import Recorded
from service.http import auth, read_models
from service.http.case_file import case_file, with_names
from service.http.conventions import (
    Blueprint,
    answer,
    answer_as,
    cursor,
    expected_version,
    idempotency,
    page,
    with_position,
)
from service.http.representations import (
    case_clock,
    case_json,
    event_json,
    obligations_json,
    verification_json,
)
from service.http.schemas import (
    AsOfArgs,
    CaseEventsOut,
    CaseListArgs,
    CaseOpenedOut,
    CaseOut,
    CasePage,
    EventOut,
    ObligationsOut,
    PageArgs,
    VerificationOut,
)
from service.http.step_schemas import STEP_SCHEMAS, CaseOpenIn, DocumentIn, replacement_schema
from service.persistence.recorders import StoredDocument

blp = Blueprint(
    "cases", __name__, url_prefix="/v1", description="Cases and their Poortwachter steps"
)
blp.before_request(auth.authenticate)


def _case_headers(case: Case) -> dict[str, str]:
    return {**_etag(case), "Location": f"/v1/cases/{case.id}"}


def _event_answer(case: Case, events: list[Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    return 201, event_json(events[-1]), _case_headers(case)


def _opened_answer(case: Case, events: list[Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    return 201, {"case_id": str(case.id), "event": event_json(events[-1])}, _case_headers(case)


def _with_position(
    recorded: Recorded, status: int, body: dict[str, Any], headers: dict[str, str]
) -> Response:
    return answer(with_position(body, recorded.positions[-1]), status, headers)


@blp.route("/cases", methods=["POST"])
@blp.arguments(CaseOpenIn)
@blp.response(201, CaseOpenedOut)
def open_case(payload: dict[str, Any]) -> Response:
    """The ziekmelding: opens a case for one employee of one employer."""
    actor = auth.actor()
    auth.require(actor.may_record("ziekmelding"), "This key may not report sickness.")
    payload = dict(payload)
    recorded = auth.tenant().open_case(
        actor,
        idempotency=idempotency(payload, _opened_answer),
        employer_id=str(payload.pop("employer_id")),
        **payload,
    )
    return _with_position(recorded, *_opened_answer(recorded.aggregate, recorded.events))


@blp.route("/cases", methods=["GET"])
@blp.arguments(CaseListArgs, location="query")
@blp.response(200, CasePage)
def list_cases(args: dict[str, Any]) -> Response:
    """Cases of the tenant (or of the key's employers) in the order they were opened."""
    after = cursor(args["after"])
    case_list = read_models.caught_up(CaseList, args["min_position"])
    employer_id = args["employer_id"]
    now = datetime.now(UTC)
    items, next_cursor = case_list.store.read(
        lambda session: case_list.page(
            session,
            after=after,
            limit=args["limit"],
            today=legal_date(now),
            employer_id=str(employer_id) if employer_id else None,
            visible=auth.actor().employer_ids,
            status=args.get("status"),
            risk=args.get("risk"),
            q=args.get("q"),
        )
    )
    cases = []
    for item in items:
        periods = periods_from_json(item.pop("_periods"))
        cases.append({**item, **case_clock(periods, now)})
    return answer_as(CasePage, page(with_names(cases), next_cursor))


def _known(case_id: str, as_of: datetime | None) -> tuple[Case, datetime]:
    """The case as the key may see it, as recorded up to ``as_of``, and the instant to judge."""
    return auth.tenant().case(case_id, auth.actor(), as_of=as_of), as_of or datetime.now(UTC)


def _etag(case: Case) -> dict[str, str]:
    return {"ETag": f'"{case.version}"'}


@blp.route("/cases/<case_id>", methods=["GET"])
@blp.arguments(AsOfArgs, location="query")
@blp.response(200, CaseOut)
def get_case(args: dict[str, Any], case_id: str) -> Response:
    """The case as known now, or as recorded up to ``as_of``, with its file."""
    case, now = _known(case_id, args["as_of"])
    assessment = auth.tenant().assessment(case, now)
    body = {
        **case_json(case, now, assessment),
        "employer_name": auth.tenant().employer_name(case.employer_id),
        "file": case_file(case, assessment),
    }
    return answer_as(CaseOut, body, headers=_etag(case))


@blp.route("/cases/<case_id>/obligations", methods=["GET"])
@blp.arguments(AsOfArgs, location="query")
@blp.response(200, ObligationsOut)
def get_obligations(args: dict[str, Any], case_id: str) -> Response:
    """Every Poortwachter obligation of the case with its status and proof.

    With ``as_of``: only what was recorded up to that instant, judged on that day.
    """
    case, now = _known(case_id, args["as_of"])
    assessment = auth.tenant().assessment(case, now)
    body = obligations_json(case, now, assessment)
    return answer_as(ObligationsOut, body, headers=_etag(case))


@blp.route("/cases/<case_id>/verify", methods=["GET"])
@blp.response(200, VerificationOut)
def verify_case(case_id: str) -> Response:
    """Recompute the case's hash chain from the stored records; report what does not fit.

    Edited, removed, moved, inserted and undecodable records are ``problems``,
    never an error of this request.
    """
    result = auth.tenant().verify_case(case_id, auth.actor())
    return answer({"case_id": case_id, **verification_json(result)})


class CaseEventsArgs(AsOfArgs, PageArgs):
    pass


@blp.route("/cases/<case_id>/events", methods=["GET"])
@blp.arguments(CaseEventsArgs, location="query")
@blp.response(200, CaseEventsOut)
def get_case_events(args: dict[str, Any], case_id: str) -> Response:
    """The raw events of the case, oldest first; ``after`` is a case version."""
    chosen, following = auth.tenant().case_events_page(
        case_id, auth.actor(), after=cursor(args["after"]), limit=args["limit"], as_of=args["as_of"]
    )
    body = page([event_json(e) for e in chosen], following)
    return answer_as(CaseEventsOut, {"case_id": case_id, **body})


def _record(
    case_id: str, step: str, payload: dict[str, Any], document: StoredDocument | None = None
) -> Response:
    actor = auth.actor()
    auth.require(actor.may_record(step), f"This key may not record a {step}.")
    fields_ = dict(payload)
    request = idempotency(fields_, _event_answer)
    on = fields_.pop("occurred_on")
    if step == "correctie":
        fields_ = _checked_correctie(case_id, fields_)
    recorded = auth.tenant().record(
        case_id,
        step,
        actor,
        expected_version=expected_version(),
        idempotency=request,
        document=document,
        on=on,
        **fields_,
    )
    return _with_position(recorded, *_event_answer(recorded.aggregate, recorded.events))


def _checked_correctie(case_id: str, fields_: dict[str, Any]) -> dict[str, Any]:
    """Replacement values pass the corrected step's own schema: a correctie is no back door.

    Which events may be corrected at all is the domain's rule (``Case.correctie``);
    here only the values are typed, by the schema of the step they belong to.
    """
    fields_["event_id"] = str(fields_["event_id"])
    target = auth.tenant().case(case_id, auth.actor()).find(fields_["event_id"])
    if target is None or target.type == "correctie":
        return fields_  # the domain refuses it, naming event_id
    step = step_of(target)
    try:
        fields_["replacement"] = replacement_schema(step).load(fields_["replacement"] or {})
    except ValidationError as error:
        # Well-formed, but a value the corrected step itself refuses: a rule of the case.
        field, told = _first_message(error.normalized_messages())
        raise DomainError(
            f"the corrected {step.label.lower()}: {field}: {told}", f"replacement.{field}"
        ) from None
    return fields_


def _first_message(messages: Any, path: str = "") -> tuple[str, str]:
    """The first leaf of marshmallow's nested messages, as a dotted path and a sentence."""
    if isinstance(messages, dict):
        name, nested = next(iter(messages.items()))
        return _first_message(nested, f"{path}.{name}" if path else str(name))
    return path, " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)


def _command_view(path: str, schema: type[Schema]) -> None:
    step = path.replace("-", "_")

    def view(payload: dict[str, Any], case_id: str) -> Response:
        return _record(case_id, step, payload)

    view.__name__ = f"record_{step}"
    view.__doc__ = schema.__doc__ or f"Record a {path.replace('-', ' ')} on the case."
    blp.route(f"/cases/<case_id>/{path}", methods=["POST"], endpoint=view.__name__)(
        blp.arguments(schema)(blp.response(201, EventOut)(view))
    )


for _path, _schema in STEP_SCHEMAS.items():
    _command_view(_path, _schema)


class DocumentUpload(DocumentIn):  # type: ignore[misc, valid-type]
    """The document step's fields and the file itself, as one multipart/form-data body."""

    file = Upload(required=True, metadata={"description": "The document's bytes."})


@blp.route("/cases/<case_id>/document", methods=["POST"])
@blp.arguments(DocumentUpload, location="multipart")
@blp.response(201, EventOut)
def record_document(payload: dict[str, Any], case_id: str) -> Response:
    """Add a document (multipart: ``file``, ``title``); its SHA-256 goes into the event."""
    payload = dict(payload)
    upload = payload.pop("file")
    content = upload.read()
    if len(content) > auth.tenancy().settings.max_document_bytes:
        raise RequestEntityTooLarge(
            f"A document may be {auth.tenancy().settings.max_document_bytes} bytes at most."
        )
    digest = hashlib.sha256(content).hexdigest()
    media_type = upload.mimetype or mimetypes.guess_type(upload.filename or "")[0]
    media_type = media_type or "application/octet-stream"
    payload = {
        **payload,
        "document_id": digest,
        "sha256": digest,
        "size": len(content),
        "media_type": media_type,
    }
    return _record(case_id, "document", payload, StoredDocument(digest, media_type, content))


def _file_name(stored: StoredDocument) -> str:
    """A download name from the hash: the uploader's own file name is not kept."""
    extension = mimetypes.guess_extension(stored.media_type) or ".bin"
    return f"{stored.sha256[:16]}{extension}"


@blp.route("/cases/<case_id>/documents/<document_id>", methods=["GET"])
@blp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="*/*",
    description="The bytes, with the media type they were uploaded with.",
)
@blp.alt_response(410, response="GONE", description="Deleted with the case's personal data.")
def get_document(case_id: str, document_id: str) -> Response:
    """The document's bytes as stored, checked against the SHA-256 its event recorded;
    410 once the case's personal data was erased (its SHA-256 stays in the events)."""
    erased_on = retention.document_erased_on(auth.tenant(), case_id, document_id, auth.actor())
    if erased_on is not None:
        raise Gone(retention.document_erased(erased_on))
    stored = auth.tenant().document(case_id, document_id, auth.actor())
    if hashlib.sha256(stored.content).hexdigest() != stored.sha256:
        raise Conflict("The stored bytes no longer match the SHA-256 recorded in the case.")
    return Response(
        stored.content,
        mimetype=stored.media_type,
        headers={
            "ETag": f'"{stored.sha256}"',
            "Repr-Digest": f"sha-256=:{base64.b64encode(bytes.fromhex(stored.sha256)).decode()}:",
            "Content-Disposition": f'attachment; filename="{_file_name(stored)}"',
        },
    )
