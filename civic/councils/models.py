"""Bodies, members, sessions, agenda, attendance, votes, protocols, decisions, petitions."""
from __future__ import annotations

import enum
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from civic.councils.rules import DEFAULT_RULES, BodyKind, BodyRules, QuorumBase
from civic.core.database import UTCDateTime, enum_column_type, utcnow
from civic.extensions import db


BODY_KIND_LABELS = {
    BodyKind.GATHERING: _l("Community gathering"),
    BodyKind.MEETING: _l("Community meeting"),
    BodyKind.TERRITORIAL_COUNCIL: _l("Territorial council"),
    BodyKind.PUBLIC_HEARING: _l("Public hearing"),
}


class MemberRole(str, enum.Enum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    DELEGATE = "delegate"   # a representative delegated by a gathering (meeting)

    @property
    def label(self):
        return MEMBER_ROLE_LABELS[self]


MEMBER_ROLE_LABELS = {
    MemberRole.CHAIR: _l("Chair"),
    MemberRole.SECRETARY: _l("Secretary"),
    MemberRole.MEMBER: _l("Member"),
    MemberRole.DELEGATE: _l("Delegate"),
}


class SessionState(str, enum.Enum):
    DRAFT = "draft"
    ANNOUNCED = "announced"
    IN_PROGRESS = "in_progress"
    HELD = "held"
    SIGNED = "signed"          # protocol signed by chair and secretary
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"

    @property
    def label(self):
        return SESSION_STATE_LABELS[self]


SESSION_STATE_LABELS = {
    SessionState.DRAFT: _l("Draft"),
    SessionState.ANNOUNCED: _l("Announced"),
    SessionState.IN_PROGRESS: _l("In progress"),
    SessionState.HELD: _l("Held"),
    SessionState.SIGNED: _l("Protocol signed"),
    SessionState.PUBLISHED: _l("Protocol published"),
    SessionState.CANCELLED: _l("Cancelled"),
    SessionState.POSTPONED: _l("Postponed"),
}


class Body(db.Model):
    """A body of self-government; its rules are data, defaulting to the law for its kind."""

    __tablename__ = "body"

    id = db.Column(db.Integer, primary_key=True)
    territory_id = db.Column(db.Integer, db.ForeignKey("territory.id"), nullable=False, index=True)
    kind = db.Column(enum_column_type(BodyKind), nullable=False)
    slug = db.Column(db.String(80), nullable=False, unique=True)
    name = db.Column(db.String(200), nullable=False)
    # Rules (defaults from civic.councils.rules.DEFAULT_RULES for the kind).
    quorum_num = db.Column(db.Integer, nullable=True)
    quorum_den = db.Column(db.Integer, nullable=True)
    quorum_base = db.Column(enum_column_type(QuorumBase), nullable=False)
    decision_rule = db.Column(db.String(30), nullable=False)
    chair_breaks_tie = db.Column(db.Boolean, nullable=False)
    notice_days = db.Column(db.Integer, nullable=True)
    materials_days = db.Column(db.Integer, nullable=True)
    meetings_per_quarter = db.Column(db.Integer, nullable=False, default=0)
    # Size of the quorum base when it is not the member list (community members, representatives).
    base_size = db.Column(db.Integer, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    territory = db.relationship("Territory")
    members = db.relationship("Member", back_populates="body", cascade="all, delete-orphan",
                              order_by="Member.id")

    @property
    def kind_label(self):
        return BODY_KIND_LABELS[self.kind]

    @property
    def rules(self) -> BodyRules:
        default = DEFAULT_RULES[self.kind]
        quorum = Fraction(self.quorum_num, self.quorum_den) if self.quorum_num is not None else None
        return BodyRules(quorum=quorum, quorum_base=self.quorum_base, decision=self.decision_rule,
                         chair_breaks_tie=self.chair_breaks_tie, notice_days=self.notice_days,
                         materials_days=self.materials_days, meetings_per_quarter=self.meetings_per_quarter,
                         odd_membership=default.odd_membership, term_years=default.term_years,
                         petition_share=default.petition_share,
                         akim_decision_working_days=default.akim_decision_working_days)

    def apply_defaults(self) -> None:
        default = DEFAULT_RULES[self.kind]
        self.quorum_num = default.quorum.numerator if default.quorum is not None else None
        self.quorum_den = default.quorum.denominator if default.quorum is not None else None
        self.quorum_base = default.quorum_base
        self.decision_rule = default.decision
        self.chair_breaks_tie = default.chair_breaks_tie
        self.notice_days = default.notice_days
        self.materials_days = default.materials_days
        self.meetings_per_quarter = default.meetings_per_quarter

    def can_manage(self, user) -> bool:
        """Akimat staff, and the body's secretary (by role in the territory)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        from civic.communities.models import RoleKind
        return self.territory.can_manage(user) or user.has_role(self.territory, RoleKind.SECRETARY)


class Member(db.Model):
    __tablename__ = "member"

    id = db.Column(db.Integer, primary_key=True)
    body_id = db.Column(db.Integer, db.ForeignKey("body.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    full_name = db.Column(db.String(300), nullable=False)
    role = db.Column(enum_column_type(MemberRole), nullable=False, default=MemberRole.MEMBER)
    represents = db.Column(db.String(300), nullable=False, default="")  # whom a delegate represents
    term_from = db.Column(db.Date, nullable=True)
    term_until = db.Column(db.Date, nullable=True)

    body = db.relationship("Body", back_populates="members")
    user = db.relationship("User")

    def active_on(self, day) -> bool:
        return (self.term_from is None or self.term_from <= day) and (self.term_until is None or day <= self.term_until)


class Session(db.Model):
    __tablename__ = "council_session"

    id = db.Column(db.Integer, primary_key=True)
    body_id = db.Column(db.Integer, db.ForeignKey("body.id", ondelete="CASCADE"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)          # № of the session within the body
    starts_at = db.Column(UTCDateTime, nullable=False, index=True)
    place = db.Column(db.String(300), nullable=False)
    online_link = db.Column(db.String(500), nullable=False, default="")
    is_open = db.Column(db.Boolean, nullable=False, default=True)
    state = db.Column(enum_column_type(SessionState), nullable=False, default=SessionState.DRAFT)
    state_reason = db.Column(db.Text, nullable=False, default="")
    announced_at = db.Column(UTCDateTime, nullable=True)
    materials_at = db.Column(UTCDateTime, nullable=True)
    opened_at = db.Column(UTCDateTime, nullable=True)
    closed_at = db.Column(UTCDateTime, nullable=True)
    chair_member_id = db.Column(db.Integer, db.ForeignKey("member.id", ondelete="SET NULL"), nullable=True)
    secretary_member_id = db.Column(db.Integer, db.ForeignKey("member.id", ondelete="SET NULL"), nullable=True)
    agenda_approved = db.Column(db.Boolean, nullable=False, default=False)
    revision = db.Column(db.Integer, nullable=False, default=0)   # iCal SEQUENCE
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    body = db.relationship("Body")
    chair = db.relationship("Member", foreign_keys=[chair_member_id])
    secretary = db.relationship("Member", foreign_keys=[secretary_member_id])
    items = db.relationship("AgendaItem", back_populates="session", cascade="all, delete-orphan",
                            order_by="AgendaItem.position")
    attendance = db.relationship("Attendance", back_populates="session", cascade="all, delete-orphan",
                                 order_by="Attendance.registered_at")
    participants = db.relationship("Participant", back_populates="session", cascade="all, delete-orphan",
                                   order_by="Participant.id")

    __table_args__ = (sa.UniqueConstraint("body_id", "number"),)

    def can_manage(self, user) -> bool:
        return self.body.can_manage(user)

    def is_public(self) -> bool:
        """Announced at some time: a draft stays private, also when it is called off unannounced."""
        return self.state != SessionState.DRAFT and self.announced_at is not None

    @property
    def public_online_link(self) -> str:
        """The online link for the public while the session is ahead or under way; once it is over
        or called off, the link (often a standing meeting room) is no longer shown."""
        if self.state in (SessionState.ANNOUNCED, SessionState.IN_PROGRESS):
            return self.online_link
        return ""


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("council_session.id", ondelete="CASCADE"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(500), nullable=False)
    rapporteur = db.Column(db.String(300), nullable=False, default="")
    is_progress_report = db.Column(db.Boolean, nullable=False, default=False)
    status = db.Column(db.String(20), nullable=False, default="proposed")  # proposed|approved|removed
    motion = db.Column(db.Text, nullable=False, default="")

    session = db.relationship("Session", back_populates="items")
    materials = db.relationship("Material", back_populates="item", cascade="all, delete-orphan",
                                order_by="Material.id")
    speeches = db.relationship("Speech", back_populates="item", cascade="all, delete-orphan", order_by="Speech.id")
    votes = db.relationship("Vote", back_populates="item", cascade="all, delete-orphan", order_by="Vote.id")


class Material(db.Model):
    __tablename__ = "material"

    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("agenda_item.id", ondelete="CASCADE"), nullable=False, index=True)
    title = db.Column(db.String(300), nullable=False)
    stored_name = db.Column(db.String(80), nullable=False, unique=True)
    original_name = db.Column(db.String(200), nullable=False)
    mime = db.Column(db.String(100), nullable=False)
    size_bytes = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    uploaded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    item = db.relationship("AgendaItem", back_populates="materials")


class Attendance(db.Model):
    """A member registered as present (before opening, written into the protocol: App. 2 §7)."""

    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("session_id", "member_id"),)

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("council_session.id", ondelete="CASCADE"), nullable=False, index=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id", ondelete="CASCADE"), nullable=False)
    registered_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    left_at = db.Column(UTCDateTime, nullable=True)

    session = db.relationship("Session", back_populates="attendance")
    member = db.relationship("Member")


class Participant(db.Model):
    """An invited person or guest: may speak, does not vote."""

    __tablename__ = "participant"

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("council_session.id", ondelete="CASCADE"), nullable=False, index=True)
    full_name = db.Column(db.String(300), nullable=False)
    organisation = db.Column(db.String(300), nullable=False, default="")
    role = db.Column(db.String(200), nullable=False, default="")

    session = db.relationship("Session", back_populates="participants")


class Speech(db.Model):
    __tablename__ = "speech"

    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("agenda_item.id", ondelete="CASCADE"), nullable=False, index=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id", ondelete="SET NULL"), nullable=True)
    participant_id = db.Column(db.Integer, db.ForeignKey("participant.id", ondelete="SET NULL"), nullable=True)
    summary = db.Column(db.Text, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    item = db.relationship("AgendaItem", back_populates="speeches")
    member = db.relationship("Member")
    participant = db.relationship("Participant")

    @property
    def speaker_name(self) -> str:
        return self.member.full_name if self.member else (self.participant.full_name if self.participant else "")


class Vote(db.Model):
    """One vote on an item (or on an election / the agenda), with its quorum snapshot."""

    __tablename__ = "vote"

    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("agenda_item.id", ondelete="CASCADE"), nullable=True, index=True)
    session_id = db.Column(db.Integer, db.ForeignKey("council_session.id", ondelete="CASCADE"), nullable=False, index=True)
    subject = db.Column(db.String(30), nullable=False, default="motion")  # motion|chair|secretary|agenda|add_item|remove_item
    motion = db.Column(db.Text, nullable=False)
    method = db.Column(db.String(10), nullable=False, default="counted")  # counted|roll_call
    for_votes = db.Column(db.Integer, nullable=False)
    against = db.Column(db.Integer, nullable=False)
    abstained = db.Column(db.Integer, nullable=False)
    present = db.Column(db.Integer, nullable=False)
    quorum_needed = db.Column(db.Integer, nullable=False)
    present_names = db.Column(db.Text, nullable=False)   # JSON list, snapshot at the vote
    adopted = db.Column(db.Boolean, nullable=True)
    decided_by_chair = db.Column(db.Boolean, nullable=False, default=False)
    chair_vote = db.Column(db.String(10), nullable=True)
    candidate_member_id = db.Column(db.Integer, db.ForeignKey("member.id", ondelete="SET NULL"), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    item = db.relationship("AgendaItem", back_populates="votes")
    session = db.relationship("Session")
    candidate = db.relationship("Member", foreign_keys=[candidate_member_id])
    roll_call = db.relationship("RollCallVote", back_populates="vote", cascade="all, delete-orphan",
                                order_by="RollCallVote.id")


class RollCallVote(db.Model):
    __tablename__ = "roll_call_vote"
    __table_args__ = (sa.UniqueConstraint("vote_id", "member_id"),)

    id = db.Column(db.Integer, primary_key=True)
    vote_id = db.Column(db.Integer, db.ForeignKey("vote.id", ondelete="CASCADE"), nullable=False, index=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id", ondelete="SET NULL"), nullable=True)
    member_name = db.Column(db.String(300), nullable=False)
    choice = db.Column(db.String(10), nullable=False)   # for|against|abstain

    vote = db.relationship("Vote", back_populates="roll_call")
