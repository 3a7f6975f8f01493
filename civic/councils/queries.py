"""Reads for the public council pages and feeds; each loads eagerly what its template needs,
so the number of queries per page does not grow with the data (no N+1)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from civic.communities.services import local_today
from civic.councils.models import (
    AgendaItem, Attendance, Body, Material, Session, SessionState, Speech, Vote,
)
from civic.councils.record_models import Decision, Protocol
from civic.core.database import utcnow
from civic.extensions import db

SESSIONS_PER_PAGE = 30
DECISIONS_PER_PAGE = 50
JSON_PER_PAGE = 100
MAX_PAGE = 100_000
HELD_STATES = (SessionState.IN_PROGRESS, SessionState.HELD, SessionState.SIGNED, SessionState.PUBLISHED)
DECISION_STATUSES = ("pending", "in_progress", "overdue", "disagreed", "done")


def page_number(raw) -> int:
    """A page number from the query string: 1 when missing or not a positive integer."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: first, last and a window around the current one; None is a gap."""
        wanted = {1, self.pages} | set(range(self.page - around, self.page + around + 1))
        shown, previous = [], 0
        for number in sorted(n for n in wanted if 1 <= n <= self.pages):
            if number > previous + 1:
                shown.append(None)
            shown.append(number)
            previous = number
        return shown


def paginate(query, page: int, per_page: int) -> Page:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), page, per_page, total)


def _public(query):
    """Sessions the public sees (as Session.is_public): announced, not drafts, also not a draft
    that was cancelled or postponed before it was ever announced."""
    return query.where(Session.state != SessionState.DRAFT, Session.announced_at.is_not(None))


def _list_options():
    return (joinedload(Session.body).joinedload(Body.territory),)


# --- sessions ---------------------------------------------------------------------------------

def year_bounds(year: int, zone: str) -> tuple[datetime, datetime]:
    """The UTC instants where the local calendar year begins and ends."""
    tz = ZoneInfo(zone)
    start = datetime.combine(date(year, 1, 1), time(0), tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=tz).astimezone(timezone.utc)
    return start, end


@dataclass
class SessionListing:
    upcoming: list[Session]
    past: Page


def sessions_listing(*, body: Body | None = None, year: int | None = None, page: int = 1,
                     per_page: int = SESSIONS_PER_PAGE, zone: str = "Asia/Almaty",
                     now: datetime | None = None) -> SessionListing:
    """Public sessions: upcoming (and running) ones in full on the first page, past ones paginated."""
    now = now or utcnow()
    query = _public(sa.select(Session))
    if body is not None:
        query = query.where(Session.body_id == body.id)
    if year is not None:
        start, end = year_bounds(year, zone)
        query = query.where(Session.starts_at >= start, Session.starts_at < end)
    current = sa.or_(Session.starts_at >= now, Session.state == SessionState.IN_PROGRESS)
    upcoming = []
    if page == 1:
        upcoming = db.session.scalars(query.where(current).options(*_list_options())
                                      .order_by(Session.starts_at, Session.id)).all()
    past = paginate(query.where(sa.not_(current)).options(*_list_options())
                    .order_by(Session.starts_at.desc(), Session.id.desc()), page, per_page)
    return SessionListing(list(upcoming), past)


def all_bodies() -> list[Body]:
    return db.session.scalars(sa.select(Body).order_by(Body.name, Body.id)).all()


def session_years(zone: str = "Asia/Almaty") -> list[int]:
    """Years (local) from the first to the last public session, newest first, for the year filter."""
    first, last = db.session.execute(_public(sa.select(sa.func.min(Session.starts_at),
                                                       sa.func.max(Session.starts_at)))).one()
    if first is None:
        return []
    tz = ZoneInfo(zone)
    return list(range(last.astimezone(tz).year, first.astimezone(tz).year - 1, -1))


