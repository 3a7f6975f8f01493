"""Stored files follow the database transaction (civic.core.files)."""
from __future__ import annotations

import sqlalchemy as sa

from civic.core.files import delete_on_commit, written
from civic.extensions import db


def touch(folder, name: str):
    path = folder / name
    path.write_bytes(b"x")
    return path


def test_a_file_written_in_a_failed_transaction_is_removed(app, tmp_path):
    db.session.execute(sa.text("SELECT 1"))          # a transaction is open
    path = touch(tmp_path, "a.pdf")
    written(path)
    db.session.rollback()
    assert not path.exists()


def test_a_file_written_in_a_committed_transaction_stays_after_a_later_rollback(app, tmp_path):
    db.session.execute(sa.text("SELECT 1"))
    path = touch(tmp_path, "a.pdf")
    written(path)
    db.session.commit()
    db.session.execute(sa.text("SELECT 1"))
    db.session.rollback()
    assert path.exists()


def test_a_file_deleted_in_a_transaction_goes_only_when_it_commits(app, tmp_path):
    path = touch(tmp_path, "b.pdf")
    db.session.execute(sa.text("SELECT 1"))
    delete_on_commit([path])
    db.session.rollback()
    assert path.exists()
    db.session.execute(sa.text("SELECT 1"))
    delete_on_commit([path])
    assert path.exists()
    db.session.commit()
    assert not path.exists()


def test_a_file_deleted_outside_a_transaction_goes_at_once(app, tmp_path):
    path = touch(tmp_path, "c.pdf")
    db.session.commit()
    delete_on_commit([path])
    assert not path.exists()
