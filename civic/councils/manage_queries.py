"""Reads for the secretary's and staff's pages (eager-loading what the templates need)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from civic.councils.models import AgendaItem, Attendance, Body, Material, Session, Speech, Vote
from civic.councils.record_models import Decision, Petition, PetitionSignature
from civic.extensions import db


def bodies_of(territory) -> list[Body]:
    return db.session.scalars(sa.select(Body).where(Body.territory_id == territory.id)
                              .options(selectinload(Body.members)).order_by(Body.name)).all()


def sessions_of(body: Body) -> list[Session]:
    return db.session.scalars(sa.select(Session).where(Session.body_id == body.id)
                              .order_by(Session.starts_at.desc())).all()


def load_session_tree(session: Session) -> Session:
    """Load the agenda with materials, speeches, votes and roll calls, and the attendance, in a few queries."""
    db.session.scalars(sa.select(AgendaItem).where(AgendaItem.session_id == session.id).options(
        selectinload(AgendaItem.materials),
        selectinload(AgendaItem.speeches).selectinload(Speech.member),
        selectinload(AgendaItem.speeches).selectinload(Speech.participant),
        selectinload(AgendaItem.votes).selectinload(Vote.roll_call),
    )).all()
    db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id)
                       .options(selectinload(Attendance.member))).all()
    return session


def procedural_votes(session: Session) -> list[Vote]:
    """Elections, the agenda's approval and its amendment, in the order taken."""
    return db.session.scalars(sa.select(Vote).where(Vote.session_id == session.id, Vote.subject != "motion")
                              .options(selectinload(Vote.roll_call), selectinload(Vote.candidate))
                              .order_by(Vote.id)).all()


def material(material_id: int) -> Material | None:
    return db.session.get(Material, material_id)


def decisions_of(session: Session) -> list[Decision]:
    return db.session.scalars(sa.select(Decision).where(Decision.session_id == session.id)
                              .options(selectinload(Decision.reports), selectinload(Decision.vote)
                                       .selectinload(Vote.item))
                              .order_by(Decision.id)).all()


def petitions_of(body: Body) -> list[tuple[Petition, int]]:
    """Petitions with their number of signatures (the count only)."""
    count = (sa.select(sa.func.count(PetitionSignature.id))
             .where(PetitionSignature.petition_id == Petition.id).correlate(Petition).scalar_subquery())
    return db.session.execute(sa.select(Petition, count).where(Petition.body_id == body.id)
                              .order_by(Petition.created_at.desc())).all()


def signature_count(petition: Petition) -> int:
    return db.session.scalar(sa.select(sa.func.count(PetitionSignature.id))
                             .where(PetitionSignature.petition_id == petition.id)) or 0


def has_signed(user, petition: Petition) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    residency = user.residency_in(petition.body.territory)
    if residency is None:
        return False
    return db.session.scalar(sa.select(PetitionSignature.id).where(
        PetitionSignature.petition_id == petition.id, PetitionSignature.iin_hmac == residency.iin_hmac)) is not None


def signatures_of(petition: Petition) -> list[PetitionSignature]:
    return db.session.scalars(sa.select(PetitionSignature).where(PetitionSignature.petition_id == petition.id)
                              .order_by(PetitionSignature.signed_at, PetitionSignature.id)).all()
