"""Retention over HTTP: a legal hold, an erasure on request, and the employee's subject export.

Admin only: keeping and erasing the bureau's files is the bureau's decision
(AVG art. 5 lid 2: accountability), and the subject export holds everything
about one employee. A case of another tenant is simply not found.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response

from domain.access import Role
from domain.case import Case
from domain.employer import Regime
from domain.hashchain import format_instant
from domain.policy import RetentionPolicy, TenantPolicy
from domain.retention import term_years
from projections.audit_trail import AuditTrail
from service.application import retention
from service.application.tenant_application import Recorded
from service.http import auth, read_models
from service.http.case_file import case_file
from service.http.conventions import Blueprint, answer, answer_as, idempotency, with_position
from service.http.representations import case_json, event_json, obligations_json
from service.http.retention_schemas import (
    ErasureIn,
    LegalHoldIn,
    LegalHoldLiftArgs,
    RetentionOut,
    RetentionPolicyIn,
    RetentionPolicyOut,
    SubjectExportOut,
)
from service.http.schemas import EventOut
from service.http.views.dossier import key_names

blp = Blueprint(
    "retention",
    __name__,
    url_prefix="/v1/cases",
    description="Retention and erasure (AVG): legal hold, erasure, subject export",
)
blp.before_request(auth.authenticate)

policy_blp = Blueprint(
    "retention_policy",
    __name__,
    url_prefix="/v1/settings/retention",
    description="Retention and erasure (AVG): the bureau's retention terms",
)
policy_blp.before_request(auth.authenticate)


def _admin(why: str) -> None:
    auth.require(auth.actor().role == Role.ADMIN, why)


def _event_answer(case: Case, events: list[Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    headers = {"ETag": f'"{case.version}"', "Location": f"/v1/cases/{case.id}"}
    return 201, event_json(events[-1]), headers


def _recorded(recorded: Recorded) -> Response:
    status, body, headers = _event_answer(recorded.aggregate, recorded.events)
    return answer(with_position(body, recorded.positions[-1]), status, headers)


@blp.route("/<case_id>/legal-hold", methods=["POST"])
@blp.arguments(LegalHoldIn)
@blp.response(201, EventOut)
def place_legal_hold(payload: dict[str, Any], case_id: str) -> Response:
    """Hold the case's file past its retention term (a dispute, a claim); a closed case too.

    422 when a hold is already set or the case was erased.
    """
    _admin("Only an admin key may place a legal hold.")
    asked = idempotency(payload, _event_answer)
    tenant, actor = auth.tenant(), auth.actor()
    return _recorded(retention.hold(tenant, case_id, actor, payload["reason"], asked))


@blp.route("/<case_id>/legal-hold", methods=["DELETE"])
@blp.arguments(LegalHoldLiftArgs, location="query")
@blp.response(204)
def lift_legal_hold(args: dict[str, Any], case_id: str) -> Response:
    """Lift the case's legal hold (recorded as an event, with an optional reason).

    422 when no hold is set.
    """
    _admin("Only an admin key may lift a legal hold.")
    retention.lift(auth.tenant(), case_id, auth.actor(), args["reason"])
    return Response(status=204)


@blp.route("/<case_id>/erasure", methods=["POST"])
@blp.arguments(ErasureIn)
@blp.response(201, EventOut)
def erase_case(payload: dict[str, Any], case_id: str) -> Response:
    """Erase the employee's personal data of a case whose retention term has ended.

    422 naming why while the case is open, its term runs or a legal hold is set.
    The erasure event says who, when and why — never what was erased.
    """
    _admin("Only an admin key may erase a case.")
    asked = idempotency(payload, _event_answer)
    tenant, actor = auth.tenant(), auth.actor()
    return _recorded(
        retention.erase_case(tenant, case_id, actor, payload["reason"], idempotency=asked)
    )


@blp.route("/<case_id>/retention", methods=["GET"])
@blp.response(200, RetentionOut)
def get_retention(case_id: str) -> Response:
    """The case's bewaartermijn judged today: its end, the term, its last day, a legal hold,
    an erasure, and why it may not be erased yet (empty once it may)."""
    tenant = auth.tenant()
    case = tenant.case(case_id, auth.actor())
    return answer_as(RetentionOut, retention.judge(tenant, case).as_dict())


@blp.route("/<case_id>/subject-export", methods=["GET"])
@blp.response(200, SubjectExportOut)
def subject_export(case_id: str) -> Response:
    """Everything held about the employee of this case, for an inzageverzoek (AVG art. 15):
    the case and its file, every event as recorded, the audit trail, the obligations, the
    documents and the retention term — and nothing of any other case."""
    _admin("Only an admin key may export what is held about an employee.")
    tenant, actor = auth.tenant(), auth.actor()
    case = tenant.case(case_id, actor)
    now = datetime.now(UTC)
    assessment = tenant.assessment(case, now)
    body = {
        "case_id": str(case.id),
        "exported_at": format_instant(now),
        "case": {
            **case_json(case, now, assessment),
            "employer_name": tenant.employer_name(case.employer_id),
            "file": case_file(case, assessment),
        },
        "obligations": obligations_json(case, now, assessment),
        "events": [event_json(e) for e in tenant.case_events(case.id, actor)],
        "trail": _trail(case),
        "documents": _documents(case),
        "retention": retention.judge(tenant, case, now).as_dict(),
    }
    return answer_as(SubjectExportOut, body)


def _trail(case: Case) -> list[dict[str, Any]]:
    """The case's trail entries, once the trail has caught up with the tenant's store."""
    head = auth.tenant().recorder.max_notification_id() or None
    trail = read_models.caught_up(AuditTrail, head)
    entries = trail.store.read(lambda session: trail.entries(session, str(case.id), None))
    names = key_names()
    for entry in entries:
        entry["actor_name"] = names.get(entry["actor"])
    return entries


def _documents(case: Case) -> list[dict[str, Any]]:
    return [
        {
            **{k: fact.data.get(k) for k in ("document_id", "title", "media_type", "size")},
            "sha256": fact.data.get("sha256"),
            "occurred_on": fact.occurred_on.isoformat(),
            "recorded_at": format_instant(fact.recorded_at),
            "href": f"/v1/cases/{case.id}/documents/{fact.data.get('document_id')}",
        }
        for fact in case.facts
        if fact.type == "document"
    ]


@policy_blp.route("", methods=["GET"])
@policy_blp.response(200, RetentionPolicyOut)
def get_retention_policy() -> Response:
    """The retention terms in force (2, 5 or 10 years by the employer's regime, plus the
    bureau's lengthening) and every change of the lengthening."""
    return answer(_policy_json(auth.tenant().policy_record()))


@policy_blp.route("", methods=["PUT"])
@policy_blp.arguments(RetentionPolicyIn)
@policy_blp.response(200, RetentionPolicyOut)
def put_retention_policy(payload: dict[str, Any]) -> Response:
    """Lengthen the retention terms by whole years, with a reason (0 restores the law's).

    422 for fewer than 0 years or a lengthening without a reason.
    """
    _admin("Only an admin key may change the retention terms.")
    policy = RetentionPolicy(payload["extra_years"], payload["reason"])
    recorded = retention.set_policy(auth.tenant(), auth.actor(), policy)
    return answer(_policy_json(recorded.aggregate))


def _policy_json(record: TenantPolicy | None) -> dict[str, Any]:
    current = record.retention_at() if record else RetentionPolicy()
    regimes = {
        "default": Regime(),
        "eigenrisicodrager_zw": Regime(eigenrisicodrager_zw=True),
        "eigenrisicodrager_wga": Regime(eigenrisicodrager_wga=True),
    }
    changes = [
        {
            "extra_years": change.extra_years,
            "reason": change.reason,
            "changed_at": format_instant(change.timestamp),
            "actor": change.actor,
            "role": change.role,
        }
        for change in (record.retention_history if record else [])
    ]
    return {
        "extra_years": current.extra_years,
        "reason": current.reason,
        "terms": {name: term_years(regime, current) for name, regime in regimes.items()},
        "changes": changes,
    }
