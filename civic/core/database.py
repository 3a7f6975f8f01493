"""Database helpers shared by every domain: UTC timestamps and SQLite tuning."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetime stored as UTC on both SQLite and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    if not _is_sqlite(dbapi_connection):
        return
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin) instead of pysqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    # A request that may write takes the write lock at BEGIN, so two writers
    # queue on the busy timeout instead of failing when a read lock upgrades.
    reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def lock_for_update(session, key: int) -> None:
    """Serialise writers on ``key`` until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the write lock taken
    by BEGIN IMMEDIATE already serialises every writer.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def enum_column_type(cls, length: int = 20) -> sa.Enum:
    """A Python enum stored by its values as a checked string (same on SQLite and PostgreSQL)."""
    return sa.Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])
