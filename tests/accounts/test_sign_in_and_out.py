"""Signing in and out: server-side sessions, the same answer for every failure, safe redirects."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from civic.accounts.models import LoginSession
from civic.extensions import db
from tests.accounts.account_helpers import (  # noqa: F401 (autouse fixtures)
    client_with_session, count, english, form_errors, fresh_request_globals, login, page_text,
    quick_password_hashing, session_cookie, signed_in, without_csrf_tokens,
)
from tests.factories import PASSWORD, make_user


@pytest.fixture
def user(app):
    person = make_user(given_name="Мирас", surname="Жақсыбеков", locale="ru")
    db.session.commit()
    return person


def test_login_page_renders(client):
    english(client)
    response = client.get("/account/login")
    assert response.status_code == 200
    body = page_text(response)
    assert 'name="email"' in body and 'name="password"' in body
    assert 'href="/account/password/forgot"' in body


def test_right_password_signs_in(client, user):
    english(client)
    assert not signed_in(client)

    response = login(client, user.email, PASSWORD)

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert signed_in(client)
    profile = page_text(client.get("/account/"))
    assert user.email in profile and "Жақсыбеков" in profile
    assert count(LoginSession, LoginSession.user_id == user.id) == 1


def test_email_is_matched_whatever_the_case(client, user):
    assert login(client, user.email.upper(), PASSWORD).status_code == 303
    assert signed_in(client)


def test_sign_in_sets_the_language_cookie_from_the_account(client, user):
    response = login(client, user.email, PASSWORD)
    cookies = response.headers.getlist("Set-Cookie")
    lang = [c for c in cookies if c.startswith("lang=")]
    assert lang and lang[0].startswith("lang=ru;")
    assert "HttpOnly" in lang[0]
    assert client.get_cookie("lang").value == "ru"


def test_session_cookie_is_http_only_and_same_site(client, user):
    response = login(client, user.email, PASSWORD)
    session_header = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert session_header
    assert "HttpOnly" in session_header[0]
    assert "SameSite=Lax" in session_header[0]


def test_only_a_hash_of_the_session_token_is_stored(app, client, user):
    login(client, user.email, PASSWORD)
    data = app.session_interface.get_signing_serializer(app).loads(session_cookie(client))
    token = data["_user_id"]
    assert len(token) >= 40  # 32 random bytes, URL-safe
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == user.id))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    # The session cookie carries no account number or e-mail.
    assert str(user.id) != token and user.email not in str(data)


def test_each_device_gets_its_own_session(app, client, user):
    other = app.test_client()
    login(client, user.email, PASSWORD)
    login(other, user.email, PASSWORD)
    assert count(LoginSession, LoginSession.user_id == user.id) == 2
    assert session_cookie(client) != session_cookie(other)


def test_wrong_password_and_unknown_email_get_the_same_answer(client, user):
    english(client)
    wrong = login(client, user.email, "not the right password 1")
    unknown = login(client, "no.such.person@example.kz", "not the right password 1")

    assert wrong.status_code == unknown.status_code == 422
    assert form_errors(wrong) == form_errors(unknown)
    assert any("Wrong e-mail or password." in e for e in form_errors(wrong))
    # Apart from the e-mail typed in, the pages are identical.
    assert (without_csrf_tokens(page_text(wrong)).replace(user.email, "EMAIL")
            == without_csrf_tokens(page_text(unknown)).replace("no.such.person@example.kz", "EMAIL"))
    assert count(LoginSession) == 0
    assert not signed_in(client)


def test_incomplete_sign_in_form_is_422(client, user):
    english(client)
    for data in ({}, {"email": user.email}, {"password": PASSWORD}, {"email": "not-an-email", "password": PASSWORD}):
        response = client.post("/account/login", data=data)
        assert response.status_code == 422, data
        assert "Please correct the marked fields." in page_text(response), data
    assert count(LoginSession) == 0


def test_password_is_not_echoed_back(client, user):
    response = login(client, user.email, "a secret that is wrong 987")
    assert "a secret that is wrong 987" not in page_text(response)


def test_next_follows_same_site_paths(client, user):
    for target in ("/about", "/account/", "/account/?tab=residency"):
        response = client.post("/account/login", query_string={"next": target},
                               data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 303, target
        assert response.headers["Location"] == target
        client.post("/account/logout")


OFF_SITE = [
    "//evil.example", "//evil.example/account/", "https://evil.example", "http://evil.example/login",
    "HTTPS://evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    "javascript:alert(1)", "evil.example", "mailto:x@evil.example", "data:text/html,hi",
]


def test_next_never_leaves_the_site(client, user):
    for target in OFF_SITE:
        response = client.post("/account/login", query_string={"next": target},
                               data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 303, target
        assert response.headers["Location"] == "/", target
        assert signed_in(client)
        client.post("/account/logout")


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: planted=1", "/account/\nX-Evil: 1"])
def test_next_with_a_line_break_is_ignored(client, user, target):
    response = client.post("/account/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "planted" not in str(response.headers)


def test_protected_page_sends_to_sign_in_and_back(client, user):
    response = client.get("/account/")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/account/login"
    assert parse_qs(location.query)["next"] == ["/account/"]
    # The form keeps ``next`` and signing in returns there.
    assert "next=%2Faccount%2F" in page_text(client.get(response.headers["Location"]))
    back = client.post(response.headers["Location"], data={"email": user.email, "password": PASSWORD})
    assert back.headers["Location"] == "/account/"


def test_signed_in_person_visiting_login_goes_to_the_profile(client, user):
    login(client, user.email, PASSWORD)
    response = client.get("/account/login")
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/"


def test_logout_really_ends_the_session(app, client, user):
    login(client, user.email, PASSWORD)
    english(client)  # after signing in, which sets the account's language
    copied = session_cookie(client)
    # The copied cookie works on another device while the session is alive ...
    assert signed_in(client_with_session(app, copied))

    response = client.post("/account/logout")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "You have signed out." in page_text(client.get("/"))
    assert not signed_in(client)
    # ... and no longer once signed out: the session is gone on the server.
    assert not signed_in(client_with_session(app, copied))
    assert count(LoginSession, LoginSession.user_id == user.id) == 0


def test_logout_ends_only_this_device(app, client, user):
    laptop, phone = client, app.test_client()
    login(laptop, user.email, PASSWORD)
    login(phone, user.email, PASSWORD)

    laptop.post("/account/logout")

    assert not signed_in(laptop)
    assert signed_in(phone)
    assert count(LoginSession, LoginSession.user_id == user.id) == 1


def test_logout_needs_a_post(client, user):
    login(client, user.email, PASSWORD)
    assert client.get("/account/logout").status_code == 405
    assert signed_in(client)


def test_logout_when_not_signed_in_is_harmless(client):
    response = client.post("/account/logout")
    assert response.status_code == 303
    assert not signed_in(client)


def test_a_forged_session_cookie_signs_nobody_in(app, client, user):
    login(client, user.email, PASSWORD)
    # A session signed with the right key but naming an invented token.
    forged = app.session_interface.get_signing_serializer(app).dumps({"_user_id": "invented-token", "_fresh": True})
    assert not signed_in(client_with_session(app, forged))
    # A cookie that is not signed at all.
    assert not signed_in(client_with_session(app, "eyJfdXNlcl9pZCI6IngifQ.AAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBB"))


def test_a_sign_in_ends_after_login_session_days(app, client, user):
    english(client)
    login(client, user.email, PASSWORD)
    assert signed_in(client)
    row = db.session.scalar(sa.select(LoginSession))
    row.created_at = row.created_at - timedelta(days=app.config["LOGIN_SESSION_DAYS"], minutes=1)
    db.session.commit()
    assert not signed_in(client)
    # The next sign-in (of anyone) clears the ended one.
    other = make_user(given_name="Айгүл", surname="Сейітова")
    db.session.commit()
    assert login(app.test_client(), other.email, PASSWORD).status_code == 303
    assert count(LoginSession, LoginSession.user_id == user.id) == 0
    assert count(LoginSession, LoginSession.user_id == other.id) == 1
