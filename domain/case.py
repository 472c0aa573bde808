"""A sickness case: one employee's Poortwachter file as a chain of immutable events.

One case is one sickness period of one employee, samentelregel included
(art. 7:629 lid 10 BW). Every step of the Wet verbetering poortwachter is a
verb on :class:`Case` and a named event. The verbs check the rules first and
only then trigger the event, so a rejected command leaves nothing behind.

Events carry the legal date the action happened (``occurred_on``, given by
the client) and the instant it was recorded (``timestamp``, set here), who
did it, and the case's hash chain (:mod:`domain.hashchain`). They are never
changed: a :meth:`Case.correctie` is a new event that names the old one, and
the case's view (:attr:`Case.facts`) shows the corrected values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.access import Actor
from domain.calendar import SAMENTEL_DAYS, SickPeriod, sick_days, week_of_day
from domain.errors import DomainError
from domain.hashchain import GENESIS_HASH, canonical_value, chained_record, hash_record

LEGAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")
"""Legal dates are Dutch calendar dates, whatever the server's clock zone."""


def legal_date(instant: datetime) -> date:
    return instant.astimezone(LEGAL_TIMEZONE).date()


@dataclass
class Fact:
    """One event as the case understands it now: corrections applied."""

    event_id: str
    type: str
    version: int
    occurred_on: date
    recorded_at: datetime
    actor: str
    role: str
    data: dict[str, Any]
    corrected_by: list[str] = field(default_factory=list)

    def copy(self) -> Fact:
        """A copy a correctie can change without touching this one (data is replaced,
        never edited in place)."""
        copied = object.__new__(Fact)
        copied.__dict__.update(self.__dict__)
        copied.corrected_by = list(self.corrected_by)
        return copied

    def date_field(self, name: str) -> date | None:
        value = self.data.get(name)
        return date.fromisoformat(value) if value else None


def _check_percentage(value: float | None, name: str) -> None:
    if value is not None and not 0 <= value <= 100:
        raise DomainError(f"{name} must lie between 0 and 100", name)


def _check_hours(value: float | None) -> None:
    if value is not None and not 0 <= value <= 168:
        raise DomainError("hours_per_week must lie between 0 and 168", "hours_per_week")


def _check_weeks(value: int, maximum: int, source: str) -> None:
    if not 1 <= value <= maximum:
        raise DomainError(f"weeks must lie between 1 and {maximum} ({source})", "weeks")


