"""An employer the bureau works for; cases belong to one employer."""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event


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
