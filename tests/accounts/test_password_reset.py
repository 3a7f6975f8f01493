"""Forgotten password: the same answer for every address, a one-time link, all sessions ended."""
from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner

from civic.accounts import services
from civic.accounts.models import LoginSession, User
from civic.accounts.passwords import verify_password
from civic.extensions import db
from tests.accounts.account_helpers import (  # noqa: F401 (autouse fixtures)
    client_with_session, count, english, form_errors, fresh_request_globals, link_in, login, mails_to,
    page_text, quick_password_hashing, session_cookie, signed_in, strong_password, without_csrf_tokens,
)
from tests.factories import PASSWORD, make_user


@pytest.fixture
def user(app):
    person = make_user(given_name="Гүлнар", surname="Әбілова", locale="en")
    db.session.commit()
    return person


def _ask_for_link(client, outbox, email) -> str:
    assert client.post("/account/password/forgot", data={"email": email}).status_code == 303
    mail = mails_to(outbox, email.lower())[-1]
    path = link_in(mail)
    assert path.startswith("/account/password/reset/")
    return path


def _reset(client, path, password, repeat=None):
    return client.post(path, data={"password": password, "password_confirm": repeat or password})


def _reload(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_forgot_page_renders(client):
    english(client)
    response = client.get("/account/password/forgot")
    assert response.status_code == 200
    assert 'name="email"' in page_text(response)


def test_known_and_unknown_addresses_get_the_same_answer(client, outbox, user):
    english(client)
    answers = []
    for email in (user.email, "stranger.47@example.kz"):
        response = client.post("/account/password/forgot", data={"email": email})
        follow = client.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], without_csrf_tokens(page_text(follow))))
    assert answers[0] == answers[1]
    assert answers[0][0] == 303
    assert "If an account uses this address, we have sent it a link to choose a new password." in answers[0][2]
    # Only the real account got a mail.
    assert [m["To"] for m in outbox] == [user.email]
    assert outbox[0]["Subject"] == "Reset your Ortaq password"
    assert "Гүлнар" in outbox[0].get_content()


def test_forgot_with_an_invalid_address_is_422(client, outbox):
    english(client)
    response = client.post("/account/password/forgot", data={"email": "nope"})
    assert response.status_code == 422
    assert "Enter a valid e-mail address" in page_text(response)
    assert outbox == []


def test_forgot_matches_the_address_whatever_the_case(client, outbox, user):
    client.post("/account/password/forgot", data={"email": user.email.upper()})
    assert len(mails_to(outbox, user.email)) == 1


def test_link_lets_the_person_choose_a_new_password(client, outbox, user):
    english(client)
    path = _ask_for_link(client, outbox, user.email)
    form = client.get(path)
    assert form.status_code == 200
    assert 'name="password_confirm"' in page_text(form)
    new_password = strong_password()

    response = _reset(client, path, new_password)

    assert response.status_code == 303
    assert response.headers["Location"] == "/account/login"
    notice = page_text(client.get("/account/login"))
    assert "Your password is changed. Please sign in with the new password." in notice
    fresh = _reload(user)
    assert fresh.password_hash.startswith("$argon2id$")
    assert verify_password(fresh.password_hash, new_password)
    assert login(client, user.email, PASSWORD).status_code == 422
    assert login(client, user.email, new_password).status_code == 303


def test_link_works_only_once(client, outbox, user):
    english(client)
    path = _ask_for_link(client, outbox, user.email)
    first = strong_password()
    assert _reset(client, path, first).status_code == 303

    for response in (client.get(path), _reset(client, path, strong_password())):
        assert response.status_code == 400
        assert "This link has already been used or is no longer valid." in page_text(response)
        assert 'href="/account/password/forgot"' in page_text(response)
    assert verify_password(_reload(user).password_hash, first)


def test_reset_signs_out_every_session(app, client, outbox, user):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email, PASSWORD)
    login(phone, user.email, PASSWORD)
    copied = session_cookie(laptop)
    assert signed_in(laptop) and signed_in(phone)

    path = _ask_for_link(client, outbox, user.email)
    assert _reset(client, path, strong_password()).status_code == 303

    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert not signed_in(client_with_session(app, copied))
    assert count(LoginSession, LoginSession.user_id == user.id) == 0


