"""Bodies and their members; warnings instead of silent acceptance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from civic.communities.services import local_today, slugify
from civic.councils import rules
from civic.councils.models import Body, Member, MemberRole, Session, SessionState
from civic.councils.rules import BodyKind
from civic.core import audit
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db


def _unique_slug(base: str) -> str:
    slug, n = base, 2
    while db.session.scalar(sa.select(Body.id).where(Body.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_body(actor, territory, *, kind: BodyKind, name: str, base_size: int | None = None) -> Body:
    if not territory.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff of this community may do this."))
    if not (name or "").strip():
        raise DomainError(_l("The body needs a name."), field="name")
    if base_size is not None and base_size < 0:
        raise DomainError(_l("The number cannot be negative."), field="base_size")
    body = Body(territory_id=territory.id, territory=territory, kind=kind, name=name.strip(),
                slug=_unique_slug(slugify(name)), base_size=base_size)
    body.apply_defaults()
    db.session.add(body)
    db.session.flush()
    audit.record("body.created", actor=actor, obj=body, kind=kind.value, territory=territory.id)
    return body


def add_member(actor, body: Body, *, full_name: str, role: MemberRole = MemberRole.MEMBER, user=None,
               represents: str = "", term_from: date | None = None, term_until: date | None = None) -> Member:
    if not body.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff or the secretary may change the members."))
    if not (full_name or "").strip():
        raise DomainError(_l("Enter the member's full name."), field="full_name")
    if term_from and term_until and term_until < term_from:
        raise DomainError(_l("The term cannot end before it starts."), field="term_until")
    if role in (MemberRole.CHAIR, MemberRole.SECRETARY):
        taken = [m for m in body.members if m.role == role and m.active_on(term_from or local_today(body.territory))]
        if taken:
            raise DomainError(_l("The body already has a member in this role."), field="role")
    member = Member(body=body, full_name=full_name.strip(), role=role, user_id=getattr(user, "id", None),
                    represents=(represents or "").strip(), term_from=term_from, term_until=term_until)
    db.session.add(member)
    db.session.flush()
    audit.record("member.added", actor=actor, obj=member, body=body.id, role=role.value)
    return member


def active_members(body: Body, day: date) -> list[Member]:
    return [m for m in body.members if m.active_on(day)]


def quorum_base_size(body: Body, day: date) -> int | None:
    """The number the quorum fraction applies to (community, representatives or members)."""
    base = body.rules.quorum_base
    if base in (rules.QuorumBase.MEMBERS, rules.QuorumBase.TOTAL_MEMBERSHIP):
        return len(active_members(body, day))
    if base == rules.QuorumBase.COMMUNITY:
        return body.base_size if body.base_size is not None else body.territory.population
    if base == rules.QuorumBase.REPRESENTATIVES:
        return body.base_size
    return None


@dataclass
class Warning:
    code: str
    message: str


def warnings(body: Body, today: date) -> list[Warning]:
    found: list[Warning] = []
    members = active_members(body, today)
    if "even_membership" in rules.membership_warnings(body.rules, len(members)):
        # 000 §6: a territorial council has an odd number of members.
        found.append(Warning("even_membership", _l("The council has an even number of members (%(n)d); "
                                                   "the regulation requires an odd number.", n=len(members))))
    expired = [m for m in body.members if m.term_until is not None and m.term_until < today]
    for member in expired:
        found.append(Warning("expired_term", _l("The term of %(name)s ended on %(date)s.",
                                                name=member.full_name, date=member.term_until.isoformat())))
    if body.kind == BodyKind.MEETING:
        held = db.session.scalars(sa.select(Session.starts_at).where(
            Session.body_id == body.id, Session.state.in_([SessionState.HELD, SessionState.SIGNED,
                                                           SessionState.PUBLISHED]))).all()
        since = body.created_at.date()
        for year, quarter in rules.quarters_without_meeting(body.rules, [d.date() for d in held], since, today):
            # 001 App. 2: the meeting sits at least once a quarter.
            found.append(Warning("quarter_without_meeting",
                                 _l("No meeting was held in quarter %(q)d of %(y)d.", q=quarter, y=year)))
    if body.rules.quorum_base in (rules.QuorumBase.COMMUNITY, rules.QuorumBase.REPRESENTATIVES) and \
            quorum_base_size(body, today) is None:
        found.append(Warning("unknown_base", _l("The number of community members (or representatives) is not "
                                                "set, so the quorum cannot be checked.")))
    return found
