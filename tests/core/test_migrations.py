"""The schema changes only through migrations: `flask db upgrade` on an empty
database gives exactly the models' schema (no autogenerate diff), on SQLite and
on PostgreSQL (when TEST_DATABASE_URL names one)."""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from civic import create_app
from civic.councils.archive import include_name, include_object
from civic.extensions import db
from tests.conftest import TEST_DATABASE_URL, base_config, database_url


def _diff_after_upgrade(url: str, tmp_path) -> list:
    os.environ["ORTAQ_INSTANCE_PATH"] = str(tmp_path)
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "render_as_batch": True,
                                                             # search structures of migration 0004
                                                             "include_name": include_name,
                                                             "include_object": include_object})
            diff = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        db.engine.dispose()
    assert "alembic_version" in tables
    return diff


def test_upgrade_on_empty_sqlite_gives_the_models_schema(tmp_path):
    diff = _diff_after_upgrade("sqlite:///" + str(tmp_path / "migrated.sqlite3"), tmp_path)
    assert diff == []


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL run only (TEST_DATABASE_URL)")
def test_upgrade_on_empty_postgresql_gives_the_models_schema(tmp_path):
    base = sa.engine.make_url(database_url())
    name = f"ortaq_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        diff = _diff_after_upgrade(base.set(database=name).render_as_string(hide_password=False), tmp_path)
        assert diff == []
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
