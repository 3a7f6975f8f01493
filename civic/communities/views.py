"""Public community pages and the territory administration."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civic.communities import queries, services
from civic.communities.forms import NewTerritoryForm, TerritoryDetailsForm
from civic.communities.models import Territory, TerritoryKind
from civic.core.errors import DomainError
from civic.core.forms import invalid
from civic.extensions import db

bp = Blueprint("communities", __name__)


def get_territory_or_404(slug: str) -> Territory:
    territory = queries.territory_by_slug(slug)
    if territory is None:
        abort(404)
    return territory


@bp.get("/c/<slug>")
def show(slug: str):
    territory = get_territory_or_404(slug)
    return render_template("communities/show.html", territory=territory)


@bp.get("/manage")
@login_required
def manage():
    territories = current_user.managed_territories()
    if not territories and not current_user.is_admin:
        abort(403)
    return render_template("communities/manage.html", territories=territories)


def _details(form) -> dict:
    return {name: getattr(form, name).data if getattr(form, name).data != "" else ""
            for name in services.EDITABLE}


@bp.route("/manage/territories/new", methods=["GET", "POST"])
@login_required
def new():
    parents = current_user.managed_territories()
    if not current_user.is_admin and not parents:
        abort(403)
    form = NewTerritoryForm()
    form.parent.choices = ([(0, _("— none (top level) —"))] if current_user.is_admin else []) + \
        [(t.id, f"{t.name} ({t.kind.label})") for t in parents]
    if form.validate_on_submit():
        parent = db.session.get(Territory, form.parent.data) if form.parent.data else None
        try:
            territory = services.create_territory(current_user, kind=TerritoryKind(form.kind.data),
                                                  parent=parent, **_details(form))
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("The territory is added."), "success")
            return redirect(url_for("communities.show", slug=territory.slug), code=303)
    if request.method == "POST":
        return invalid("communities/new.html", form=form)
    return render_template("communities/new.html", form=form)


@bp.route("/c/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    territory = get_territory_or_404(slug)
    if not territory.can_manage(current_user):
        abort(403)
    form = TerritoryDetailsForm(obj=territory)
    if form.validate_on_submit():
        try:
            services.update_territory(current_user, territory, **_details(form))
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("communities.show", slug=territory.slug), code=303)
    if request.method == "POST":
        return invalid("communities/edit.html", form=form, territory=territory)
    return render_template("communities/edit.html", form=form, territory=territory)
