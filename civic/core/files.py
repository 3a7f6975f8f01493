"""Stored files follow the database transaction they belong to.

A file written while a transaction fails is removed when it rolls back; a file deleted is
only removed from disk once the deletion is committed. Neither a row without its file nor a
file without its row is left behind.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from civic.extensions import db

_WRITTEN, _DOOMED = "civic.files.written", "civic.files.doomed"


def written(path: Path) -> None:
    """Note a file just written for the current transaction (removed if it rolls back)."""
    db.session().info.setdefault(_WRITTEN, []).append(path)


def delete_on_commit(paths) -> None:
    """Remove files once the current transaction commits (at once outside of one)."""
    session = db.session()
    if session.in_transaction():
        session.info.setdefault(_DOOMED, []).extend(paths)
    else:
        _unlink(paths)


def _unlink(paths) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _keep_written_remove_doomed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    _unlink(session.info.pop(_DOOMED, ()))


@event.listens_for(Session, "after_rollback")
def _remove_written_keep_doomed(session: Session) -> None:
    session.info.pop(_DOOMED, None)
    _unlink(session.info.pop(_WRITTEN, ()))
