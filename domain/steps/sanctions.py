"""The employee's side: a warning, and wages suspended, stopped or paid again (art. 7:629 BW).

The employer may suspend the wage while the employee does not follow
reasonable control rules (lid 6), and owes no wage on the grounds of lid 3
(a to f); either only after telling the employee promptly, and mostly after a
warning (vaste rechtspraak). These dates lie within the sickness.
"""

from __future__ import annotations

from typing import Any

from domain.steps.fields import Choice, Day, free_text
from domain.steps.step import Step, not_before_first_sick_day, template
from domain.steps.vocabulary import LoonstopGround


def _loonstop(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    return (
        f"Werknemer werkt niet mee: loonstop sinds {shown['from']} (art. 7:629 lid 3 sub "
        f"{fact.data.get('ground')} BW: {shown['ground']}), vastgelegd {when}. "
        f"Reden: {shown['reason']}."
    )


WAARSCHUWING = Step(
    name="waarschuwing",
    event="Waarschuwing",
    label="Waarschuwing",
    path="waarschuwing",
    doc="A warning to the employee before a wage sanction.",
    fields=(free_text("reason", "reden"),),
    sentence=template("Waarschuwing aan de werknemer gegeven {when}. Reden: {reason}."),
    source="art. 7:629 lid 3 en 6 BW",
)


LOONOPSCHORTING = Step(
    name="loonopschorting",
    event="Loonopschorting",
    label="Loonopschorting",
    path="loonopschorting",
    doc="The wage is suspended while the employee does not follow the control rules.",
    fields=(Day("from", "opgeschort sinds"), free_text("reason", "reden")),
    rules=(not_before_first_sick_day("from"),),
    sentence=template(
        "Loon opgeschort sinds {from}: de werknemer houdt zich niet aan de "
        "controlevoorschriften (art. 7:629 lid 6 BW), vastgelegd {when}. Reden: {reason}."
    ),
    source="art. 7:629 lid 6 BW",
)


LOONSTOP = Step(
    name="loonstop",
    event="Loonstop",
    label="Loonstop",
    path="loonstop",
    doc="No wage is owed on a ground of art. 7:629 lid 3 BW.",
    fields=(
        Day("from", "loonstop sinds"),
        Choice("ground", "grond", vocabulary=LoonstopGround),
        free_text("reason", "reden"),
    ),
    rules=(not_before_first_sick_day("from"),),
    sentence=_loonstop,
    source="art. 7:629 lid 3 BW",
)


LOONBETALING_HERVAT = Step(
    name="loonbetaling_hervat",
    event="LoonbetalingHervat",
    label="Loonbetaling hervat",
    path="loonbetaling-hervat",
    doc="The wage is paid again after a suspension or loonstop.",
    fields=(Day("from", "loon betaald vanaf"),),
    rules=(not_before_first_sick_day("from"),),
    sentence=template("Loonbetaling hervat per {from}, vastgelegd {when}."),
    source="art. 7:629 lid 3 en 6 BW",
)
