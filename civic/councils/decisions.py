"""Decisions after the session: executor and deadline, the akim's review, execution reports.

001 App. 2 §13: the akim considers the decisions within 5 working days and may
disagree; a disagreement is re-discussed (put on the next session's agenda).
§14: members are told the result within 5 working days. §17-18: the meeting hears
those responsible; non-execution is recorded.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from civic.communities.models import RoleKind
from civic.communities.services import local_today
from civic.councils.models import AgendaItem, Session, SessionState
from civic.councils.record_models import Decision, ExecutionReport
from civic.core import audit
from civic.core.database import utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db


def is_akim_of(user, body) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and user.has_role(body.territory, RoleKind.AKIM))


def can_review_as_akim(user, session: Session) -> bool:
    return is_akim_of(user, session.body)


def assign(actor, decision: Decision, *, executor: str, due_on: date | None) -> Decision:
    if not decision.session.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff or the secretary may do this."))
    if not (executor or "").strip():
        raise DomainError(_l("Say who executes the decision."), field="executor")
    decision.executor, decision.due_on = executor.strip(), due_on
    audit.record("decision.assigned", actor=actor, obj=decision, executor=decision.executor,
                 due=due_on.isoformat() if due_on else None)
    return decision


def akim_review(user, decision: Decision, *, agree: bool, reason: str) -> Decision:
    session = decision.session
    if not can_review_as_akim(user, session):
        raise NotAllowed(_l("Only the akim considers the decisions."))
    if decision.akim_status != "pending":
        raise DomainError(_l("The akim has already considered this decision."))
    if session.state not in (SessionState.SIGNED, SessionState.PUBLISHED):
        raise DomainError(_l("The akim considers the decisions of a signed protocol."))
    if not agree and not (reason or "").strip():
        raise DomainError(_l("Give the reasons for disagreeing."), field="reason")
    decision.akim_status = "agreed" if agree else "disagreed"
    decision.akim_reason = (reason or "").strip()
    decision.akim_reviewed_at = utcnow()
    audit.record("decision.akim_review", actor=user, obj=decision, agree=agree)
    if not agree:
        _put_on_next_agenda(decision)
    return decision


def _put_on_next_agenda(decision: Decision) -> None:
    """A disagreement is re-discussed at the next session (App. 2 §13)."""
    upcoming = db.session.scalar(sa.select(Session).where(
        Session.body_id == decision.session.body_id, Session.id != decision.session_id,
        Session.state.in_([SessionState.DRAFT, SessionState.ANNOUNCED]),
        Session.starts_at > utcnow()).order_by(Session.starts_at).limit(1))
    if upcoming is None:
        return
    position = max([i.position for i in upcoming.items] + [0]) + 1
    db.session.add(AgendaItem(session=upcoming, position=position,
                              title=f"Әкімнің келіспеуі бойынша қайта талқылау: {decision.text}"))
    decision.rediscussed_in_session_id = upcoming.id


def inform_members(actor, session: Session) -> int:
    if not session.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff or the secretary may do this."))
    decisions = db.session.scalars(sa.select(Decision).where(Decision.session_id == session.id)).all()
    pending = [d for d in decisions if d.akim_status == "pending"]
    if pending:
        raise DomainError(_l("The akim has not yet considered every decision."))
    now = utcnow()
    count = 0
    for decision in decisions:
        if decision.members_informed_at is None:
            decision.members_informed_at = now
            count += 1
    audit.record("decision.members_informed", actor=actor, obj=session, count=count)
    return count


def add_report(actor, decision: Decision, *, text: str, reported_on: date, done: bool) -> ExecutionReport:
    if not decision.session.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff or the secretary may do this."))
    if not (text or "").strip():
        raise DomainError(_l("Describe what was done."), field="text")
    # "Today" is the community's day, not the server's (Kazakhstan is hours ahead of UTC).
    zone = ZoneInfo(decision.session.body.territory.timezone or "Asia/Almaty")
    if reported_on > datetime.now(zone).date():
        raise DomainError(_l("The date cannot be in the future."), field="reported_on")
    report = ExecutionReport(decision=decision, text=text.strip(), reported_on=reported_on, done=done,
                             author_id=actor.id)
    db.session.add(report)
    if done and decision.done_at is None:
        decision.done_at = utcnow()
    db.session.flush()
    audit.record("decision.report", actor=actor, obj=decision, done=done)
    return report


def is_overdue(decision: Decision, today: date | None = None) -> bool:
    today = today or local_today(decision.session.body.territory)
    return decision.done_at is None and decision.due_on is not None and decision.due_on < today


def status_code(decision: Decision, today: date | None = None) -> str:
    if decision.done_at is not None:
        return "done"
    if decision.akim_status == "disagreed":
        return "disagreed"
    if is_overdue(decision, today):
        return "overdue"
    return "in_progress" if decision.executor else "pending"


STATUS_LABELS = {
    "done": _l("Executed"),
    "disagreed": _l("The akim disagreed"),
    "overdue": _l("Overdue"),
    "in_progress": _l("In execution"),
    "pending": _l("Executor not yet set"),
}
