"""The audit trail's sentences: what each event says, in the users' Dutch.

One or two plain sentences per event type (each step declares its own in
``domain/steps/catalogue.py``), written when the event is
recorded and judged with what the case knew then: for a legal step, which
obligation it fulfils and whether on time ("Plan van aanpak opgesteld door
J. Smit op 2026-02-20 (week 7), tijdig: uiterlijk 2026-03-01."). A labour
lawyer attaches the trail to a bezwaar, so the texts never guess: only what
the event and the rules of the law say.
"""

from __future__ import annotations

from datetime import date

from domain.calendar import sick_days, week_of_day
from domain.employer import Regime
from domain.facts import Fact, legal_date, sick_periods_of
from domain.obligations import MET, MET_LATE, Obligation, schedule
from domain.obligations.rules import PROOF_TYPES
from domain.policy import Policy
from domain.steps.catalogue import step_of


def summary_nl(fact: Fact, facts: list[Fact], today: date, policy: Policy, regime: Regime) -> str:
    """The trail's sentence for ``fact``, given the case's facts, policy and regime at the
    time, its obligations judged on ``today``. The schedule is settled only for a step that
    can prove an obligation (``PROOF_TYPES``): a note costs the same on a long case."""
    proof = None
    if fact.type in PROOF_TYPES:
        proof = schedule(facts, policy, regime).proof_of(fact.event_id, today)
    on = fact.occurred_on
    when = f"op {on} (week {_week(facts, on)})"
    step = step_of(fact)
    text = step.sentence(fact, step.show(fact.data), when, _timing(proof), facts)
    if proof is not None and proof.recorded_late:
        recorded = legal_date(fact.recorded_at)
        text += f" Pas vastgelegd op {recorded}, {(recorded - on).days} dagen later."
    return text


def _week(facts: list[Fact], on: date) -> int:
    return week_of_day(sick_days(sick_periods_of(facts), on))


def _timing(proof: Obligation | None) -> str:
    if proof is None:
        return ""
    if proof.status == MET:
        return f", tijdig: uiterlijk {proof.due_on}"
    if proof.status == MET_LATE and proof.met_on is not None:
        late = (proof.met_on - proof.due_on).days
        return f", {late} {'dag' if late == 1 else 'dagen'} te laat: uiterlijk {proof.due_on}"
    if proof.ground:
        return f", vrijstelling ({proof.ground})"
    return ""
