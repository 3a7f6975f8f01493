"""Public council pages and feeds: sessions, a session, materials, bodies, the protocol archive
with full-text search, a protocol (page and PDF), decisions; iCalendar, Atom and JSON open data.

Everything here is readable without an account. Drafts are shown only to those who manage
the body (see get_session_or_404); signers' names and the names of members are public as
they are in the protocols; nothing else personal is published.
"""
from __future__ import annotations

import json
from datetime import timedelta

from flask import Response, abort, current_app, render_template, request, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from civic.communities.services import local_today
from civic.councils import archive, feeds, queries
from civic.councils import bodies as body_service
from civic.councils import decisions as decision_service
from civic.councils import protocols as protocol_service
from civic.councils import sessions as session_service
from civic.councils.display import (
    AKIM_STATUS_LABELS, CAPACITY_LABELS, CHOICE_LABELS, SUBJECT_LABELS, local_date, register_filters, rules_in_words,
    zone_label, zone_of,
)
from civic.councils.models import SessionState
from civic.councils.pdf import FontMissing, protocol_pdf
from civic.councils.views import bp, get_body_or_404, get_session_or_404
from civic.core.database import utcnow
from civic.core.errors import render_error
from civic.core.htmx import render_page_or_fragment
from civic.core.images import upload_dir

register_filters(bp)

FEED_DAYS_BACK = 366


def _default_zone() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Almaty"


def _year_arg() -> int | None:
    raw = request.args.get("year", "")
    return int(raw) if raw.isdigit() and 1990 <= int(raw) <= 2200 else None


def _body_arg(bodies=None):
    slug = request.args.get("body", "").strip()
    if not slug:
        return None
    if bodies is not None:
        return next((b for b in bodies if b.slug == slug), None)
    return queries.body_page(slug)


def _context_helpers() -> dict:
    return dict(state_labels={s.value: s.label for s in SessionState}, choice_labels=CHOICE_LABELS,
                subject_labels=SUBJECT_LABELS, capacity_labels=CAPACITY_LABELS, akim_labels=AKIM_STATUS_LABELS,
                decision_status_labels=decision_service.STATUS_LABELS)


# --- sessions ----------------------------------------------------------------------------------

@bp.get("/sessions", endpoint="sessions")
def session_list():
    all_bodies = queries.all_bodies()
    body = _body_arg(all_bodies)
    year = _year_arg()
    page = queries.page_number(request.args.get("page"))
    zone = body.territory.timezone if body is not None else _default_zone()
    listing = queries.sessions_listing(body=body, year=year, page=page, zone=zone)
    return render_page_or_fragment("councils/sessions.html", "councils/_sessions.html",
                                   listing=listing, bodies=all_bodies, body=body, year=year,
                                   years=queries.session_years(zone), **_context_helpers())


@bp.get("/sessions/<int:session_id>", endpoint="session")
def show_session(session_id: int):
    # Loads the agenda and the record eagerly. Keep the reference: the identity map holds objects
    # weakly, so a discarded result is collected and every item's collections load lazily (N+1).
    loaded = queries.session_page(session_id)
    if loaded is None:
        abort(404)
    session = get_session_or_404(session_id)          # the same object; drafts only for those who manage the body
    day = session_service.local_day(session)
    held = session.state in queries.HELD_STATES
    zone = session.body.territory.timezone
    return render_template(
        "councils/session.html", session=session, body=session.body, zone=zone,
        zone_name=zone_label(zone, session.starts_at), today=local_today(session.body.territory),
        notice=session_service.notice_report(session), held=held, present=session.attendance,
        procedural=queries.procedural_votes(session) if held else [],
        members_total=len(body_service.active_members(session.body, day)),
        protocol=queries.published_protocol_of(session) if held else None,
        can_manage=session.can_manage(current_user), **_context_helpers())


@bp.get("/materials/<int:material_id>", endpoint="material")
def material_download(material_id: int):
    material = queries.material(material_id)
    if material is None:
        abort(404)
    get_session_or_404(material.item.session_id)      # a draft's materials are not public
    return send_from_directory(upload_dir(), material.stored_name, as_attachment=True,
                               download_name=material.original_name, mimetype=material.mime)


# --- bodies ------------------------------------------------------------------------------------

