"""The protocol: generated from the record, edited as a draft, signed, frozen, published.

001 App. 2 §12: the protocol records (1) date and place; (2) number and list of
members present; (3) number and list of other participants; (4) chair and
secretary; (5) agenda, brief summaries of speeches, decisions taken. Chair and
secretary sign it; it goes to the akim within 2 working days.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from civic.communities.services import local_today
from civic.councils import deadlines
from civic.councils.archive import index_protocol
from civic.councils.models import Session, SessionState, Vote
from civic.councils.record_models import Decision, Protocol, ProtocolSignature
from civic.councils.running import present_members
from civic.councils.sessions import local_day
from civic.core import audit
from civic.core.database import utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db

CHOICE_WORDS = {"for": "жақтады", "against": "қарсы", "abstain": "қалыс қалды"}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def _result_line(vote: Vote) -> str:
    line = f"Дауыс беру нәтижесі: жақтады — {vote.for_votes}, қарсы — {vote.against}, қалыс қалды — {vote.abstained}."
    if vote.adopted is None:
        return line
    if vote.decided_by_chair:
        line += " Дауыс тең бөлінді; төрағаның дауысы шешті."
    return line + (" ШЕШІМ ҚАБЫЛДАНДЫ." if vote.adopted else " Шешім қабылданбады.")


def generate_text(session: Session) -> str:
    """The protocol text, in Kazakh (the state language), from what was recorded."""
    zone = ZoneInfo(session.body.territory.timezone or "Asia/Almaty")
    start = session.starts_at.astimezone(zone)
    members = present_members(session)
    total = len([m for m in session.body.members if m.active_on(local_day(session))])
    lines = [
        f"{session.body.name}",
        f"№ {session.number} ОТЫРЫСТЫҢ ХАТТАМАСЫ",
        "",
        f"1. Өткізілген күні мен орны: {start:%d.%m.%Y}, {start:%H:%M}; {session.place}.",
        f"2. Қатысқан мүшелер: {len(members)} (барлық мүшелер саны — {total}):",
    ]
    lines += [f"   {n}. {m.full_name}" for n, m in enumerate(members, start=1)] or ["   —"]
    lines.append(f"3. Басқа қатысушылар: {len(session.participants)}:")
    lines += [f"   {n}. {p.full_name}" + (f", {p.organisation}" if p.organisation else "") + (f", {p.role}" if p.role else "")
              for n, p in enumerate(session.participants, start=1)] or ["   —"]
    lines.append(f"4. Төраға: {session.chair.full_name if session.chair else '—'}; "
                 f"хатшы: {session.secretary.full_name if session.secretary else '—'}.")
    lines.append("5. Күн тәртібі:")
    items = [i for i in session.items if i.status != "removed"]
    lines += [f"   {n}. {i.title}" + (f" (баяндамашы: {i.rapporteur})" if i.rapporteur else "")
              for n, i in enumerate(items, start=1)]
    procedural = db.session.scalars(sa.select(Vote).where(Vote.session_id == session.id, Vote.item_id.is_(None))
                                    .order_by(Vote.id)).all()
    for vote in procedural:
        lines += ["", f"{vote.motion}.", _result_line(vote)]
    for n, item in enumerate(items, start=1):
        lines += ["", f"{n}-мәселе. {item.title}"]
        for speech in item.speeches:
            lines.append(f"Сөйлеген: {speech.speaker_name} — {speech.summary}")
        for vote in item.votes:
            lines.append(f"Дауысқа қойылды: {vote.motion}")
            if vote.method == "roll_call":
                lines += [f"   {rc.member_name}: {CHOICE_WORDS[rc.choice]}" for rc in vote.roll_call]
            lines.append(_result_line(vote))
    lines += ["", f"Төраға: {session.chair.full_name if session.chair else '—'}",
              f"Хатшы: {session.secretary.full_name if session.secretary else '—'}"]
    return "\n".join(lines) + "\n"


def current(session: Session) -> Protocol | None:
    return db.session.scalar(sa.select(Protocol).where(Protocol.session_id == session.id,
                                                       Protocol.state != "superseded")
                             .order_by(Protocol.version.desc()).limit(1))


def versions(session: Session) -> list[Protocol]:
    return db.session.scalars(sa.select(Protocol).where(Protocol.session_id == session.id)
                              .order_by(Protocol.version.desc())).all()


def _require(actor, session: Session) -> None:
    if not session.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff or the secretary may do this."))


def draft(actor, session: Session) -> Protocol:
    """Generate the draft from the record (once the session is held)."""
    _require(actor, session)
    if session.state != SessionState.HELD:
        raise DomainError(_l("The protocol is written after the session is closed."))
    existing = current(session)
    if existing is not None:
        return existing
    protocol = Protocol(session_id=session.id, session=session, version=1, text=generate_text(session))
    db.session.add(protocol)
    db.session.flush()
    audit.record("protocol.drafted", actor=actor, obj=protocol, session=session.id)
    return protocol


def edit(actor, protocol: Protocol, text: str) -> Protocol:
    _require(actor, protocol.session)
    if protocol.state != "draft" or protocol.signatures:
        raise DomainError(_l("A signed protocol is frozen; make a correction instead."))
    if not (text or "").strip():
        raise DomainError(_l("The protocol cannot be empty."), field="text")
    protocol.text = text.replace("\r\n", "\n")
    audit.record("protocol.edited", actor=actor, obj=protocol, sha256=text_sha256(protocol.text))
    return protocol


def signer_capacity(user, session: Session) -> str | None:
    """'chair' or 'secretary' when this account belongs to the session's chair or secretary."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if session.chair and session.chair.user_id == user.id:
        return "chair"
    if session.secretary and session.secretary.user_id == user.id:
        return "secretary"
    return None


