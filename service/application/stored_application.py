"""The eventsourcing Application wired to Spoorlog's stores."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import (
    InfrastructureFactory,
    JSONTranscoder,
    Mapper,
    Transcoding,
)
from eventsourcing.utils import Environment

from service.persistence.personal_data import CaseKeys, PersonalDataMapper
from service.persistence.stores import Stores


class DateAsISO(Transcoding):
    """Legal dates are stored as ``YYYY-MM-DD``."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class StoredApplication(Application[Any]):
    """An Application whose recorder lives in one named store (a tenant, or the control plane)."""

    env = {"AGGREGATE_CACHE_MAXSIZE": "1000", "IS_SNAPSHOTTING_ENABLED": "n"}

    def __init__(self, stores: Stores, store: str) -> None:
        self.stores = stores
        self.store = store
        super().__init__(env={})
        self.case_keys = CaseKeys(self.recorder)
        self.mapper.keys = self.case_keys  # type: ignore[attr-defined]

    def construct_env(self, name: str, env: Any = None) -> Environment:
        # Only our own settings: the process environment must not re-route a tenant's store.
        return Environment(name, {**type(self).env, **(env or {})})

    def construct_factory(self, env: Environment) -> InfrastructureFactory[Any]:
        return self.stores.factory(self.store, env)

    def construct_mapper(self) -> Mapper[Any]:
        """Personal values go into the store encrypted under their case's key."""
        return self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=PersonalDataMapper
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
