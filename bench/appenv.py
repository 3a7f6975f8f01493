"""Set-up shared by the benchmarks that run the real app: its environment, a scratch PostgreSQL
database, and releasing the database connections of an in-process app."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def pg_url(database: str) -> str:
    return f"postgresql://postgres@127.0.0.1:5432/{database}"


def app_env(kind: str, instance: Path, pg_database: str, *, secret: str | None = None,
            iin_key: str | None = None) -> dict:
    """The app's variables for a bench run on "sqlite" (in ``instance``) or "postgresql"."""
    env = {
        "ORTAQ_ENV": "development",
        "SECRET_KEY": secret or secrets.token_hex(32),
        "IIN_HMAC_KEY": iin_key or secrets.token_hex(32),
        "RATELIMIT_ENABLED": "false",    # limits are per client address; all clients here share 127.0.0.1
        "ORTAQ_INSTANCE_PATH": str(instance),
        "MAIL_BACKEND": "memory",
    }
    if kind == "postgresql":
        env["DATABASE_URL"] = pg_url(pg_database)
    return env


class patched_environ:
    """Set the app's variables in os.environ for create_app(); drop DATABASE_URL for SQLite."""

    KEYS = ("ORTAQ_ENV", "SECRET_KEY", "IIN_HMAC_KEY", "RATELIMIT_ENABLED", "ORTAQ_INSTANCE_PATH",
            "MAIL_BACKEND", "DATABASE_URL", "RATELIMIT_STORAGE_URI", "REDIS_URL", "UPLOAD_DIR")

    def __init__(self, env: dict):
        self.env = env

    def __enter__(self):
        self.saved = {k: os.environ.get(k) for k in self.KEYS}
        for k in self.KEYS:
            os.environ.pop(k, None)
        os.environ.update(self.env)

    def __exit__(self, *exc):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def recreate_pg_database(database: str) -> None:
    import psycopg
    assert database != "test", "never touch the test suite's database"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')


def dispose(db) -> None:
    """Close the in-process app's sessions and connection pools (before gunicorn or a DROP)."""
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()
