"""Running a session: attendance, quorum, elections, the agenda, speeches and votes.

Quorum and the list of members present are snapshotted with every vote, so later
edits of the attendance do not rewrite history.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from civic.councils import rules
from civic.councils.bodies import active_members, quorum_base_size
from civic.councils.models import (
    AgendaItem, Attendance, Member, Participant, RollCallVote, Session, SessionState, Speech, Vote,
)
from civic.councils.sessions import local_day
from civic.core import audit
from civic.core.database import utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db

CHOICES = ("for", "against", "abstain")
MAX_SPEECHES = 2   # a member speaks at most twice on one item (001 App. 2 §11)


def _require(actor, session: Session) -> None:
    if not session.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff or the secretary may do this."))


def _require_running(session: Session) -> None:
    if session.state != SessionState.IN_PROGRESS:
        raise DomainError(_l("The session is not in progress."))


@dataclass
class QuorumStatus:
    present: int
    needed: int | None
    base: int | None
    reached: bool


def present_members(session: Session) -> list[Member]:
    return [a.member for a in session.attendance if a.left_at is None]


def quorum_status(session: Session) -> QuorumStatus:
    base = quorum_base_size(session.body, local_day(session))
    needed = rules.quorum_needed(session.body.rules, base)
    present = len(present_members(session))
    return QuorumStatus(present, needed, base, needed is not None and present >= needed)


def register(actor, session: Session, member: Member) -> Attendance:
    """Register a member as present (before opening, or later on arrival)."""
    _require(actor, session)
    if session.state not in (SessionState.ANNOUNCED, SessionState.IN_PROGRESS):
        raise DomainError(_l("Attendance is registered on the day of an announced session."))
    if member.body_id != session.body_id or not member.active_on(local_day(session)):
        raise DomainError(_l("Only members of the body may be registered as present."))
    existing = next((a for a in session.attendance if a.member_id == member.id), None)
    if existing is not None:
        if existing.left_at is None:
            raise DomainError(_l("This member is already registered."))
        existing.left_at = None
        return existing
    row = Attendance(session=session, member=member, member_id=member.id)
    db.session.add(row)
    db.session.flush()
    audit.record("attendance.registered", actor=actor, obj=session, member=member.id)
    return row


def unregister(actor, session: Session, member: Member) -> None:
    _require(actor, session)
    if session.state not in (SessionState.ANNOUNCED, SessionState.IN_PROGRESS):
        # The present list of a closed session is part of its record (App. 2 §7).
        raise DomainError(_l("Attendance is registered on the day of an announced session."))
    row = next((a for a in session.attendance if a.member_id == member.id and a.left_at is None), None)
    if row is None:
        raise DomainError(_l("This member is not registered."))
    if session.state == SessionState.IN_PROGRESS:
        row.left_at = utcnow()     # leaving during the session: the record stays
    else:
        session.attendance.remove(row)
        db.session.delete(row)
    audit.record("attendance.left", actor=actor, obj=session, member=member.id)


def add_participant(actor, session: Session, *, full_name: str, organisation: str = "", role: str = "") -> Participant:
    _require(actor, session)
    if session.state not in (SessionState.ANNOUNCED, SessionState.IN_PROGRESS):
        raise DomainError(_l("Participants are registered on the day of an announced session."))
    if not (full_name or "").strip():
        raise DomainError(_l("Enter the participant's full name."), field="full_name")
    person = Participant(session=session, full_name=full_name.strip(), organisation=(organisation or "").strip(),
                         role=(role or "").strip())
    db.session.add(person)
    db.session.flush()
    return person


def open_session(actor, session: Session) -> Session:
    _require(actor, session)
    if session.state != SessionState.ANNOUNCED:
        raise DomainError(_l("Only an announced session can be opened."))
    session.state = SessionState.IN_PROGRESS
    session.opened_at = utcnow()
    audit.record("session.opened", actor=actor, obj=session, present=len(present_members(session)))
    return session


def _roll_call_entries(roll_call) -> list[tuple[int, str]]:
    """(member id, choice) pairs from a mapping or from pairs; a member votes once."""
    entries = list(roll_call.items()) if hasattr(roll_call, "items") else [tuple(e) for e in roll_call]
    ids = [member_id for member_id, _choice in entries]
    if len(ids) != len(set(ids)):
        raise DomainError(_l("A member votes only once on a motion."))
    if not entries:
        raise DomainError(_l("Record the choice of the members present."))
    return entries


def _tally_roll_call(session: Session, entries: list[tuple[int, str]]):
    present_ids = {m.id for m in present_members(session)}
    for member_id, choice in entries:
        if member_id not in present_ids:
            raise DomainError(_l("Only members registered as present vote; guests do not vote."))
        if choice not in CHOICES:
            raise DomainError(_l("Unknown choice."))
    counts = {c: sum(1 for _m, v in entries if v == c) for c in CHOICES}
    return counts["for"], counts["against"], counts["abstain"]


def record_vote(actor, session: Session, *, motion: str, subject: str = "motion", item: AgendaItem | None = None,
                for_votes: int | None = None, against: int | None = None, abstained: int | None = None,
                roll_call=None, chair_vote: str | None = None,
                candidate: Member | None = None) -> Vote:
    """Record an open vote. Votes need quorum; the result follows the body's rule."""
    _require(actor, session)
    _require_running(session)
    if not (motion or "").strip():
        raise DomainError(_l("Write the motion that is put to the vote."), field="motion")
    if item is not None and item.session_id != session.id:
        raise DomainError(_l("This item is not on the session's agenda."))
    status = quorum_status(session)
    if not status.reached:
        raise DomainError(_l("There is no quorum: %(present)d present, at least %(needed)s needed.",
                             present=status.present, needed=status.needed if status.needed is not None else "?"))
    if roll_call is not None:
        method = "roll_call"
        roll_call = _roll_call_entries(roll_call)
        for_votes, against, abstained = _tally_roll_call(session, roll_call)
    else:
        method = "counted"
        if None in (for_votes, against, abstained):
            raise DomainError(_l("Enter the numbers for, against and abstained."), field="for_votes")
        if min(for_votes, against, abstained) < 0:
            raise DomainError(_l("The numbers cannot be negative."), field="for_votes")
        if for_votes + against + abstained > status.present:
            raise DomainError(_l("More votes than members present (%(n)d).", n=status.present), field="for_votes")
    if chair_vote not in (None, "for", "against"):
        raise DomainError(_l("Unknown choice."))
    result = rules.decide(session.body.rules, present=status.present, for_votes=for_votes, against=against,
                          abstained=abstained, chair_vote=chair_vote)
    if result.decided_by_chair and chair_vote is None:
        raise DomainError(_l("The votes are tied: record the chair's deciding vote."), field="chair_vote")
    present_names = [m.full_name for m in present_members(session)]
    vote = Vote(session=session, item=item, subject=subject, motion=motion.strip(), method=method,
                for_votes=for_votes, against=against, abstained=abstained, present=status.present,
                quorum_needed=status.needed or 0, present_names=json.dumps(present_names, ensure_ascii=False),
                adopted=result.adopted, decided_by_chair=result.decided_by_chair,
                chair_vote=chair_vote if result.decided_by_chair else None,
                candidate_member_id=candidate.id if candidate else None)
    db.session.add(vote)
    if roll_call is not None:
        names = {m.id: m.full_name for m in present_members(session)}
        vote.roll_call = [RollCallVote(member_id=mid, member_name=names[mid], choice=c) for mid, c in roll_call]
    db.session.flush()
    audit.record("vote.recorded", actor=actor, obj=vote, session=session.id, subject=subject,
                 counts=[for_votes, against, abstained], adopted=result.adopted, by_chair=result.decided_by_chair)
    return vote


