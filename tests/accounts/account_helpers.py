"""Helpers for the accounts tests (imported by the test modules; not a test module itself)."""
from __future__ import annotations

import html
import itertools
import re
import secrets
from urllib.parse import urlsplit

import flask
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from civic.extensions import db

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_request_globals():
    """Give every request made in a test a fresh ``flask.g``.

    The shared ``app`` fixture keeps one application context pushed for the whole
    test, and Flask reuses an already pushed context of the same app for every
    request. Then ``g`` -- Flask-Login's cached user, Flask-Babel's locale,
    Flask-WTF's CSRF state -- leaks from one request, and one client, to the
    next: a brand-new client without any cookie would look signed in. In
    production each request has its own application context; this restores that.
    """
    def clear(sender, **extra):
        for name in list(vars(flask.g)):
            delattr(flask.g, name)

    flask.request_started.connect(clear)
    yield
    flask.request_started.disconnect(clear)


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Argon2id at the lowest cost, so that the many sign-ins stay fast.

    The algorithm and every code path stay the same; only the work factors drop
    (the production parameters are checked in test_passwords.py, which does not
    use this fixture). The factories' hash cache is swapped for an empty one so
    that their users are hashed cheaply too.
    """
    from civic.accounts import passwords, services
    from tests import factories

    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    dummy = cheap.hash("not-a-real-password-only-for-timing")
    monkeypatch.setattr(passwords, "DUMMY_HASH", dummy)
    monkeypatch.setattr(services, "DUMMY_HASH", dummy)
    monkeypatch.setattr(factories, "_hash_cache", {})


def strong_password() -> str:
    """A new random password that passes the strength rules."""
    return f"Steppe {secrets.token_urlsafe(9)} lantern"


def unique_email(prefix: str = "resident") -> str:
    return f"{prefix}.{next(_seq)}.{secrets.token_hex(3)}@example.kz"


def registration(**overrides) -> dict:
    password = overrides.pop("password", None) or strong_password()
    data = {
        "surname": "Нұрланова",
        "given_name": "Әйгерім",
        "patronymic": "Серікқызы",
        "email": unique_email(),
        "password": password,
        "password_confirm": password,
    }
    data.update(overrides)
    return data


def english(client) -> None:
    """Ask for English pages: assertions use the English message ids."""
    client.set_cookie("lang", "en")


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def mails_to(outbox, address: str) -> list:
    return [m for m in outbox if m["To"] == address]


def link_in(mail) -> str:
    """The path (with token) of the single link in a mail body."""
    links = re.findall(r"https?://\S+", mail.get_content())
    assert len(links) == 1, mail.get_content()
    return urlsplit(links[0]).path


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie was set"
    return cookie.value


def client_with_session(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def signed_in(client) -> bool:
    """True when the client's session opens the profile; otherwise it must be sent to sign in."""
    response = client.get("/account/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/login"
    return False


def login(client, email: str, password: str):
    return client.post("/account/login", data={"email": email, "password": password})


def form_errors(response) -> list[str]:
    """Messages shown in the error summary and beside fields."""
    body = page_text(response)
    found = re.findall(r'<p class="error"[^>]*>(.*?)</p>', body, re.S)
    found += re.findall(r'<div class="form-errors"[^>]*>.*?</div>', body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", f)).strip() for f in found]


def without_csrf_tokens(text: str) -> str:
    """Page text with the (time-stamped) CSRF tokens blanked, to compare two pages."""
    text = re.sub(r'("X-CSRFToken": ")[^"]*', r"\1", text)
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", text)
