"""The staff's and the secretary's council pages: bodies and members, preparing sessions,
and the secretary's screen for a running session.

Thin views: the services (bodies, sessions, running) judge every rule and raise
translated DomainError / NotAllowed; a request commits once; 303 after success, the
page again with 422 when a rule refuses. Every control is a plain form; htmx only
swaps the attendance panel (#attendance) in place.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import format_date, format_datetime, gettext as _
from flask_login import current_user, login_required

from civic.accounts.services import find_user_by_email
from civic.communities.services import local_today
from civic.communities.queries import territory_by_slug
from civic.councils import bodies, rules, running, sessions
from civic.councils import manage_queries as queries
from civic.councils.forms import (
    AddItemVoteForm, AgendaVoteForm, BodyForm, CallOffForm, ElectForm, ItemForm, MaterialForm, MemberForm,
    ParticipantForm, RemoveItemVoteForm, SessionForm, SpeechForm, VoteForm, utc_to_local,
)
from civic.councils.models import AgendaItem, Member, MemberRole, Participant, SessionState
from civic.councils.rules import BodyKind
from civic.councils.views import bp, find, get_body_or_404, get_or_404, get_session_or_404
from civic.core import documents
from civic.core.database import utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.core.htmx import wants_fragment
from civic.core.images import upload_dir
from civic.extensions import csrf, db

# Room for the other fields of a multipart upload around a document of the largest accepted size.
UPLOAD_SLACK = 256 * 1024


# --- helpers shared with record_views ------------------------------------------------------

def zone_of(session_or_body) -> str:
    body = getattr(session_or_body, "body", session_or_body)
    return body.territory.timezone or "Asia/Almaty"


def local_moment(value: datetime | None, zone_name: str | None = None, fmt: str = "short") -> str:
    """A UTC moment shown in the community's time zone (not the site's default)."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(ZoneInfo(zone_name or "Asia/Almaty")), fmt, rebase=False)


def has_endpoint(name: str) -> bool:
    """Whether a route exists (public pages are built separately; link to them only when present)."""
    return name in current_app.view_functions


bp.add_app_template_filter(local_moment, "council_local")
bp.add_app_template_global(has_endpoint, "council_has_endpoint")


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def attempt(form, action, *args, **kwargs):
    """Call a service. (True, result) on success; on a refused rule roll back, attach the
    message to the form (when given) and return (False, error). NotAllowed becomes a 403."""
    try:
        return True, action(*args, **kwargs)
    except NotAllowed:
        db.session.rollback()
        raise
    except DomainError as error:
        db.session.rollback()
        if form is not None:
            form.add_error(error)
        return False, error