def elect(actor, session: Session, *, capacity: str, candidate: Member, **counts) -> Vote:
    """Chair and secretary are elected by open vote (000 §10-15; App. 2 §7-16)."""
    if capacity not in ("chair", "secretary"):
        raise ValueError("capacity must be chair or secretary")
    if candidate.body_id != session.body_id:
        raise DomainError(_l("Only members of the body may be elected."))
    if candidate.id not in {m.id for m in present_members(session)}:
        raise DomainError(_l("Only a member who is present may be elected."))
    other = session.secretary_member_id if capacity == "chair" else session.chair_member_id
    if other == candidate.id:
        # Chair and secretary each sign the protocol (App. 2 §12): two different people.
        raise DomainError(_l("The chair and the secretary must be different members."))
    motion = f"{'Төраға' if capacity == 'chair' else 'Хатшы'}: {candidate.full_name}"
    vote = record_vote(actor, session, motion=motion, subject=capacity, candidate=candidate, **counts)
    if vote.adopted:
        if capacity == "chair":
            session.chair_member_id = candidate.id
        else:
            session.secretary_member_id = candidate.id
    return vote


def approve_agenda(actor, session: Session, **counts) -> Vote:
    """The session approves its agenda by vote (App. 2; 000 §10)."""
    vote = record_vote(actor, session, motion="Күн тәртібін бекіту", subject="agenda", **counts)
    if vote.adopted:
        session.agenda_approved = True
        for item in session.items:
            if item.status == "proposed":
                item.status = "approved"
    return vote


