"""Petitions to convene a gathering or a meeting (001 fig. 7; App. 2 §5).

A verified resident starts one with a proposed agenda; other verified residents
sign; at 10% of the right base it goes to the akim, whose decision (with place and
time) is due within 3 working days. Names and addresses of signers are recorded
for the akim and never shown publicly; the count is.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from civic.accounts.models import RegisterEntry, Residency
from civic.communities.services import local_today
from civic.councils import deadlines, rules
from civic.councils.bodies import quorum_base_size
from civic.councils.models import Body, SessionState
from civic.councils.record_models import Petition, PetitionSignature
from civic.councils.rules import BodyKind
from civic.core import audit
from civic.core.database import lock_for_update, utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db


def community_size(body: Body) -> int | None:
    if body.kind == BodyKind.MEETING:
        return body.territory.population
    return quorum_base_size(body, local_today(body.territory))


def threshold_for(body: Body) -> int | None:
    return rules.petition_threshold(rules.DEFAULT_RULES[body.kind], community_size(body))


def _residency(user, body: Body) -> Residency | None:
    return db.session.scalar(sa.select(Residency).where(Residency.user_id == user.id,
                                                        Residency.territory_id == body.territory_id))


def start(user, body: Body, *, title: str, agenda: str) -> Petition:
    if body.kind not in (BodyKind.GATHERING, BodyKind.MEETING):
        raise DomainError(_l("Residents may petition to convene a gathering or a meeting."))
    if not user.is_authenticated or _residency(user, body) is None:
        raise NotAllowed(_l("Only verified residents of this community may start or sign a petition."))
    if not (title or "").strip():
        raise DomainError(_l("Give the petition a title."), field="title")
    if not (agenda or "").strip():
        raise DomainError(_l("Propose the agenda."), field="agenda")
    threshold = threshold_for(body)
    if threshold is None:
        raise DomainError(_l("The akimat has not set the number of community members, so the 10% threshold "
                             "cannot be computed yet."))
    petition = Petition(body=body, body_id=body.id, author_id=user.id, title=title.strip(), agenda=agenda.strip(),
                        threshold=threshold)
    db.session.add(petition)
    db.session.flush()
    sign(user, petition)
    audit.record("petition.started", actor=user, obj=petition, body=body.id, threshold=threshold)
    return petition


def sign(user, petition: Petition) -> PetitionSignature:
    if petition.state != "open":
        raise DomainError(_l("This petition no longer collects signatures."))
    residency = _residency(user, petition.body) if user.is_authenticated else None
    if residency is None:
        raise NotAllowed(_l("Only verified residents of this community may start or sign a petition."))
    lock_for_update(db.session, 0x5045_0000_0000 + petition.id)
    if db.session.scalar(sa.select(PetitionSignature.id).where(PetitionSignature.petition_id == petition.id,
                                                              PetitionSignature.iin_hmac == residency.iin_hmac)):
        raise DomainError(_l("You have already signed this petition."))
    entry = db.session.scalar(sa.select(RegisterEntry).where(RegisterEntry.territory_id == petition.body.territory_id,
                                                             RegisterEntry.iin_hmac == residency.iin_hmac))
    signature = PetitionSignature(petition=petition, user_id=user.id, iin_hmac=residency.iin_hmac,
                                  full_name=user.full_name, address=entry.address if entry else "")
    db.session.add(signature)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise DomainError(_l("You have already signed this petition."))
    if len(petition.signatures) >= petition.threshold and petition.state == "open":
        petition.state = "submitted"
        petition.submitted_at = utcnow()
        audit.record("petition.submitted", actor=None, obj=petition, signatures=len(petition.signatures))
    return signature


def akim_due(petition: Petition):
    if petition.submitted_at is None:
        return None
    # Counted from the day of submission in the community's time zone, not the UTC date.
    zone = ZoneInfo(petition.body.territory.timezone or "Asia/Almaty")
    return deadlines.add_working_days(petition.submitted_at.astimezone(zone).date(), 3)


def decide(user, petition: Petition, *, accept: bool, text: str, starts_at: datetime | None = None,
           place: str = "") -> Petition:
    """The akim's decision: accept with place and time (creates the session), or refuse with reasons."""
    from civic.councils.decisions import is_akim_of
    from civic.councils.sessions import new_session
    if not is_akim_of(user, petition.body):
        raise NotAllowed(_l("Only the akim decides on a petition."))
    if petition.state != "submitted":
        raise DomainError(_l("Only a petition that reached its threshold is decided."))
    if not (text or "").strip():
        raise DomainError(_l("Write the decision."), field="text")
    if accept:
        if starts_at is None or not (place or "").strip():
            raise DomainError(_l("Set the place and time of the session."), field="starts_at")
        # The akim convenes the session and sets its place and time (App. 2 §5).
        session = new_session(user, petition.body, starts_at=starts_at, place=place)
        petition.session_id = session.id
        petition.state = "accepted"
    else:
        petition.state = "refused"
    petition.decision_text = text.strip()
    petition.decided_at = utcnow()
    audit.record("petition.decided", actor=user, obj=petition, accept=accept)
    return petition


__all__ = ["start", "sign", "decide", "akim_due", "threshold_for", "SessionState"]