def done(message: str, endpoint: str, anchor: str | None = None, **values):
    """Commit the request's work once, say so, and redirect (post/redirect/get)."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, _anchor=anchor, **values), code=303)


def status_for_form() -> int:
    return 422 if request.method == "POST" else 200


def messages_of(*forms) -> list:
    """Every error message of the given forms (for a form the page no longer shows)."""
    found = []
    for form in forms:
        for messages in form.errors.values():
            found.extend(messages)
    return found


def managed_session(session_id: int):
    session = get_session_or_404(session_id)
    require(session.can_manage(current_user))
    return session


def item_of(session, item_id) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id) if item_id is not None else None
    if item is None or item.session_id != session.id:
        abort(404)
    return item


# --- A. bodies and their members ------------------------------------------------------------

def _territory_or_404(slug: str):
    territory = territory_by_slug(slug)
    if territory is None:
        abort(404)
    return territory


@bp.get("/manage/c/<slug>/bodies")
@login_required
def manage_bodies(slug: str):
    territory = _territory_or_404(slug)
    require(territory.can_manage(current_user))
    return render_template("councils/manage/bodies.html", territory=territory, bodies=queries.bodies_of(territory))


@bp.route("/manage/c/<slug>/bodies/new", methods=["GET", "POST"])
@login_required
def new_body(slug: str):
    territory = _territory_or_404(slug)
    require(territory.can_manage(current_user))
    form = BodyForm()
    if form.validate_on_submit():
        ok, body = attempt(form, bodies.create_body, current_user, territory, kind=BodyKind(form.kind.data),
                           name=form.name.data, base_size=form.base_size.data)
        if ok:
            return done(_("The body is created with the rules of the law for its kind. Add its members."),
                        "councils.manage_body", slug=body.slug)
    return render_template("councils/manage/body_form.html", form=form, territory=territory), status_for_form()


def _body_page(body, form=None, status: int = 200):
    today = local_today(body.territory)
    base = bodies.quorum_base_size(body, today)
    return render_template(
        "councils/manage/body.html", body=body, form=form or MemberForm(formdata=None), today=today,
        warnings=bodies.warnings(body, today), quorum_base=base, quorum_needed=rules.quorum_needed(body.rules, base),
        sessions=queries.sessions_of(body), can_create_bodies=body.territory.can_manage(current_user)), status


@bp.get("/bodies/<slug>/manage")
@login_required
def manage_body(slug: str):
    body = get_body_or_404(slug)
    require(body.can_manage(current_user))
    return _body_page(body)


@bp.post("/bodies/<slug>/members")
@login_required
def add_member(slug: str):
    body = get_body_or_404(slug)
    require(body.can_manage(current_user))
    form = MemberForm()
    if form.validate_on_submit():
        account = None
        if form.email.data:
            account = find_user_by_email(form.email.data)
            if account is None:
                form.email.errors.append(_("There is no account with this e-mail address. Leave the field empty "
                                           "or ask the member to register first."))
        if not form.email.errors:
            ok, member = attempt(form, bodies.add_member, current_user, body, full_name=form.full_name.data,
                                 role=MemberRole(form.role.data), user=account, represents=form.represents.data or "",
                                 term_from=form.term_from.data, term_until=form.term_until.data)
            if ok:
                return done(_("%(name)s is added to the members.", name=member.full_name), "councils.manage_body",
                            slug=body.slug, anchor="members")
    return _body_page(body, form, 422)


# --- B. preparing a session --------------------------------------------------------------------

@bp.route("/bodies/<slug>/sessions/new", methods=["GET", "POST"])
@login_required
def new_session(slug: str):
    body = get_body_or_404(slug)
    require(body.can_manage(current_user))
    form = SessionForm()
    if form.validate_on_submit():
        ok, session = attempt(form, sessions.create_session, current_user, body,
                              starts_at=form.starts_at(zone_of(body)), place=form.place.data,
                              online_link=form.online_link.data or "", is_open=form.is_open.data)
        if ok:
            return done(_("The session is created as a draft. Prepare the agenda and the materials, then announce it."),
                        "councils.manage_session", session_id=session.id)
    return render_template("councils/manage/session_form.html", form=form, body=body, session=None,
                           zone=zone_of(body)), status_for_form()


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int):
    session = managed_session(session_id)
    zone = zone_of(session)
    form = SessionForm()
    if request.method == "GET":
        local = utc_to_local(session.starts_at, zone)
        form.day.data, form.start_time.data = local.date(), local.time()
        form.place.data, form.online_link.data, form.is_open.data = session.place, session.online_link, session.is_open
    if form.validate_on_submit():
        ok, _result = attempt(form, sessions.reschedule, current_user, session, starts_at=form.starts_at(zone),
                              place=form.place.data, online_link=form.online_link.data or "",
                              is_open=form.is_open.data, reason=form.reason.data or "")
        if ok:
            return done(_("The session is saved."), "councils.manage_session", session_id=session.id)
    editable = session.state in sessions.EDITABLE_STATES or session.state == SessionState.POSTPONED
    return render_template("councils/manage/session_form.html", form=form, body=session.body, session=session,
                           zone=zone, editable=editable,
                           needs_reason=session.state in (SessionState.ANNOUNCED, SessionState.POSTPONED)
                           ), status_for_form()


def _timeliness(session):
    """Notice and materials: as recorded, and — for a draft — what announcing today would mean."""
    report = sessions.notice_report(session)
    preview = None
    if session.state == SessionState.DRAFT:
        today = sessions.local_day(session, utcnow())
        day = sessions.local_day(session)
        body_rules = session.body.rules
        has_materials = any(item.materials for item in session.items)
        preview = sessions.NoticeReport(rules.notice_status(body_rules, day, today),
                                        rules.materials_status(body_rules, day, today if has_materials else None))
    return report, preview


def _session_page(session, status: int = 200, *, item_form=None, material_forms=None, call_off_form=None,
                  error=None):
    queries.load_session_tree(session)
    forms = dict(material_forms or {})
    for item in session.items:
        forms.setdefault(item.id, MaterialForm(formdata=None, prefix=f"m{item.id}"))
    report, preview = _timeliness(session)
    editable = session.state in sessions.EDITABLE_STATES
    uploads_open = session.state in sessions.EDITABLE_STATES + (SessionState.IN_PROGRESS,)
    hidden = ([item_form, call_off_form] if not editable else []) + \
        (list((material_forms or {}).values()) if not uploads_open else [])
    error = error or " ".join(str(m) for m in messages_of(*[f for f in hidden if f is not None])) or None
    return render_template(
        "councils/manage/session.html", session=session, zone=zone_of(session), report=report, preview=preview,
        item_form=item_form or ItemForm(formdata=None), material_forms=forms,
        call_off_form=call_off_form or CallOffForm(formdata=None), error=error,
        editable=editable, uploads_open=uploads_open, max_mb=documents.MAX_BYTES // (1024 * 1024)), status


@bp.get("/sessions/<int:session_id>/manage")
@login_required
def manage_session(session_id: int):
    return _session_page(managed_session(session_id))


@bp.post("/sessions/<int:session_id>/items")
@login_required
def add_item(session_id: int):
    session = managed_session(session_id)
    form = ItemForm()
    if form.validate_on_submit():
        ok, _item = attempt(form, sessions.add_item, current_user, session, title=form.title.data,
                            rapporteur=form.rapporteur.data or "")
        if ok:
            return done(_("The item is added to the agenda."), "councils.manage_session", session_id=session.id,
                        anchor="agenda")
    return _session_page(session, 422, item_form=form)


@bp.post("/sessions/<int:session_id>/items/<int:item_id>/remove")
@login_required
def remove_item(session_id: int, item_id: int):
    session = managed_session(session_id)
    item = item_of(session, item_id)
    ok, error = attempt(None, sessions.remove_item, current_user, item)
    if ok:
        return done(_("The item is removed from the agenda."), "councils.manage_session", session_id=session.id,
                    anchor="agenda")
    return _session_page(session, 422, error=error.message)


@bp.post("/sessions/<int:session_id>/items/<int:item_id>/materials")
@csrf.exempt   # checked below, once the size limit is raised (the check reads the request body)
@login_required
def upload_material(session_id: int, item_id: int):
    # Materials may be up to documents.MAX_BYTES; the site-wide request limit is lower.
    try:
        request.max_content_length = documents.MAX_BYTES + UPLOAD_SLACK   # Flask >= 3.1
    except AttributeError:   # older Flask: the site-wide limit applies (larger files get 413)
        pass
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    session = managed_session(session_id)
    item = item_of(session, item_id)
    form = MaterialForm(prefix=f"m{item.id}")
    if form.validate_on_submit():
        upload = form.document.data
        if upload is None or not getattr(upload, "filename", ""):
            form.document.errors.append(_("Choose a file to upload."))
        else:
            ok, _material = attempt(form, sessions.add_material, current_user, item, title=form.title.data or "",
                                    data=upload.read(), filename=upload.filename)
            if ok:
                return done(_("The document is attached to the item."), "councils.manage_session",
                            session_id=session.id, anchor=f"item-{item.id}")
    return _session_page(session, 422, material_forms={item.id: form})


@bp.get("/manage/materials/<int:material_id>")
@login_required
def manage_material(material_id: int):
    material = queries.material(material_id)
    if material is None:
        abort(404)
    require(material.item.session.can_manage(current_user))
    response = send_from_directory(upload_dir(), material.stored_name, as_attachment=True,
                                   download_name=material.original_name, mimetype=material.mime)
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/sessions/<int:session_id>/announce")
@login_required
def announce(session_id: int):
    session = managed_session(session_id)
    ok, error = attempt(None, sessions.announce, current_user, session)
    if not ok:
        return _session_page(session, 422, error=error.message)
    notice = sessions.notice_report(session).notice
    if notice.in_time is False:
        # A late notice is allowed, and shown (App. 2 §6; 001; 002 §12).
        flash(_("The notice is late: it was due by %(date)s.", date=format_date(notice.required_by)), "warning")
    return done(_("The session is announced."), "councils.manage_session", session_id=session.id)


@bp.post("/sessions/<int:session_id>/call-off")
@login_required
def call_off(session_id: int):
    session = managed_session(session_id)
    form = CallOffForm()
    if form.validate_on_submit():
        state = SessionState(form.action.data)
        ok, _result = attempt(form, sessions.call_off, current_user, session, state=state,
                              reason=form.reason.data or "")
        if ok:
            message = _("The session is cancelled.") if state == SessionState.CANCELLED else \
                _("The session is postponed. Set the new date and time when it is known.")
            return done(message, "councils.manage_session", session_id=session.id)
    return _session_page(session, 422, call_off_form=form)


# --- C. the secretary's screen -------------------------------------------------------------------

def _roster(session) -> list[dict]:
    """Every member who may be registered, with the attendance row when there is one."""
    rows = {a.member_id: a for a in session.attendance}
    members = bodies.active_members(session.body, sessions.local_day(session))
    members += [a.member for a in session.attendance if a.member is not None and a.member not in members]
    return [{"member": m, "attendance": rows.get(m.id),
             "present": m.id in rows and rows[m.id].left_at is None} for m in members]


def _attendance_context(session, **extra) -> dict:
    return dict(session=session, zone=zone_of(session), quorum=running.quorum_status(session),
                roster=_roster(session), present=running.present_members(session),
                can_register=session.state in (SessionState.ANNOUNCED, SessionState.IN_PROGRESS), **extra)


def _choose(label):
    return [("", label)]


def _prepare(session, present, forms: dict) -> dict:
    """The run page's forms, fresh unless one is given (bound, with its errors)."""
    items = [i for i in session.items if i.status != "removed"]
    people = [(f"m-{m.id}", m.full_name) for m in present] + \
             [(f"p-{p.id}", f"{p.full_name} ({p.organisation or p.role or _('participant')})")
              for p in session.participants]
    elect_form = forms.get("elect_form") or ElectForm(formdata=None, prefix="elect")
    elect_form.candidate.choices = _choose(_("Choose a member present")) + [(str(m.id), m.full_name) for m in present]
    remove_form = forms.get("remove_item_form") or RemoveItemVoteForm(formdata=None, prefix="rmitem")
    remove_form.item.choices = _choose(_("Choose an item")) + [
        (str(i.id), i.title) for i in items if not i.is_progress_report]
    speech_forms, vote_forms = dict(forms.get("speech_forms") or {}), dict(forms.get("vote_forms") or {})
    for item in items:
        speech_forms.setdefault(item.id, SpeechForm(formdata=None, prefix=f"speech{item.id}"))
        speech_forms[item.id].speaker.choices = _choose(_("Choose who speaks")) + people
        vote_forms.setdefault(item.id, VoteForm(formdata=None, prefix=f"vote{item.id}",
                                                data={"motion": item.motion or ""}))
    return dict(items=items, elect_form=elect_form, remove_item_form=remove_form, speech_forms=speech_forms,
                vote_forms=vote_forms,
                participant_form=forms.get("participant_form") or ParticipantForm(formdata=None, prefix="part"),
                agenda_form=forms.get("agenda_form") or AgendaVoteForm(formdata=None, prefix="agenda"),
                add_item_form=forms.get("add_item_form") or AddItemVoteForm(formdata=None, prefix="additem"),
                roll_calls=forms.get("roll_calls") or {})


