"""Tenants (operator only) and API keys (tenant admins)."""

from __future__ import annotations

from typing import Any

from flask import Response

from domain.errors import DomainError
from service.application.errors import NotFound
from service.http import auth
from service.http.conventions import Blueprint, answer, answer_as
from service.http.representations import key_json
from service.http.schemas import ApiKeyIn, ApiKeyOut, ApiKeyPage, TenantIn, TenantOut

platform = Blueprint(
    "platform", __name__, url_prefix="/v1/platform", description="Platform operation"
)
platform.before_request(auth.require_operator)

keys = Blueprint(
    "api-keys", __name__, url_prefix="/v1/api-keys", description="API keys of the tenant"
)
keys.before_request(auth.authenticate)


@platform.route("/tenants", methods=["POST"])
@platform.arguments(TenantIn)
@platform.response(201, TenantOut)
def create_tenant(payload: dict[str, Any]) -> Response:
    """Register a bureau: its own store, and a first admin key shown once."""
    tenant, admin_key = auth.tenancy().create_tenant(payload["slug"], payload["name"])
    return answer({"slug": tenant.slug, "name": tenant.name, "admin_key": admin_key}, 201)


def _may_manage_keys() -> None:
    auth.require(auth.actor().may_manage_keys, "Only an admin key manages API keys.")


@keys.route("", methods=["POST"])
@keys.arguments(ApiKeyIn)
@keys.response(201, ApiKeyOut)
def issue_key(payload: dict[str, Any]) -> Response:
    """Issue a key; the key itself is in this answer only, and stored only as a hash."""
    _may_manage_keys()
    employer_ids = [str(e) for e in payload["employer_ids"]] if payload["employer_ids"] else None
    for employer_id in employer_ids or []:
        try:
            auth.tenant().employer(employer_id, auth.actor())
        except NotFound:
            raise DomainError(f"no employer {employer_id} in this tenant", "employer_ids") from None
    key, plain = auth.tenancy().control.issue_key(
        auth.tenant_slug(),
        name=payload["name"],
        role=payload["role"],
        employer_ids=employer_ids,
        by=auth.actor().id,
    )
    return answer(key_json(key, plain), 201, {"Location": f"/v1/api-keys/{key.id}"})


@keys.route("", methods=["GET"])
@keys.response(200, ApiKeyPage)
def list_keys() -> Response:
    """Every key of the tenant, revoked ones included (access is part of the record)."""
    _may_manage_keys()
    found = auth.tenancy().control.keys(auth.tenant_slug())
    return answer_as(ApiKeyPage, {"items": [key_json(k) for k in found], "next": None})


@keys.route("/<key_id>", methods=["DELETE"])
@keys.response(204)
def revoke_key(key_id: str) -> Response:
    """Revoke a key: it is refused from the next request on."""
    _may_manage_keys()
    auth.tenancy().control.revoke_key(auth.tenant_slug(), key_id, by=auth.actor().id)
    return Response(status=204)