class Case(Aggregate):
    """One employee's sickness period and every Poortwachter step taken in it."""

    class Event(Aggregate.Event):
        """The envelope every case event shares."""

        event_id: str
        occurred_on: date
        actor: str
        role: str
        data: dict[str, Any]
        prev_hash: str
        hash: str

        type_name: ClassVar[str] = ""
        """The step's name in the API and the audit trail (snake_case Dutch)."""
        label: ClassVar[str] = ""
        """The step as a casemanager names it, for texts such as risk reasons."""
        fields: ClassVar[tuple[str, ...]] = ()
        """The data fields of this step, the ones a correctie may replace."""

        def apply(self, case: Case) -> None:
            case._remember(self)

    class Ziekmelding(Event, Aggregate.Created):
        """The sick report that opens the case (art. 7:629 BW; Regeling procesgang art. 2)."""

        type_name = "ziekmelding"
        label = "Ziekmelding"
        # employer_id is not correctable: a case filed under the wrong employer
        # is closed and reopened, so no employer ever sees another's case.
        fields = (
            "employee",
            "first_sick_day",
            "reported_on",
            "expected_duration_weeks",
            "work_accident",
            "third_party_liable",
            "vangnet",
            "note",
        )

        def apply(self, case: Case) -> None:
            case.facts = []
            case.facts_by_id = {}
            case.head_hash = GENESIS_HASH
            case._remember(self)

    class HernieuweZiekmelding(Event):
        """A relapse within 28 days: the same case runs on (7:629 lid 10 BW)."""

        type_name = "ziekmelding"
        label = "Hernieuwde ziekmelding"
        fields = ("first_sick_day", "note")

    class MeldingArbodienst(Event):
        type_name = "melding_arbodienst"
        label = "Melding bij de arbodienst"
        fields = ("arbodienst", "note")

    class Probleemanalyse(Event):
        type_name = "probleemanalyse"
        label = "Probleemanalyse"
        fields = (
            "bedrijfsarts",
            "functional_limitations",
            "prognosis",
            "full_recovery_expected_within_13_weeks",
            "note",
        )

    class PlanVanAanpak(Event):
        type_name = "plan_van_aanpak"
        label = "Plan van aanpak"
        fields = ("casemanager", "goal", "agreements", "note")

    class Bijstelling(Event):
        type_name = "bijstelling"
        label = "Bijstelling van het plan van aanpak"
        fields = ("reason", "changes", "note")

    class Evaluatie(Event):
        type_name = "evaluatie"
        label = "Evaluatie"
        fields = ("participants", "summary", "note")

    class ArbeidsdeskundigOnderzoek(Event):
        type_name = "arbeidsdeskundig_onderzoek"
        label = "Arbeidsdeskundig onderzoek"
        fields = ("advice", "note")

    class ZiekmeldingUWV(Event):
        type_name = "ziekmelding_uwv"
        label = "42e-weeksmelding aan UWV"
        fields = ("note",)

    class Eerstejaarsevaluatie(Event):
        type_name = "eerstejaarsevaluatie"
        label = "Eerstejaarsevaluatie"
        fields = ("conclusion", "spoor_2_needed", "tenzij_ground", "note")

    class Spoor2Gestart(Event):
        type_name = "spoor_2_start"
        label = "Start spoor 2"
        fields = ("provider", "coach", "note")

    class DeskundigenoordeelAangevraagd(Event):
        type_name = "deskundigenoordeel_aanvraag"
        label = "Aanvraag deskundigenoordeel"
        fields = ("question", "note")

    class Deskundigenoordeel(Event):
        type_name = "deskundigenoordeel"
        label = "Deskundigenoordeel"
        fields = ("outcome", "note")

    class Werkhervatting(Event):
        type_name = "werkhervatting"
        label = "Werkhervatting"
        fields = ("work", "hours_per_week", "wage_value_percentage", "note")

    class Plaatsing(Event):
        type_name = "plaatsing"
        label = "Plaatsing"
        fields = (
            "track",
            "employer_name",
            "position",
            "hours_per_week",
            "wage_value_percentage",
            "permanent",
            "note",
        )

    class Herstelmelding(Event):
        type_name = "herstelmelding"
        label = "Herstelmelding"
        fields = ("percentage", "note")

    class ActueelOordeel(Event):
        type_name = "actueel_oordeel"
        label = "Actueel oordeel van de bedrijfsarts"
        fields = ("note",)

    class Eindevaluatie(Event):
        type_name = "eindevaluatie"
        label = "Eindevaluatie"
        fields = ("employee_opinion", "note")

    class Reintegratieverslag(Event):
        type_name = "reintegratieverslag"
        label = "Re-integratieverslag"
        fields = ("note",)

    class WiaAanvraag(Event):
        type_name = "wia_aanvraag"
        label = "WIA-aanvraag"
        fields = ("note",)

    class VerlengingLoondoorbetaling(Event):
        type_name = "verlenging_loondoorbetaling"
        label = "Verlenging loondoorbetaling"
        fields = ("weeks", "note")

    class Loonsanctie(Event):
        type_name = "loonsanctie"
        label = "Loonsanctie"
        fields = ("weeks", "reasons", "note")

    class Bekortingsverzoek(Event):
        type_name = "bekortingsverzoek"
        label = "Bekortingsverzoek"
        fields = ("note",)

    class Notitie(Event):
        type_name = "notitie"
        label = "Notitie"
        fields = ("kind", "text", "note")

    class Document(Event):
        type_name = "document"
        label = "Document"
        fields = ("title", "note")

    class Correctie(Event):
        """Names an earlier event and the values that replace its own; both stay."""

        type_name = "correctie"
        label = "Correctie"

        def apply(self, case: Case) -> None:
            case._remember(self)
            target = case.facts_by_id[self.data["event_id"]]
            replacement = dict(self.data.get("replacement") or {})
            if "occurred_on" in replacement:
                target.occurred_on = date.fromisoformat(replacement.pop("occurred_on"))
            target.data = {**target.data, **replacement}
            target.corrected_by.append(self.event_id)

    class Afsluiting(Event):
        type_name = "afsluiting"
        label = "Afsluiting"
        fields = ("reason", "note")

    # --- state -----------------------------------------------------------------

    # State, set up by the opening Ziekmelding: ``facts`` (every event as now
    # understood, in recording order), ``facts_by_id`` and ``head_hash``.

    def __deepcopy__(self, memo: dict[int, Any]) -> Case:
        """A copy as independent as a deep one, for a fraction of its cost.

        The repository hands out copies of cached cases. Only the fact list
        and each fact's own attributes ever change (a correctie assigns new
        values, never edits a value in place), so copying those is enough;
        event data is shared.
        """
        copied = object.__new__(type(self))
        copied.__dict__.update(self.__dict__)
        copied._pending_events = list(self._pending_events)
        copied.facts = [f.copy() for f in self.facts]
        copied.facts_by_id = {f.event_id: f for f in copied.facts}
        return copied

    def _remember(self, event: Case.Event) -> None:
        fact = Fact(
            event_id=event.event_id,
            type=event.type_name,
            version=event.originator_version,
            occurred_on=event.occurred_on,
            recorded_at=event.timestamp,
            actor=event.actor,
            role=event.role,
            data=dict(event.data),
        )
        self.facts.append(fact)
        self.facts_by_id[fact.event_id] = fact
        self.head_hash = event.hash

    # --- what the case knows -----------------------------------------------------

    @property
    def opening(self) -> Fact:
        return self.facts[0]

    @property
    def employer_id(self) -> str:
        return str(self.opening.data["employer_id"])

    @property
    def employee(self) -> dict[str, Any]:
        return dict(self.opening.data["employee"])

    @property
    def first_sick_day(self) -> date:
        first = self.opening.date_field("first_sick_day")
        assert first is not None
        return first

    def facts_of(self, *types: str) -> list[Fact]:
        """Facts of the given types in legal order (occurred_on, then recording)."""
        return in_legal_order(self.facts, *types)

    @property
    def sick_periods(self) -> list[SickPeriod]:
        """Sickness as consecutive periods; a full herstelmelding ends one."""
        return sick_periods_of(self.facts)

    @property
    def recovered_on(self) -> date | None:
        """The first day of full recovery, while no relapse followed it."""
        last = self.sick_periods[-1].last
        return None if last is None else last + timedelta(days=1)

    @property
    def closing(self) -> Fact | None:
        return closing_of(self.facts)

    @property
    def status(self) -> str:
        if self.closing is not None:
            return "closed"
        if self.recovered_on is not None:
            return "recovered"
        return "open"

    @property
    def track(self) -> int:
        """Spoor 2 once started, spoor 1 before (Werkwijzer Poortwachter)."""
        return 2 if self.facts_of("spoor_2_start") else 1

    def sick_days(self, on: date) -> int:
        return sick_days(self.sick_periods, on)

    def week(self, on: date) -> int:
        return week_of_day(self.sick_days(on))

    def find(self, event_id: str) -> Fact | None:
        return self.facts_by_id.get(event_id)

    # --- opening -----------------------------------------------------------------

    @classmethod
    def open_with_ziekmelding(
        cls,
        *,
        by: Actor,
        employer_id: str,
        employee: dict[str, Any],
        first_sick_day: date,
        reported_on: date,
        expected_duration_weeks: int | None = None,
        work_accident: bool | None = None,
        third_party_liable: bool | None = None,
        vangnet: bool | None = None,
        note: str | None = None,
        case_id: UUID | None = None,
    ) -> Case:
        """Open a case with the employee's sick report (7:629 BW).

        Only what the AP allows at a sick report is accepted: contact data,
        expected duration, whether a vangnet regime, a work accident or a
        liable third party applies, never the nature of the illness.
        """
        recorded_at = cls.Ziekmelding.create_timestamp()
        today = legal_date(recorded_at)
        if first_sick_day > today:
            raise DomainError("first_sick_day lies in the future", "first_sick_day")
        if reported_on < first_sick_day:
            raise DomainError("reported_on lies before first_sick_day", "reported_on")
        if reported_on > today:
            raise DomainError("reported_on lies in the future", "reported_on")
        if expected_duration_weeks is not None and expected_duration_weeks < 0:
            raise DomainError(
                "expected_duration_weeks cannot be negative", "expected_duration_weeks"
            )
        case_id = case_id or uuid4()
        data = _data(
            employer_id=employer_id,
            employee=employee,
            first_sick_day=first_sick_day,
            reported_on=reported_on,
            expected_duration_weeks=expected_duration_weeks,
            work_accident=work_accident,
            third_party_liable=third_party_liable,
            vangnet=vangnet,
            note=note,
        )
        envelope = _envelope(
            case_id, 1, cls.Ziekmelding, reported_on, recorded_at, by, data, GENESIS_HASH
        )
        return cls._create(cls.Ziekmelding, id=case_id, timestamp=recorded_at, **envelope)

    # --- the steps ---------------------------------------------------------------

    def ziekmelding(
        self, *, on: date, by: Actor, first_sick_day: date, note: str | None = None
    ) -> None:
        """A relapse: under 28 days after full recovery the case continues (7:629 lid 10 BW)."""
        recovered_on = self.recovered_on
        if recovered_on is None:
            raise DomainError(
                "the employee has not fully recovered; a relapse needs a herstelmelding first",
                "first_sick_day",
            )
        if first_sick_day < recovered_on:
            raise DomainError("first_sick_day lies before the recovery", "first_sick_day")
        gap = (first_sick_day - recovered_on).days
        if gap >= SAMENTEL_DAYS:
            raise DomainError(
                f"{gap} days after full recovery is {SAMENTEL_DAYS} days or more: "
                "the samentelregel (art. 7:629 lid 10 BW) does not apply, open a new case",
                "first_sick_day",
            )
        if first_sick_day > on:
            raise DomainError("first_sick_day lies after the report", "first_sick_day")
        self._record(self.HernieuweZiekmelding, on, by, first_sick_day=first_sick_day, note=note)

    def melding_arbodienst(
        self, *, on: date, by: Actor, arbodienst: str, note: str | None = None
    ) -> None:
        """Report to the arbodienst/bedrijfsarts (art. 7:658a BW; Regeling procesgang art. 2)."""
        self._record(self.MeldingArbodienst, on, by, arbodienst=arbodienst, note=note)

    def probleemanalyse(
        self,
        *,
        on: date,
        by: Actor,
        bedrijfsarts: str,
        functional_limitations: str | None = None,
        prognosis: str | None = None,
        full_recovery_expected_within_13_weeks: bool | None = None,
        note: str | None = None,
    ) -> None:
        """The bedrijfsarts' problem analysis (Regeling procesgang art. 2 lid 2).

        A prognosis of full recovery within 13 weeks means no plan van aanpak
        is needed (Regeling procesgang art. 2 lid 3).
        """
        self._record(
            self.Probleemanalyse,
            on,
            by,
            bedrijfsarts=bedrijfsarts,
            functional_limitations=functional_limitations,
            prognosis=prognosis,
            full_recovery_expected_within_13_weeks=full_recovery_expected_within_13_weeks,
            note=note,
        )

    def plan_van_aanpak(
        self,
        *,
        on: date,
        by: Actor,
        casemanager: str | None,
        goal: str,
        agreements: list[str],
        note: str | None = None,
    ) -> None:
        """The plan van aanpak, which must name a casemanager (Regeling procesgang art. 4)."""
        if not (casemanager or "").strip():
            raise DomainError(
                "a plan van aanpak names a casemanager (Regeling procesgang art. 4)",
                "casemanager",
            )
        self._record(
            self.PlanVanAanpak,
            on,
            by,
            casemanager=casemanager,
            goal=goal,
            agreements=agreements,
            note=note,
        )

    def bijstelling(
        self, *, on: date, by: Actor, reason: str, changes: str, note: str | None = None
    ) -> None:
        """An adjustment of the plan van aanpak (Regeling procesgang art. 4 lid 4)."""
        self._record(self.Bijstelling, on, by, reason=reason, changes=changes, note=note)

    def evaluatie(
        self, *, on: date, by: Actor, participants: list[str], summary: str, note: str | None = None
    ) -> None:
        """A periodic evaluation of the plan (Regeling procesgang art. 5)."""
        self._record(self.Evaluatie, on, by, participants=participants, summary=summary, note=note)

    def arbeidsdeskundig_onderzoek(
        self, *, on: date, by: Actor, advice: str, note: str | None = None
    ) -> None:
        """Advice of an arbeidsdeskundige (Werkwijzer Poortwachter)."""
        self._record(self.ArbeidsdeskundigOnderzoek, on, by, advice=advice, note=note)

    def ziekmelding_uwv(self, *, on: date, by: Actor, note: str | None = None) -> None:
        """The 42nd-week report to UWV (art. 38 ZW)."""
        self._record(self.ZiekmeldingUWV, on, by, note=note)

    def eerstejaarsevaluatie(
        self,
        *,
        on: date,
        by: Actor,
        conclusion: str,
        spoor_2_needed: bool,
        tenzij_ground: str | None = None,
        note: str | None = None,
    ) -> None:
        """The first-year evaluation (Regeling procesgang art. 6)."""
        if spoor_2_needed and tenzij_ground:
            raise DomainError(
                "a tenzij ground is a reason not to start spoor 2; drop it or spoor_2_needed",
                "tenzij_ground",
            )
        self._record(
            self.Eerstejaarsevaluatie,
            on,
            by,
            conclusion=conclusion,
            spoor_2_needed=spoor_2_needed,
            tenzij_ground=tenzij_ground,
            note=note,
        )

    def spoor_2_start(
        self, *, on: date, by: Actor, provider: str, coach: str, note: str | None = None
    ) -> None:
        """Start of reintegration with another employer (art. 7:658a lid 1 BW)."""
        self._record(self.Spoor2Gestart, on, by, provider=provider, coach=coach, note=note)

    def deskundigenoordeel_aanvraag(
        self, *, on: date, by: Actor, question: str, note: str | None = None
    ) -> None:
        """A request to UWV for an expert opinion (art. 7:629a BW)."""
        self._record(self.DeskundigenoordeelAangevraagd, on, by, question=question, note=note)

    def deskundigenoordeel(
        self, *, on: date, by: Actor, outcome: str, note: str | None = None
    ) -> None:
        """UWV's expert opinion (art. 7:629a BW)."""
        self._record(self.Deskundigenoordeel, on, by, outcome=outcome, note=note)

    def werkhervatting(
        self,
        *,
        on: date,
        by: Actor,
        work: str,
        hours_per_week: float,
        wage_value_percentage: float,
        note: str | None = None,
    ) -> None:
        """Return to work; partial return does not stop the clock (Werkwijzer Poortwachter)."""
        _check_hours(hours_per_week)
        _check_percentage(wage_value_percentage, "wage_value_percentage")
        self._record(
            self.Werkhervatting,
            on,
            by,
            work=work,
            hours_per_week=hours_per_week,
            wage_value_percentage=wage_value_percentage,
            note=note,
        )

    def plaatsing(
        self,
        *,
        on: date,
        by: Actor,
        track: int,
        employer_name: str,
        position: str,
        hours_per_week: float,
        wage_value_percentage: float,
        permanent: bool,
        note: str | None = None,
    ) -> None:
        """A placement in suitable work, spoor 1 or 2 (art. 7:658a BW)."""
        _check_hours(hours_per_week)
        _check_percentage(wage_value_percentage, "wage_value_percentage")
        self._record(
            self.Plaatsing,
            on,
            by,
            track=track,
            employer_name=employer_name,
            position=position,
            hours_per_week=hours_per_week,
            wage_value_percentage=wage_value_percentage,
            permanent=permanent,
            note=note,
        )

    def herstelmelding(
        self, *, on: date, by: Actor, percentage: float, note: str | None = None
    ) -> None:
        """Recovery; at 100 % the sickness period ends (7:629 BW)."""
        _check_percentage(percentage, "percentage")
        if percentage >= 100 and self.recovered_on is not None:
            raise DomainError("the employee is already fully recovered", "percentage")
        self._record(self.Herstelmelding, on, by, percentage=percentage, note=note)

    def actueel_oordeel(self, *, on: date, by: Actor, note: str | None = None) -> None:
        """The bedrijfsarts' current judgement for the RIV (Regeling procesgang art. 7)."""
        self._record(self.ActueelOordeel, on, by, note=note)

    def eindevaluatie(
        self, *, on: date, by: Actor, employee_opinion: str, note: str | None = None
    ) -> None:
        """The final evaluation with the employee's opinion (Regeling procesgang art. 7)."""
        self._record(self.Eindevaluatie, on, by, employee_opinion=employee_opinion, note=note)

    def reintegratieverslag(self, *, on: date, by: Actor, note: str | None = None) -> None:
        """The re-integratieverslag for the WIA application (art. 65 WIA)."""
        self._record(self.Reintegratieverslag, on, by, note=note)

    def wia_aanvraag(self, *, on: date, by: Actor, note: str | None = None) -> None:
        """The employee's WIA application (art. 64 WIA)."""
        self._record(self.WiaAanvraag, on, by, note=note)

    def verlenging_loondoorbetaling(
        self, *, on: date, by: Actor, weeks: int, note: str | None = None
    ) -> None:
        """A voluntary extension of the waiting period (art. 24 WIA)."""
        _check_weeks(weeks, 52, "art. 24 WIA")
        self._record(self.VerlengingLoondoorbetaling, on, by, weeks=weeks, note=note)

    def loonsanctie(
        self, *, on: date, by: Actor, weeks: int, reasons: list[str], note: str | None = None
    ) -> None:
        """UWV's wage sanction of at most 52 weeks (art. 25 lid 9 WIA)."""
        _check_weeks(weeks, 52, "art. 25 lid 9 WIA")
        self._record(self.Loonsanctie, on, by, weeks=weeks, reasons=reasons, note=note)

    def bekortingsverzoek(self, *, on: date, by: Actor, note: str | None = None) -> None:
        """A request to shorten the loonsanctie (art. 25 lid 9 WIA)."""
        self._record(self.Bekortingsverzoek, on, by, note=note)

    def notitie(
        self, *, on: date, by: Actor, kind: str, text: str, note: str | None = None
    ) -> None:
        """A contact or conversation note; no medical data (AP beleidsregels)."""
        self._record(self.Notitie, on, by, kind=kind, text=text, note=note)

    def document(
        self,
        *,
        on: date,
        by: Actor,
        title: str,
        document_id: str,
        sha256: str,
        size: int,
        media_type: str,
        note: str | None = None,
    ) -> None:
        """A document added to the file; its SHA-256 makes it part of the proof."""
        self._record(
            self.Document,
            on,
            by,
            title=title,
            document_id=document_id,
            sha256=sha256,
            size=size,
            media_type=media_type,
            note=note,
        )

    def correctie(
        self,
        *,
        on: date,
        by: Actor,
        event_id: str,
        reason: str,
        replacement: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> None:
        """Correct an earlier event: the original stays, the view shows the new values."""
        target = self.find(event_id)
        if target is None:
            raise DomainError("the event to correct is not part of this case", "event_id")
        if target.type == "correctie":
            raise DomainError("correct the original event, not its correctie", "event_id")
        replacement = dict(replacement or {})
        allowed = set(event_class_of(target).fields) | {"occurred_on"}
        unknown = sorted(set(replacement) - allowed)
        if unknown:
            raise DomainError(
                f"a {target.type} has no field {', '.join(unknown)} to correct", "replacement"
            )
        if "occurred_on" in replacement:
            new_date = replacement["occurred_on"]
            if not isinstance(new_date, date):
                raise DomainError("occurred_on must be a date", "replacement")
            self._check_legal_date(new_date, legal_date(self.Correctie.create_timestamp()))
        self._record(
            self.Correctie,
            on,
            by,
            event_id=event_id,
            reason=reason,
            replacement=replacement,
            note=note,
        )

    def afsluiting(self, *, on: date, by: Actor, reason: str, note: str | None = None) -> None:
        """Close the case: employment ended, WIA decision, death, IVA or recovery."""
        self._record(self.Afsluiting, on, by, reason=reason, note=note)

    # --- recording ---------------------------------------------------------------

    def _check_legal_date(self, on: date, today: date) -> None:
        if on < self.first_sick_day:
            raise DomainError(
                f"occurred_on {on} lies before the first sick day {self.first_sick_day}",
                "occurred_on",
            )
        if on > today:
            raise DomainError(f"occurred_on {on} lies in the future", "occurred_on")

    def _record(self, event_class: type[Case.Event], on: date, by: Actor, **data: Any) -> None:
        """Check the rules every step shares, then chain and trigger the event."""
        recorded_at = event_class.create_timestamp()
        if self.status == "closed":
            raise DomainError("the case is closed; no further steps can be recorded")
        self._check_legal_date(on, legal_date(recorded_at))
        envelope = _envelope(
            self.id,
            self.version + 1,
            event_class,
            on,
            recorded_at,
            by,
            _data(**data),
            self.head_hash,
        )
        self.trigger_event(event_class, timestamp=recorded_at, **envelope)


_STEP_EVENTS: tuple[type[Case.Event], ...] = tuple(
    value
    for value in vars(Case).values()
    if isinstance(value, type) and issubclass(value, Case.Event) and value.type_name
)
"""Every step's event class; the library's own generated classes have no type name."""

CASE_TOPIC_PREFIX = get_topic(Case) + "."
"""Every stored case event's topic starts with this."""


def event_class_of(fact: Fact) -> type[Case.Event]:
    """The step a fact records: the opening ziekmelding is version 1, a relapse later."""
    if fact.version == 1:
        return Case.Ziekmelding
    return next(c for c in _STEP_EVENTS if c.type_name == fact.type and c is not Case.Ziekmelding)


def in_legal_order(facts: list[Fact], *types: str) -> list[Fact]:
    """Facts (of the given types, if named) in legal order: occurred_on, then recording."""
    chosen = [f for f in facts if f.type in types] if types else list(facts)
    return sorted(chosen, key=lambda f: (f.occurred_on, f.version))


def sick_periods_of(facts: list[Fact]) -> list[SickPeriod]:
    """Sickness as consecutive periods; a herstelmelding at 100 % ends one.

    A relapse within 28 days starts the next period of the same case
    (samentelregel, art. 7:629 lid 10 BW).
    """
    first = facts[0].date_field("first_sick_day")
    periods: list[SickPeriod] = []
    start: date | None = first
    for fact in in_legal_order(facts, "herstelmelding", "ziekmelding"):
        if fact.type == "herstelmelding" and start is not None:
            if fact.data.get("percentage", 0) >= 100:
                periods.append(SickPeriod(start, fact.occurred_on - timedelta(days=1)))
                start = None
        elif fact.type == "ziekmelding" and fact.version > 1 and start is None:
            start = fact.date_field("first_sick_day")
    if start is not None:
        periods.append(SickPeriod(start))
    return periods


def closing_of(facts: list[Fact]) -> Fact | None:
    closings = in_legal_order(facts, "afsluiting")
    return closings[-1] if closings else None


def _data(**values: Any) -> dict[str, Any]:
    """The event's data in canonical form; absent optional fields are left out."""
    return {k: canonical_value(v) for k, v in values.items() if v is not None}


def _envelope(
    case_id: UUID,
    version: int,
    event_class: type[Case.Event],
    on: date,
    recorded_at: datetime,
    by: Actor,
    data: dict[str, Any],
    prev_hash: str,
) -> dict[str, Any]:
    event_id = str(uuid4())
    record = chained_record(
        case_id=str(case_id),
        version=version,
        event_id=event_id,
        type=event_class.type_name,
        schema_version=getattr(event_class, "class_version", 1),
        occurred_on=on,
        recorded_at=recorded_at,
        actor=by.id,
        role=by.role,
        data=data,
        prev_hash=prev_hash,
    )
    return {
        "event_id": event_id,
        "occurred_on": on,
        "actor": by.id,
        "role": by.role,
        "data": data,
        "prev_hash": prev_hash,
        "hash": hash_record(record),
    }
