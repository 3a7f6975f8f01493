"""What a session leaves behind, for those who keep the record: the protocol (draft,
signatures, publication, corrections), the decisions with the akim's review and their
execution, and residents' petitions to convene a session.

Thin views over civic.councils.{protocols,decisions,petitions}; one commit per request.
"""
from __future__ import annotations

from flask import abort, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civic.communities.services import local_today
from civic.councils import decisions as decision_service
from civic.councils import manage_queries as queries
from civic.councils import petitions as petition_service
from civic.councils import protocols
from civic.councils.forms import (
    AkimReviewForm, AssignForm, CorrectionForm, PetitionDecisionForm, PetitionForm, ProtocolTextForm, ReportForm,
    SignForm,
)
from civic.councils.manage_views import attempt, done, has_endpoint, require, status_for_form, zone_of
from civic.councils.models import Session, SessionState
from civic.councils.record_models import Decision, Petition, Protocol
from civic.councils.rules import BodyKind
from civic.councils.views import bp, get_body_or_404, get_or_404, get_session_or_404
from civic.core.errors import NotAllowed
from civic.extensions import db

CAPACITY_LABELS = {"chair": lambda: _("the chair"), "secretary": lambda: _("the secretary")}


# --- D. the protocol -------------------------------------------------------------------------

def _protocol_access(session):
    can_manage = session.can_manage(current_user)
    capacity = protocols.signer_capacity(current_user, session)
    require(can_manage or capacity is not None)
    return can_manage, capacity


def _protocol_page(session, status: int = 200, *, text_form=None, correction_form=None, error=None):
    can_manage, capacity = _protocol_access(session)
    protocol = protocols.current(session)
    context = dict(session=session, zone=zone_of(session), protocol=protocol, can_manage=can_manage,
                   capacity=capacity, error=error, versions=protocols.versions(session),
                   deadlines=protocols.deadlines_of(session) if protocol is not None else [])
    if protocol is not None:
        digest = protocols.text_sha256(protocol.text)
        signed = {s.capacity for s in protocol.signatures}
        context.update(
            digest=digest, signed=signed,
            can_sign=capacity is not None and capacity not in signed and protocol.state in ("draft", "signed"),
            can_edit=can_manage and protocol.state == "draft" and not protocol.signatures,
            text_form=text_form or ProtocolTextForm(formdata=None, data={"text": protocol.text}),
            sign_form=SignForm(formdata=None, data={"expected_sha256": digest}),
            correction_form=correction_form or CorrectionForm(formdata=None, data={"text": protocol.text}),
            public_link=has_endpoint("councils.protocol") and protocol.state == "published")
    return render_template("councils/records/protocol.html", **context), status


@bp.route("/sessions/<int:session_id>/protocol", methods=["GET", "POST"])
@login_required
def manage_protocol(session_id: int):
    session = get_session_or_404(session_id)
    can_manage, _capacity = _protocol_access(session)
    if request.method == "GET":
        return _protocol_page(session)
    require(can_manage)
    if request.form.get("action") == "draft":
        ok, result = attempt(None, protocols.draft, current_user, session)
        if ok:
            return done(_("The draft protocol is generated from the record. Check the wording, then the chair "
                          "and the secretary sign it."), "councils.manage_protocol", session_id=session.id)
        return _protocol_page(session, 422, error=result.message)
    protocol = protocols.current(session)
    if protocol is None:
        abort(404)
    form = ProtocolTextForm()
    if form.validate_on_submit():
        ok, _result = attempt(form, protocols.edit, current_user, protocol, form.text.data or "")
        if ok:
            return done(_("The draft is saved."), "councils.manage_protocol", session_id=session.id)
    return _protocol_page(session, 422, text_form=form)


def _protocol_or_404(protocol_id: int) -> Protocol:
    protocol = get_or_404(Protocol, protocol_id)
    get_session_or_404(protocol.session_id)
    return protocol


@bp.post("/protocols/<int:protocol_id>/sign")
@login_required
def sign_protocol(protocol_id: int):
    protocol = _protocol_or_404(protocol_id)
    session = protocol.session
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    # Only the chair and the secretary sign (NotAllowed → 403); the text signed is the one shown.
    ok, result = attempt(None, protocols.sign, current_user, protocol, form.expected_sha256.data or "")
    if not ok:
        return _protocol_page(session, 422, error=result.message)
    message = _("You signed the protocol as %(capacity)s.", capacity=CAPACITY_LABELS[result.capacity]())
    if protocol.state == "signed":
        message += " " + _("Both signatures are in place; the protocol can be published.")
    return done(message, "councils.manage_protocol", session_id=session.id)


@bp.post("/protocols/<int:protocol_id>/publish")
@login_required
def publish_protocol(protocol_id: int):
    protocol = _protocol_or_404(protocol_id)
    session = protocol.session
    require(session.can_manage(current_user))
    ok, result = attempt(None, protocols.publish, current_user, protocol)
    if not ok:
        return _protocol_page(session, 422, error=result.message)
    return done(_("The protocol is published."), "councils.manage_protocol", session_id=session.id)


