"""Request and response schemas of the retention endpoints: hold, erasure, subject export.

The request schemas derive from the step declarations (``domain/steps/privacy.py``),
as every case command's does.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.steps.privacy import LEGAL_HOLD, LEGAL_HOLD_OPGEHEVEN, REASON_NOTE, WISSING
from domain.steps.step import Step
from service.http.fields import Day, Strict, StrictInt
from service.http.schemas import CaseOut, EventOut, ObligationsOut, TrailEntryOut
from service.http.step_schemas import field_for


def _request(step: Step, name: str) -> type[Schema]:
    schema = Strict.from_dict({f.name: field_for(f) for f in step.client_fields}, name=name)
    schema.__doc__ = step.doc
    return schema


LegalHoldIn = _request(LEGAL_HOLD, "LegalHoldIn")
LegalHoldLiftArgs = _request(LEGAL_HOLD_OPGEHEVEN, "LegalHoldLiftArgs")
ErasureIn = _request(WISSING, "ErasureIn")


class RetentionOut(Strict):
    judged_on = Day()
    ended_on = Day(allow_none=True, metadata={"description": "null while the case runs."})
    term_years = fields.Integer()
    kept_until = Day(
        allow_none=True, metadata={"description": "The term's last day; erasable after it."}
    )
    legal_hold = fields.Boolean()
    erased_on = Day(allow_none=True)
    erasable = fields.Boolean()
    refusals = fields.List(
        fields.String(), metadata={"description": "Why the case may not be erased today."}
    )


class ListedDocumentOut(Strict):
    document_id = fields.String()
    title = fields.String()
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    occurred_on = Day()
    recorded_at = fields.String()
    href = fields.String(metadata={"description": "Where its bytes are fetched."})


class SubjectExportOut(Strict):
    """Everything the bureau holds about the employee of one case (AVG art. 15)."""

    case_id = fields.String()
    exported_at = fields.String()
    case = fields.Nested(CaseOut)
    obligations = fields.Nested(ObligationsOut)
    events = fields.List(fields.Nested(EventOut), metadata={"description": "As recorded."})
    trail = fields.List(fields.Nested(TrailEntryOut))
    documents = fields.List(fields.Nested(ListedDocumentOut))
    retention = fields.Nested(RetentionOut)


class RetentionPolicyIn(Strict):
    """The bureau's lengthening of the retention terms: never shorter than the law's."""

    extra_years = StrictInt(
        required=True,
        metadata={"description": "Years kept beyond the law's term (0 to 30)."},
    )
    reason = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=1000),
        metadata={"description": "Required when extra_years is above 0. " + REASON_NOTE},
    )


class RetentionChangeOut(Strict):
    extra_years = fields.Integer()
    reason = fields.String(allow_none=True)
    changed_at = fields.String()
    actor = fields.String()
    role = fields.String()


class RetentionPolicyOut(Strict):
    extra_years = fields.Integer()
    reason = fields.String(allow_none=True)
    terms = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "The term in years by the employer's regime, as in force."},
    )
    changes = fields.List(fields.Nested(RetentionChangeOut))
