"""Contest pages: list, contest, projects, review, phases, implementation."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civic.communities.models import Territory
from civic.communities.queries import territory_by_slug
from civic.contests import projects as project_service
from civic.contests import queries, services
from civic.contests.forms import ContestForm, MergeForm, PhotoForm, ProgressForm, ProjectForm, ReviewForm
from civic.contests.models import (
    CATEGORY_LABELS, BallotKind, Category, Contest, Phase, Photo, Project, ProjectStatus, TallyRule, WorkStatus,
)
from civic.core.errors import DomainError
from civic.core.htmx import render_page_or_fragment
from civic.core.images import upload_dir
from civic.extensions import db

bp = Blueprint("contests", __name__, url_prefix="/contests")


def get_contest(slug: str) -> Contest:
    contest = queries.contest_by_slug(slug)
    if contest is None or not (contest.is_public() or contest.can_manage(current_user)):
        abort(404)
    return contest


def get_project(contest: Contest, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.contest_id != contest.id:
        abort(404)
    return project


@bp.get("/")
def index():
    current, past = queries.contests_for(current_user)
    territories = current_user.managed_territories() if current_user.is_authenticated else []
    return render_template("contests/index.html", current=current, past=past, territories=territories)


def _contest_values(form: ContestForm) -> dict:
    return dict(
        title=form.title.data, description=form.description.data or "",
        proposals_from=form.proposals_from.data, proposals_until=form.proposals_until.data,
        review_until=form.review_until.data, voting_from=form.voting_from.data,
        voting_until=form.voting_until.data, implementation_until=form.implementation_until.data,
        ballot_kind=BallotKind(form.ballot_kind.data), max_choices=form.max_choices.data,
        cost_cap=form.cost_cap.data, min_choices=form.min_choices.data or 0,
        allow_change=bool(form.allow_change.data), min_age=form.min_age.data,
        tally_rule=TallyRule(form.tally_rule.data), completion=form.completion.data,
        compare_with_greedy=bool(form.compare_with_greedy.data), min_support_pct=form.min_support_pct.data or 0)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    territory = territory_by_slug(request.args.get("community", ""))
    if territory is None:
        abort(404)
    if not territory.can_manage(current_user):
        abort(403)
    form = ContestForm()
    if request.method == "GET":
        form.categories.data = [c.value for c in Category]
        form.max_choices.data = 3
    if form.validate_on_submit():
        try:
            contest = services.create_contest(
                current_user, territory, categories=[Category(c) for c in form.categories.data],
                funding=form.funding(), **_contest_values(form))
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("The contest is created as a draft. Open it for proposals when it is ready."), "success")
            return redirect(url_for("contests.show", slug=contest.slug), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("contests/form.html", form=form, territory=territory, contest=None), status


def _frozen_formdata(contest: Contest):
    """The submitted form; once voting is open, with the fixed rules filled in from the contest.

    The rule and funding fieldsets are disabled then, and browsers do not send disabled
    fields: without this, a required rule field would be missing and an unchecked box
    would read as a change of the frozen rules.
    """
    data = request.form.copy()
    if contest.rules_frozen:
        for name in services.RULE_FIELDS:
            value = getattr(contest, name)
            if isinstance(value, bool):
                data.setlist(name, ["y"] if value else [])
            else:
                data.setlist(name, [] if value is None else [str(getattr(value, "value", value))])
    return data


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    contest = get_contest(slug)
    if not contest.can_manage(current_user):
        abort(403)
    form = ContestForm(formdata=_frozen_formdata(contest) if request.method == "POST" else None, obj=contest)
    if request.method == "GET":
        form.categories.data = [c.value for c in contest.category_list]
        form.ballot_kind.data = contest.ballot_kind.value
        form.tally_rule.data = contest.tally_rule.value
        form.fill_funding(contest)
    if form.validate_on_submit():
        try:
            services.update_contest(current_user, contest, categories=[Category(c) for c in form.categories.data],
                                    funding=None if contest.rules_frozen else form.funding(),
                                    **_contest_values(form))
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("contests.show", slug=contest.slug), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("contests/form.html", form=form, territory=contest.territory, contest=contest), status


@bp.post("/<slug>/advance")
@login_required
def advance(slug: str):
    contest = get_contest(slug)
    if not contest.can_manage(current_user):
        abort(403)
    try:
        expected = Phase(request.form.get("to", ""))
    except ValueError:
        abort(400)
    try:
        phase = services.advance_phase(current_user, contest, expected)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The contest is now in the phase: %(phase)s.", phase=phase.label), "success")
    return redirect(url_for("contests.show", slug=slug), code=303)


@bp.get("/<slug>")
def show(slug: str):
    contest = get_contest(slug)
    category = request.args.get("category") or None
    sort = request.args.get("sort") or "newest"
    if sort not in queries.SORTS:
        sort = "newest"
    projects = queries.projects_of(contest, category=category, sort=sort)
    from civic.contests.ballots import ballot_count, has_voted
    context = dict(contest=contest, projects=projects, category=category, sort=sort,
                   category_labels=CATEGORY_LABELS, next_phase=services.next_phase(contest),
                   ballots=ballot_count(contest) if contest.phase.order >= Phase.VOTING.order else None,
                   my_ballot=has_voted(current_user, contest) if contest.phase == Phase.VOTING else None)
    return render_page_or_fragment("contests/show.html", "contests/_projects.html", **context)


def _project_form(contest: Contest, obj=None) -> ProjectForm:
    form = ProjectForm(obj=obj)
    form.category.choices = [(c.value, CATEGORY_LABELS[c]) for c in contest.category_list]
    if obj is not None and request.method == "GET":
        form.category.data = obj.category.value
    return form


def _project_values(form: ProjectForm) -> dict:
    return dict(title=form.title.data, description=form.description.data, category=Category(form.category.data),
                address=form.address.data, estimated_cost=form.estimated_cost.data,
                latitude=form.latitude.data, longitude=form.longitude.data)


@bp.route("/<slug>/propose", methods=["GET", "POST"])
@login_required
def propose(slug: str):
    contest = get_contest(slug)
    if contest.phase != Phase.PROPOSALS:
        flash(_("Projects can be proposed only while the contest accepts proposals."), "error")
        return redirect(url_for("contests.show", slug=slug), code=303)
    if not contest.can_propose(current_user):
        abort(403)
    form = _project_form(contest)
    if form.validate_on_submit():
        try:
            project = project_service.propose(current_user, contest, **_project_values(form))
            if form.photo.data and getattr(form.photo.data, "filename", ""):
                project_service.add_photo(current_user, project, form.photo.data.read())
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("Thank you! Your project is submitted. You can edit it until the review starts."), "success")
            return redirect(url_for("contests.project", slug=slug, project_id=project.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("contests/project_form.html", form=form, contest=contest, project=None), status


def _project_page(contest: Contest, item: Project, status: int = 200, error=None, **forms):
    """The project page; staff forms that failed are passed in to show their errors."""
    from civic.core.markup import render_markdown
    context = {"photo_form": PhotoForm(), "review_form": ReviewForm(final_cost=item.cost),
               "merge_form": _merge_form(contest, item), "progress_form": ProgressForm()}
    context.update(forms)
    return render_template("contests/project.html", contest=contest, project=item,
                           description=render_markdown(item.description), error=error, **context), status


def _attempt(form, action) -> tuple[bool, object]:
    """Run a service call and commit; a DomainError rolls back and goes to its field, or to the
    page when it is a rule of the contest that no field shows (returned as the second value)."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        if error.field:
            form.add_error(error)
            return False, None
        return False, error.message
    db.session.commit()
    return True, None