@bp.post("/protocols/<int:protocol_id>/correct")
@login_required
def correct_protocol(protocol_id: int):
    protocol = _protocol_or_404(protocol_id)
    session = protocol.session
    require(session.can_manage(current_user))
    form = CorrectionForm()
    if form.validate_on_submit():
        ok, _new = attempt(form, protocols.correct, current_user, protocol, text=form.text.data or "",
                           reason=form.reason.data or "")
        if ok:
            return done(_("The correction is saved as a new version; the chair and the secretary sign it again. "
                          "The earlier version stays visible."), "councils.manage_protocol", session_id=session.id)
    return _protocol_page(session, 422, correction_form=form)


# --- E. decisions, the akim's review and execution -----------------------------------------------

def _decisions_access(session):
    can_manage = session.can_manage(current_user)
    is_akim = decision_service.can_review_as_akim(current_user, session)
    require(can_manage or is_akim)
    return can_manage, is_akim


def _decisions_page(session, status: int = 200, *, assign_forms=None, review_forms=None, report_forms=None,
                    error=None):
    can_manage, is_akim = _decisions_access(session)
    rows = queries.decisions_of(session)
    assign_forms, review_forms, report_forms = dict(assign_forms or {}), dict(review_forms or {}), \
        dict(report_forms or {})
    today = local_today(session.body.territory)
    for d in rows:
        assign_forms.setdefault(d.id, AssignForm(formdata=None, prefix=f"a{d.id}",
                                                 data={"executor": d.executor, "due_on": d.due_on}))
        review_forms.setdefault(d.id, AkimReviewForm(formdata=None, prefix=f"r{d.id}"))
        report_forms.setdefault(d.id, ReportForm(formdata=None, prefix=f"rep{d.id}", data={"reported_on": today}))
    return render_template(
        "councils/records/decisions.html", session=session, zone=zone_of(session), decisions=rows,
        can_manage=can_manage, is_akim=is_akim, assign_forms=assign_forms, review_forms=review_forms,
        report_forms=report_forms, error=error, status_code=decision_service.status_code,
        status_labels=decision_service.STATUS_LABELS, is_overdue=decision_service.is_overdue, today=today,
        deadlines=protocols.deadlines_of(session),
        reviewable=session.state in (SessionState.SIGNED, SessionState.PUBLISHED)), status


def _decision_or_404(decision_id: int) -> Decision:
    decision = get_or_404(Decision, decision_id)
    get_session_or_404(decision.session_id)
    return decision


@bp.get("/sessions/<int:session_id>/decisions/manage")
@login_required
def manage_decisions(session_id: int):
    return _decisions_page(get_session_or_404(session_id))


@bp.post("/decisions/<int:decision_id>/assign")
@login_required
def assign_decision(decision_id: int):
    decision = _decision_or_404(decision_id)
    session = decision.session
    require(session.can_manage(current_user))
    form = AssignForm(prefix=f"a{decision.id}")
    if form.validate_on_submit():
        ok, _result = attempt(form, decision_service.assign, current_user, decision, executor=form.executor.data or "",
                              due_on=form.due_on.data)
        if ok:
            return done(_("The executor and the due date are saved."), "councils.manage_decisions",
                        session_id=session.id, anchor=f"decision-{decision.id}")
    return _decisions_page(session, 422, assign_forms={decision.id: form})


@bp.post("/decisions/<int:decision_id>/review")
@login_required
def review_decision(decision_id: int):
    decision = _decision_or_404(decision_id)
    session = decision.session
    require(decision_service.can_review_as_akim(current_user, session))
    form = AkimReviewForm(prefix=f"r{decision.id}")
    if form.validate_on_submit():
        agree = form.verdict.data == "agree"
        ok, _result = attempt(form, decision_service.akim_review, current_user, decision, agree=agree,
                              reason=form.reason.data or "")
        if ok:
            message = _("Your agreement is recorded.") if agree else \
                _("Your disagreement is recorded; the decision goes back to the meeting for re-discussion.")
            return done(message, "councils.manage_decisions", session_id=session.id,
                        anchor=f"decision-{decision.id}")
    return _decisions_page(session, 422, review_forms={decision.id: form})


@bp.post("/sessions/<int:session_id>/decisions/informed")
@login_required
def inform_members(session_id: int):
    session = get_session_or_404(session_id)
    require(session.can_manage(current_user))
    ok, result = attempt(None, decision_service.inform_members, current_user, session)
    if ok:
        return done(_("Recorded: the members are told the result of the akim's consideration."),
                    "councils.manage_decisions", session_id=session.id)
    return _decisions_page(session, 422, error=result.message)


