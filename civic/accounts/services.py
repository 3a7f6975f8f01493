"""Writes and rules for accounts: sign-up, confirmation, sign-in, reset, deletion, roles.

No ``flask.request`` here: views pass plain values. Errors are DomainError with
a translated message; nothing is changed when one is raised.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from civic.accounts.models import LoginSession, RoleAssignment, User
from civic.accounts.passwords import (
    DUMMY_HASH, hash_password, needs_rehash, password_problem, verify_password,
)
from civic.communities.models import RoleKind, Territory
from civic.core import audit
from civic.core.database import utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def register_user(*, email: str, password: str, surname: str, given_name: str,
                  patronymic: str = "", locale: str = "kk") -> User:
    email = normalize_email(email)
    if find_user_by_email(email):
        raise DomainError(_l("An account with this e-mail already exists. Sign in or reset your password."), field="email")
    problem = password_problem(password, [email, surname, given_name, patronymic])
    if problem:
        raise DomainError(problem, field="password")
    user = User(email=email, password_hash=hash_password(password), surname=surname.strip(),
                given_name=given_name.strip(), patronymic=(patronymic or "").strip(), locale=locale)
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:   # two registrations with one address at the same moment
        raise DomainError(_l("An account with this e-mail already exists. Sign in or reset your password."), field="email")
    return user


# --- signed one-time tokens -------------------------------------------------

def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"ortaq-{purpose}")


def _fingerprint(user: User) -> str:
    # Changes when the password changes, so a used reset link cannot be used again.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user), "e": user.email})


class TokenError(DomainError):
    pass


def read_token(token: str, purpose: str) -> User:
    try:
        data = _serializer(purpose).loads(token, max_age=current_app.config["TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise TokenError(_l("This link has expired. Please ask for a new one."))
    except BadSignature:
        raise TokenError(_l("This link is not valid. Please check that you copied it whole."))
    user = db.session.get(User, data.get("u"))
    if user is None or user.email != data.get("e") or _fingerprint(user) != data.get("f"):
        raise TokenError(_l("This link has already been used or is no longer valid."))
    return user


def confirm_email(token: str) -> User:
    user = read_token(token, "confirm")
    if user.is_confirmed:
        raise TokenError(_l("This e-mail address is already confirmed. You can sign in."))
    user.confirmed_at = utcnow()
    return user


def reset_password(token: str, new_password: str) -> User:
    user = read_token(token, "reset")
    problem = password_problem(new_password, [user.email, user.surname, user.given_name])
    if problem:
        raise DomainError(problem, field="password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    if not user.is_confirmed:
        user.confirmed_at = utcnow()  # the reset link proves the address
    end_all_sessions(user)
    return user


def change_password(user: User, current: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError(_l("The current password is wrong."), field="current_password")
    problem = password_problem(new_password, [user.email, user.surname, user.given_name])
    if problem:
        raise DomainError(problem, field="new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()


# --- sign-in sessions -------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(email: str, password: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        verify_password(DUMMY_HASH, password)  # same time as a wrong password
        raise DomainError(_l("Wrong e-mail or password."))
    if not verify_password(user.password_hash, password):
        raise DomainError(_l("Wrong e-mail or password."))
    if not user.is_confirmed:
        raise DomainError(_l("Please confirm your e-mail address first: open the link we sent you."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _session_cutoff():
    """Sign-ins older than this have ended (config LOGIN_SESSION_DAYS)."""
    return utcnow() - timedelta(days=current_app.config["LOGIN_SESSION_DAYS"])


def start_session(user: User, user_agent: str = "") -> str:
    token = secrets.token_urlsafe(32)
    # Ended sign-ins of anyone are cleared on the way (a sign-in writes anyway).
    db.session.execute(sa.delete(LoginSession).where(LoginSession.created_at < _session_cutoff()))
    db.session.add(LoginSession(user_id=user.id, token_hash=_token_hash(token), user_agent=user_agent[:200]))
    user.current_session_token = token
    return token


def load_session_user(token: str) -> User | None:
    """The user of a sign-in, unless it was ended or is older than LOGIN_SESSION_DAYS."""
    if not token:
        return None
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    if row is None or row.created_at < _session_cutoff():
        return None
    user = row.user
    user.current_session_token = token
    return user


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))


def end_all_sessions(user: User) -> None:
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_l("Unknown language."))
    user.locale = locale


def delete_account(user: User, password: str) -> None:
    """Remove the person and their personal data; anonymous records stay.

    Audit rows keep only the former account number (no name, no e-mail).
    """
    if not verify_password(user.password_hash, password):
        raise DomainError(_l("The password is wrong. Your account was not deleted."), field="password")
    audit.record("account.deleted", actor=user.id, object_type="user", object_id=user.id)
    db.session.delete(user)


# --- roles ------------------------------------------------------------------

def grant_role(actor: User, user: User, territory: Territory, kind: RoleKind) -> RoleAssignment:
    if not territory.can_assign_roles(actor):
        raise NotAllowed(_l("You may not assign roles in this community."))
    existing = db.session.scalar(sa.select(RoleAssignment).where(
        RoleAssignment.user_id == user.id, RoleAssignment.territory_id == territory.id,
        RoleAssignment.kind == kind))
    if existing:
        raise DomainError(_l("This person already has this role here."))
    role = RoleAssignment(user_id=user.id, territory_id=territory.id, kind=kind, granted_by_id=actor.id)
    db.session.add(role)
    db.session.flush()
    audit.record("role.granted", actor=actor, obj=role, user=user.id, territory=territory.id, kind=kind.value)
    return role


def revoke_role(actor: User, role: RoleAssignment) -> None:
    if not role.territory.can_assign_roles(actor):
        raise NotAllowed(_l("You may not assign roles in this community."))
    audit.record("role.revoked", actor=actor, obj=role, user=role.user_id,
                 territory=role.territory_id, kind=role.kind.value)
    db.session.delete(role)


def create_admin(*, email: str, password: str, surname: str, given_name: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        user = register_user(email=email, password=password, surname=surname, given_name=given_name)
    user.is_admin = True
    user.confirmed_at = user.confirmed_at or utcnow()
    audit.record("admin.created", actor=None, obj=user)
    return user
