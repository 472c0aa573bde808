"""The request and response shapes of API v1, one marshmallow schema each.

The same schemas validate requests and generate the OpenAPI document, so the
two cannot drift. Unknown fields are rejected (that is how a diagnosis never
gets in), types are strict (``"5"`` is not a number, ``"yes"`` not a
boolean), and range rules that are law live in the domain, which answers 422.
"""

from __future__ import annotations

from marshmallow import fields, validate

from domain.obligations import STATUSES
from service.http.fields import (
    Day,
    Instant,
    LegalDate,
    Strict,
    StrictBool,
    StrictInt,
    one_of,
    page_of,
    text,
)

# --- platform and access ---------------------------------------------------------


class TenantIn(Strict):
    slug = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]{1,38}$"))
    name = text()


class TenantOut(Strict):
    slug = fields.String()
    name = fields.String()
    admin_key = fields.String(metadata={"description": "Shown once; only its hash is kept."})


class ApiKeyIn(Strict):
    name = text()
    role = one_of("admin", "casemanager", "employer", "auditor", "integration")
    employer_ids = fields.List(
        fields.UUID(), load_default=None, validate=validate.Length(max=10_000)
    )


class ApiKeyOut(Strict):
    id = fields.String()
    name = fields.String()
    role = fields.String()
    employer_ids = fields.List(fields.String(), allow_none=True)
    revoked = fields.Boolean()
    key = fields.String(metadata={"description": "Only in the answer that created the key."})


# --- employers ---------------------------------------------------------------------


class EmployerIn(Strict):
    name = text()
    kvk_number = fields.String(load_default=None, validate=validate.Regexp(r"^\d{8}$"))
    eigenrisicodrager_zw = StrictBool(required=True)
    eigenrisicodrager_wga = StrictBool(required=True)


class EmployerOut(Strict):
    id = fields.String()
    name = fields.String()
    kvk_number = fields.String(allow_none=True)
    eigenrisicodrager_zw = fields.Boolean()
    eigenrisicodrager_wga = fields.Boolean()
    created_at = fields.String()
    position = fields.Integer(metadata={"description": "Where it was recorded (on creation)."})


# --- responses ---------------------------------------------------------------------


class ProblemOut(Strict):
    """RFC 9457 problem details: every 4xx and 5xx answer of the API."""

    type = fields.String(metadata={"description": "A URI naming the kind of problem."})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String(metadata={"description": "What went wrong, for a person."})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Messages by field (a path such as employee.name)."},
    )


class EventOut(Strict):
    event_id = fields.String()
    case_id = fields.String(
        allow_none=True, metadata={"description": "null for an event of the tenant (feed)."}
    )
    employer_id = fields.String(metadata={"description": "Feed: an employer's registration."})
    type = fields.String()
    version = fields.Integer(metadata={"description": "The case's version after this event."})
    schema_version = fields.Integer()
    occurred_on = Day()
    recorded_at = fields.String()
    actor = fields.String()
    role = fields.String()
    data = fields.Dict()
    salts = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "Personal values in data (by path, such as employee.name): the "
            "salt of each one's commitment, as hex; the hash covers the commitments."
        },
    )
    commitments = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "Personal values no longer readable (erased): each one's "
            "commitment, as hex, by path."
        },
    )
    prev_hash = fields.String(allow_none=True)
    hash = fields.String(allow_none=True, metadata={"description": "null outside a case chain."})
    position = fields.Integer(
        metadata={"description": "Where the tenant's store recorded it (command answers only)."}
    )


class CaseOpenedOut(Strict):
    case_id = fields.String()
    event = fields.Nested(EventOut)


class CorrectionOut(Strict):
    event_id = fields.String(metadata={"description": "The correctie event."})
    reason = fields.String()
    recorded_at = fields.String()
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={"description": "By field: {from, to}; occurred_on for the legal date."},
    )


class FactOut(Strict):
    """One recorded step as it stands now, with the corrections that made it so."""

    type = fields.String()
    label = fields.String(metadata={"description": "The step in Dutch."})
    event_id = fields.String()
    version = fields.Integer()
    occurred_on = Day()
    recorded_at = fields.String()
    recorded_late = fields.Boolean()
    data = fields.Dict(metadata={"description": "The step's fields, corrections applied."})
    corrections = fields.List(fields.Nested(CorrectionOut))