def sign(user, protocol: Protocol, expected_sha256: str) -> ProtocolSignature:
    """Chair and secretary each sign with their own account; a signature covers the exact text."""
    session = protocol.session
    capacity = signer_capacity(user, session)
    if capacity is None:
        raise NotAllowed(_l("Only the chair and the secretary of the session sign its protocol."))
    if protocol.state not in ("draft", "signed"):
        raise DomainError(_l("This version of the protocol can no longer be signed."))
    digest = text_sha256(protocol.text)
    if expected_sha256 != digest:
        raise DomainError(_l("The text changed since you opened it. Read it again before signing."))
    if any(s.capacity == capacity for s in protocol.signatures):
        raise DomainError(_l("You have already signed this protocol."))
    if protocol.sha256 and protocol.sha256 != digest:
        raise DomainError(_l("The text changed since the first signature."))
    protocol.sha256 = digest
    signature = ProtocolSignature(protocol=protocol, capacity=capacity, user_id=user.id,
                                  signer_name=(session.chair if capacity == "chair" else session.secretary).full_name,
                                  sha256=digest)
    db.session.add(signature)
    db.session.flush()
    audit.record("protocol.signed", actor=user, obj=protocol, capacity=capacity, sha256=digest)
    if {s.capacity for s in protocol.signatures} == {"chair", "secretary"}:
        protocol.state = "signed"
        if session.state == SessionState.HELD:
            session.state = SessionState.SIGNED
        create_decisions(session)
    return signature


def publish(actor, protocol: Protocol) -> Protocol:
    _require(actor, protocol.session)
    if protocol.state != "signed":
        raise DomainError(_l("Only a protocol signed by both the chair and the secretary is published."))
    protocol.state = "published"
    protocol.published_at = utcnow()
    if protocol.sent_to_akim_at is None:
        protocol.sent_to_akim_at = protocol.published_at
    protocol.session.state = SessionState.PUBLISHED
    index_protocol(protocol)   # the archive's full-text search
    audit.record("protocol.published", actor=actor, obj=protocol, sha256=protocol.sha256)
    return protocol


def correct(actor, protocol: Protocol, *, text: str, reason: str) -> Protocol:
    """A correction is a new version with a reason; the old one stays visible."""
    _require(actor, protocol.session)
    if protocol.state not in ("signed", "published"):
        raise DomainError(_l("A draft is edited directly; only a signed protocol is corrected."))
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the correction."), field="reason")
    if not (text or "").strip() or text.replace("\r\n", "\n") == protocol.text:
        raise DomainError(_l("The corrected text is the same as the signed one."), field="text")
    protocol.state = "superseded"
    new = Protocol(session_id=protocol.session_id, session=protocol.session, version=protocol.version + 1,
                   text=text.replace("\r\n", "\n"), correction_reason=reason.strip())
    if protocol.session.state != SessionState.PUBLISHED:
        protocol.session.state = SessionState.HELD   # the published version stays public meanwhile
    db.session.add(new)
    db.session.flush()
    audit.record("protocol.corrected", actor=actor, obj=new, previous=protocol.id, reason=reason.strip())
    return new


def create_decisions(session: Session) -> list[Decision]:
    """Each adopted motion on an agenda item becomes a decision to execute."""
    existing = {d.vote_id for d in db.session.scalars(sa.select(Decision).where(Decision.session_id == session.id))}
    made = []
    for item in session.items:
        for vote in item.votes:
            if vote.subject == "motion" and vote.adopted and vote.id not in existing:
                decision = Decision(session_id=session.id, vote_id=vote.id, text=vote.motion)
                db.session.add(decision)
                made.append(decision)
    db.session.flush()
    return made


@dataclass
class Deadline:
    code: str
    label: object
    due: date
    done_on: date | None
    today: date                 # the community's date when the deadlines were worked out

    @property
    def missed(self) -> bool:
        return (self.done_on is None and self.today > self.due) or (self.done_on is not None and self.done_on > self.due)


def deadlines_of(session: Session) -> list[Deadline]:
    """After the session, in Kazakhstan working days (App. 2 §12-14)."""
    day = local_day(session)
    protocol = current(session)
    decisions = db.session.scalars(sa.select(Decision).where(Decision.session_id == session.id)).all()
    sent = local_day(session, protocol.sent_to_akim_at) if protocol and protocol.sent_to_akim_at else None
    to_akim = deadlines.add_working_days(day, 2)
    reviewed = [d.akim_reviewed_at for d in decisions]
    review_done = local_day(session, max(reviewed)) if reviewed and all(reviewed) else None
    informed = [d.members_informed_at for d in decisions]
    informed_done = local_day(session, max(informed)) if informed and all(informed) else None
    base = sent or to_akim
    akim_due = deadlines.add_working_days(base, 5)
    today = local_today(session.body.territory)
    return [
        Deadline("to_akim", _l("Protocol to the akim (2 working days)"), to_akim, sent, today),
        Deadline("akim_review", _l("The akim's consideration of the decisions (5 working days)"), akim_due,
                 review_done, today),
        Deadline("members_informed", _l("Members told the akim's result (5 working days)"),
                 deadlines.add_working_days(review_done or akim_due, 5), informed_done, today),
    ]
