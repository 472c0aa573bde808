"""Who is asking: the API key decides the tenant and the role (README, API conventions)."""

from __future__ import annotations

import hmac

from flask import current_app, g, request

from domain.access import Actor
from service.application.errors import Forbidden
from service.application.tenancy import Tenancy
from service.application.tenant_application import TenantApplication
from service.http.problems import Unauthorized


def tenancy() -> Tenancy:
    return current_app.extensions["spoorlog"]


def bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send Authorization: Bearer <api key>.")
    return token.strip()


def authenticate() -> None:
    """Resolve the key once per request; revocation holds from the next request on."""
    found = tenancy().control.authenticate(bearer())
    if found is None:
        raise Unauthorized("Unknown or revoked API key.")
    g.tenant_slug, g.actor = found


def require_operator() -> None:
    expected = tenancy().settings.operator_key
    if not expected or not hmac.compare_digest(bearer().encode(), expected.encode()):
        raise Unauthorized("The operator key is required.")


def actor() -> Actor:
    return g.actor


def tenant() -> TenantApplication:
    return tenancy().tenant(g.tenant_slug)


def require(allowed: bool, why: str) -> None:
    if not allowed:
        raise Forbidden(why)


def tenant_slug() -> str:
    return g.tenant_slug
