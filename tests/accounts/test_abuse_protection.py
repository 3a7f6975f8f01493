"""Rate limiting of sign-in attempts and CSRF protection of the account forms."""
from __future__ import annotations

import re

from flask_babel import force_locale

from civic.accounts.models import LoginSession
from civic.core.errors import ERROR_TEXTS
from civic.extensions import db
from tests.accounts.account_helpers import (  # noqa: F401 (autouse fixtures)
    count, english, fresh_request_globals, login, page_text, quick_password_hashing, signed_in,
)
from tests.factories import PASSWORD, make_user


def _csrf_token(response) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the form has no CSRF token"
    return match.group(1)


def test_rate_limiting_is_off_in_the_default_test_app(app, client):
    codes = {client.post("/account/login", data={"email": "x@example.kz"}).status_code for _ in range(15)}
    assert codes == {422}


def test_fourth_sign_in_attempt_within_a_minute_gets_429(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    with limited.app_context():
        user = make_user()
        db.session.commit()
        client = limited.test_client()
        english(client)

        codes = [login(client, user.email, "wrong password number %d" % i).status_code for i in range(3)]
        assert codes == [422, 422, 422]

        blocked = login(client, user.email, PASSWORD)  # even the right password waits now
        assert blocked.status_code == 429
        body = page_text(blocked)
        assert "<h1>Too many attempts</h1>" in body
        assert "You have tried too many times. Please wait a few minutes and try again." in body
        assert 'href="/"' in body and "Traceback" not in body
        assert blocked.headers["Content-Language"] == "en"
        assert count(LoginSession) == 0
        assert not signed_in(client)
        # Reading the form is not limited.
        assert client.get("/account/login").status_code == 200


def test_429_page_is_in_the_visitors_language(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    with limited.app_context():
        client = limited.test_client()  # no language cookie: Kazakh, the default
        for _ in range(3):
            client.post("/account/login", data={"email": "nobody@example.kz", "password": "wrong"})
        blocked = client.post("/account/login", data={"email": "nobody@example.kz", "password": "wrong"})
        assert blocked.status_code == 429
        assert blocked.headers["Content-Language"] == "kk"
        with force_locale("kk"):
            title, text = (str(s) for s in ERROR_TEXTS[429])
        body = page_text(blocked)
        assert f"<h1>{title}</h1>" in body and text in body
        assert '<html lang="kk">' in body


def test_login_without_csrf_token_is_refused(make_app):
    protected = make_app(WTF_CSRF_ENABLED=True)
    with protected.app_context():
        user = make_user()
        db.session.commit()
        client = protected.test_client()
        english(client)

        response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})

        assert response.status_code == 400
        body = page_text(response)
        assert "The form has expired or was sent from another page." in body
        assert "Traceback" not in body
        assert count(LoginSession) == 0
        assert not signed_in(client)

        # A forged token is refused too ...
        forged = client.post("/account/login", data={"email": user.email, "password": PASSWORD,
                                                      "csrf_token": "forged-token"})
        assert forged.status_code == 400
        assert count(LoginSession) == 0

        # ... while the token from the form works.
        token = _csrf_token(client.get("/account/login"))
        ok = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert ok.status_code == 303
        assert count(LoginSession) == 1
        assert signed_in(client)


def test_logout_without_csrf_token_keeps_the_session(make_app):
    protected = make_app(WTF_CSRF_ENABLED=True)
    with protected.app_context():
        user = make_user()
        db.session.commit()
        client = protected.test_client()
        token = _csrf_token(client.get("/account/login"))
        assert client.post("/account/login", data={"email": user.email, "password": PASSWORD,
                                                   "csrf_token": token}).status_code == 303

        assert client.post("/account/logout").status_code == 400
        assert signed_in(client)
        assert count(LoginSession) == 1


def test_account_deletion_without_csrf_token_deletes_nothing(make_app):
    from civic.accounts.models import User
    protected = make_app(WTF_CSRF_ENABLED=True)
    with protected.app_context():
        user = make_user()
        db.session.commit()
        client = protected.test_client()
        token = _csrf_token(client.get("/account/login"))
        client.post("/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})

        response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})

        assert response.status_code == 400
        db.session.expire_all()
        assert db.session.get(User, user.id) is not None
