"""Voting pages: the ballot with its live counter, the receipt, paper ballots, results and open data."""
from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civic.contests import ballots as ballot_service
from civic.contests import results as result_service
from civic.contests.forms import BirthDateForm, PaperBallotForm, ReceiptForm
from civic.contests.models import BallotKind, Contest, Phase
from civic.contests.views import bp, get_contest
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db


def _counter(contest: Contest, raw_ids) -> dict:
    """What the live counter shows: chosen count, tenge used/left, and any rule problem."""
    try:
        selection = ballot_service.measure(contest, ballot_service.parse_ids(raw_ids))
    except DomainError as error:
        return {"count": 0, "total": 0, "left": contest.cost_cap or 0, "problem": error.message, "ok": False}
    problem = ballot_service.rule_problem(contest, selection)
    left = (contest.cost_cap - selection.total_cost) if contest.ballot_kind == BallotKind.KNAPSACK else None
    return {"count": selection.count, "total": selection.total_cost, "left": left,
            "problem": problem, "ok": problem is None}


def _ballot_page(contest, form, chosen, status=200, error=None):
    existing = ballot_service.has_voted(current_user, contest)
    if not chosen and existing is not None:
        chosen = existing.project_ids
    return render_template("contests/ballot.html", contest=contest, form=form,
                           projects=ballot_service.ballot_projects(contest), chosen=set(chosen),
                           counter=_counter(contest, chosen), existing=existing, error=error), status


@bp.route("/<slug>/ballot", methods=["GET", "POST"])
@login_required
def ballot(slug: str):
    contest = get_contest(slug)
    if contest.phase != Phase.VOTING:
        flash(_("Voting is not open in this contest."), "error")
        return redirect(url_for("contests.show", slug=slug), code=303)
    if not contest.can_vote(current_user):
        raise NotAllowed(_("Only verified residents of this community may vote."))
    form = BirthDateForm()
    if request.method == "GET":
        return _ballot_page(contest, form, [])
    chosen = request.form.getlist("project")
    if not form.validate_on_submit():
        return _ballot_page(contest, form, _safe_ids(chosen), 422)
    try:
        result = ballot_service.cast_online(current_user, contest, chosen, form.birth_date.data)
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotAllowed):
            raise
        if error.field:
            form.add_error(error)
        return _ballot_page(contest, form, _safe_ids(chosen), 422, error=None if error.field else error.message)
    db.session.commit()
    if result.receipt:
        session["receipt"] = {"contest": slug, "code": result.receipt}
    else:
        flash(_("Your ballot is changed. Your receipt code stays the same."), "success")
    return redirect(url_for("contests.ballot_done", slug=slug), code=303)


def _safe_ids(raw) -> list[int]:
    return [int(x) for x in raw if str(x).strip().isdigit()]


@bp.post("/<slug>/ballot/count")
def ballot_count(slug: str):
    """The htmx live counter; the server stays the judge on submit."""
    contest = get_contest(slug)
    if contest.phase != Phase.VOTING:
        abort(409)
    return render_template("contests/_counter.html", contest=contest,
                           counter=_counter(contest, request.form.getlist("project")))


@bp.get("/<slug>/ballot/done")
@login_required
def ballot_done(slug: str):
    contest = get_contest(slug)
    receipt = session.pop("receipt", None)
    code = receipt["code"] if receipt and receipt.get("contest") == slug else None
    return render_template("contests/ballot_done.html", contest=contest, code=code)


@bp.get("/receipt")
def receipt():
    form = ReceiptForm(request.args, meta={"csrf": False})
    found, checked = None, False
    if request.args.get("code"):
        checked = True
        if form.validate():
            found = ballot_service.find_receipt(form.code.data)
    return render_template("contests/receipt.html", form=form, found=found, checked=checked)


@bp.route("/<slug>/paper", methods=["GET", "POST"])
@login_required
def paper(slug: str):
    contest = get_contest(slug)
    if not contest.can_manage(current_user):
        abort(403)
    form = PaperBallotForm()
    chosen = request.form.getlist("project") if request.method == "POST" else []
    error = None
    if contest.phase == Phase.VOTING and form.validate_on_submit():
        try:
            ballot_service.cast_paper(current_user, contest, form.iin.data, chosen, form.birth_date.data)
        except DomainError as err:
            db.session.rollback()
            if err.field:
                form.add_error(err)
            else:
                error = err.message
        else:
            db.session.commit()
            flash(_("The paper ballot is entered."), "success")
            return redirect(url_for("contests.paper", slug=slug), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("contests/paper.html", contest=contest, form=form, error=error,
                           projects=ballot_service.ballot_projects(contest), chosen=set(_safe_ids(chosen)),
                           counter=_counter(contest, chosen), count=ballot_service.ballot_count(contest)), status


def _stored_result(contest):
    if contest.phase.order < Phase.RESULTS.order:
        abort(404)
    stored = result_service.latest_result(contest)
    if stored is None:
        abort(404)
    return stored


@bp.get("/<slug>/results")
def results(slug: str):
    contest = get_contest(slug)
    stored = _stored_result(contest)
    rows = result_service.result_rows(contest, stored)
    eligible = ballot_service.eligible_count(contest)
    used = sum(r.project.cost for r in rows if r.selected)
    top = max([r.votes for r in rows] + [1])
    return render_template("contests/results.html", contest=contest, stored=stored, rows=rows, used=used,
                           left=contest.budget - used, eligible=eligible, top=top,
                           reason_texts=result_service.REASON_TEXTS,
                           turnout=round(100 * stored.ballots_counted / eligible, 1) if eligible else None)


@bp.get("/<slug>/results.csv")
def results_csv(slug: str):
    contest = get_contest(slug)
    stored = _stored_result(contest)
    return Response(result_service.export_csv(contest, stored), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{contest.slug}-results.csv"'})


@bp.get("/<slug>/results.json")
def results_json(slug: str):
    contest = get_contest(slug)
    return jsonify(result_service.export_json(contest, _stored_result(contest)))


@bp.get("/<slug>/results.pb")
def results_pb(slug: str):
    contest = get_contest(slug)
    stored = _stored_result(contest)
    from civic.contests.export import pabulib_text
    return Response(pabulib_text(contest, stored), mimetype="text/plain",
                    headers={"Content-Disposition": f'attachment; filename="{contest.slug}.pb"'})