def add_item_by_vote(actor, session: Session, *, title: str, rapporteur: str = "", **counts) -> tuple[Vote, AgendaItem | None]:
    """An item enters the agenda during the session if a majority votes for it."""
    if not (title or "").strip():
        raise DomainError(_l("Enter the item's title."), field="title")
    vote = record_vote(actor, session, motion=f"Күн тәртібіне енгізу: {title.strip()}", subject="add_item", **counts)
    item = None
    if vote.adopted:
        item = AgendaItem(session=session, position=max([i.position for i in session.items] + [0]) + 1,
                          title=title.strip(), rapporteur=(rapporteur or "").strip(), status="approved")
        db.session.add(item)
        vote.item = item
        db.session.flush()
    return vote, item


def remove_item_by_vote(actor, session: Session, item: AgendaItem, **counts) -> Vote:
    if item.is_progress_report:
        raise DomainError(_l("The progress of earlier decisions is always on the agenda."))
    vote = record_vote(actor, session, motion=f"Күн тәртібінен алып тастау: {item.title}", subject="remove_item",
                       item=item, **counts)
    if vote.adopted:
        item.status = "removed"
    return vote


def add_speech(actor, session: Session, item: AgendaItem, *, summary: str, member: Member | None = None,
               participant: Participant | None = None) -> Speech:
    _require(actor, session)
    _require_running(session)
    if item.session_id != session.id or item.status == "removed":
        raise DomainError(_l("This item is not on the session's agenda."))
    if (member is None) == (participant is None):
        raise DomainError(_l("Choose who speaks."), field="speaker")
    if not (summary or "").strip():
        raise DomainError(_l("Write a short summary of the speech."), field="summary")
    if member is not None:
        if member.id not in {m.id for m in present_members(session)}:
            raise DomainError(_l("Only members registered as present may speak as members."), field="speaker")
        spoken = sum(1 for s in item.speeches if s.member_id == member.id)
        if spoken >= MAX_SPEECHES:
            # 001 App. 2 §11: a member speaks at most twice on one item.
            raise DomainError(_l("A member speaks at most twice on one item."), field="speaker")
    if participant is not None and participant.session_id != session.id:
        raise DomainError(_l("Choose who speaks."), field="speaker")
    speech = Speech(item=item, member=member, participant=participant, summary=summary.strip())
    db.session.add(speech)
    db.session.flush()
    audit.record("speech.recorded", actor=actor, obj=speech, item=item.id)
    return speech


def close_session(actor, session: Session) -> Session:
    _require(actor, session)
    _require_running(session)
    if session.chair_member_id is None or session.secretary_member_id is None:
        raise DomainError(_l("Elect the chair and the secretary before closing the session."))
    session.state = SessionState.HELD
    session.closed_at = utcnow()
    audit.record("session.closed", actor=actor, obj=session)
    return session


__all__ = ["active_members", "quorum_status", "register", "unregister", "add_participant", "open_session",
           "record_vote", "elect", "approve_agenda", "add_item_by_vote", "remove_item_by_vote", "add_speech",
           "close_session"]
