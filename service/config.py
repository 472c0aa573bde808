"""Settings from the environment; command-line flags override them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    """``postgresql://…``; None means the embedded SQLite store under ``data_dir``."""
    data_dir: Path = Path("./data")
    operator_key: str | None = None
    pool_min: int = 2
    pool_max: int = 10
    """The most PostgreSQL connections one process holds, whatever the number of tenants."""
    pool_timeout: float = 10.0
    store_timeout: float = 5.0
    """Seconds a request may wait on an unavailable store before it answers 503: the pool
    wait (at most ``pool_timeout``), connecting, a statement, and SQLite's lock wait."""
    application_name: str = "spoorlog"
    control_schema: str = "spoorlog_control"
    """The PostgreSQL schema of the control plane (tenants, keys)."""
    command_retries: int = 20
    """How often a command without If-Match is retried after losing a race on its case."""
    max_document_bytes: int = 10 * 1024 * 1024
    max_projection_lag: int = 1000
    """/readyz answers 503 while any projection is more events behind than this."""
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls(
            database_url=env.get("SPOORLOG_DATABASE_URL") or None,
            data_dir=Path(env.get("SPOORLOG_DATA_DIR", "./data")),
            operator_key=env.get("SPOORLOG_OPERATOR_KEY") or None,
            pool_min=int(env.get("SPOORLOG_POOL_MIN", "2")),
            pool_max=int(env.get("SPOORLOG_POOL_MAX", "10")),
            pool_timeout=float(env.get("SPOORLOG_POOL_TIMEOUT", "10")),
            store_timeout=float(env.get("SPOORLOG_STORE_TIMEOUT", "5")),
            application_name=env.get("SPOORLOG_APPLICATION_NAME", "spoorlog"),
            control_schema=env.get("SPOORLOG_CONTROL_SCHEMA", "spoorlog_control"),
            max_projection_lag=int(env.get("SPOORLOG_MAX_PROJECTION_LAG", "1000")),
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **given)  # type: ignore[arg-type]

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url)
