"""Sessions: preparing, announcing, moving and calling off; the agenda and its materials."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from civic.councils import rules
from civic.councils.models import AgendaItem, Body, Material, Session, SessionState
from civic.core import audit
from civic.core.database import utcnow
from civic.core.documents import store_document
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db

PROGRESS_ITEM = "Бұрынғы отырыстар шешімдерінің орындалу барысы туралы"   # always on the agenda (App. 2)
EDITABLE_STATES = (SessionState.DRAFT, SessionState.ANNOUNCED)


def local_day(session: Session, moment: datetime | None = None):
    zone = ZoneInfo(session.body.territory.timezone or "Asia/Almaty")
    return (moment or session.starts_at).astimezone(zone).date()


def _require(actor, session_or_body) -> None:
    if not session_or_body.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff or the secretary may do this."))


def create_session(actor, body: Body, *, starts_at: datetime, place: str, online_link: str = "",
                   is_open: bool = True) -> Session:
    _require(actor, body)
    return new_session(actor, body, starts_at=starts_at, place=place, online_link=online_link, is_open=is_open)


def new_session(actor, body: Body, *, starts_at: datetime, place: str, online_link: str = "",
                is_open: bool = True) -> Session:
    """Create a draft session; the caller has checked the actor's authority."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    if starts_at <= utcnow():
        raise DomainError(_l("A new session cannot be in the past."), field="starts_at")
    if not (place or "").strip():
        raise DomainError(_l("Say where the session takes place."), field="place")
    number = (db.session.scalar(sa.select(sa.func.max(Session.number)).where(Session.body_id == body.id)) or 0) + 1
    session = Session(body_id=body.id, body=body, number=number, starts_at=starts_at, place=place.strip(),
                      online_link=(online_link or "").strip(), is_open=is_open)
    db.session.add(session)
    db.session.flush()
    # The agenda always includes the progress of earlier decisions (App. 2; 000 §10).
    db.session.add(AgendaItem(session=session, position=1, title=PROGRESS_ITEM, is_progress_report=True))
    audit.record("session.created", actor=actor, obj=session, body=body.id)
    return session


def reschedule(actor, session: Session, *, starts_at: datetime, place: str, online_link: str = "",
               is_open: bool = True, reason: str = "") -> Session:
    _require(actor, session)
    if session.state not in EDITABLE_STATES and session.state != SessionState.POSTPONED:
        raise DomainError(_l("This session can no longer be changed."))
    if starts_at <= utcnow():
        raise DomainError(_l("A new session cannot be in the past."), field="starts_at")
    moved = starts_at != session.starts_at or place.strip() != session.place
    if moved and session.state in (SessionState.ANNOUNCED, SessionState.POSTPONED):
        if not (reason or "").strip():
            raise DomainError(_l("Give the reason for moving an announced session."), field="reason")
        session.revision += 1
        session.state_reason = reason.strip()
        if session.state == SessionState.POSTPONED:
            session.state = SessionState.ANNOUNCED
            session.announced_at = utcnow()
    session.starts_at, session.place = starts_at, place.strip()
    session.online_link, session.is_open = (online_link or "").strip(), is_open
    session.updated_at = utcnow()
    audit.record("session.updated", actor=actor, obj=session, moved=moved, revision=session.revision)
    return session


def add_item(actor, session: Session, *, title: str, rapporteur: str = "") -> AgendaItem:
    _require(actor, session)
    if session.state not in EDITABLE_STATES:
        raise DomainError(_l("During a session, items are added by a vote of the members."))
    if not (title or "").strip():
        raise DomainError(_l("Enter the item's title."), field="title")
    position = max([i.position for i in session.items] + [0]) + 1
    item = AgendaItem(session=session, position=position, title=title.strip(), rapporteur=(rapporteur or "").strip())
    db.session.add(item)
    db.session.flush()
    audit.record("agenda.item_added", actor=actor, obj=item, session=session.id)
    return item


def remove_item(actor, item: AgendaItem) -> None:
    session = item.session
    _require(actor, session)
    if session.state not in EDITABLE_STATES:
        raise DomainError(_l("During a session, items are removed by a vote of the members."))
    if item.is_progress_report:
        raise DomainError(_l("The progress of earlier decisions is always on the agenda."))
    audit.record("agenda.item_removed", actor=actor, obj=item, session=session.id)
    session.items.remove(item)
    db.session.delete(item)


def add_material(actor, item: AgendaItem, *, title: str, data: bytes, filename: str) -> Material:
    session = item.session
    _require(actor, session)
    if session.state not in EDITABLE_STATES + (SessionState.IN_PROGRESS,):
        raise DomainError(_l("This session can no longer be changed."))
    stored = store_document(data, filename)
    material = Material(item=item, title=(title or filename or "").strip()[:300] or stored.name,
                        stored_name=stored.name, original_name=(filename or stored.name)[:200], mime=stored.mime,
                        size_bytes=stored.size, sha256=stored.sha256)
    db.session.add(material)
    if session.state == SessionState.ANNOUNCED and session.materials_at is None:
        session.materials_at = utcnow()
    db.session.flush()
    audit.record("material.added", actor=actor, obj=material, item=item.id, sha256=stored.sha256)
    return material


def announce(actor, session: Session) -> Session:
    """Publish the session: time, place and agenda. A late notice is recorded, not hidden."""
    _require(actor, session)
    if session.state != SessionState.DRAFT:
        raise DomainError(_l("Only a draft session can be announced."))
    if session.starts_at <= utcnow():
        raise DomainError(_l("A session in the past cannot be announced."))
    session.state = SessionState.ANNOUNCED
    session.announced_at = session.updated_at = utcnow()
    if any(item.materials for item in session.items):
        session.materials_at = session.announced_at
    audit.record("session.announced", actor=actor, obj=session, starts_at=session.starts_at.isoformat())
    return session


def call_off(actor, session: Session, *, state: SessionState, reason: str) -> Session:
    _require(actor, session)
    if state not in (SessionState.CANCELLED, SessionState.POSTPONED):
        raise ValueError("state must be cancelled or postponed")
    if session.state not in EDITABLE_STATES:
        raise DomainError(_l("Only a session that has not started can be cancelled or postponed."))
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason; it is shown publicly."), field="reason")
    if session.state == SessionState.ANNOUNCED:
        session.revision += 1
    session.state = state
    session.state_reason = reason.strip()
    session.updated_at = utcnow()
    audit.record(f"session.{state.value}", actor=actor, obj=session, reason=reason.strip())
    return session


@dataclass
class NoticeReport:
    notice: rules.Timeliness
    materials: rules.Timeliness


def notice_report(session: Session) -> NoticeReport:
    """Whether notice and materials came in time, computed with the dates (App. 2 §6)."""
    day = local_day(session)
    body_rules = session.body.rules
    announced = local_day(session, session.announced_at) if session.announced_at else None
    materials = local_day(session, session.materials_at) if session.materials_at else None
    return NoticeReport(rules.notice_status(body_rules, day, announced),
                        rules.materials_status(body_rules, day, materials))
