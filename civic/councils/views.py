"""The councils blueprint. Public pages live in public_views, the secretary's and staff's
pages in manage_views, protocols/decisions/petitions in record_views; each module adds
its routes to this one blueprint."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from civic.extensions import db

bp = Blueprint("councils", __name__)


def db_id(raw) -> int | None:
    """An id from user input: a positive whole number a database integer holds, else None
    (a larger number would make the database driver fail: a 500 instead of a 404)."""
    from civic import MAX_ID
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None


def find(model, raw):
    """The row of ``model`` whose id the user gave, or None (also for ids no row can have)."""
    ident = db_id(raw)
    return db.session.get(model, ident) if ident is not None else None


def get_or_404(model, ident):
    obj = find(model, ident)
    if obj is None:
        abort(404)
    return obj


def get_session_or_404(session_id: int):
    """A session visible to this user (drafts only to those who manage the body)."""
    from civic.councils.models import Session
    session = get_or_404(Session, session_id)
    if not session.is_public() and not session.can_manage(current_user):
        abort(404)
    return session


def get_body_or_404(slug: str):
    import sqlalchemy as sa

    from civic.councils.models import Body
    body = db.session.scalar(sa.select(Body).where(Body.slug == slug))
    if body is None:
        abort(404)
    return body