class TrajectoryOut(Strict):
    """A trajectory the bureau runs (spoor 2 or 3), as it stands on the day judged."""

    number = fields.Integer(
        metadata={"description": "1, 2, …: its report is …/trajectories/{n}/report."}
    )
    track = fields.Integer()
    provider = fields.String(allow_none=True)
    coach = fields.String(allow_none=True)
    plan = fields.Dict()
    status = fields.String(validate=validate.OneOf(["running", "interrupted", "ended"]))
    started_on = Day()
    ended_on = Day(allow_none=True)
    end_reason = fields.String(allow_none=True)
    activities = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "How many activities of each kind."},
    )
    last_activity_on = Day(allow_none=True)
    resistance_signals = fields.Integer()
    reports = fields.Integer()
    next_report_due = Day(allow_none=True)


class CaseOut(Strict):
    case_id = fields.String()
    employer_id = fields.String()
    employer_name = fields.String(allow_none=True)
    employee_name = fields.String(metadata={"description": "Lists: the employee's name."})
    aow_date = Day(
        allow_none=True,
        metadata={"description": "When the AOW starts (from date_of_birth; null when not set)."},
    )
    trajectories = fields.List(fields.Nested(TrajectoryOut))
    file = fields.List(
        fields.Nested(FactOut),
        metadata={"description": "Every recorded step in legal order (not in lists)."},
    )
    employee = fields.Dict()
    status = fields.String()
    first_sick_day = Day()
    reported_on = Day()
    expected_duration_weeks = fields.Integer(allow_none=True)
    work_accident = fields.Boolean(allow_none=True)
    third_party_liable = fields.Boolean(allow_none=True)
    vangnet = fields.Boolean(allow_none=True)
    sick_days = fields.Integer()
    week = fields.Integer()
    track = fields.Integer()
    loonsanctie_risk = one_of("low", "medium", "high")
    risk_reasons = fields.List(fields.String())
    reintegration = fields.Nested(lambda: ReintegrationOut())
    version = fields.Integer()
    head_hash = fields.String()
    recovered_on = Day(allow_none=True)
    closed_on = Day(allow_none=True)
    closing_reason = fields.String(allow_none=True)
    corrected_event_ids = fields.List(fields.String())
    opened_at = fields.String()
    updated_at = fields.String()
    as_of = fields.String()


class PolicyIn(Strict):
    recorded_late_days = StrictInt(
        required=True,
        metadata={
            "description": "An action recorded more than this many days after it "
            "happened is recorded late (1 to 14; UWV practice: 14)."
        },
    )
    melding_arbodienst_days = StrictInt(
        required=True,
        metadata={
            "description": "The report to the arbodienst is due by this sick day "
            "(1 to 7; practice: the end of week 1)."
        },
    )


class PolicyChangeOut(Strict):
    changed_at = fields.String()
    recorded_late_days = fields.Integer()
    melding_arbodienst_days = fields.Integer()


class PolicyOut(Strict):
    recorded_late_days = fields.Integer()
    melding_arbodienst_days = fields.Integer()
    defaults = fields.Dict()
    history = fields.List(fields.Nested(PolicyChangeOut))
    position = fields.Integer()


class TrailEntryOut(Strict):
    event_id = fields.String()
    version = fields.Integer()
    type = fields.String()
    occurred_on = Day()
    recorded_at = fields.String()
    recorded_late = fields.Boolean()
    actor = fields.String()
    actor_name = fields.String(
        allow_none=True, metadata={"description": "The name of the API key that recorded it."}
    )
    role = fields.String()
    summary_nl = fields.String(metadata={"description": "What happened, in plain Dutch."})
    hash = fields.String()
    corrects = fields.String(allow_none=True)
    corrected_by = fields.List(fields.String())
    original = fields.Nested(
        lambda: TrailOriginalOut(),
        allow_none=True,
        metadata={"description": "When corrected: the date and sentence first recorded."},
    )


class TrailOriginalOut(Strict):
    occurred_on = Day()
    summary_nl = fields.String()


class AuditTrailOut(Strict):
    case_id = fields.String()
    as_of = fields.String()
    head_hash = fields.String(allow_none=True)
    entries = fields.List(fields.Nested(TrailEntryOut))


class VerificationOut(Strict):
    case_id = fields.String()
    valid = fields.Boolean()
    events_checked = fields.Integer()
    head_hash = fields.String(allow_none=True)
    problems = fields.List(
        fields.String(), metadata={"description": "What does not fit, in words."}
    )