@bp.post("/decisions/<int:decision_id>/reports")
@login_required
def add_report(decision_id: int):
    decision = _decision_or_404(decision_id)
    session = decision.session
    require(session.can_manage(current_user))
    form = ReportForm(prefix=f"rep{decision.id}")
    if form.validate_on_submit():
        ok, _report = attempt(form, decision_service.add_report, current_user, decision, text=form.text.data or "",
                              reported_on=form.reported_on.data, done=bool(form.done.data))
        if ok:
            return done(_("The execution report is added."), "councils.manage_decisions", session_id=session.id,
                        anchor=f"decision-{decision.id}")
    return _decisions_page(session, 422, report_forms={decision.id: form})


# --- F. petitions to convene ---------------------------------------------------------------------

PETITION_KINDS = (BodyKind.GATHERING, BodyKind.MEETING)


def _is_resident(territory) -> bool:
    return current_user.is_authenticated and current_user.is_resident_of(territory)


def can_see_signers(body) -> bool:
    """Names and addresses of signers: akimat staff and the akim only, never public (001 fig. 7)."""
    return body.territory.can_manage(current_user) or decision_service.is_akim_of(current_user, body)


@bp.get("/bodies/<slug>/petitions")
def petitions(slug: str):
    body = get_body_or_404(slug)
    return render_template("councils/records/petitions.html", body=body, rows=queries.petitions_of(body),
                           threshold=petition_service.threshold_for(body), accepts=body.kind in PETITION_KINDS,
                           can_start=body.kind in PETITION_KINDS and _is_resident(body.territory))


@bp.route("/bodies/<slug>/petitions/new", methods=["GET", "POST"])
@login_required
def new_petition(slug: str):
    body = get_body_or_404(slug)
    if body.kind not in PETITION_KINDS:
        abort(404)
    if not _is_resident(body.territory):
        raise NotAllowed(_("Only verified residents of this community may start or sign a petition."))
    form = PetitionForm()
    if form.validate_on_submit():
        ok, petition = attempt(form, petition_service.start, current_user, body, title=form.title.data,
                               agenda=form.agenda.data)
        if ok:
            return done(_("The petition is started and your signature is counted. Share its address with your "
                          "neighbours."), "councils.petition", petition_id=petition.id)
    return render_template("councils/records/petition_form.html", body=body, form=form,
                           threshold=petition_service.threshold_for(body)), status_for_form()


def _petition_page(petition, status: int = 200, *, decision_form=None, error=None):
    body = petition.body
    count = queries.signature_count(petition)
    convened = db.session.get(Session, petition.session_id) if petition.session_id else None
    response = make_response(render_template(
        "councils/records/petition.html", petition=petition, body=body, count=count, zone=zone_of(body),
        percent=min(100, (100 * count) // petition.threshold) if petition.threshold else 100,
        akim_due=petition_service.akim_due(petition), is_resident=_is_resident(body.territory),
        signed=queries.has_signed(current_user, petition),
        is_akim=decision_service.is_akim_of(current_user, body), can_see_signers=can_see_signers(body),
        decision_form=decision_form or PetitionDecisionForm(formdata=None), error=error, convened=convened,
        can_manage_convened=convened is not None and convened.can_manage(current_user)), status)
    return response


@bp.get("/petitions/<int:petition_id>")
def petition(petition_id: int):
    return _petition_page(get_or_404(Petition, petition_id))


@bp.post("/petitions/<int:petition_id>/sign")
@login_required
def sign_petition(petition_id: int):
    item = get_or_404(Petition, petition_id)
    # A non-resident is refused by the service (NotAllowed → 403); a second signature with 422.
    ok, result = attempt(None, petition_service.sign, current_user, item)
    if not ok:
        return _petition_page(item, 422, error=result.message)
    message = _("Thank you: your signature is counted.")
    if item.state == "submitted":
        message += " " + _("The petition reached its threshold and goes to the akim.")
    return done(message, "councils.petition", petition_id=item.id)


@bp.post("/petitions/<int:petition_id>/decide")
@login_required
def decide_petition(petition_id: int):
    item = get_or_404(Petition, petition_id)
    require(decision_service.is_akim_of(current_user, item.body))
    form = PetitionDecisionForm()
    if form.validate_on_submit():
        accept = form.verdict.data == "accept"
        ok, _result = attempt(form, petition_service.decide, current_user, item, accept=accept,
                              text=form.text.data or "",
                              starts_at=form.starts_at(zone_of(item.body)) if accept else None,
                              place=form.place.data or "")
        if ok:
            message = _("The session is convened as a draft; the akimat prepares and announces it.") if accept \
                else _("The refusal is recorded and shown on the petition's page.")
            return done(message, "councils.petition", petition_id=item.id)
    return _petition_page(item, 422, decision_form=form)


@bp.get("/petitions/<int:petition_id>/signatures")
@login_required
def petition_signatures(petition_id: int):
    item = get_or_404(Petition, petition_id)
    require(can_see_signers(item.body))
    response = make_response(render_template("councils/records/signatures.html", petition=item, body=item.body,
                                             signatures=queries.signatures_of(item), zone=zone_of(item.body)))
    # Personal data: never cached by a shared cache, never indexed.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response