@bp.get("/<slug>/p/<int:project_id>")
def project(slug: str, project_id: int):
    contest = get_contest(slug)
    return _project_page(contest, get_project(contest, project_id))


@bp.route("/<slug>/p/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit_project(slug: str, project_id: int):
    contest = get_contest(slug)
    item = get_project(contest, project_id)
    if not item.can_edit(current_user):
        abort(403)
    form = _project_form(contest, obj=item)
    if form.validate_on_submit():
        try:
            project_service.edit(current_user, item, **_project_values(form))
            if form.photo.data and getattr(form.photo.data, "filename", ""):
                project_service.add_photo(current_user, item, form.photo.data.read())
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("contests.project", slug=slug, project_id=item.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("contests/project_form.html", form=form, contest=contest, project=item), status


@bp.post("/<slug>/photos/<int:photo_id>/delete")
@login_required
def delete_photo(slug: str, photo_id: int):
    contest = get_contest(slug)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.project.contest_id != contest.id or photo.update_id is not None:
        abort(404)
    if not photo.project.can_edit(current_user):
        abort(403)
    project_id = photo.project_id
    project_service.remove_photo(current_user, photo)
    db.session.commit()
    flash(_("The photo is removed."), "success")
    return redirect(url_for("contests.edit_project", slug=slug, project_id=project_id), code=303)


def _merge_form(contest: Contest, item: Project) -> MergeForm:
    form = MergeForm()
    form.into.choices = [(p.id, p.title) for p in contest.projects
                         if p.id != item.id and p.status != ProjectStatus.MERGED]
    return form


@bp.post("/<slug>/p/<int:project_id>/review")
@login_required
def review(slug: str, project_id: int):
    contest = get_contest(slug)
    item = get_project(contest, project_id)
    if not contest.can_manage(current_user):
        abort(403)
    form, error = ReviewForm(), None
    if form.validate_on_submit():
        done, error = _attempt(form, lambda: project_service.review(
            current_user, item, feasible=form.verdict.data == "feasible", reason=form.reason.data,
            final_cost=form.final_cost.data))
        if done:
            flash(_("The review is saved and the author is told by e-mail."), "success")
            return redirect(url_for("contests.project", slug=slug, project_id=item.id), code=303)
    return _project_page(contest, item, 422, error, review_form=form)


@bp.post("/<slug>/p/<int:project_id>/merge")
@login_required
def merge(slug: str, project_id: int):
    contest = get_contest(slug)
    item = get_project(contest, project_id)
    if not contest.can_manage(current_user):
        abort(403)
    form, error = _merge_form(contest, item), None
    into = db.session.get(Project, form.into.data) if form.validate_on_submit() else None

    def merge_into():
        if into is None:
            raise DomainError(_("Choose another project of the same contest to merge into."), field="into")
        project_service.merge(current_user, item, into, form.reason.data)

    if request.method == "POST" and not form.errors:
        done, error = _attempt(form, merge_into)
        if done:
            flash(_("The projects are merged."), "success")
            return redirect(url_for("contests.project", slug=slug, project_id=into.id), code=303)
    return _project_page(contest, item, 422, error, merge_form=form)


@bp.post("/<slug>/p/<int:project_id>/progress")
@login_required
def progress(slug: str, project_id: int):
    contest = get_contest(slug)
    item = get_project(contest, project_id)
    if not contest.can_manage(current_user):
        abort(403)
    form, error = ProgressForm(), None
    if form.validate_on_submit():
        photos = [form.photo.data.read()] if form.photo.data and getattr(form.photo.data, "filename", "") else []
        done, error = _attempt(form, lambda: project_service.report_progress(
            current_user, item, happened_on=form.happened_on.data, status=WorkStatus(form.status.data),
            progress_pct=form.progress_pct.data, money_spent=form.money_spent.data, text=form.text.data or "",
            photos=photos))
        if done:
            flash(_("The progress report is published."), "success")
            return redirect(url_for("contests.project", slug=slug, project_id=item.id), code=303)
    return _project_page(contest, item, 422, error, progress_form=form)


@bp.get("/<slug>/implementation")
def implementation(slug: str):
    contest = get_contest(slug)
    if contest.phase.order < Phase.RESULTS.order:
        abort(404)
    return render_template("contests/implementation.html", contest=contest,
                           projects=queries.funded_projects(contest))


@bp.get("/media/<name>")
def media(name: str):
    if "/" in name or "\\" in name or name.startswith("."):
        abort(404)
    # Only the photos of projects: the folder also holds council materials, whose own route
    # keeps a draft session's documents from the public.
    photo = db.session.scalar(sa.select(Photo).where(sa.or_(Photo.stored_name == name, Photo.thumb_name == name)))
    contest = photo.project.contest if photo is not None else None
    if contest is None or not (contest.is_public() or contest.can_manage(current_user)):
        abort(404)
    response = send_from_directory(upload_dir(), name, max_age=7 * 24 * 3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


__all__ = ["bp", "Territory"]
