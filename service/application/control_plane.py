"""The control plane: tenants and their API keys, event-sourced in a store of their own.

Who was granted access when, by whom, and when it was revoked, is part of
the audit record.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.access import Actor, ApiKey, Role, Tenant, check_slug, parse_key, tenant_id
from service.application.errors import Conflict, NotFound
from service.application.stored_application import StoredApplication
from service.persistence.stores import CONTROL, Stores

T = TypeVar("T")


class ControlPlane(StoredApplication):
    name = "control"

    def __init__(self, stores: Stores, *, retries: int = 50) -> None:
        super().__init__(stores, CONTROL)
        self.retries = retries
        """How often a key command is tried again after losing a race on the tenant or key."""

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """Run ``attempt`` (load, decide, save) again when a concurrent command saved first.

        Issuing two keys at once both append to the tenant; revoking one key twice
        both append to the key: the loser's save conflicts on the aggregate's
        version, and a fresh load sees the winner's event.
        """
        for tried in range(1, self.retries + 1):
            try:
                return attempt()
            except IntegrityError:
                if tried == self.retries:
                    raise Conflict("the tenant's keys kept changing; try again") from None
                time.sleep(random.uniform(0.002, 0.01) * tried)
        raise AssertionError("unreachable")

    def create_tenant(self, slug: str, name: str, *, by: str = "operator") -> tuple[Tenant, str]:
        """Register a bureau and issue its first admin key (shown once)."""
        check_slug(slug)
        tenant = Tenant(slug=slug, name=name, by=by)
        key, plain = ApiKey.issue(
            tenant=slug, name="admin", role=Role.ADMIN, employer_ids=None, by=by
        )
        tenant.key_issued(str(key.id))
        try:
            self.save(tenant, key)
        except IntegrityError:
            raise Conflict(f"tenant {slug} exists") from None
        return tenant, plain

    def tenant(self, slug: str) -> Tenant:
        try:
            return self.repository.get(tenant_id(slug))
        except AggregateNotFoundError:
            raise NotFound from None

    def tenants(self) -> list[str]:
        """Every tenant's slug, in the order they were registered."""
        topic = get_topic(Tenant.Registered)
        slugs: list[str] = []
        after = 0
        while batch := self.recorder.select_notifications(
            after, 500, topics=[topic], inclusive_of_start=False
        ):
            for notification in batch:
                slugs.append(self.repository.get(notification.originator_id).slug)
            after = batch[-1].id
        return slugs

    def issue_key(
        self, slug: str, *, name: str, role: str, employer_ids: list[str] | None, by: str
    ) -> tuple[ApiKey, str]:

        def attempt() -> tuple[ApiKey, str]:
            tenant = self.tenant(slug)
            key, plain = ApiKey.issue(
                tenant=slug, name=name, role=role, employer_ids=employer_ids, by=by
            )
            tenant.key_issued(str(key.id))
            self.save(tenant, key)
            return key, plain

        return self._retrying(attempt)

    def keys(self, slug: str) -> list[ApiKey]:
        return [self.repository.get(UUID(k)) for k in self.tenant(slug).key_ids]

    def revoke_key(self, slug: str, key_id: str, *, by: str) -> ApiKey:
        def attempt() -> ApiKey:
            key = self.key(slug, key_id)
            if not key.revoked:
                key.revoke(by=by)
                self.save(key)
            return key

        return self._retrying(attempt)

    def key(self, slug: str, key_id: str) -> ApiKey:
        try:
            key = self.repository.get(UUID(key_id))
        except (ValueError, AggregateNotFoundError):
            raise NotFound from None
        if not isinstance(key, ApiKey) or key.tenant != slug:
            raise NotFound
        return key

    def authenticate(self, plain: str) -> tuple[str, Actor] | None:
        """The tenant and actor of a valid, unrevoked key; None for anything else."""
        parsed = parse_key(plain)
        if parsed is None:
            return None
        key_id, secret = parsed
        try:
            key = self.repository.get(key_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(key, ApiKey) or key.revoked or not key.matches(secret):
            return None
        return key.tenant, key.as_actor()
