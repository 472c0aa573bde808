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

import types
from dataclasses import field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.access import Actor
from domain.calendar import SickPeriod, sick_days, week_of_day
from domain.clock import recording_instant
from domain.commitments import disclosed, personal_paths
from domain.envelope import new_envelope
from domain.erasure import erase_personal_values
from domain.errors import DomainError
from domain.facts import Correction, Fact, closing_of, in_legal_order, legal_date, sick_periods_of
from domain.hashchain import GENESIS_HASH
from domain.steps.catalogue import CORRECTIE, STEPS, ZIEKMELDING, step_of
from domain.steps.privacy import WISSING, erasure_of
from domain.steps.step import Proposed, Step
from domain.trajectories import trajectories


class Case(Aggregate):
    """One employee's sickness period and every Poortwachter step taken in it.

    Each step of :data:`domain.steps.catalogue.STEPS` is a verb on this class
    and an event class inside it, made from its declaration below the class.
    """

    class Event(Aggregate.Event):
        """The envelope every case event shares."""

        event_id: str
        occurred_on: date
        actor: str
        role: str
        data: dict[str, Any]
        prev_hash: str
        hash: str
        personal: dict[str, Any] | None = field(default=None, kw_only=True)
        """Each personal value's salt and value by path, apart from ``data``, which holds
        their commitments (:mod:`domain.commitments`); None before commitments."""

        step: ClassVar[Step]
        """The step's declaration: fields, rules, label, sentence."""
        type_name: ClassVar[str] = ""
        """The step's name in the API and the audit trail (snake_case Dutch)."""
        create_timestamp = staticmethod(recording_instant)
        """Recording instants come from :mod:`domain.clock`: the wall clock, but for a seeder."""

        def apply(self, case: Case) -> None:
            case._remember(self)

        @property
        def plain_data(self) -> dict[str, Any]:
            """The data as recorded: the personal values in place of their commitments."""
            return disclosed(self.data, self.personal, self.step)[0]

    class Ziekmelding(Event, Aggregate.Created):
        """The sick report that opens the case (art. 7:629 BW; Regeling procesgang art. 2)."""

        # employer_id is not correctable: a case filed under the wrong employer
        # is closed and reopened, so no employer ever sees another's case.
        step = ZIEKMELDING
        type_name = ZIEKMELDING.name

        def apply(self, case: Case) -> None:
            case.facts = []
            case.facts_by_id = {}
            case.head_hash = GENESIS_HASH
            case._remember(self)

    class Correctie(Event):
        """Names an earlier event and the values that replace its own; both stay."""

        step = CORRECTIE
        type_name = CORRECTIE.name

        def apply(self, case: Case) -> None:
            case._remember(self)
            data = self.plain_data
            target = case._own(data["event_id"])
            replacement = dict(data.get("replacement") or {})
            changes: dict[str, dict[str, Any]] = {}
            if "occurred_on" in replacement:
                new_date = date.fromisoformat(replacement.pop("occurred_on"))
                changes["occurred_on"] = {
                    "from": target.occurred_on.isoformat(),
                    "to": new_date.isoformat(),
                }
                target.occurred_on = new_date
            for name, value in replacement.items():
                changes[name] = {"from": target.data.get(name), "to": value}
            if target.version == 1 and "reported_on" in replacement:
                # The opening happened on the day it was reported: its legal date moves too.
                target.occurred_on = date.fromisoformat(replacement["reported_on"])
            target.data = {**target.data, **replacement}
            target.corrected_by.append(self.event_id)
            target.corrections = [
                *target.corrections,
                Correction(self.event_id, data.get("reason", ""), self.timestamp, changes),
            ]

    # --- state -----------------------------------------------------------------

    # State, set up by the opening Ziekmelding: ``facts`` (every event as now
    # understood, in recording order), ``facts_by_id`` and ``head_hash``.

    def __deepcopy__(self, memo: dict[int, Any]) -> Case:
        """A copy as independent as a deep one, for the cost of one list.

        The repository hands out a copy of a cached case for every command. The
        copy has a fact list and index of its own and shares the facts with the
        case it came from; a fact is never changed in place: a correctie or a
        wissing puts a changed copy in its place (:meth:`_own`), so neither case
        sees the other's change. Copying every fact made each command cost as
        much as the case is long. The copy writes nothing to the case it copies:
        another thread may be bringing that (cached) case forward meanwhile.
        """
        copied = object.__new__(type(self))
        copied.__dict__.update(self.__dict__)
        copied._pending_events = list(self._pending_events)
        copied.facts = list(self.facts)
        copied.facts_by_id = dict(self.facts_by_id)
        return copied

    def _own(self, event_id: str) -> Fact:
        """A copy of the fact of ``event_id``, put in its place for this case alone to
        change: the fact itself may be shared with a copy of the case (looked for from
        the end: corrections mostly concern recent facts; they are rare, so always copying
        costs little and needs no record of what is shared)."""
        fact = self.facts_by_id[event_id]
        mine = fact.copy()
        at = next(i for i in range(len(self.facts) - 1, -1, -1) if self.facts[i] is fact)
        self.facts[at] = self.facts_by_id[event_id] = mine
        return mine

    def _remember(self, event: Case.Event) -> None:
        fact = Fact(
            event_id=event.event_id,
            type=event.type_name,
            version=event.originator_version,
            occurred_on=event.occurred_on,
            recorded_at=event.timestamp,
            actor=event.actor,
            role=event.role,
            data=event.plain_data,
        )
        self.facts.append(fact)
        self.facts_by_id[fact.event_id] = fact
        self.head_hash = event.hash
        if event.type_name == WISSING.name:
            # every fact changes: each is copied first (it may be shared with a copy)
            self.facts[:] = [f.copy() for f in self.facts]
            self.facts_by_id.update((f.event_id, f) for f in self.facts)
            erase_personal_values(self.facts)

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
        """The latest trajectory's spoor (2 or 3), else spoor 2 once started, else spoor 1
        (Werkwijzer Poortwachter; art. 82 WIA for spoor 3)."""
        found = trajectories(self.facts)
        if found:
            return found[-1].track
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
        case_id: UUID | None = None,
        note: str | None = None,
        **values: Any,
    ) -> Case:
        """Open a case with the employee's sick report (7:629 BW).

        Only what the AP allows at a sick report is accepted: contact data,
        expected duration, whether a vangnet regime, a work accident or a
        liable third party applies, never the nature of the illness.
        """
        recorded_at = cls.Ziekmelding.create_timestamp()
        values = {**values, "note": note}
        ZIEKMELDING.check(Proposed(None, values, values["reported_on"], legal_date(recorded_at)))
        case_id = case_id or uuid4()
        data = {"employer_id": employer_id, **ZIEKMELDING.data(values)}
        paths = personal_paths(ZIEKMELDING, data)
        on = values["reported_on"]
        envelope = new_envelope(
            case_id, 1, cls.Ziekmelding, on, recorded_at, by, data, GENESIS_HASH, paths
        )
        return cls._create(cls.Ziekmelding, id=case_id, timestamp=recorded_at, **envelope)

    # --- the steps ---------------------------------------------------------------

    def take(self, step: Step, *, on: date, by: Actor, **values: Any) -> None:
        """Record ``step``: its declared rules first, so a refused step leaves nothing behind.

        Every step's verb (``case.plan_van_aanpak(...)``) is this, for its declaration.
        """
        recorded_at = Case.Event.create_timestamp()
        self._check_open_and_dated(on, legal_date(recorded_at))
        step.check(Proposed(self, values, on, legal_date(recorded_at)))
        data = step.data(values)
        paths = personal_paths(step, data)
        self.record_checked(_EVENT_CLASSES[step.event], on, by, recorded_at, data, paths)

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
        """Correct an earlier event: the original stays, the view shows the new values.

        The corrected values pass the corrected step's own rules, merged with
        what it says now: a correctie is no back door (Werkwijzer Poortwachter:
        the file must be reliable).
        """
        recorded_at = Case.Correctie.create_timestamp()
        today = legal_date(recorded_at)
        self._check_open_and_dated(on, today)
        target = self.find(event_id)
        if target is None:
            raise DomainError("the event to correct is not part of this case", "event_id")
        if target.type == "correctie":
            raise DomainError("correct the original event, not its correctie", "event_id")
        step = step_of(target)
        replacement = dict(replacement or {})
        unknown = sorted(set(replacement) - set(step.field_names) - {"occurred_on"})
        if unknown:
            raise DomainError(
                f"a {target.type} has no field {', '.join(unknown)} to correct", "replacement"
            )
        new_date = replacement.get("occurred_on", target.occurred_on)
        if not isinstance(new_date, date):
            raise DomainError("occurred_on must be a date", "replacement.occurred_on")
        if target.version == 1 and "occurred_on" in replacement:
            raise DomainError(
                "the sick report happened on its reported_on: correct that",
                "replacement.occurred_on",
            )
        values = {k: v for k, v in replacement.items() if k != "occurred_on"}
        merged = {**target.data, **values}
        merged.pop("employer_id", None)
        if target.version > 1:
            merged = {k: v for k, v in merged.items() if k in step.field_names}
        changed = target.copy()
        changed.data, changed.occurred_on = {**target.data, **values}, new_date
        after = [changed if fact is target else fact for fact in self.facts]
        try:
            if target.version > 1:
                self._check_dated(new_date, today)
            step.check(Proposed(self, merged, new_date, today, correcting=True, facts=after))
        except DomainError as error:
            field = f"replacement.{error.field}" if error.field else "replacement"
            raise DomainError(
                f"the corrected {step.label.lower()}: {error.message}", field
            ) from None
        data = CORRECTIE.data(
            {"event_id": event_id, "reason": reason, "replacement": replacement, "note": note}
        )
        paths = personal_paths(CORRECTIE, data)
        paths += personal_paths(step, data.get("replacement") or {}, "replacement.")
        self.record_checked(Case.Correctie, on, by, recorded_at, data, paths)

    # --- recording ---------------------------------------------------------------

    def _check_open_and_dated(self, on: date, today: date) -> None:
        """What every step shares: an open case, and a legal date within the sickness."""
        if self.status == "closed":
            raise DomainError("the case is closed; no further steps can be recorded")
        if erasure_of(self.facts) is not None:  # nothing new may be stored in the clear
            raise DomainError("the case's personal data was erased; nothing more can be recorded")
        self._check_dated(on, today)

    def _check_dated(self, on: date, today: date) -> None:
        if on < self.first_sick_day:
            raise DomainError(
                f"occurred_on {on} lies before the first sick day {self.first_sick_day}",
                "occurred_on",
            )
        if on > today:
            raise DomainError(f"occurred_on {on} lies in the future", "occurred_on")

    def record_checked(
        self,
        event_class: type[Case.Event],
        on: date,
        by: Actor,
        recorded_at: datetime,
        data: dict[str, Any],
        paths: list[str],
    ) -> None:
        """Chain and trigger the event (its rules were checked by the caller; public for the
        legal hold and the wissing, recorded on a closed case too: ``domain.retention``)."""
        envelope = new_envelope(
            self.id, self.version + 1, event_class, on, recorded_at, by, data, self.head_hash, paths
        )
        self.trigger_event(event_class, timestamp=recorded_at, **envelope)