def session_page(session_id: int) -> Session | None:
    """A session with everything its public page shows: agenda, materials, record, votes."""
    return db.session.scalar(sa.select(Session).where(Session.id == session_id).options(
        joinedload(Session.body).joinedload(Body.territory),
        joinedload(Session.body).selectinload(Body.members),
        joinedload(Session.chair), joinedload(Session.secretary),
        selectinload(Session.items).selectinload(AgendaItem.materials),
        selectinload(Session.items).selectinload(AgendaItem.speeches).joinedload(Speech.member),
        selectinload(Session.items).selectinload(AgendaItem.speeches).joinedload(Speech.participant),
        selectinload(Session.items).selectinload(AgendaItem.votes).selectinload(Vote.roll_call),
        selectinload(Session.attendance).joinedload(Attendance.member),
        selectinload(Session.participants)))


def procedural_votes(session: Session) -> list[Vote]:
    """Votes not on an agenda item: elections of chair and secretary, approval of the agenda."""
    return db.session.scalars(sa.select(Vote).where(Vote.session_id == session.id, Vote.item_id.is_(None))
                              .options(selectinload(Vote.roll_call)).order_by(Vote.id)).all()


def material(material_id: int) -> Material | None:
    return db.session.scalar(sa.select(Material).where(Material.id == material_id)
                             .options(joinedload(Material.item)))


def body_page(slug: str) -> Body | None:
    return db.session.scalar(sa.select(Body).where(Body.slug == slug).options(
        joinedload(Body.territory), selectinload(Body.members)))


def body_sessions(body: Body, *, include_drafts: bool = False, limit: int = 200) -> list[Session]:
    query = sa.select(Session).where(Session.body_id == body.id)
    if not include_drafts:
        query = _public(query)
    return db.session.scalars(query.order_by(Session.starts_at.desc(), Session.id.desc()).limit(limit)).all()


def feed_sessions(body: Body | None = None, *, since: datetime | None = None, limit: int = 500) -> list[Session]:
    """Public sessions for the calendar feeds, with their agenda for the event description."""
    query = _public(sa.select(Session)).options(*_list_options(), selectinload(Session.items))
    if body is not None:
        query = query.where(Session.body_id == body.id)
    if since is not None:
        query = query.where(Session.starts_at >= since)
    return db.session.scalars(query.order_by(Session.starts_at.desc(), Session.id.desc()).limit(limit)).all()


def sessions_for_json(page: int, per_page: int | None = None) -> Page:
    per_page = per_page or JSON_PER_PAGE
    query = _public(sa.select(Session)).options(
        *_list_options(), selectinload(Session.items).selectinload(AgendaItem.materials))
    return paginate(query.order_by(Session.starts_at.desc(), Session.id.desc()), page, per_page)


# --- protocols --------------------------------------------------------------------------------

def latest_published():
    """Per session, the latest version that has been published (a subquery: session_id, version)."""
    return (sa.select(Protocol.session_id, sa.func.max(Protocol.version).label("version"))
            .where(Protocol.published_at.is_not(None)).group_by(Protocol.session_id).subquery())


def published_protocols_query(body: Body | None = None):
    """The archive: the latest published version of each session's protocol, newest session first."""
    latest = latest_published()
    query = (sa.select(Protocol)
             .join(latest, sa.and_(Protocol.session_id == latest.c.session_id, Protocol.version == latest.c.version))
             .join(Session, Session.id == Protocol.session_id)
             .options(joinedload(Protocol.session).joinedload(Session.body).joinedload(Body.territory)))
    if body is not None:
        query = query.where(Session.body_id == body.id)
    return query.order_by(Session.starts_at.desc(), Protocol.id.desc())


def published_protocol_of(session: Session) -> Protocol | None:
    return db.session.scalar(sa.select(Protocol).where(Protocol.session_id == session.id,
                                                       Protocol.published_at.is_not(None))
                             .order_by(Protocol.version.desc()).limit(1))


