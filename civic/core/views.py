"""Home, about, language switch and the health check."""
from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from civic.core.i18n import LANG_COOKIE
from civic.extensions import db

bp = Blueprint("core", __name__)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths; anything else goes to ``fallback``."""
    if not target:
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


@bp.get("/")
def index():
    from civic.communities.queries import communities_for_home
    return render_template("core/index.html", communities=communities_for_home())


@bp.get("/about")
def about():
    return render_template("core/about.html")


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next"), url_for("core.index"))
    response = redirect(target, code=303)
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        current_app.logger.exception("health check failed")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/manage/audit")
def audit_log():
    """The audit log, for site admins and akimat staff (newest first, with the chain check)."""
    from flask import abort
    from flask_login import current_user as user

    from civic.core.audit import AuditEntry, verify_chain
    if not user.is_authenticated or not user.is_staff_anywhere:
        abort(403)
    page = min(max(request.args.get("page", 1, type=int), 1), 1_000_000)   # a huge offset is a 500 on SQLite
    per_page = 50
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())
                                 .offset((page - 1) * per_page).limit(per_page + 1)).all()
    report = verify_chain() if page == 1 else None
    return render_template("core/audit.html", entries=entries[:per_page], page=page,
                           has_next=len(entries) > per_page, report=report)