def _run_page(session, status: int = 200, **forms):
    queries.load_session_tree(session)
    context = _attendance_context(session, attendance_error=forms.pop("attendance_error", None))
    run_error = forms.pop("run_error", None)
    # A form sent when the session was not (or no longer) running is not shown: show its message on top.
    hidden = [] if session.state == SessionState.IN_PROGRESS else [
        f for key, f in forms.items() if key.endswith("_form") and (key != "participant_form" or not context["can_register"])]
    for key in ("speech_forms", "vote_forms"):
        if session.state != SessionState.IN_PROGRESS:
            hidden += list((forms.get(key) or {}).values())
    run_error = run_error or " ".join(str(m) for m in messages_of(*hidden)) or None
    context.update(_prepare(session, context["present"], forms))
    return render_template(
        "councils/manage/run.html", procedural=queries.procedural_votes(session), run_error=run_error,
        running_now=session.state == SessionState.IN_PROGRESS, tie_rule=session.body.rules.chair_breaks_tie,
        **context), status


@bp.get("/sessions/<int:session_id>/run")
@login_required
def run(session_id: int):
    return _run_page(managed_session(session_id))


def _member_from_form(session) -> Member:
    member_id = request.form.get("member_id", type=int)
    if member_id is None:
        abort(400)
    return get_or_404(Member, member_id)


