"""Akimat staff: roles, the register of residents, verification at the office."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civic.accounts import residency as residency_service
from civic.accounts import services
from civic.accounts.forms import GrantRoleForm, OfficeVerifyForm, ReasonForm, RegisterUploadForm
from civic.accounts.models import RegisterEntry, RegisterImport, Residency, RoleAssignment
from civic.communities.models import ROLE_LABELS, RoleKind, Territory
from civic.communities.queries import territory_by_slug
from civic.core.errors import DomainError
from civic.extensions import db

bp = Blueprint("residents", __name__, url_prefix="/manage/c/<slug>")

MAX_REGISTER_BYTES = 5 * 1024 * 1024


def _territory(slug: str) -> Territory:
    territory = territory_by_slug(slug)
    if territory is None:
        abort(404)
    if not territory.can_manage(current_user):
        abort(403)
    return territory


def _role_form() -> GrantRoleForm:
    form = GrantRoleForm()
    form.kind.choices = [(k.value, ROLE_LABELS[k]) for k in RoleKind]
    return form


def _roles_page(territory, form=None, status=200):
    roles = db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.territory_id == territory.id)
                               .order_by(RoleAssignment.kind, RoleAssignment.id)).all()
    return render_template("accounts/staff/roles.html", territory=territory, roles=roles,
                           form=form or _role_form(), revoke_form=ReasonForm()), status


@bp.get("/roles")
@login_required
def roles(slug: str):
    return _roles_page(_territory(slug))


@bp.post("/roles")
@login_required
def grant_role(slug: str):
    territory = _territory(slug)
    form = _role_form()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        try:
            if user is None:
                raise DomainError(_("No account uses this e-mail address. The person must register first."), field="email")
            services.grant_role(current_user, user, territory, RoleKind(form.kind.data))
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("Role assigned."), "success")
            return redirect(url_for("residents.roles", slug=slug), code=303)
    return _roles_page(territory, form, 422)


@bp.post("/roles/<int:role_id>/revoke")
@login_required
def revoke_role(slug: str, role_id: int):
    territory = _territory(slug)
    role = db.session.get(RoleAssignment, role_id)
    if role is None or role.territory_id != territory.id:
        abort(404)
    if role.user_id == current_user.id and role.kind == RoleKind.STAFF and not current_user.is_admin:
        flash(_("You cannot take away your own staff role."), "error")
        return redirect(url_for("residents.roles", slug=slug), code=303)
    services.revoke_role(current_user, role)
    db.session.commit()
    flash(_("Role removed."), "success")
    return redirect(url_for("residents.roles", slug=slug), code=303)


def _register_page(territory, form=None, report=None, error=None, status=200):
    imports = db.session.scalars(sa.select(RegisterImport).where(RegisterImport.territory_id == territory.id)
                                 .order_by(RegisterImport.id.desc()).limit(10)).all()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(RegisterEntry)
                              .where(RegisterEntry.territory_id == territory.id))
    return render_template("accounts/staff/register.html", territory=territory, form=form or RegisterUploadForm(),
                           report=report, error=error, imports=imports, count=count), status


@bp.get("/register")
@login_required
def register(slug: str):
    return _register_page(_territory(slug))


@bp.post("/register")
@login_required
def import_register(slug: str):
    territory = _territory(slug)
    form = RegisterUploadForm()
    if not form.validate_on_submit():
        return _register_page(territory, form, status=422)
    data = form.file.data.read(MAX_REGISTER_BYTES + 1)
    if len(data) > MAX_REGISTER_BYTES:
        return _register_page(territory, form, error=_("The file is larger than 5 MB."), status=413)
    try:
        report = residency_service.import_register(current_user, territory, data, form.file.data.filename or "")
    except DomainError as err:
        db.session.rollback()
        return _register_page(territory, form, error=err.message, status=422)
    if not report.ok:
        db.session.rollback()
        return _register_page(territory, form, report=report, status=422)
    db.session.commit()
    flash(_("Register imported: %(added)d added, %(updated)d updated.", added=report.added, updated=report.updated), "success")
    return redirect(url_for("residents.register", slug=slug), code=303)


def _residents_page(territory, form=None, status=200):
    residents = db.session.scalars(sa.select(Residency).where(Residency.territory_id == territory.id)
                                   .order_by(Residency.verified_at.desc())).all()
    return render_template("accounts/staff/residents.html", territory=territory, residents=residents,
                           form=form or OfficeVerifyForm(), revoke_form=ReasonForm()), status


@bp.get("/residents")
@login_required
def index(slug: str):
    return _residents_page(_territory(slug))


@bp.post("/residents")
@login_required
def verify(slug: str):
    territory = _territory(slug)
    form = OfficeVerifyForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        try:
            if user is None:
                raise DomainError(_("No account uses this e-mail address. The person must register first."), field="email")
            residency_service.verify_at_office(current_user, user, territory, form.iin.data, form.note.data or "")
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("%(name)s is verified as a resident.", name=user.full_name), "success")
            return redirect(url_for("residents.index", slug=slug), code=303)
    return _residents_page(territory, form, 422)


@bp.post("/residents/<int:residency_id>/revoke")
@login_required
def revoke(slug: str, residency_id: int):
    territory = _territory(slug)
    residency = db.session.get(Residency, residency_id)
    if residency is None or residency.territory_id != territory.id:
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "error")
        return redirect(url_for("residents.index", slug=slug), code=303)
    residency_service.revoke_residency(current_user, residency, form.reason.data)
    db.session.commit()
    flash(_("The verification is withdrawn."), "success")
    return redirect(url_for("residents.index", slug=slug), code=303)