@bp.get("/bodies/<slug>", endpoint="body")
def show_body(slug: str):
    body = queries.body_page(slug)
    if body is None:
        abort(404)
    manager = body.can_manage(current_user)
    today = local_today(body.territory)
    return render_template(
        "councils/body.html", body=body, zone=body.territory.timezone, rules=rules_in_words(body, today),
        members=body_service.active_members(body, today), can_manage=manager,
        warnings=body_service.warnings(body, today) if manager else [],
        sessions=queries.body_sessions(body, include_drafts=manager), now=utcnow(), **_context_helpers())


# --- protocols ---------------------------------------------------------------------------------

@bp.get("/protocols", endpoint="protocols")
def protocol_archive():
    all_bodies = queries.all_bodies()
    body = _body_arg(all_bodies)
    query = request.args.get("q", "").strip()[:200]
    page = queries.page_number(request.args.get("page"))
    results = archive.search(query, page, body=body)
    return render_page_or_fragment("councils/protocols.html", "councils/_protocol_results.html",
                                   results=results, q=query, bodies=all_bodies, body=body,
                                   searched=bool(archive.terms(query)))


def _visible_protocol(protocol_id: int):
    protocol = queries.protocol_page(protocol_id)
    if protocol is None:
        abort(404)
    session = get_session_or_404(protocol.session_id)
    versions = queries.protocol_versions(session.id)
    if not queries.is_public_version(protocol, versions) and not session.can_manage(current_user):
        abort(404)
    return protocol, versions


@bp.get("/protocols/<int:protocol_id>", endpoint="protocol")
def show_protocol(protocol_id: int):
    protocol, versions = _visible_protocol(protocol_id)
    session = protocol.session
    manager = session.can_manage(current_user)
    visible = [v for v in versions if manager or queries.is_public_version(v, versions)]
    newer = next((v for v in visible if v.version > protocol.version and v.published_at is not None), None)
    return render_template("councils/protocol.html", protocol=protocol, session=session, body=session.body,
                           zone=session.body.territory.timezone, versions=visible, newer=newer, can_manage=manager,
                           deadlines=protocol_service.deadlines_of(session), **_context_helpers())


def _protocol_title(protocol) -> str:
    session = protocol.session
    title = _("%(body)s: protocol of session No. %(number)d", body=session.body.name, number=session.number)
    if protocol.version > 1:
        title += " — " + _("version %(num)d", num=protocol.version)
    return title


@bp.get("/protocols/<int:protocol_id>.pdf", endpoint="protocol_pdf")
def protocol_pdf_download(protocol_id: int):
    protocol, _versions = _visible_protocol(protocol_id)
    session = protocol.session
    zone = session.body.territory.timezone
    footer = []
    if protocol.correction_reason:
        footer.append(_("Corrected: %(reason)s", reason=protocol.correction_reason))
    for signature in protocol.signatures:
        footer.append(_("Signed by %(name)s (%(capacity)s) on %(when)s; SHA-256 of the text: %(sha)s",
                        name=signature.signer_name,
                        capacity=CAPACITY_LABELS.get(signature.capacity, signature.capacity),
                        when=signature.signed_at.astimezone(zone_of(zone)).strftime("%d.%m.%Y %H:%M"),
                        sha=signature.sha256))
    footer.append(url_for("councils.protocol", protocol_id=protocol.id, _external=True))
    try:
        data = protocol_pdf(_protocol_title(protocol), protocol.text, footer)
    except FontMissing:
        return render_error(503, detail=_("The PDF cannot be made now: the fonts it needs are missing on the server. "
                                          "Print this page instead."))
    filename = f"protocol-{session.body.slug}-{session.number}-v{protocol.version}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- decisions ---------------------------------------------------------------------------------

