"""Reads for communities."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g

from civic.communities.models import Territory, TerritoryKind
from civic.extensions import db

# Territories that are communities of their own (where residents vote and meet).
COMMUNITY_KINDS = (TerritoryKind.RURAL_DISTRICT, TerritoryKind.TOWN, TerritoryKind.SETTLEMENT,
                   TerritoryKind.VILLAGE, TerritoryKind.ELECTORAL_DISTRICT, TerritoryKind.CITY,
                   TerritoryKind.DISTRICT)


def home_territory() -> Territory | None:
    """The community whose akimat the footer presents (SITE_TERRITORY or the first one)."""
    if "home_territory" not in g:
        slug = current_app.config.get("SITE_TERRITORY")
        query = sa.select(Territory)
        if slug:
            query = query.where(Territory.slug == slug)
        else:
            query = query.where(Territory.akimat_name_kk != "").order_by(
                sa.case((Territory.kind == TerritoryKind.RURAL_DISTRICT, 0), else_=1), Territory.id)
        try:
            g.home_territory = db.session.scalar(query.limit(1))
        except Exception:  # noqa: BLE001 - no schema yet: render without a footer community
            db.session.rollback()
            g.home_territory = None
    return g.home_territory


def communities_for_home() -> list[Territory]:
    return db.session.scalars(
        sa.select(Territory).where(Territory.kind.in_(COMMUNITY_KINDS)).order_by(Territory.id)
    ).all()


def territory_by_slug(slug: str) -> Territory | None:
    return db.session.scalar(sa.select(Territory).where(Territory.slug == slug))


def all_territories() -> list[Territory]:
    return db.session.scalars(sa.select(Territory).order_by(Territory.id)).all()
