"""Reads for contests: lists, filtering and sorting of projects."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from civic.contests.models import Category, Contest, Phase, Project, ProjectStatus
from civic.extensions import db

SORTS = {
    "newest": (Project.created_at.desc(), Project.id.desc()),
    "title": (Project.title, Project.id),
    "cost_asc": (sa.func.coalesce(Project.final_cost, Project.estimated_cost), Project.id),
    "cost_desc": (sa.func.coalesce(Project.final_cost, Project.estimated_cost).desc(), Project.id),
}


def contest_by_slug(slug: str) -> Contest | None:
    return db.session.scalar(sa.select(Contest).where(Contest.slug == slug)
                             .options(selectinload(Contest.funding)))


def contests_for(user) -> tuple[list[Contest], list[Contest]]:
    """Current and past contests; drafts only for those who manage them."""
    contests = db.session.scalars(sa.select(Contest).options(selectinload(Contest.funding))
                                  .order_by(Contest.created_at.desc(), Contest.id.desc())).all()
    visible = [c for c in contests if c.is_public() or c.can_manage(user)]
    current = [c for c in visible if c.phase.order <= Phase.RESULTS.order]
    past = [c for c in visible if c.phase.order > Phase.RESULTS.order]
    return current, past


def projects_of(contest: Contest, *, category: str | None = None, sort: str = "newest",
                include_unreviewed: bool = True) -> list[Project]:
    query = sa.select(Project).where(Project.contest_id == contest.id).options(selectinload(Project.photos))
    if category in {c.value for c in Category}:
        query = query.where(Project.category == Category(category))
    if contest.phase.order >= Phase.VOTING.order:
        query = query.where(Project.status.in_([ProjectStatus.FEASIBLE, ProjectStatus.NOT_FEASIBLE,
                                                 ProjectStatus.MERGED]))
    elif not include_unreviewed:
        query = query.where(Project.status != ProjectStatus.WITHDRAWN)
    return db.session.scalars(query.order_by(*SORTS.get(sort, SORTS["newest"]))).all()


def funded_projects(contest: Contest) -> list[Project]:
    return db.session.scalars(sa.select(Project).where(Project.contest_id == contest.id, Project.funded.is_(True))
                              .options(selectinload(Project.updates)).order_by(Project.id)).all()