def _session_arg() -> int | None:
    raw = request.args.get("session", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@bp.get("/decisions", endpoint="decisions")
def decision_list():
    all_bodies = queries.all_bodies()
    body = _body_arg(all_bodies)
    status = request.args.get("status") if request.args.get("status") in queries.DECISION_STATUSES else None
    today = local_today()
    listing = queries.decisions_listing(status=status, body=body, session_id=_session_arg(),
                                        page=queries.page_number(request.args.get("page")), today=today)
    rows = [(d, decision_service.status_code(d, today)) for d in listing.items]
    return render_template("councils/decisions.html", listing=listing, rows=rows, bodies=all_bodies, body=body,
                           status=status, session_id=_session_arg(), statuses=queries.DECISION_STATUSES,
                           today=today, **_context_helpers())


# --- feeds -------------------------------------------------------------------------------------

def _host() -> str:
    return request.host.split(":")[0] or "localhost"


def _session_title(session) -> str:
    return _("%(body)s, session No. %(number)d", body=session.body.name, number=session.number)


def _event(session, now) -> feeds.CalendarEvent:
    ends = session.closed_at if session.closed_at and session.closed_at > session.starts_at \
        else session.starts_at + timedelta(hours=2)
    status = {SessionState.CANCELLED: "CANCELLED", SessionState.POSTPONED: "TENTATIVE"}.get(session.state, "CONFIRMED")
    summary = _session_title(session)
    if session.state in (SessionState.CANCELLED, SessionState.POSTPONED):
        summary = f"{session.state.label}: {summary}"
    lines = []
    if session.state_reason:
        lines += [_("Reason: %(reason)s", reason=session.state_reason), ""]
    lines.append(_("Agenda:"))
    lines += [f"{n}. {item.title}" for n, item in
              enumerate([i for i in session.items if i.status != "removed"], start=1)]
    if session.public_online_link:
        lines += ["", _("Online: %(link)s", link=session.public_online_link)]
    location = session.place
    return feeds.CalendarEvent(
        uid=f"council-session-{session.id}@{_host()}", stamp=now, modified=session.updated_at or session.created_at,
        starts_at=session.starts_at, ends_at=ends, summary=summary, location=location,
        url=url_for("councils.session", session_id=session.id, _external=True), description="\n".join(lines),
        sequence=session.revision or 0, status=status, categories=[str(session.body.kind_label)])


def _calendar_response(sessions, name: str) -> Response:
    now = utcnow()
    body = feeds.calendar([_event(s, now) for s in sessions], name=name,
                          prodid=f"-//Ortaq//Council sessions//{str(get_locale()).upper()}")
    return Response(body.encode("utf-8"), mimetype="text/calendar",
                    headers={"Content-Type": "text/calendar; charset=utf-8",
                             "Content-Disposition": 'inline; filename="sessions.ics"'})


@bp.get("/sessions.ics", endpoint="sessions_ics")
def sessions_ics():
    since = utcnow() - timedelta(days=FEED_DAYS_BACK)
    return _calendar_response(queries.feed_sessions(since=since), _("Council sessions"))


@bp.get("/bodies/<slug>.ics", endpoint="body_ics")
def body_ics(slug: str):
    body = get_body_or_404(slug)
    return _calendar_response(queries.feed_sessions(body), body.name)


@bp.get("/protocols.atom", endpoint="protocols_atom")
def protocols_atom():
    protocols = queries.feed_protocols()
    entries = []
    for protocol in protocols:
        session = protocol.session
        title = _session_title(session) + " — " + local_date(session.starts_at, session.body.territory)
        if protocol.version > 1:
            title += " (" + _("version %(num)d", num=protocol.version) + ")"
        entries.append(feeds.AtomEntry(
            id=f"tag:{_host()},2024:council-protocol:{session.id}", title=title,
            url=url_for("councils.protocol", protocol_id=protocol.id, _external=True),
            enclosure_url=url_for("councils.protocol_pdf", protocol_id=protocol.id, _external=True),
            updated=protocol.published_at, published=protocol.published_at, author=session.body.name,
            category=str(session.body.kind_label),
            summary=_("Corrected: %(reason)s", reason=protocol.correction_reason) if protocol.correction_reason else "",
            content=protocol.text))
    updated = max((e.updated for e in entries), default=None) or utcnow()
    data = feeds.atom(entries, feed_id=f"tag:{_host()},2024:council-protocols", title=_("Published protocols"),
                      self_url=url_for("councils.protocols_atom", _external=True),
                      alternate_url=url_for("councils.protocols", _external=True), updated=updated,
                      author=_("Ortaq"), lang=str(get_locale()))
    return Response(data, headers={"Content-Type": "application/atom+xml; charset=utf-8"})


# --- JSON open data ----------------------------------------------------------------------------

def _iso(value):
    return value.isoformat() if value is not None else None


def _json(data: dict) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _paged(endpoint: str, listing: queries.Page, key: str, items: list, **args) -> dict:
    def link(number):
        return url_for(endpoint, page=number, _external=True, **args)
    return {"page": listing.page, "per_page": listing.per_page, "total": listing.total, "pages": listing.pages,
            "next": link(listing.page + 1) if listing.has_next else None,
            "prev": link(listing.page - 1) if listing.has_prev else None, key: items}


@bp.get("/sessions.json", endpoint="sessions_json")
def sessions_json():
    listing = queries.sessions_for_json(queries.page_number(request.args.get("page")))
    protocols = queries.published_protocol_ids([s.id for s in listing.items])
    items = [{
        "id": s.id, "url": url_for("councils.session", session_id=s.id, _external=True),
        "body": {"slug": s.body.slug, "name": s.body.name, "kind": s.body.kind.value,
                 "url": url_for("councils.body", slug=s.body.slug, _external=True)},
        "number": s.number, "starts_at": _iso(s.starts_at), "timezone": s.body.territory.timezone,
        "place": s.place, "online_link": s.public_online_link or None, "is_open": s.is_open, "state": s.state.value,
        "state_reason": s.state_reason or None, "revision": s.revision, "announced_at": _iso(s.announced_at),
        "materials_at": _iso(s.materials_at),
        "agenda": [{"position": i.position, "title": i.title, "rapporteur": i.rapporteur or None, "status": i.status,
                    "progress_report": i.is_progress_report,
                    "materials": [{"id": m.id, "title": m.title, "mime": m.mime, "size_bytes": m.size_bytes,
                                   "sha256": m.sha256, "uploaded_at": _iso(m.uploaded_at),
                                   "url": url_for("councils.material", material_id=m.id, _external=True)}
                                  for m in i.materials]} for i in s.items],
        "protocol_url": url_for("councils.protocol", protocol_id=protocols[s.id], _external=True)
        if s.id in protocols else None,
    } for s in listing.items]
    return _json(_paged("councils.sessions_json", listing, "sessions", items))


@bp.get("/votes.json", endpoint="votes_json")
def votes_json():
    session_id = _session_arg()
    listing = queries.votes_for_json(queries.page_number(request.args.get("page")), session_id=session_id)
    items = [{
        "id": v.id, "session_id": v.session_id,
        "session_url": url_for("councils.session", session_id=v.session_id, _external=True),
        "item": {"id": v.item.id, "position": v.item.position, "title": v.item.title} if v.item else None,
        "subject": v.subject, "motion": v.motion, "method": v.method,
        "for": v.for_votes, "against": v.against, "abstained": v.abstained, "present": v.present,
        "quorum_needed": v.quorum_needed, "adopted": v.adopted, "decided_by_chair": v.decided_by_chair,
        "chair_vote": v.chair_vote, "members_present": json.loads(v.present_names or "[]"),
        "roll_call": [{"member": rc.member_name, "choice": rc.choice} for rc in v.roll_call]
        if v.method == "roll_call" else None,
        "recorded_at": _iso(v.created_at),
    } for v in listing.items]
    return _json(_paged("councils.votes_json", listing, "votes", items, session=session_id))


@bp.get("/decisions.json", endpoint="decisions_json")
def decisions_json():
    today = local_today()
    listing = queries.decisions_listing(session_id=_session_arg(), page=queries.page_number(request.args.get("page")),
                                        per_page=queries.JSON_PER_PAGE, today=today)
    items = [{
        "id": d.id, "session_id": d.session_id,
        "session_url": url_for("councils.session", session_id=d.session_id, _external=True),
        "body": d.session.body.slug, "text": d.text, "executor": d.executor or None, "due_on": _iso(d.due_on),
        "status": decision_service.status_code(d, today), "overdue": decision_service.is_overdue(d, today),
        "akim": {"status": d.akim_status, "reason": d.akim_reason or None, "considered_at": _iso(d.akim_reviewed_at)},
        "members_informed_at": _iso(d.members_informed_at), "done_at": _iso(d.done_at),
        "rediscussed_in_session_id": d.rediscussed_in_session_id,
        "reports": [{"reported_on": _iso(r.reported_on), "text": r.text, "done": r.done} for r in d.reports],
    } for d in listing.items]
    return _json(_paged("councils.decisions_json", listing, "decisions", items, session=_session_arg()))
