"""Append-only, hash-chained audit log of staff actions and integrity events.

Each row stores the SHA-256 of its own content together with the previous
row's hash, so changing, inserting or deleting a row breaks the chain from that
row on. ``verify_chain`` recomputes it and names the first broken row.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from civic.core.database import UTCDateTime, lock_for_update, utcnow
from civic.extensions import db

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 0x4F52_5441_0001  # advisory-lock key of the chain head


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # A plain number, not a foreign key: deleting an account must not rewrite history.
    actor_id = db.Column(db.Integer, nullable=True)
    action = db.Column(db.String(80), nullable=False)
    object_type = db.Column(db.String(60), nullable=True)
    object_id = db.Column(db.String(60), nullable=True)
    details = db.Column(db.Text, nullable=False, default="{}")
    prev_hash = db.Column(db.String(64), nullable=False)
    hash = db.Column(db.String(64), nullable=False, unique=True)

    def content(self) -> str:
        payload = {
            "id": self.id,
            "at": self.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": self.actor_id,
            "action": self.action,
            "object": [self.object_type, self.object_id],
            "details": json.loads(self.details),
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + "\n" + self.content()).encode()).hexdigest()

    @property
    def details_dict(self) -> dict:
        return json.loads(self.details)


def head_hash() -> str:
    last = db.session.scalar(sa.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS


def record(action: str, *, actor=None, obj=None, object_type: str | None = None,
           object_id=None, **details) -> AuditEntry:
    """Append one entry in the current transaction (the caller commits)."""
    lock_for_update(db.session, AUDIT_LOCK_KEY)
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = obj.id
    last = db.session.execute(
        sa.select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        id=(last.id + 1) if last else 1,
        created_at=utcnow(),
        actor_id=getattr(actor, "id", actor),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=json.dumps(details, sort_keys=True, ensure_ascii=False, default=str),
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = entry.compute_hash()
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class ChainReport:
    ok: bool
    count: int
    first_broken_id: int | None = None
    reason: str = ""


def verify_chain(batch: int = 5000) -> ChainReport:
    """Recompute every row's hash in id order; stop at the first mismatch."""
    prev = GENESIS
    expected_id = 1
    count = 0
    last_id = 0
    # Plain column rows, checked on detached copies: the caller's session (its
    # identity map and any pending changes) is left as it was.
    columns = [c for c in AuditEntry.__table__.columns]
    while True:
        results = db.session.execute(
            sa.select(*columns).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not results:
            return ChainReport(True, count)
        for result in results:
            row = AuditEntry(**result._mapping)
            if row.id != expected_id:
                return ChainReport(False, count, row.id, "missing row before this one")
            if row.prev_hash != prev:
                return ChainReport(False, count, row.id, "previous hash does not match")
            if row.compute_hash() != row.hash:
                return ChainReport(False, count, row.id, "content does not match its hash")
            prev = row.hash
            expected_id += 1
            count += 1
            last_id = row.id