def _attendance_fragment(session, status: int = 200, **extra):
    queries.load_session_tree(session)
    context = _attendance_context(session, **extra)
    context["items"] = [i for i in session.items if i.status != "removed"]
    return render_template("councils/manage/_attendance_response.html", roll_calls={}, **context), status


def _attendance_change(session, action, member, message_for):
    ok, result = attempt(None, action, current_user, session, member)
    if ok:
        db.session.commit()
        message = message_for(member)
        if wants_fragment():
            return _attendance_fragment(session, attendance_notice=message)
        flash(message, "success")
        return redirect(url_for("councils.run", session_id=session.id, _anchor="attendance"), code=303)
    if wants_fragment():
        return _attendance_fragment(session, 422, attendance_error=result.message)
    return _run_page(session, 422, attendance_error=result.message)


@bp.post("/sessions/<int:session_id>/attendance")
@login_required
def register_member(session_id: int):
    session = managed_session(session_id)
    return _attendance_change(session, running.register, _member_from_form(session),
                              lambda m: _("%(name)s is registered as present.", name=m.full_name))


@bp.post("/sessions/<int:session_id>/attendance/leave")
@login_required
def unregister_member(session_id: int):
    session = managed_session(session_id)
    return _attendance_change(session, running.unregister, _member_from_form(session),
                              lambda m: _("%(name)s is no longer counted as present.", name=m.full_name))


