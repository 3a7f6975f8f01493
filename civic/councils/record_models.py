"""What a session leaves behind: protocols with signatures, decisions and their execution,
and residents' petitions to convene a session."""
from __future__ import annotations

import sqlalchemy as sa

from civic.core.database import UTCDateTime, utcnow
from civic.extensions import db


class Protocol(db.Model):
    """One version of a session's protocol. A signed version is frozen; a correction is a new version."""

    __tablename__ = "protocol"
    __table_args__ = (sa.UniqueConstraint("session_id", "version"),)

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("council_session.id", ondelete="CASCADE"), nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False, default=1)
    text = db.Column(db.Text, nullable=False)
    sha256 = db.Column(db.String(64), nullable=True)     # set when the first signature freezes the text
    state = db.Column(db.String(12), nullable=False, default="draft")  # draft|signed|published|superseded
    correction_reason = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    published_at = db.Column(UTCDateTime, nullable=True)
    sent_to_akim_at = db.Column(UTCDateTime, nullable=True)

    session = db.relationship("Session")
    signatures = db.relationship("ProtocolSignature", back_populates="protocol", cascade="all, delete-orphan",
                                 order_by="ProtocolSignature.id")


class ProtocolSignature(db.Model):
    __tablename__ = "protocol_signature"
    __table_args__ = (sa.UniqueConstraint("protocol_id", "capacity"),)

    id = db.Column(db.Integer, primary_key=True)
    protocol_id = db.Column(db.Integer, db.ForeignKey("protocol.id", ondelete="CASCADE"), nullable=False, index=True)
    capacity = db.Column(db.String(10), nullable=False)   # chair|secretary
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    signer_name = db.Column(db.String(300), nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)     # the exact text signed
    signed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    protocol = db.relationship("Protocol", back_populates="signatures")


class Decision(db.Model):
    __tablename__ = "decision"

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("council_session.id", ondelete="CASCADE"), nullable=False, index=True)
    vote_id = db.Column(db.Integer, db.ForeignKey("vote.id", ondelete="SET NULL"), nullable=True)
    text = db.Column(db.Text, nullable=False)
    executor = db.Column(db.String(300), nullable=False, default="")
    due_on = db.Column(db.Date, nullable=True)
    akim_status = db.Column(db.String(12), nullable=False, default="pending")  # pending|agreed|disagreed
    akim_reason = db.Column(db.Text, nullable=False, default="")
    akim_reviewed_at = db.Column(UTCDateTime, nullable=True)
    members_informed_at = db.Column(UTCDateTime, nullable=True)
    rediscussed_in_session_id = db.Column(db.Integer, db.ForeignKey("council_session.id", ondelete="SET NULL"), nullable=True)
    done_at = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    session = db.relationship("Session", foreign_keys=[session_id])
    vote = db.relationship("Vote")
    reports = db.relationship("ExecutionReport", back_populates="decision", cascade="all, delete-orphan",
                              order_by="ExecutionReport.reported_on")


class ExecutionReport(db.Model):
    __tablename__ = "execution_report"

    id = db.Column(db.Integer, primary_key=True)
    decision_id = db.Column(db.Integer, db.ForeignKey("decision.id", ondelete="CASCADE"), nullable=False, index=True)
    reported_on = db.Column(db.Date, nullable=False)
    text = db.Column(db.Text, nullable=False)
    done = db.Column(db.Boolean, nullable=False, default=False)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    decision = db.relationship("Decision", back_populates="reports")


class Petition(db.Model):
    """Residents' request to convene a gathering or a meeting (001 fig. 7; App. 2 §5)."""

    __tablename__ = "petition"

    id = db.Column(db.Integer, primary_key=True)
    body_id = db.Column(db.Integer, db.ForeignKey("body.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    title = db.Column(db.String(300), nullable=False)
    agenda = db.Column(db.Text, nullable=False)
    state = db.Column(db.String(12), nullable=False, default="open")  # open|submitted|accepted|refused
    threshold = db.Column(db.Integer, nullable=False)
    submitted_at = db.Column(UTCDateTime, nullable=True)
    decided_at = db.Column(UTCDateTime, nullable=True)
    decision_text = db.Column(db.Text, nullable=False, default="")
    session_id = db.Column(db.Integer, db.ForeignKey("council_session.id", ondelete="SET NULL"), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    body = db.relationship("Body")
    signatures = db.relationship("PetitionSignature", back_populates="petition", cascade="all, delete-orphan",
                                 order_by="PetitionSignature.id")


class PetitionSignature(db.Model):
    """Name and address are recorded for the akim (001 fig. 7), never shown publicly."""

    __tablename__ = "petition_signature"
    __table_args__ = (sa.UniqueConstraint("petition_id", "iin_hmac"),)

    id = db.Column(db.Integer, primary_key=True)
    petition_id = db.Column(db.Integer, db.ForeignKey("petition.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    iin_hmac = db.Column(db.String(64), nullable=False)
    full_name = db.Column(db.String(300), nullable=False)
    address = db.Column(db.String(300), nullable=False, default="")
    signed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    petition = db.relationship("Petition", back_populates="signatures")
