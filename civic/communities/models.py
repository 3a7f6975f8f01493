"""Territories as a tree, with their akimat's details, and roles held in them."""
from __future__ import annotations

import enum

from flask_babel import get_locale, lazy_gettext as _l

from civic.core.database import UTCDateTime, enum_column_type, utcnow
from civic.extensions import db


class TerritoryKind(str, enum.Enum):
    # 000 §2, §6; 001: region > district / city > rural district, town, settlement, village;
    # cities are divided into electoral districts of the city maslikhat.
    REGION = "region"
    DISTRICT = "district"
    CITY = "city"
    RURAL_DISTRICT = "rural_district"
    TOWN = "town"
    SETTLEMENT = "settlement"
    VILLAGE = "village"
    ELECTORAL_DISTRICT = "electoral_district"

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    TerritoryKind.REGION: _l("Region"),
    TerritoryKind.DISTRICT: _l("District"),
    TerritoryKind.CITY: _l("City"),
    TerritoryKind.RURAL_DISTRICT: _l("Rural district"),
    TerritoryKind.TOWN: _l("Town"),
    TerritoryKind.SETTLEMENT: _l("Settlement"),
    TerritoryKind.VILLAGE: _l("Village"),
    TerritoryKind.ELECTORAL_DISTRICT: _l("Electoral district"),
}

# Which kinds may sit under which (None: the root).
ALLOWED_PARENTS = {
    TerritoryKind.REGION: {None},
    TerritoryKind.DISTRICT: {TerritoryKind.REGION},
    TerritoryKind.CITY: {None, TerritoryKind.REGION},
    TerritoryKind.RURAL_DISTRICT: {TerritoryKind.DISTRICT},
    TerritoryKind.TOWN: {TerritoryKind.DISTRICT},
    TerritoryKind.SETTLEMENT: {TerritoryKind.DISTRICT, TerritoryKind.RURAL_DISTRICT},
    TerritoryKind.VILLAGE: {TerritoryKind.RURAL_DISTRICT, TerritoryKind.DISTRICT},
    TerritoryKind.ELECTORAL_DISTRICT: {TerritoryKind.CITY},
}


class RoleKind(str, enum.Enum):
    STAFF = "staff"          # akimat apparatus staff
    SECRETARY = "secretary"  # secretary of a body of self-government
    CHAIR = "chair"
    MEMBER = "member"        # member of a body (meeting, council)
    AKIM = "akim"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    RoleKind.STAFF: _l("Akimat staff"),
    RoleKind.SECRETARY: _l("Secretary"),
    RoleKind.CHAIR: _l("Chair"),
    RoleKind.MEMBER: _l("Member of a body"),
    RoleKind.AKIM: _l("Akim"),
}


class Territory(db.Model):
    __tablename__ = "territory"

    id = db.Column(db.Integer, primary_key=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("territory.id"), index=True)
    kind = db.Column(enum_column_type(TerritoryKind, length=30), nullable=False)
    slug = db.Column(db.String(80), nullable=False, unique=True)
    name_kk = db.Column(db.String(200), nullable=False)
    name_ru = db.Column(db.String(200), nullable=False)
    akimat_name_kk = db.Column(db.String(300), nullable=False, default="")
    akimat_name_ru = db.Column(db.String(300), nullable=False, default="")
    address = db.Column(db.String(300), nullable=False, default="")
    phone = db.Column(db.String(60), nullable=False, default="")
    email = db.Column(db.String(200), nullable=False, default="")
    timezone = db.Column(db.String(60), nullable=False, default="Asia/Almaty")
    # Number of community members, where the akimat states it (quorum bases later).
    population = db.Column(db.Integer, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    parent = db.relationship("Territory", remote_side=[id], back_populates="children")
    children = db.relationship("Territory", back_populates="parent", order_by="Territory.name_kk")

    def localized(self, kk: str, ru: str) -> str:
        return ru if str(get_locale()) in ("ru", "en") and ru else kk

    @property
    def name(self) -> str:
        return self.localized(self.name_kk, self.name_ru)

    @property
    def akimat_name(self) -> str:
        return self.localized(self.akimat_name_kk, self.akimat_name_ru)

    def ancestors(self) -> list["Territory"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def lineage_ids(self) -> list[int]:
        return [self.id] + [t.id for t in self.ancestors()]

    # Permission predicates, used by views (403) and templates (hide the control).
    # ``user`` is an accounts.User (duck-typed: communities do not import accounts).
    def can_manage(self, user) -> bool:
        """Akimat staff of this territory or of one above it, and site admins."""
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return bool(user.is_admin) or user.has_role(self, RoleKind.STAFF)

    def can_verify_residents(self, user) -> bool:
        return self.can_manage(user)

    def can_assign_roles(self, user) -> bool:
        return self.can_manage(user)

    def __repr__(self) -> str:
        return f"<Territory {self.slug}>"