@bp.get("/sessions/<int:session_id>/attendance")
@login_required
def attendance(session_id: int):
    """The attendance panel alone (for htmx); the full screen otherwise."""
    session = managed_session(session_id)
    if wants_fragment():
        return _attendance_fragment(session)
    return redirect(url_for("councils.run", session_id=session.id, _anchor="attendance"))


@bp.post("/sessions/<int:session_id>/participants")
@login_required
def add_participant(session_id: int):
    session = managed_session(session_id)
    form = ParticipantForm(prefix="part")
    if form.validate_on_submit():
        ok, person = attempt(form, running.add_participant, current_user, session, full_name=form.full_name.data,
                             organisation=form.organisation.data or "", role=form.role.data or "")
        if ok:
            return done(_("%(name)s is registered as a participant (does not vote).", name=person.full_name),
                        "councils.run", session_id=session.id, anchor="participants")
    return _run_page(session, 422, participant_form=form)


@bp.post("/sessions/<int:session_id>/open")
@login_required
def open_session(session_id: int):
    session = managed_session(session_id)
    ok, error = attempt(None, running.open_session, current_user, session)
    if ok:
        return done(_("The session is open."), "councils.run", session_id=session.id)
    return _run_page(session, 422, run_error=error.message)


def _vote_message(vote) -> str:
    if vote.adopted is None:
        outcome = _("recorded")
    elif vote.adopted:
        outcome = _("adopted")
    else:
        outcome = _("not adopted")
    message = _("The vote is recorded: %(for)d for, %(against)d against, %(abstained)d abstained — %(outcome)s.",
                **{"for": vote.for_votes, "against": vote.against, "abstained": vote.abstained, "outcome": outcome})
    if vote.decided_by_chair:
        message += " " + _("The chair's vote decided the tie.")
    return message


def _present_member(session, raw) -> Member | None:
    member = find(Member, raw)
    return member if member is not None and member.body_id == session.body_id else None


@bp.post("/sessions/<int:session_id>/elect")
@login_required
def elect(session_id: int):
    session = managed_session(session_id)
    form = ElectForm(prefix="elect")
    if form.validate_on_submit():
        candidate = _present_member(session, form.candidate.data)
        if candidate is None:
            form.candidate.errors.append(_("Choose a member present."))
        else:
            ok, vote = attempt(form, running.elect, current_user, session, capacity=form.capacity.data,
                               candidate=candidate, **form.counts())
            if ok:
                return done(_vote_message(vote), "councils.run", session_id=session.id, anchor="elections")
    return _run_page(session, 422, elect_form=form)


@bp.post("/sessions/<int:session_id>/agenda/approve")
@login_required
def approve_agenda(session_id: int):
    session = managed_session(session_id)
    form = AgendaVoteForm(prefix="agenda")
    if form.validate_on_submit():
        ok, vote = attempt(form, running.approve_agenda, current_user, session, **form.counts())
        if ok:
            return done(_vote_message(vote), "councils.run", session_id=session.id, anchor="agenda")
    return _run_page(session, 422, agenda_form=form)


