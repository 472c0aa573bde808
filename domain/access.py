"""Who may do what: roles, the acting key, and the control plane's aggregates.

Access is part of the audit record: which key was granted which role, for
which employers, and when it was revoked, is event-sourced like a case.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,38}$")
KEY_PREFIX = "spl"
_TENANT_NAMESPACE = uuid5(NAMESPACE_URL, "https://spoorlog.nl/tenants")


class Role(StrEnum):
    ADMIN = "admin"
    CASEMANAGER = "casemanager"
    EMPLOYER = "employer"
    AUDITOR = "auditor"
    INTEGRATION = "integration"


EMPLOYER_STEPS = frozenset({"ziekmelding", "herstelmelding"})
"""What an employer may report itself (README, API conventions)."""


@dataclass(frozen=True)
class Actor:
    """The key a request acts with: recorded on every event as actor and role."""

    id: str
    role: str
    employer_ids: frozenset[str] | None = None
    """None: every employer of the tenant; otherwise only these."""

    def sees(self, employer_id: str) -> bool:
        return self.employer_ids is None or employer_id in self.employer_ids

    @property
    def may_read(self) -> bool:
        return True

    @property
    def may_manage_keys(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def may_set_policy(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def may_manage_employers(self) -> bool:
        return self.role in (Role.ADMIN, Role.CASEMANAGER, Role.INTEGRATION)

    @property
    def may_export(self) -> bool:
        return self.role in (Role.ADMIN, Role.AUDITOR)

    def may_record(self, step: str) -> bool:
        """Whether this role may record the step (``ziekmelding`` opens a case too)."""
        if self.role in (Role.ADMIN, Role.CASEMANAGER, Role.INTEGRATION):
            return True
        return self.role == Role.EMPLOYER and step in EMPLOYER_STEPS


def tenant_id(slug: str) -> UUID:
    """Tenants are found by slug; the id derived from it makes slugs unique."""
    return uuid5(_TENANT_NAMESPACE, slug)


def check_slug(slug: str) -> None:
    if not SLUG_PATTERN.match(slug):
        raise DomainError(
            "slug must start with a letter and hold 2-39 lowercase letters, digits or hyphens",
            "slug",
        )


class Tenant(Aggregate):
    """A reintegration bureau: the SaaS customer, with a store of its own."""

    @staticmethod
    def create_id(slug: str) -> UUID:
        return tenant_id(slug)

    @event("Registered")
    def __init__(self, slug: str, name: str, by: str) -> None:
        self.slug = slug
        self.name = name
        self.registered_by = by
        self.key_ids: list[str] = []

    @event("KeyIssued")
    def key_issued(self, key_id: str) -> None:
        self.key_ids.append(key_id)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(key: str) -> tuple[UUID, str] | None:
    """Split ``spl_<id>_<secret>`` into the key's id and secret, or None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    try:
        return UUID(hex=parts[1]), parts[2]
    except ValueError:
        return None


class ApiKey(Aggregate):
    """An API key: role and employer scope; only the hash of its secret is kept."""

    @event("Issued")
    def __init__(
        self,
        tenant: str,
        name: str,
        role: str,
        employer_ids: list[str] | None,
        secret_hash: str,
        by: str,
    ) -> None:
        self.tenant = tenant
        self.name = name
        self.role = role
        self.employer_ids = employer_ids
        self.secret_hash = secret_hash
        self.issued_by = by
        self.revoked = False

    @event("Revoked")
    def revoke(self, by: str) -> None:
        self.revoked = True
        self.revoked_by = by

    @classmethod
    def issue(
        cls, *, tenant: str, name: str, role: str, employer_ids: list[str] | None, by: str
    ) -> tuple[ApiKey, str]:
        """A new key and its plain text, which is shown once and never stored."""
        if role not in set(Role):
            raise DomainError(f"unknown role {role}", "role")
        if role == Role.EMPLOYER and not employer_ids:
            raise DomainError("an employer key is scoped to at least one employer", "employer_ids")
        secret = secrets.token_urlsafe(32)
        key = cls(
            tenant=tenant,
            name=name,
            role=str(role),
            employer_ids=sorted(set(employer_ids)) if employer_ids else None,
            secret_hash=hash_secret(secret),
            by=by,
        )
        return key, f"{KEY_PREFIX}_{key.id.hex}_{secret}"

    def matches(self, secret: str) -> bool:
        """Constant-time comparison, so timing reveals nothing of the hash."""
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))

    def as_actor(self) -> Actor:
        scope = frozenset(self.employer_ids) if self.employer_ids else None
        return Actor(id=str(self.id), role=self.role, employer_ids=scope)