def test_reset_from_a_signed_in_browser_signs_it_out_too(client, outbox, user):
    login(client, user.email, PASSWORD)
    path = _ask_for_link(client, outbox, user.email)
    assert _reset(client, path, strong_password()).status_code == 303
    assert not signed_in(client)


@pytest.mark.parametrize("password, message", [
    ("tooshort", "The password must be at least 10 characters long."),
    ("password123", "This password is too common or too easy to guess."),
    ("Aa1!" * 51, "The password must be at most 200 characters long."),
])
def test_new_password_must_pass_the_strength_rules(client, outbox, user, password, message):
    english(client)
    path = _ask_for_link(client, outbox, user.email)
    old_hash = user.password_hash

    response = _reset(client, path, password)

    assert response.status_code == 422
    assert any(message in error for error in form_errors(response))
    assert _reload(user).password_hash == old_hash
    # The link was not spent by the refused attempt.
    assert _reset(client, path, strong_password()).status_code == 303


def test_password_based_on_the_persons_name_is_refused(client, outbox):
    english(client)
    person = make_user(email="bolat.serikov@example.kz", surname="Serikov", given_name="Bolat")
    db.session.commit()
    path = _ask_for_link(client, outbox, person.email)
    response = _reset(client, path, "bolatserikov")
    assert response.status_code == 422
    assert "too common or too easy to guess" in page_text(response)


def test_mismatched_repeat_is_refused(client, outbox, user):
    english(client)
    path = _ask_for_link(client, outbox, user.email)
    response = _reset(client, path, strong_password(), strong_password())
    assert response.status_code == 422
    assert "The passwords do not match." in form_errors(response)
    assert verify_password(_reload(user).password_hash, PASSWORD)


def test_empty_reset_form_is_422(client, outbox, user):
    english(client)
    path = _ask_for_link(client, outbox, user.email)
    response = client.post(path, data={})
    assert response.status_code == 422
    assert "This field is required." in form_errors(response)


def test_tampered_link_is_refused(client, outbox, user):
    english(client)
    path = _ask_for_link(client, outbox, user.email)
    broken = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    for response in (client.get(broken), _reset(client, broken, strong_password())):
        assert response.status_code == 400
        assert "This link is not valid." in page_text(response)
    assert verify_password(_reload(user).password_hash, PASSWORD)


def test_a_confirmation_token_cannot_reset_a_password(client, user):
    english(client)
    token = services.make_token(user, "confirm")
    response = _reset(client, f"/account/password/reset/{token}", strong_password())
    assert response.status_code == 400
    assert verify_password(_reload(user).password_hash, PASSWORD)


def test_expired_link_is_refused(app, client, outbox, user, monkeypatch):
    english(client)
    path = _ask_for_link(client, outbox, user.email)
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + app.config["TOKEN_MAX_AGE"] + 5)
    response = _reset(client, path, strong_password())
    assert response.status_code == 400
    assert "This link has expired. Please ask for a new one." in page_text(response)
    assert verify_password(_reload(user).password_hash, PASSWORD)


def test_link_stops_working_once_the_password_was_changed_elsewhere(client, outbox, user):
    english(client)
    path = _ask_for_link(client, outbox, user.email)
    login(client, user.email, PASSWORD)
    new_password = strong_password()
    assert client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": new_password, "new_password_confirm": new_password,
    }).status_code == 303
    response = client.get(path)
    assert response.status_code == 400
    assert "no longer valid" in page_text(response)


def test_older_links_die_with_the_first_reset(client, outbox, user):
    first = _ask_for_link(client, outbox, user.email)
    second = _ask_for_link(client, outbox, user.email)
    assert _reset(client, second, strong_password()).status_code == 303
    assert client.get(first).status_code == 400


def test_reset_of_an_unconfirmed_account_confirms_it(client, outbox):
    person = make_user(confirmed=False)
    db.session.commit()
    path = _ask_for_link(client, outbox, person.email)
    new_password = strong_password()
    assert _reset(client, path, new_password).status_code == 303
    assert _reload(person).is_confirmed
    assert login(client, person.email, new_password).status_code == 303
