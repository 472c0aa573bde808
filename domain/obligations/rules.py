"""The Poortwachter obligations of a case: what is due when, and what met it.

Pure functions of a case's facts (corrections applied) and a date. The rules
are those of the Wet verbetering poortwachter; each one names its legal source. Work happens
in two steps, so that read models can store what does not change with the
calendar and judge the rest when asked:

- :func:`schedule` settles everything the facts decide (met, met late,
  waived, not applicable, an evaluation window missed for good) and leaves
  the rest *pending*, each with its due date;
- :meth:`Schedule.on` judges the pending ones on a day: ``open`` until the
  due date has passed, ``overdue`` after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from domain.calendar import SickPeriod, date_of_sick_day, end_of_week, sick_days_later
from domain.commitments import readable
from domain.employer import Regime
from domain.facts import Fact, closing_of, in_legal_order, sick_periods_of
from domain.obligations.advice import AdviceRules
from domain.obligations.kinds import (
    INCOMPLETE,
    KINDS,
    MET,
    MET_LATE,
    MILESTONES,
    NOT_APPLICABLE,
    OPEN,
    OVERDUE,
    PENDING,
    WAIVED,
    Obligation,
)
from domain.obligations.regimes import RegimeRules
from domain.obligations.riv import RivRules
from domain.obligations.spoor2 import Spoor2Rules
from domain.obligations.trajectory import SPOOR_3_CODES, TrajectoryRules
from domain.policy import Policy
from domain.reintegration import ReintegrationResult, reintegration_result

EVALUATION_DAYS = 42
"""Evaluations every 6 weeks (Regeling procesgang art. 5), counted in sick days."""

PLAN_AFTER_ANALYSIS_DAYS = 14
"""The plan van aanpak within 2 weeks of the probleemanalyse (Regeling procesgang art. 4)."""

PROOF_TYPES = frozenset(
    {
        "melding_arbodienst",
        "probleemanalyse",
        "plan_van_aanpak",
        "evaluatie",
        "bijstelling",
        "ziekmelding_uwv",
        "arbeidsdeskundig_onderzoek",
        "eerstejaarsevaluatie",
        "deskundigenoordeel",
        "spoor_2_start",
        "werkhervatting",
        "plaatsing",
        "traject_rapportage",
        "actueel_oordeel",
        "eindevaluatie",
        "reintegratieverslag",
        "wia_aanvraag",
    }
)
"""The steps an obligation can name as what met, waived or (an RIV) left it incomplete: the
only facts the audit trail judges the schedule for (any other step's sentence has no timing,
so its cost does not grow with the case). :func:`schedule` checks that no rule names another."""


@dataclass(frozen=True)
class Schedule:
    """What the facts settle, and what waits for the calendar."""

    obligations: list[Obligation]
    """Settled and pending single obligations, evaluations settled by the facts."""
    evaluations_from: tuple[int, date] | None
    """The first evaluation no action has met yet: (occurrence, due date)."""
    ended_on: date | None
    """The last day the case ran: the day before full recovery, or the closing day."""
    einde_wachttijd: date
    evaluations_until: date
    """Evaluations recur up to here: einde wachttijd, or the day before the AOW date."""
    periods: list[SickPeriod] = field(default_factory=list)
    """The sick periods, for terms counted in sick days (samentelregel)."""
    recorded_late_facts: list[Fact] = field(default_factory=list)
    reintegration: ReintegrationResult = field(
        default_factory=lambda: ReintegrationResult(None, False, None, ())
    )
    """The 65 % result the facts show (spoor 2 is waived by a satisfactory one)."""

    def on(self, today: date) -> list[Obligation]:
        """Every obligation as judged on ``today``, soonest due first.

        Unmet evaluations repeat every 6 weeks: each one whose due date has
        passed is listed overdue, then the first still to come is listed open
        — or none once the case has ended (Regeling procesgang art. 5).
        """
        listed = [o.judged_on(today) for o in self.obligations]
        if self.ended_on is None and today > self.einde_wachttijd:
            # The duty to offer suitable work in the own organisation lasts as long as the
            # employment (7:658a lid 1 BW): informational, from einde wachttijd on.
            listed.append(Obligation("passend_werk_eigen_bedrijf", self.einde_wachttijd, OPEN))
        for evaluation in self._evaluations():
            if evaluation.due_on >= today:
                if self.ended_on is None:
                    listed.append(evaluation.judged_on(today))
                break
            listed.append(evaluation.judged_on(today))
        return sorted(listed, key=_legal_order)

    def proof_of(self, event_id: str, today: date) -> Obligation | None:
        """The first obligation in :meth:`on`'s order that the event proves on ``today``
        (the trail's timing): what :meth:`on` lists, judging only the obligations it names."""
        judged = [o.judged_on(today) for o in self.obligations if event_id in o.event_ids]
        return min((o for o in judged if event_id in o.event_ids), key=_legal_order, default=None)

    def pending(self, until: date) -> list[Obligation]:
        """What the facts leave to be done, up to ``until``: the worklist's rows.

        Later evaluations carry ``listed_from``: a list on a given day shows
        them only once the evaluation before has become overdue. An incomplete
        RIV is to be done too: it is listed until a complete one is recorded.
        """
        pending = [
            _with(o, listed_from=o.waived_until)
            for o in self.obligations
            if o.status in (PENDING, INCOMPLETE) and o.code not in MILESTONES
        ]
        previous: date | None = None
        for evaluation in self._evaluations():
            if evaluation.due_on > until:
                break
            pending.append(_with(evaluation, listed_from=previous))
            previous = evaluation.due_on
        return sorted(pending, key=_legal_order)

    def _evaluations(self) -> Iterator[Obligation]:
        """The evaluations no action has met yet, every 6 weeks of the case, while it runs
        and no later than einde wachttijd (the Poortwachter duties UWV tests end there)."""
        if self.evaluations_from is None:
            return
        occurrence, due = self.evaluations_from
        while (self.ended_on is None or due <= self.ended_on) and due <= self.evaluations_until:
            yield Obligation("evaluatie", due, PENDING, occurrence=occurrence)
            occurrence += 1
            due = sick_days_later(self.periods, due, EVALUATION_DAYS)


def recorded_late(fact: Fact, policy: Policy) -> bool:
    """Recorded more than the bureau's threshold (default 14) days after it happened
    (UWV weighs evidence made at the time more heavily). Notes,
    documents and corrections are records about the file, not steps, so never late."""
    if fact.type in ("notitie", "document", "correctie"):
        return False
    delay = fact.recorded_on - fact.occurred_on
    return delay.days > policy.recorded_late_days


_KIND_ORDER = {code: n for n, code in enumerate(KINDS)}


def _with(obligation: Obligation, **changes: Any) -> Obligation:
    """``dataclasses.replace`` for an obligation, without its look at every field each
    time: the worklist copies every pending obligation of every case a batch touches."""
    copied = object.__new__(Obligation)
    copied.__dict__.update(obligation.__dict__, **changes)
    return copied


def _legal_order(obligation: Obligation) -> tuple[date, int, int]:
    return (obligation.due_on, _KIND_ORDER[obligation.code], obligation.occurrence or 0)


def schedule(
    facts: list[Fact], policy: Policy | None = None, regime: Regime | None = None
) -> Schedule:
    """Settle every obligation the facts decide; leave the rest pending with its due date.

    ``regime``: what the employer carries itself (eigenrisicodrager ZW or WGA).
    """
    return _Rules(facts, policy or Policy(), regime or Regime()).schedule()


class _Rules(AdviceRules, RegimeRules, RivRules, Spoor2Rules, TrajectoryRules):
    """The Poortwachter rules applied to one case's facts (the RIV test's own rules are
    mixed in from ``advice`` and ``riv``)."""

    def __init__(self, facts: list[Fact], policy: Policy, regime: Regime) -> None:
        self.facts = facts
        self.policy = policy
        self.regime = regime
        self.by_type: dict[str, list[Fact]] = {}
        for fact in sorted(facts, key=lambda f: (f.occurred_on, f.version)):
            self.by_type.setdefault(fact.type, []).append(fact)
        self.periods = sick_periods_of(facts)
        self.ended_on = obligations_end(facts, self.periods, regime)
        self.verlenging_weeks = sum(
            int(f.data.get("weeks", 0)) for f in self._all("verlenging_loondoorbetaling")
        )
        self.sanction_weeks = sum(int(f.data.get("weeks", 0)) for f in self._all("loonsanctie"))
        born = readable(facts[0].data.get("employee", {}).get("date_of_birth"))
        self.date_of_birth = date.fromisoformat(born) if born else None
        self.einde_wachttijd = self._end_of_waiting_period()
        self.reintegration = reintegration_result(facts)
        aow = self.aow
        self.evaluations_until = min(
            self.einde_wachttijd, aow - timedelta(days=1) if aow else self.einde_wachttijd
        )
        self.spoor_3_until = self._spoor_3_until()
        if self.spoor_3_until is not None:
            self.evaluations_until = max(self.evaluations_until, self.spoor_3_until)

    def schedule(self) -> Schedule:
        plan = self._first("plan_van_aanpak")
        evaluations, evaluations_from = self._evaluations(plan) if plan else ([], None)
        obligations = [
            self._melding_arbodienst(),
            self._probleemanalyse(),
            self._plan_van_aanpak(),
            *evaluations,
            self._ziekmelding_uwv(),
            self._arbeidsdeskundig_onderzoek(),
            *self._advice_follow_ups(),
            self._eerstejaarsevaluatie(),
            self._spoor_2(),
            *self._deskundigenoordelen(),
            *self._trajectory_obligations(),
            self._contact(),
            *self._riv_parts(),
            self._wia_aanvraag(),
            self._einde_wachttijd(),
        ]
        proofs = {f.event_id for kind in PROOF_TYPES for f in self._all(kind)}
        strays = [o.code for o in obligations if not proofs.issuperset(o.event_ids)]
        assert not strays, f"{strays} named a step outside PROOF_TYPES: add it there"
        return Schedule(
            obligations=obligations,
            evaluations_from=evaluations_from,
            ended_on=self.ended_on,
            einde_wachttijd=obligations[-1].due_on,
            evaluations_until=self.evaluations_until,
            periods=self.periods,
            recorded_late_facts=[f for f in self.facts if self._recorded_late(f)],
            reintegration=self.reintegration,
        )

    # --- the rules ---------------------------------------------------------------

    def _melding_arbodienst(self) -> Obligation:
        """Report to the arbodienst by the end of week 1 (art. 7:658a BW; configurable)."""
        due = date_of_sick_day(self.periods, self.policy.melding_arbodienst_days)
        return self._single("melding_arbodienst", due, self._first("melding_arbodienst"))

    def _probleemanalyse(self) -> Obligation:
        """The probleemanalyse by the end of week 6 (Regeling procesgang art. 2 lid 2)."""
        return self._single("probleemanalyse", self._week(6), self._first("probleemanalyse"))

    def _plan_van_aanpak(self) -> Obligation:
        """Plan van aanpak 14 days after the probleemanalyse, by week 8 while none is recorded.

        Not needed when the bedrijfsarts expects full recovery within 13 weeks
        (Regeling procesgang art. 2 lid 3, art. 4): waived by that prognosis — but
        only while it can still come true. Still sick after week 13, the plan is due
        after all, 14 days later (Werkwijzer Poortwachter: "alsnog").
        """
        analysis = self._first("probleemanalyse")
        due = (
            self._later(analysis.occurred_on, PLAN_AFTER_ANALYSIS_DAYS)
            if analysis
            else self._week(8)
        )
        plan = self._first("plan_van_aanpak")
        short = analysis is not None and analysis.data.get("full_recovery_expected_within_13_weeks")
        if plan is None and analysis is not None and short:
            week_13 = self._week(13)
            waived = self._waived("plan_van_aanpak", due, analysis, "herstel_binnen_13_weken")
            if not self._while_running(week_13 + timedelta(days=1)):
                return waived  # recovered (or closed) within the 13 weeks: it came true
            due = self._later(week_13, PLAN_AFTER_ANALYSIS_DAYS)
            return replace(waived, status=PENDING, due_on=due, waived_until=week_13)
        return self._single("plan_van_aanpak", due, plan)

    def _evaluations(self, plan: Fact) -> tuple[list[Obligation], tuple[int, date] | None]:
        """Evaluations every 6 weeks after the plan van aanpak (Regeling procesgang art. 5).

        Evaluations (Regeling procesgang art. 5): an evaluatie or bijstelling on or before
        the due date meets it; one within the next 6 weeks meets it late; the
        next is due 6 weeks after that action, or 6 weeks after the due date
        of a window that passed with no action at all.
        """
        actions = [
            f
            for f in in_legal_order([*self._all("evaluatie"), *self._all("bijstelling")])
            if f.occurred_on > plan.occurred_on and self._while_running(f.occurred_on)
        ]
        settled: list[Obligation] = []
        occurrence, due = 1, self._later(plan.occurred_on, EVALUATION_DAYS)
        anchor = plan.occurred_on
        while self._while_running(due) and due <= self.evaluations_until:
            actions = [a for a in actions if a.occurred_on > anchor]
            if not actions:
                return settled, (occurrence, due)
            action = actions[0]
            if action.occurred_on <= self._later(due, EVALUATION_DAYS):
                settled.append(self._single("evaluatie", due, action, occurrence=occurrence))
                anchor = action.occurred_on
                due = self._later(anchor, EVALUATION_DAYS)
            else:
                settled.append(Obligation("evaluatie", due, OVERDUE, occurrence=occurrence))
                due = self._later(due, EVALUATION_DAYS)
            occurrence += 1
        return settled, None

    def _eerstejaarsevaluatie(self) -> Obligation:
        """The eerstejaarsevaluatie in weeks 46 to 52 (Regeling procesgang art. 6).

        Earlier than week 46 counts as met, flagged ``early``.
        """
        evaluation = self._first("eerstejaarsevaluatie")
        found = self._single("eerstejaarsevaluatie", self._week(52), evaluation)
        if evaluation is not None and evaluation.occurred_on <= self._week(45):
            return replace(found, early=True)
        return found

    def _wia_aanvraag(self) -> Obligation:
        """The WIA application by week 93, moved by a verlenging (art. 64 lid 2, 24 WIA)."""
        due = self._week(93 + self.verlenging_weeks)
        return self._single("wia_aanvraag", due, self._first("wia_aanvraag"))

    def _einde_wachttijd(self) -> Obligation:
        """The end of the waiting period (informational: nothing meets it)."""
        return self._single("einde_wachttijd", self.einde_wachttijd, None)

    def _end_of_waiting_period(self) -> date:
        """104 weeks, plus a verlenging (art. 24 WIA) and a loonsanctie (art. 25 lid 9 WIA).

        A loonsanctie ends on the date UWV decides, never one derived here: a granted
        bekortingsbesluit or a loonsanctie-einde (art. 25 lid 10 WIA) moves the end
        back to its ``ends_on``, never before the end without the sanction.
        """
        without_sanction = self._week(104 + self.verlenging_weeks)
        end = self._week(104 + self.verlenging_weeks + self.sanction_weeks)
        decided = [
            f.date_field("ends_on")
            for f in [*self._all("bekortingsbesluit"), *self._all("loonsanctie_einde")]
            if f.type == "loonsanctie_einde" or f.data.get("granted")
        ]
        for ends_on in decided:
            if ends_on is not None:
                end = max(without_sanction, min(end, ends_on))
        return self._aow_end(end)

    # --- how one obligation is judged ------------------------------------------------

    def _single(
        self, code: str, due: date, proof: Fact | None, *, occurrence: int | None = None
    ) -> Obligation:
        """Met (on time or late) by its proof; else not applicable after the case ended;
        else pending (Werkwijzer Poortwachter)."""
        if proof is not None:
            return Obligation(
                code,
                due,
                MET if proof.occurred_on <= due else MET_LATE,
                met_on=proof.occurred_on,
                recorded_at=proof.recorded_at,
                event_ids=(proof.event_id,),
                occurrence=occurrence,
                recorded_late=self._recorded_late(proof),
            )
        if not self._applicable(code, due):
            return Obligation(code, due, NOT_APPLICABLE, occurrence=occurrence)
        return Obligation(code, due, PENDING, occurrence=occurrence)

    def _applicable(self, code: str, due: date) -> bool:
        """Due while the case runs, by einde wachttijd (nothing UWV tests is due after it)
        and before the AOW date (then only suitable work in the own organisation remains)."""
        if code in MILESTONES:
            return self._while_running(due)
        if self.spoor_3_until is not None and code in SPOOR_3_CODES:
            return self._while_running(due) and due <= self.spoor_3_until
        return self._while_running(due) and due <= self.einde_wachttijd and not self._after_aow(due)

    def _waived(self, code: str, due: date, reason: Fact, ground: str) -> Obligation:
        return Obligation(
            code,
            due,
            WAIVED,
            met_on=reason.occurred_on,
            recorded_at=reason.recorded_at,
            event_ids=(reason.event_id,),
            recorded_late=self._recorded_late(reason),
            ground=ground,
        )

    def _recorded_late(self, fact: Fact) -> bool:
        return recorded_late(fact, self.policy)

    # --- reading the facts ---------------------------------------------------------

    def _week(self, week: int) -> date:
        return end_of_week(self.periods, week)

    def _later(self, day: date, days: int) -> date:
        """``days`` sick days after ``day``: a recovery gap moves it (7:629 lid 10 BW)."""
        return sick_days_later(self.periods, day, days)

    def _while_running(self, day: date) -> bool:
        return self.ended_on is None or day <= self.ended_on

    def _all(self, kind: str) -> list[Fact]:
        """Facts of one kind in legal order (occurred_on, then recording)."""
        return self.by_type.get(kind, [])

    def _first(self, kind: str) -> Fact | None:
        found = self._all(kind)
        return found[0] if found else None


def obligations_end(facts: list[Fact], periods: list, regime: Regime) -> date | None:
    """Obligations end when the case ends: full recovery, afsluiting (Werkwijzer Poortwachter),
    or leaving employment while sick, unless the employer carries the Ziektewet itself and
    so the ex-employee's reintegration (eigenrisicodrager ZW; uwv.nl)."""
    ends = []
    exits = [f for f in facts if f.type == "uitdiensttreding"]
    if exits and not regime.eigenrisicodrager_zw:
        ends.append(exits[0].date_field("last_working_day") or exits[0].occurred_on)
    if periods[-1].last is not None:
        ends.append(periods[-1].last)
    closing = closing_of(facts)
    if closing is not None:
        ends.append(closing.occurred_on)
    return min(ends) if ends else None