def _declare(step: Step) -> type[Case.Event]:
    """The event class of a declared step, under ``Case`` where its stored topic names it."""
    namespace = {
        "__module__": __name__,
        "__qualname__": f"Case.{step.event}",
        "__doc__": step.doc,
        "step": step,
        "type_name": step.name,
    }
    return types.new_class(step.event, (Case.Event,), exec_body=lambda ns: ns.update(namespace))


def _verb(step: Step) -> Any:
    def verb(self: Case, *, on: date, by: Actor, **values: Any) -> None:
        self.take(step, on=on, by=by, **values)

    verb.__name__ = verb.__qualname__ = (step.path or step.name).replace("-", "_")
    verb.__doc__ = f"{step.doc} ({step.source})"
    return verb


_EVENT_CLASSES: dict[str, type[Case.Event]] = {
    "Ziekmelding": Case.Ziekmelding,
    "Correctie": Case.Correctie,
}
for _step in STEPS:
    if _step.event not in _EVENT_CLASSES:
        _EVENT_CLASSES[_step.event] = _declare(_step)
        setattr(Case, _step.event, _EVENT_CLASSES[_step.event])
        setattr(Case, _verb(_step).__name__, _verb(_step))


_STEP_EVENTS: tuple[type[Case.Event], ...] = tuple(_EVENT_CLASSES.values())
"""Every step's event class."""

CASE_TOPIC_PREFIX = get_topic(Case) + "."
"""Every stored case event's topic starts with this."""
