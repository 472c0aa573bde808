"""The request and response shapes of API v1, one marshmallow schema each.

The same schemas validate requests and generate the OpenAPI document, so the
two cannot drift. Unknown fields are rejected (that is how a diagnosis never
gets in), types are strict (``"5"`` is not a number, ``"yes"`` not a
boolean), and range rules that are law live in the domain, which answers 422.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from domain.obligations import STATUSES

NO_MEDICAL = "Free text. No medical data: never a diagnosis, cause or treatment."


class Strict(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class StrictBool(fields.Boolean):
    """Only JSON true/false."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean.")
        return value


SANE = validate.Range(min=-1_000_000, max=1_000_000)
"""Bounds no number of the API comes near: the rules of the law (422) apply within them."""
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
"""Legal dates outside these are typing errors; date arithmetic near year 1 or 9999 overflows."""
MAX_ITEMS = 100
"""No list in a request needs more (agreements, participants, reasons)."""


class StrictNumber(fields.Float):
    """Only JSON numbers, not strings or booleans, within sane bounds."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", SANE)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Not a valid number.")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictInt(fields.Integer):
    """Only JSON integers, within sane bounds unless the field states its own."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", SANE)
        super().__init__(strict=True, **kwargs)


class LegalDate(fields.Date):
    """An ISO date between 1900 and 2199."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(min=EARLIEST, max=LATEST))
        super().__init__(**kwargs)


class Instant(fields.AwareDateTime):
    """An RFC 3339 instant with its offset, between 1900 and 2199."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "validate",
            validate.Range(
                min=datetime(EARLIEST.year, 1, 1, tzinfo=UTC),
                max=datetime(LATEST.year, 12, 31, 23, 59, 59, tzinfo=UTC),
            ),
        )
        super().__init__(default_timezone=None, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


def text(max_length: int = 200, *, required: bool = True, description: str = "") -> fields.String:
    return fields.String(
        required=required,
        validate=validate.Length(min=1, max=max_length),
        metadata={"description": description} if description else {},
    )


def free_text(required: bool = False) -> fields.String:
    return text(4000, required=required, description=NO_MEDICAL)


def texts() -> fields.List:
    return fields.List(
        text(1000, description=NO_MEDICAL),
        required=True,
        validate=validate.Length(max=MAX_ITEMS),
    )


def one_of(*choices: str, required: bool = True) -> fields.String:
    return fields.String(required=required, validate=validate.OneOf(choices))


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


# --- cases -------------------------------------------------------------------------


class EmployeeIn(Strict):
    name = text()
    personnel_number = text(50, required=False)
    date_of_birth = LegalDate()


class CaseOpenIn(Strict):
    """The ziekmelding. Only what the AP allows at a sick report (AP beleidsregels)."""

    employer_id = fields.UUID(required=True)
    employee = fields.Nested(EmployeeIn, required=True)
    first_sick_day = LegalDate(required=True)
    reported_on = LegalDate(required=True)
    expected_duration_weeks = StrictInt(load_default=None, validate=validate.Range(min=0, max=520))
    work_accident = StrictBool(load_default=None)
    third_party_liable = StrictBool(load_default=None)
    vangnet = StrictBool(load_default=None, metadata={"description": "Whether, never which."})
    note = free_text()


class StepIn(Strict):
    """What every case command carries: the legal date it happened, and a note."""

    occurred_on = LegalDate(required=True)
    note = free_text()


class ZiekmeldingIn(StepIn):
    first_sick_day = LegalDate(required=True)


class MeldingArbodienstIn(StepIn):
    arbodienst = text()


class ProbleemanalyseIn(StepIn):
    bedrijfsarts = text()
    functional_limitations = text(
        4000,
        required=False,
        description="Functional limitations and capabilities only. " + NO_MEDICAL,
    )
    prognosis = text(
        4000, required=False, description="Expected duration and capacity. " + NO_MEDICAL
    )
    full_recovery_expected_within_13_weeks = StrictBool(
        required=False,
        metadata={
            "description": "The bedrijfsarts expects full recovery within 13 weeks: "
            "no plan van aanpak is needed (Regeling procesgang art. 2 lid 3)."
        },
    )


class PlanVanAanpakIn(StepIn):
    casemanager = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    goal = free_text(required=True)
    agreements = texts()


class BijstellingIn(StepIn):
    reason = free_text(required=True)
    changes = free_text(required=True)


class EvaluatieIn(StepIn):
    participants = fields.List(text(), required=True, validate=validate.Length(max=MAX_ITEMS))
    summary = free_text(required=True)


class ArbeidsdeskundigOnderzoekIn(StepIn):
    advice = one_of("eigen_werk", "aangepast_werk", "ander_werk_intern", "spoor_2")


class EerstejaarsevaluatieIn(StepIn):
    conclusion = free_text(required=True)
    spoor_2_needed = StrictBool(required=True)
    tenzij_ground = one_of(
        "prospect_internal_return", "no_capacity", "aow_within_year", required=False
    )


class Spoor2StartIn(StepIn):
    provider = text()
    coach = text()


class DeskundigenoordeelAanvraagIn(StepIn):
    question = free_text(required=True)


class DeskundigenoordeelIn(StepIn):
    outcome = free_text(required=True)


class WerkhervattingIn(StepIn):
    work = one_of("eigen", "aangepast", "ander_intern")
    hours_per_week = StrictNumber(required=True)
    wage_value_percentage = StrictNumber(required=True)


class PlaatsingIn(StepIn):
    track = StrictInt(required=True, validate=validate.OneOf([1, 2]))
    employer_name = text()
    position = text()
    hours_per_week = StrictNumber(required=True)
    wage_value_percentage = StrictNumber(required=True)
    permanent = StrictBool(required=True)


class HerstelmeldingIn(StepIn):
    percentage = StrictNumber(required=True)


class EindevaluatieIn(StepIn):
    employee_opinion = free_text(required=True)


class WeeksIn(StepIn):
    weeks = StrictInt(required=True)


class LoonsanctieIn(WeeksIn):
    reasons = texts()


class NotitieIn(StepIn):
    kind = one_of("contact", "gesprek", "overig")
    text = free_text(required=True)


class DocumentIn(StepIn):
    title = text()


class CorrectieIn(StepIn):
    event_id = fields.UUID(required=True)
    reason = free_text(required=True)
    replacement = fields.Dict(
        keys=fields.String(), load_default=None, validate=validate.Length(max=MAX_ITEMS)
    )


class AfsluitingIn(StepIn):
    reason = one_of("herstel", "uit_dienst", "wia", "iva", "overlijden", "overig")


STEP_SCHEMAS: dict[str, type[StepIn]] = {
    "ziekmelding": ZiekmeldingIn,
    "melding-arbodienst": MeldingArbodienstIn,
    "probleemanalyse": ProbleemanalyseIn,
    "plan-van-aanpak": PlanVanAanpakIn,
    "bijstelling": BijstellingIn,
    "evaluatie": EvaluatieIn,
    "arbeidsdeskundig-onderzoek": ArbeidsdeskundigOnderzoekIn,
    "ziekmelding-uwv": StepIn,
    "eerstejaarsevaluatie": EerstejaarsevaluatieIn,
    "spoor-2-start": Spoor2StartIn,
    "deskundigenoordeel-aanvraag": DeskundigenoordeelAanvraagIn,
    "deskundigenoordeel": DeskundigenoordeelIn,
    "werkhervatting": WerkhervattingIn,
    "plaatsing": PlaatsingIn,
    "herstelmelding": HerstelmeldingIn,
    "actueel-oordeel": StepIn,
    "eindevaluatie": EindevaluatieIn,
    "reintegratieverslag": StepIn,
    "wia-aanvraag": StepIn,
    "verlenging-loondoorbetaling": WeeksIn,
    "loonsanctie": LoonsanctieIn,
    "bekortingsverzoek": StepIn,
    "notitie": NotitieIn,
    "correctie": CorrectieIn,
    "afsluiting": AfsluitingIn,
}
"""Every JSON case command, by its path; ``document`` is multipart and separate."""


def replacement_schema(event_type: str) -> Schema:
    """How a correctie's replacement values are checked: as the corrected step's own fields."""
    if event_type == "ziekmelding_opening":
        return CaseOpenIn(partial=True, exclude=("employer_id",))
    if event_type == "document":
        return DocumentIn(partial=True)
    return STEP_SCHEMAS[event_type.replace("_", "-")](partial=True)


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


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The shape of a cursor-paginated list of ``item``."""
    return Strict.from_dict(
        {
            "items": fields.List(fields.Nested(item)),
            "next": fields.String(
                allow_none=True,
                metadata={"description": "The cursor of the next page (?after=); null at the end."},
            ),
        },
        name=name,
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
    occurred_on = fields.Date()
    recorded_at = fields.String()
    actor = fields.String()
    role = fields.String()
    data = fields.Dict()
    prev_hash = fields.String(allow_none=True)
    hash = fields.String(allow_none=True, metadata={"description": "null outside a case chain."})
    position = fields.Integer(
        metadata={"description": "Where the tenant's store recorded it (command answers only)."}
    )


class CaseOpenedOut(Strict):
    case_id = fields.String()
    event = fields.Nested(EventOut)


class CaseOut(Strict):
    case_id = fields.String()
    employer_id = fields.String()
    employee = fields.Dict()
    status = fields.String()
    first_sick_day = fields.Date()
    reported_on = fields.Date()
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
    recovered_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)
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
    occurred_on = fields.Date()
    recorded_at = fields.String()
    recorded_late = fields.Boolean()
    actor = fields.String()
    role = fields.String()
    summary_nl = fields.String(metadata={"description": "What happened, in plain Dutch."})
    hash = fields.String()
    corrects = fields.String(allow_none=True)
    corrected_by = fields.List(fields.String())


class AuditTrailOut(Strict):
    case_id = fields.String()
    as_of = fields.String()
    head_hash = fields.String(allow_none=True)
    entries = fields.List(fields.Nested(TrailEntryOut))


class CheckpointOut(Strict):
    tenant = fields.String()
    position = fields.Integer(metadata={"description": "The last feed position covered."})
    head_hash = fields.String(metadata={"description": "The tenant chain at that position."})
    created_at = fields.String()
    signature = fields.String(metadata={"description": "Ed25519, hex, over the other fields."})
    public_key = fields.String(metadata={"description": "Ed25519 public key, hex."})


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
    since = fields.Date(allow_none=True)
    event_ids = fields.List(fields.String())


class ObligationOut(Strict):
    code = fields.String(metadata={"description": "The obligation's code (POORTWACHTER.md)."})
    label = fields.String(metadata={"description": "The obligation in Dutch."})
    due_on = fields.Date()
    status = one_of(*STATUSES)
    met_on = fields.Date(allow_none=True, metadata={"description": "occurred_on of the proof."})
    recorded_at = fields.String(allow_none=True, metadata={"description": "When it was recorded."})
    recorded_late = fields.Boolean()
    event_ids = fields.List(fields.String())
    occurrence = fields.Integer(allow_none=True, metadata={"description": "Evaluations: 1, 2, …"})
    early = fields.Boolean()
    ground = fields.String(allow_none=True, metadata={"description": "Why it is waived."})
    source = fields.String(metadata={"description": "The legal source of the rule."})


class ObligationsOut(Strict):
    case_id = fields.String()
    as_of = fields.String()
    judged_on = fields.Date()
    version = fields.Integer()
    loonsanctie_risk = one_of("low", "medium", "high")
    risk_reasons = fields.List(fields.String())
    obligations = fields.List(fields.Nested(ObligationOut))
    reintegration = fields.Nested(ReintegrationOut)


class PageArgs(Strict):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    after = fields.String(load_default=None, validate=validate.Length(max=32))


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
    status = one_of("open", "recovered", "closed", required=False)
    risk = one_of("low", "medium", "high", required=False)


class WorklistArgs(PageArgs, ReadAfterWriteArgs):
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
    code = fields.String()
    label = fields.String()
    due_on = fields.Date()
    status = one_of("open", "overdue")
    occurrence = fields.Integer(allow_none=True)
    days_overdue = fields.Integer()


class WorklistOut(Strict):
    judged_on = fields.Date()
    due_before = fields.Date()
    items = fields.List(fields.Nested(WorklistItemOut))
    next = fields.String(allow_none=True)


ApiKeyPage = page_of(ApiKeyOut, "ApiKeyPage")
EmployerPage = page_of(EmployerOut, "EmployerPage")
CasePage = page_of(CaseOut, "CasePage")
EventPage = page_of(EventOut, "EventPage")


class CaseEventsOut(EventPage):  # type: ignore[misc, valid-type]
    case_id = fields.String()