class ReintegrationOut(Strict):
    """The 65 % rule: does the latest work reach 65 % of the former wage value, since when."""

    wage_value_percentage = fields.Float(allow_none=True)
    threshold_percentage = fields.Integer()
    reaches_threshold = fields.Boolean()
    since = Day(allow_none=True)
    event_ids = fields.List(fields.String())
    satisfactory = fields.Boolean(
        metadata={"description": "65 %, structural, remaining capacity used (UWV's first test)."}
    )
    indicative_65 = fields.Boolean(
        metadata={"description": "65 % reached, but not shown structural and using capacity."}
    )


class ObligationOut(Strict):
    code = fields.String(
        metadata={"description": "The obligation's code (docs/poortwachter.md, The obligations)."}
    )
    label = fields.String(metadata={"description": "The obligation in Dutch."})
    due_on = Day()
    status = one_of(*STATUSES)
    met_on = Day(allow_none=True, metadata={"description": "occurred_on of the proof."})
    recorded_at = fields.String(allow_none=True, metadata={"description": "When it was recorded."})
    recorded_late = fields.Boolean()
    event_ids = fields.List(fields.String())
    occurrence = fields.Integer(allow_none=True, metadata={"description": "Evaluations: 1, 2, …"})
    early = fields.Boolean()
    ground = fields.String(allow_none=True, metadata={"description": "Why it is waived."})
    source = fields.String(metadata={"description": "The legal source of the rule."})
    missing = fields.List(
        fields.String(),
        metadata={"description": "With status incomplete: the parts the file lacks."},
    )


class ObligationsOut(Strict):
    case_id = fields.String()
    as_of = fields.String()
    judged_on = Day()
    version = fields.Integer()
    loonsanctie_risk = one_of("low", "medium", "high")
    risk_reasons = fields.List(fields.String())
    obligations = fields.List(fields.Nested(ObligationOut))
    reintegration = fields.Nested(ReintegrationOut)


class PageArgs(Strict):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    after = fields.String(load_default=None, validate=validate.Length(max=512))


class ReadAfterWriteArgs(Strict):
    min_position = fields.Integer(
        load_default=None,
        validate=validate.Range(min=0, max=10**18),
        metadata={"description": "Wait (up to 2 s) until the list includes this position."},
    )


class FeedArgs(PageArgs, ReadAfterWriteArgs):
    pass


class AsOfArgs(Strict):
    as_of = Instant(load_default=None)


class TrailArgs(AsOfArgs, ReadAfterWriteArgs):
    pass


class CaseListArgs(PageArgs, ReadAfterWriteArgs):
    employer_id = fields.UUID(load_default=None)
    q = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Part of the employee's name or personnel number."},
    )
    status = one_of("open", "recovered", "closed", required=False)
    risk = one_of("low", "medium", "high", required=False)


class WorklistArgs(PageArgs, ReadAfterWriteArgs):
    coach = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Only the cases this coach guides (the running trajectory's)."},
    )
    track = fields.Integer(
        load_default=None,
        validate=validate.OneOf([1, 2, 3]),
        metadata={"description": "Only cases in this spoor (1, 2 or 3)."},
    )
    due_before = LegalDate(
        load_default=None,
        metadata={
            "description": "List what is overdue or due before this date "
            "(default: 14 days from today)."
        },
    )
    employer_id = fields.UUID(load_default=None)


class WorklistItemOut(Strict):
    case_id = fields.String()
    employer_id = fields.String()
    employee = fields.Dict()
    employee_name = fields.String(allow_none=True)
    employer_name = fields.String(allow_none=True)
    code = fields.String()
    label = fields.String()
    due_on = Day()
    status = fields.String(
        validate=validate.OneOf(["open", "overdue", "incomplete"]),
        metadata={"description": "incomplete: an RIV without every part UWV requires."},
    )
    occurrence = fields.Integer(allow_none=True)
    days_overdue = fields.Integer()


class WorklistOut(Strict):
    judged_on = Day()
    due_before = Day()
    items = fields.List(fields.Nested(WorklistItemOut))
    next = fields.String(allow_none=True)


ApiKeyPage = page_of(ApiKeyOut, "ApiKeyPage")
EmployerPage = page_of(EmployerOut, "EmployerPage")
CasePage = page_of(CaseOut, "CasePage")
EventPage = page_of(EventOut, "EventPage")


class CaseEventsOut(EventPage):  # type: ignore[misc, valid-type]
    case_id = fields.String()