@bp.post("/sessions/<int:session_id>/agenda/add")
@login_required
def add_item_by_vote(session_id: int):
    session = managed_session(session_id)
    form = AddItemVoteForm(prefix="additem")
    if form.validate_on_submit():
        ok, result = attempt(form, running.add_item_by_vote, current_user, session, title=form.title.data,
                             rapporteur=form.rapporteur.data or "", **form.counts())
        if ok:
            return done(_vote_message(result[0]), "councils.run", session_id=session.id, anchor="agenda")
    return _run_page(session, 422, add_item_form=form)


@bp.post("/sessions/<int:session_id>/agenda/remove")
@login_required
def remove_item_by_vote(session_id: int):
    session = managed_session(session_id)
    form = RemoveItemVoteForm(prefix="rmitem")
    if form.validate_on_submit():
        item = find(AgendaItem, form.item.data)
        if item is None or item.session_id != session.id:
            form.item.errors.append(_("Choose an item of this session's agenda."))
        else:
            ok, vote = attempt(form, running.remove_item_by_vote, current_user, session, item, **form.counts())
            if ok:
                return done(_vote_message(vote), "councils.run", session_id=session.id, anchor="agenda")
    return _run_page(session, 422, remove_item_form=form)


def _speaker(session, raw: str | None):
    kind, _sep, ident = (raw or "").partition("-")
    if not ident.isdigit():
        return None, None
    if kind == "m":
        return _present_member(session, ident), None
    if kind == "p":
        person = find(Participant, ident)
        return None, (person if person is not None and person.session_id == session.id else None)
    return None, None


@bp.post("/sessions/<int:session_id>/items/<int:item_id>/speeches")
@login_required
def add_speech(session_id: int, item_id: int):
    session = managed_session(session_id)
    item = item_of(session, item_id)
    form = SpeechForm(prefix=f"speech{item.id}")
    if form.validate_on_submit():
        member, participant = _speaker(session, form.speaker.data)
        # No speaker at all: the service says "Choose who speaks." on the speaker field.
        ok, _speech = attempt(form, running.add_speech, current_user, session, item, summary=form.summary.data or "",
                              member=member, participant=participant)
        if ok:
            return done(_("The speech is recorded."), "councils.run", session_id=session.id, anchor=f"item-{item.id}")
    return _run_page(session, 422, speech_forms={item.id: form})


def _roll_call_entries(prefix: str) -> tuple[list[tuple[int, str]], dict[int, str], bool]:
    """(member id, choice) pairs from the radio groups named ``<prefix>-rc-<member id>``.

    Each member has one radio group, so a browser sends one choice per member; a request
    that repeats a member is passed on as it is and the service refuses it."""
    entries, chosen, malformed = [], {}, False
    marker = f"{prefix}-rc-"
    for key in request.form:
        if not key.startswith(marker):
            continue
        ident = key[len(marker):]
        if not ident.isdigit():
            malformed = True
            continue
        for choice in request.form.getlist(key):
            entries.append((int(ident), choice))
            chosen[int(ident)] = choice
    return entries, chosen, malformed


@bp.post("/sessions/<int:session_id>/items/<int:item_id>/votes")
@login_required
def vote(session_id: int, item_id: int):
    session = managed_session(session_id)
    item = item_of(session, item_id)
    prefix = f"vote{item.id}"
    form = VoteForm(prefix=prefix)
    chosen = {}
    if form.validate_on_submit():
        counts = form.counts()
        roll_call = None
        if form.method.data == "roll_call":
            roll_call, chosen, malformed = _roll_call_entries(prefix)
            if malformed:
                abort(400)
            counts = {"chair_vote": counts["chair_vote"]}
        ok, result = attempt(form, running.record_vote, current_user, session, item=item,
                             motion=form.motion.data or "", roll_call=roll_call, **counts)
        if ok:
            if not item.motion:
                item.motion = result.motion
            return done(_vote_message(result), "councils.run", session_id=session.id, anchor=f"item-{item.id}")
    return _run_page(session, 422, vote_forms={item.id: form}, roll_calls={item.id: chosen})


@bp.post("/sessions/<int:session_id>/close")
@login_required
def close_session(session_id: int):
    session = managed_session(session_id)
    ok, error = attempt(None, running.close_session, current_user, session)
    if ok:
        return done(_("The session is closed. Generate the draft protocol from the record."),
                    "councils.manage_protocol", session_id=session.id)
    return _run_page(session, 422, run_error=error.message)
