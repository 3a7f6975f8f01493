"""Shared fixtures: one schema per test run, emptied after every test.

Plain ``pytest`` uses a SQLite file; with TEST_DATABASE_URL set (PostgreSQL)
the same suite runs there. Under CI=true an unreachable database fails the run.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from civic import create_app
from civic.extensions import db

_TMP = Path(tempfile.mkdtemp(prefix="ortaq-tests-"))
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
SQLITE_URL = "sqlite:///" + str(_TMP / "test.sqlite3")


def database_url() -> str:
    if TEST_DATABASE_URL:
        url = TEST_DATABASE_URL
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                url = "postgresql+psycopg://" + url[len(prefix):]
        return url
    return SQLITE_URL


def base_config(**overrides) -> dict:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "IIN_HMAC_KEY": "test-iin-key-0123456789abcdef0123456789",
        "MAIL_BACKEND": "memory",
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


_schema_ready = False


def _fresh_globals():
    from flask import g
    for key in list(vars(g)):
        delattr(g, key)


def _ensure_schema(app) -> None:
    global _schema_ready
    if _schema_ready:
        return
    with app.app_context():
        try:
            db.session.execute(sa.text("SELECT 1"))
            db.session.rollback()
        except Exception as error:  # noqa: BLE001
            pytest.exit(f"Test database {database_url()!r} is not reachable: {error}", returncode=3)
        db.drop_all()
        db.create_all()
    _schema_ready = True


def empty_all_tables() -> None:
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(sa.text("PRAGMA defer_foreign_keys=ON"))
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def make_app(request):
    """Build an app with extra configuration; the schema is shared and emptied after the test."""
    apps = []

    def factory(**overrides):
        instance = tempfile.mkdtemp(prefix="ortaq-instance-", dir=_TMP)
        os.environ["ORTAQ_INSTANCE_PATH"] = instance
        application = create_app(base_config(**overrides))
        # Tests hold an app context open; Flask reuses it for requests, so start every
        # request with empty request globals (the signed-in user, locale, ...) as in production.
        application.before_request_funcs.setdefault(None, []).insert(0, _fresh_globals)
        _ensure_schema(application)
        apps.append(application)
        return application

    yield factory
    for application in apps:
        if application.config["SQLALCHEMY_DATABASE_URI"] != database_url():
            continue  # an app pointed elsewhere on purpose (e.g. an unreachable database)
        with application.app_context():
            empty_all_tables()
            db.session.remove()
        from civic.extensions import limiter
        try:
            limiter.reset()
        except Exception:  # noqa: BLE001
            pass


@pytest.fixture
def app(make_app):
    application = make_app()
    with application.app_context():
        yield application
        db.session.remove()


@pytest.fixture
def outbox(app):
    return app.extensions.setdefault("ortaq_outbox", [])


@pytest.fixture
def auth(client):
    return AuthActions(client)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email, password=None):
        from tests.factories import PASSWORD
        return self.client.post("/account/login", data={"email": email, "password": password or PASSWORD})

    def logout(self):
        return self.client.post("/account/logout")
