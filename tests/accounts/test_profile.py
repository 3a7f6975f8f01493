"""The profile: language of the site and mails, and changing the password."""
from __future__ import annotations

import pytest

from civic.accounts.models import LoginSession, User
from civic.accounts.passwords import verify_password
from civic.extensions import db
from tests.accounts.account_helpers import (  # noqa: F401 (autouse fixtures)
    client_with_session, count, english, form_errors, fresh_request_globals, login, page_text,
    quick_password_hashing, session_cookie, signed_in, strong_password,
)
from tests.factories import PASSWORD, make_user


@pytest.fixture
def user(app):
    person = make_user(given_name="Ержан", surname="Қасымов", patronymic="Бағдатұлы", locale="kk")
    db.session.commit()
    return person


@pytest.fixture
def signed_in_client(client, user):
    assert login(client, user.email, PASSWORD).status_code == 303
    english(client)
    return client


def _reload(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def _change(client, current, new, repeat=None):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new, "new_password_confirm": repeat or new})


def test_profile_needs_sign_in(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")


@pytest.mark.parametrize("path", ["/account/language", "/account/password"])
def test_profile_forms_need_sign_in(client, user, path):
    response = client.post(path, data={"locale": "ru", "current_password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")
    assert _reload(user).locale == "kk"


def test_profile_shows_the_person(signed_in_client, user):
    body = page_text(signed_in_client.get("/account/"))
    assert "Қасымов Ержан Бағдатұлы" in body
    assert user.email in body
    assert "You are not yet verified as a resident of any community." in body


@pytest.mark.parametrize("locale", ["ru", "en", "kk"])
def test_language_change_is_saved_and_sets_the_cookie(signed_in_client, user, locale):
    response = signed_in_client.post("/account/language", data={"locale": locale})

    assert response.status_code == 303
    assert response.headers["Location"] == "/account/"
    assert _reload(user).locale == locale
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang=")]
    assert cookie and cookie[0].startswith(f"lang={locale};")
    assert signed_in_client.get_cookie("lang").value == locale
    page = signed_in_client.get("/account/")
    assert f'<html lang="{locale}">' in page.get_data(as_text=True)
    assert page.headers["Content-Language"] == locale


def test_saved_language_is_used_on_the_next_sign_in(app, signed_in_client, user):
    signed_in_client.post("/account/language", data={"locale": "ru"})
    other = app.test_client()  # a new device without a language cookie
    assert login(other, user.email, PASSWORD).status_code == 303
    assert other.get_cookie("lang").value == "ru"
    assert other.get("/account/").headers["Content-Language"] == "ru"


def test_unknown_language_is_refused(signed_in_client, user):
    for locale in ("de", "", "xx-evil", "ru\nSet-Cookie: x=1"):
        response = signed_in_client.post("/account/language", data={"locale": locale})
        assert response.status_code == 422, locale
        assert _reload(user).locale == "kk"
        assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang=")]


def test_wrong_current_password_is_refused(app, signed_in_client, user):
    other = app.test_client()
    login(other, user.email, PASSWORD)
    old_hash = _reload(user).password_hash

    response = _change(signed_in_client, "not my password at all", strong_password())

    assert response.status_code == 422
    assert "The current password is wrong." in form_errors(response)
    fresh = _reload(user)
    assert fresh.password_hash == old_hash
    assert signed_in(signed_in_client) and signed_in(other)  # nobody was signed out


@pytest.mark.parametrize("new, message", [
    ("tooshort", "The password must be at least 10 characters long."),
    ("qwertyuiop", "This password is too common or too easy to guess."),
])
def test_weak_new_password_is_refused(signed_in_client, user, new, message):
    response = _change(signed_in_client, PASSWORD, new)
    assert response.status_code == 422
    assert any(message in error for error in form_errors(response))
    assert verify_password(_reload(user).password_hash, PASSWORD)


def test_new_password_made_of_the_persons_name_is_refused(client):
    person = make_user(email="erzhan.k@example.kz", surname="Kasymov", given_name="Erzhan")
    db.session.commit()
    login(client, person.email, PASSWORD)
    english(client)  # after signing in, which sets the account's language
    response = _change(client, PASSWORD, "erzhankasymov")
    assert response.status_code == 422
    assert any("too common or too easy to guess" in error for error in form_errors(response))
    assert verify_password(_reload(person).password_hash, PASSWORD)


def test_mismatched_repeat_is_refused(signed_in_client, user):
    response = _change(signed_in_client, PASSWORD, strong_password(), strong_password())
    assert response.status_code == 422
    assert "The passwords do not match." in form_errors(response)
    assert verify_password(_reload(user).password_hash, PASSWORD)


def test_missing_fields_are_refused(signed_in_client, user):
    response = signed_in_client.post("/account/password", data={})
    assert response.status_code == 422
    assert form_errors(response).count("This field is required.") == 3


def test_change_signs_out_other_devices_but_keeps_this_one(app, signed_in_client, user):
    phone = app.test_client()
    login(phone, user.email, PASSWORD)
    phone_cookie = session_cookie(phone)
    this_cookie_before = session_cookie(signed_in_client)
    new_password = strong_password()

    response = _change(signed_in_client, PASSWORD, new_password)

    assert response.status_code == 303
    assert response.headers["Location"] == "/account/"
    notice = page_text(signed_in_client.get("/account/"))
    assert "Your password is changed. Other devices have been signed out." in notice
    assert signed_in(signed_in_client)
    assert not signed_in(phone)
    assert not signed_in(client_with_session(app, phone_cookie))
    # This device got a new session; its old cookie (if copied before) no longer works.
    assert not signed_in(client_with_session(app, this_cookie_before))
    assert count(LoginSession, LoginSession.user_id == user.id) == 1
    # Only the new password signs in from now on.
    assert login(app.test_client(), user.email, PASSWORD).status_code == 422
    assert login(app.test_client(), user.email, new_password).status_code == 303


def test_change_works_without_a_language_cookie(app, signed_in_client, user):
    # Used to crash (endless recursion): login_user(current_user) made the proxy point at itself.
    signed_in_client.delete_cookie("lang")
    new_password = strong_password()
    response = _change(signed_in_client, PASSWORD, new_password)
    assert response.status_code == 303
    assert signed_in(signed_in_client)
    assert verify_password(_reload(user).password_hash, new_password)