def published_protocol_ids(session_ids: list[int]) -> dict[int, int]:
    """session id → id of its latest published protocol version, for a page of sessions."""
    if not session_ids:
        return {}
    latest = latest_published()
    rows = db.session.execute(
        sa.select(Protocol.session_id, Protocol.id)
        .join(latest, sa.and_(Protocol.session_id == latest.c.session_id, Protocol.version == latest.c.version))
        .where(Protocol.session_id.in_(session_ids)))
    return {session_id: protocol_id for session_id, protocol_id in rows}


def protocol_page(protocol_id: int) -> Protocol | None:
    return db.session.scalar(sa.select(Protocol).where(Protocol.id == protocol_id).options(
        joinedload(Protocol.session).joinedload(Session.body).joinedload(Body.territory),
        selectinload(Protocol.signatures)))


def protocol_versions(session_id: int) -> list[Protocol]:
    return db.session.scalars(sa.select(Protocol).where(Protocol.session_id == session_id)
                              .order_by(Protocol.version.desc())).all()


def is_public_version(protocol: Protocol, versions: list[Protocol]) -> bool:
    """A published version, or an older version of a published protocol (it stays visible)."""
    if protocol.published_at is not None:
        return True
    return protocol.state == "superseded" and protocol.sha256 is not None and \
        any(v.published_at is not None for v in versions)


def feed_protocols(limit: int = 50) -> list[Protocol]:
    latest = latest_published()
    return db.session.scalars(
        sa.select(Protocol)
        .join(latest, sa.and_(Protocol.session_id == latest.c.session_id, Protocol.version == latest.c.version))
        .options(joinedload(Protocol.session).joinedload(Session.body).joinedload(Body.territory),
                 selectinload(Protocol.signatures))
        .order_by(Protocol.published_at.desc(), Protocol.id.desc()).limit(limit)).all()


# --- decisions and votes ----------------------------------------------------------------------

def decision_status_filter(code: str, today: date):
    """SQL for civic.councils.decisions.status_code (the same order of precedence)."""
    open_ = Decision.done_at.is_(None)
    agreed_or_pending = Decision.akim_status != "disagreed"
    overdue = sa.and_(Decision.due_on.is_not(None), Decision.due_on < today)
    return {
        "done": Decision.done_at.is_not(None),
        "disagreed": sa.and_(open_, Decision.akim_status == "disagreed"),
        "overdue": sa.and_(open_, agreed_or_pending, overdue),
        "in_progress": sa.and_(open_, agreed_or_pending, sa.not_(overdue), Decision.executor != ""),
        "pending": sa.and_(open_, agreed_or_pending, sa.not_(overdue), Decision.executor == ""),
    }[code]


def decisions_listing(*, status: str | None = None, body: Body | None = None, session_id: int | None = None,
                      page: int = 1, per_page: int = DECISIONS_PER_PAGE, today: date | None = None) -> Page:
    today = today or local_today()
    query = (_public(sa.select(Decision).join(Session, Session.id == Decision.session_id))
             .options(joinedload(Decision.session).joinedload(Session.body).joinedload(Body.territory),
                      joinedload(Decision.vote).joinedload(Vote.item),
                      selectinload(Decision.reports)))
    if status in DECISION_STATUSES:
        query = query.where(decision_status_filter(status, today))
    if body is not None:
        query = query.where(Session.body_id == body.id)
    if session_id is not None:
        query = query.where(Decision.session_id == session_id)
    return paginate(query.order_by(Session.starts_at.desc(), Decision.id), page, per_page)


def votes_for_json(page: int, session_id: int | None = None, per_page: int | None = None) -> Page:
    per_page = per_page or JSON_PER_PAGE
    query = (_public(sa.select(Vote).join(Session, Session.id == Vote.session_id))
             .options(joinedload(Vote.item), selectinload(Vote.roll_call)))
    if session_id is not None:
        query = query.where(Vote.session_id == session_id)
    return paginate(query.order_by(Vote.id), page, per_page)


