"""Accounts, server-side sign-in sessions, roles and verified residency."""
from __future__ import annotations

import sqlalchemy as sa
from flask_login import UserMixin

from civic.communities.models import RoleKind, Territory
from civic.core.database import UTCDateTime, enum_column_type, utcnow
from civic.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    surname = db.Column(db.String(100), nullable=False)
    given_name = db.Column(db.String(100), nullable=False)
    patronymic = db.Column(db.String(100), nullable=False, default="")
    password_hash = db.Column(db.String(255), nullable=False)
    locale = db.Column(db.String(5), nullable=False, default="kk")
    is_admin = db.Column(db.Boolean, nullable=False, default=False)
    confirmed_at = db.Column(UTCDateTime, nullable=True)
    password_changed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    roles = db.relationship("RoleAssignment", foreign_keys="RoleAssignment.user_id",
                            back_populates="user", cascade="all, delete-orphan", passive_deletes=True)
    residencies = db.relationship("Residency", foreign_keys="Residency.user_id",
                                  back_populates="user", cascade="all, delete-orphan", passive_deletes=True)

    # Set by the login manager: the server-side session this request belongs to.
    current_session_token = None  # type: str | None

    def get_id(self) -> str | None:
        return self.current_session_token

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)

    @property
    def short_name(self) -> str:
        return f"{self.given_name} {self.surname}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def has_role(self, territory: Territory, *kinds: RoleKind, inherited: bool = True) -> bool:
        ids = territory.lineage_ids() if inherited else [territory.id]
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(RoleAssignment).where(
                RoleAssignment.user_id == self.id,
                RoleAssignment.territory_id.in_(ids),
                RoleAssignment.kind.in_(list(kinds)),
            )
        ) > 0

    @property
    def is_staff_anywhere(self) -> bool:
        """Admin, or akimat staff of some territory: one query, for the navigation on every page."""
        return bool(self.is_admin) or db.session.scalar(
            sa.select(sa.func.count()).select_from(RoleAssignment).where(
                RoleAssignment.user_id == self.id, RoleAssignment.kind == RoleKind.STAFF)) > 0

    def managed_territories(self) -> list[Territory]:
        """Territories where this person is akimat staff, with everything below them (or all, for
        an admin). The tree is read in one query and walked in memory."""
        territories = db.session.scalars(sa.select(Territory).order_by(Territory.id)).all()
        if self.is_admin:
            return territories
        root_ids = set(db.session.scalars(sa.select(RoleAssignment.territory_id).where(
            RoleAssignment.user_id == self.id, RoleAssignment.kind == RoleKind.STAFF)))
        children: dict[int | None, list[Territory]] = {}
        for territory in territories:
            children.setdefault(territory.parent_id, []).append(territory)
        seen, out, queue = set(), [], [t for t in territories if t.id in root_ids]
        while queue:
            territory = queue.pop(0)
            if territory.id in seen:
                continue
            seen.add(territory.id)
            out.append(territory)
            queue.extend(children.get(territory.id, []))
        return out

    def residency_in(self, territory: Territory) -> "Residency | None":
        return db.session.scalar(sa.select(Residency).where(
            Residency.user_id == self.id, Residency.territory_id == territory.id))

    def is_resident_of(self, territory: Territory) -> bool:
        return self.residency_in(territory) is not None


class LoginSession(db.Model):
    """A sign-in on one device. Logging out deletes it, so a copied cookie stops working."""

    __tablename__ = "login_session"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    user_agent = db.Column(db.String(200), nullable=False, default="")

    user = db.relationship("User")


class RoleAssignment(db.Model):
    __tablename__ = "role_assignment"
    __table_args__ = (sa.UniqueConstraint("user_id", "territory_id", "kind"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    territory_id = db.Column(db.Integer, db.ForeignKey("territory.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = db.Column(enum_column_type(RoleKind), nullable=False)
    granted_by_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"))
    granted_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    user = db.relationship("User", foreign_keys=[user_id], back_populates="roles")
    territory = db.relationship("Territory")
    granted_by = db.relationship("User", foreign_keys=[granted_by_id])


class RegisterImport(db.Model):
    """One upload of the akimat's resident register (kept for the record)."""

    __tablename__ = "register_import"

    id = db.Column(db.Integer, primary_key=True)
    territory_id = db.Column(db.Integer, db.ForeignKey("territory.id", ondelete="CASCADE"), nullable=False, index=True)
    imported_by_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"))
    imported_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    filename = db.Column(db.String(200), nullable=False, default="")
    rows_added = db.Column(db.Integer, nullable=False, default=0)
    rows_updated = db.Column(db.Integer, nullable=False, default=0)
    sha256 = db.Column(db.String(64), nullable=False)

    territory = db.relationship("Territory")
    imported_by = db.relationship("User")


class RegisterEntry(db.Model):
    """A person on the akimat's register. The IIN is kept only as an HMAC.

    Names and address stay visible to akimat staff only (they come from the
    akimat's own register and are needed to find a person at the office).
    """

    __tablename__ = "register_entry"
    __table_args__ = (sa.UniqueConstraint("territory_id", "iin_hmac"),)

    id = db.Column(db.Integer, primary_key=True)
    territory_id = db.Column(db.Integer, db.ForeignKey("territory.id", ondelete="CASCADE"), nullable=False, index=True)
    iin_hmac = db.Column(db.String(64), nullable=False, index=True)
    surname = db.Column(db.String(100), nullable=False)
    given_name = db.Column(db.String(100), nullable=False)
    patronymic = db.Column(db.String(100), nullable=False, default="")
    address = db.Column(db.String(300), nullable=False, default="")
    import_id = db.Column(db.Integer, db.ForeignKey("register_import.id", ondelete="SET NULL"))
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    territory = db.relationship("Territory")


class Residency(db.Model):
    """A verified resident: one account per IIN per community, one residency per account."""

    __tablename__ = "residency"
    __table_args__ = (
        sa.UniqueConstraint("territory_id", "iin_hmac"),
        sa.UniqueConstraint("user_id", "territory_id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    territory_id = db.Column(db.Integer, db.ForeignKey("territory.id", ondelete="CASCADE"), nullable=False, index=True)
    iin_hmac = db.Column(db.String(64), nullable=False)
    method = db.Column(db.String(20), nullable=False)  # "register" or "office"
    verified_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    verified_by_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"))
    note = db.Column(db.String(300), nullable=False, default="")

    user = db.relationship("User", foreign_keys=[user_id], back_populates="residencies")
    territory = db.relationship("Territory")
    verified_by = db.relationship("User", foreign_keys=[verified_by_id])
