"""An employer the bureau works for; cases belong to one employer."""

from __future__ import annotations

from dataclasses import dataclass

from eventsourcing.domain import Aggregate, event


@dataclass(frozen=True)
class Regime:
    """What the employer carries itself: the Ziektewet (ZW) or the WGA (eigenrisicodrager).

    It changes what the Poortwachter rules ask when an employee leaves while sick
    (uwv.nl) and whether reintegration continues as spoor 3 (art. 82 WIA).
    """

    eigenrisicodrager_zw: bool = False
    eigenrisicodrager_wga: bool = False


class Employer(Aggregate):
    """A client of the bureau; whether it is eigenrisicodrager shapes retention and spoor 3."""

    @event("Registered")
    def __init__(
        self,
        name: str,
        kvk_number: str | None,
        eigenrisicodrager_zw: bool,
        eigenrisicodrager_wga: bool,
        actor: str,
        role: str,
    ) -> None:
        self.name = name
        self.kvk_number = kvk_number
        self.eigenrisicodrager_zw = eigenrisicodrager_zw
        self.eigenrisicodrager_wga = eigenrisicodrager_wga
        self.registered_by = actor

    @property
    def regime(self) -> Regime:
        return Regime(self.eigenrisicodrager_zw, self.eigenrisicodrager_wga)
