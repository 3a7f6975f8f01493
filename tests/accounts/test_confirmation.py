"""E-mail confirmation: the mailed link, its reuse, tampering, expiry; no sign-in before it."""
from __future__ import annotations

import time

import sqlalchemy as sa
from itsdangerous import TimestampSigner

from civic.accounts import services
from civic.accounts.models import LoginSession, User
from civic.extensions import db
from tests.accounts.account_helpers import (  # noqa: F401 (autouse fixtures)
    count, english, form_errors, fresh_request_globals, link_in, login, mails_to, page_text,
    quick_password_hashing, registration, signed_in,
)
from tests.factories import PASSWORD, make_user


def _register(client, outbox, **overrides):
    data = registration(**overrides)
    assert client.post("/account/register", data=data).status_code == 303
    user = db.session.scalar(sa.select(User).where(User.email == data["email"]))
    (mail,) = mails_to(outbox, data["email"])
    return data, user, link_in(mail)


def _clock_ahead(monkeypatch, seconds):
    """Make itsdangerous believe ``seconds`` have passed since the links were made."""
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + seconds)


def _tamper(path):
    token = path.rsplit("/", 1)[1]
    payload, stamp, signature = token.rsplit(".", 2)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return "/account/confirm/" + ".".join([payload, stamp, flipped])


def test_link_from_the_mail_confirms_and_then_sign_in_works(client, outbox):
    english(client)
    data, user, link = _register(client, outbox)

    response = client.get(link)

    assert response.status_code == 303
    assert response.headers["Location"] == "/account/login"
    assert "Your e-mail address is confirmed. You can sign in now." in page_text(client.get("/account/login"))
    db.session.refresh(user)
    assert user.is_confirmed
    assert login(client, data["email"], data["password"]).status_code == 303
    assert signed_in(client)


def test_unconfirmed_account_cannot_sign_in(client, outbox):
    english(client)
    data, user, _ = _register(client, outbox)

    response = login(client, data["email"], data["password"])

    assert response.status_code == 422
    assert "Please confirm your e-mail address first: open the link we sent you." in form_errors(response)[0]
    assert count(LoginSession) == 0
    assert not signed_in(client)


def test_unconfirmed_account_with_a_wrong_password_gets_the_usual_answer(client, outbox):
    english(client)
    data, _, _ = _register(client, outbox)
    response = login(client, data["email"], data["password"] + "x")
    assert response.status_code == 422
    body = page_text(response)
    assert "Wrong e-mail or password." in body
    assert "confirm your e-mail" not in body  # nothing is told before the password is right


def test_reusing_the_link_gives_a_clear_message(client, outbox):
    english(client)
    _, user, link = _register(client, outbox)
    assert client.get(link).status_code == 303

    again = client.get(link)

    assert again.status_code == 400
    assert "This e-mail address is already confirmed. You can sign in." in page_text(again)
    assert "Traceback" not in page_text(again)


def test_tampered_token_is_refused(client, outbox):
    english(client)
    _, user, link = _register(client, outbox)

    response = client.get(_tamper(link))

    assert response.status_code == 400
    assert "This link is not valid. Please check that you copied it whole." in page_text(response)
    db.session.refresh(user)
    assert not user.is_confirmed


def test_garbage_token_is_refused(client):
    english(client)
    for token in ("abc", "x.y.z", "a" * 300, "eyJ1IjoxfQ.AAAA.BBBB", "%00", "..%2F..%2Fetc"):
        response = client.get(f"/account/confirm/{token}")
        assert response.status_code in (400, 404), token
        if response.status_code == 400:
            assert "This link is not valid." in page_text(response), token


def test_truncated_link_is_refused(client, outbox):
    english(client)
    _, user, link = _register(client, outbox)
    response = client.get(link[:-4])
    assert response.status_code == 400
    assert "not valid" in page_text(response)
    db.session.refresh(user)
    assert not user.is_confirmed


def test_a_password_reset_token_does_not_confirm(client):
    english(client)
    user = make_user(confirmed=False)
    db.session.commit()
    token = services.make_token(user, "reset")
    response = client.get(f"/account/confirm/{token}")
    assert response.status_code == 400
    db.session.refresh(user)
    assert not user.is_confirmed


def test_expired_link_is_refused(client, outbox, monkeypatch, app):
    english(client)
    _, user, link = _register(client, outbox)
    _clock_ahead(monkeypatch, app.config["TOKEN_MAX_AGE"] + 5)

    response = client.get(link)

    assert response.status_code == 400
    assert "This link has expired. Please ask for a new one." in page_text(response)
    db.session.refresh(user)
    assert not user.is_confirmed


def test_link_still_works_just_before_it_expires(client, outbox, monkeypatch, app):
    _, user, link = _register(client, outbox)
    _clock_ahead(monkeypatch, app.config["TOKEN_MAX_AGE"] - 5)
    assert client.get(link).status_code == 303
    db.session.refresh(user)
    assert user.is_confirmed


def test_token_max_age_is_configurable(make_app, monkeypatch):
    short = make_app(TOKEN_MAX_AGE=60)
    with short.app_context():
        client = short.test_client()
        english(client)
        outbox = short.extensions.setdefault("ortaq_outbox", [])
        data = registration()
        assert client.post("/account/register", data=data).status_code == 303
        link = link_in(mails_to(outbox, data["email"])[0])
        _clock_ahead(monkeypatch, 61)
        response = client.get(link)
        assert response.status_code == 400
        assert "This link has expired." in page_text(response)
        assert db.session.scalar(sa.select(User.confirmed_at).where(User.email == data["email"])) is None


def test_link_for_a_deleted_account_is_refused(client, outbox):
    english(client)
    _, user, link = _register(client, outbox)
    db.session.delete(user)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 400
    assert "This link has already been used or is no longer valid." in page_text(response)


def test_failed_page_offers_to_send_a_new_link(client, outbox):
    english(client)
    _, user, link = _register(client, outbox)
    outbox.clear()
    response = client.get(_tamper(link))
    assert 'action="/account/confirm/resend"' in page_text(response)

    resend = client.post("/account/confirm/resend", data={"email": user.email.upper()})

    assert resend.status_code == 303
    (mail,) = outbox
    assert mail["To"] == user.email
    assert client.get(link_in(mail)).status_code == 303
    db.session.refresh(user)
    assert user.is_confirmed


def test_resend_answers_the_same_for_unknown_and_confirmed_addresses(client, outbox):
    english(client)
    confirmed = make_user()
    db.session.commit()
    answers = []
    for email in (confirmed.email, "nobody.here@example.kz"):
        response = client.post("/account/confirm/resend", data={"email": email})
        answers.append((response.status_code, response.headers["Location"],
                        "If an unconfirmed account uses this address" in page_text(client.get("/account/login"))))
    assert answers[0] == answers[1] == (303, "/account/login", True)
    assert outbox == []


def test_resend_with_a_bad_address_is_422(client, outbox):
    english(client)
    response = client.post("/account/confirm/resend", data={"email": "not an address"})
    assert response.status_code == 422
    assert "Enter a valid e-mail address" in page_text(response)
    assert outbox == []


def test_confirmed_person_can_then_sign_in_with_the_factory_password(client):
    # Sanity of the fixture data used elsewhere: a confirmed factory user signs in.
    user = make_user()
    db.session.commit()
    assert login(client, user.email, PASSWORD).status_code == 303
