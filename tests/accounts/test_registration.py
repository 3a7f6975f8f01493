"""Registration: surname, name, optional patronymic, e-mail and a strong password."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from civic.accounts.models import LoginSession, User
from civic.extensions import db
from tests.accounts.account_helpers import (  # noqa: F401 (autouse fixtures)
    count, english, form_errors, fresh_request_globals, link_in, login, mails_to, page_text,
    quick_password_hashing, registration, signed_in,
)
from tests.factories import PASSWORD, make_user


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_register_page_shows_every_field(client):
    english(client)
    response = client.get("/account/register")
    assert response.status_code == 200
    body = page_text(response)
    for name in ("surname", "given_name", "patronymic", "email", "password", "password_confirm"):
        assert f'name="{name}"' in body
    assert 'autocomplete="new-password"' in body


def test_registration_creates_an_unconfirmed_account_and_mails_a_link(client, outbox):
    english(client)
    data = registration(surname="  Серікбаев ", given_name=" Дәулет  ", patronymic=" Маратұлы ")

    response = client.post("/account/register", data=data)

    assert response.status_code == 303
    assert response.headers["Location"] == "/account/login"
    user = _user(data["email"])
    assert user is not None
    assert (user.surname, user.given_name, user.patronymic) == ("Серікбаев", "Дәулет", "Маратұлы")
    assert user.confirmed_at is None and not user.is_confirmed
    assert user.is_admin is False
    assert user.locale == "en"  # the language the person was using
    # Exactly one mail, to the new address, with a confirmation link.
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail["To"] == data["email"]
    assert mail["Subject"] == "Confirm your e-mail address for Ortaq"
    assert "Дәулет" in mail.get_content()
    assert link_in(mail).startswith("/account/confirm/")
    # The next page says what to do, and nobody is signed in yet.
    follow = client.get(response.headers["Location"])
    assert f"we have sent a confirmation link to {data['email']}" in page_text(follow)
    assert count(LoginSession) == 0
    assert not signed_in(client)


def test_email_is_stored_in_lower_case(client, outbox):
    data = registration(email="Aliya.Bekova@Example.KZ")
    assert client.post("/account/register", data=data).status_code == 303
    assert _user("aliya.bekova@example.kz") is not None
    assert mails_to(outbox, "aliya.bekova@example.kz")


def test_patronymic_is_optional(client, outbox):
    data = registration()
    del data["patronymic"]
    assert client.post("/account/register", data=data).status_code == 303
    user = _user(data["email"])
    assert user.patronymic == ""
    assert user.full_name == f"{data['surname']} {data['given_name']}"


@pytest.mark.parametrize("cookie, expected", [("ru", "ru"), ("kk", "kk"), (None, "kk")])
def test_account_language_comes_from_the_language_cookie(client, outbox, cookie, expected):
    if cookie:
        client.set_cookie("lang", cookie)
    data = registration()
    assert client.post("/account/register", data=data).status_code == 303
    assert _user(data["email"]).locale == expected


def test_a_forged_language_cookie_falls_back_to_kazakh(client, outbox):
    # Used to store the raw cookie and crash on sending the mail (unknown locale).
    for cookie in ("xx", "zzzzzzzz", "en_US_POSIX_too_long", "../../etc"):
        client.set_cookie("lang", cookie)
        data = registration()
        response = client.post("/account/register", data=data)
        assert response.status_code == 303, cookie
        assert _user(data["email"]).locale == "kk", cookie
        assert len(mails_to(outbox, data["email"])) == 1, cookie


def test_duplicate_email_is_refused_whatever_the_case(client, outbox):
    english(client)
    first = registration(email="damir.ospanov@example.kz")
    assert client.post("/account/register", data=first).status_code == 303
    outbox.clear()

    second = registration(email="DAMIR.Ospanov@EXAMPLE.kz", surname="Оспанов", given_name="Дамир")
    response = client.post("/account/register", data=second)

    assert response.status_code == 422
    assert "An account with this e-mail already exists. Sign in or reset your password." in page_text(response)
    assert count(User, sa.func.lower(User.email) == "damir.ospanov@example.kz") == 1
    assert _user("damir.ospanov@example.kz").given_name == first["given_name"]  # not overwritten
    assert outbox == []


def test_email_of_an_existing_confirmed_account_is_refused(client, outbox):
    english(client)
    existing = make_user()
    db.session.commit()
    response = client.post("/account/register", data=registration(email=existing.email))
    assert response.status_code == 422
    assert "already exists" in page_text(response)
    assert count(User) == 1
    # The existing account still works with its own password.
    assert login(client, existing.email, PASSWORD).status_code == 303


def test_weak_password_is_refused_and_nothing_is_created(client, outbox):
    english(client)
    for password, message in [
        ("Kx7#qPz!w", "The password must be at least 10 characters long."),
        ("short", "The password must be at least 10 characters long."),
        ("password123", "This password is too common or too easy to guess."),
        ("qwertyuiop", "This password is too common or too easy to guess."),
        ("1234567890", "This password is too common or too easy to guess."),
        ("Aa1!" * 51, "The password must be at most 200 characters long."),
    ]:
        response = client.post("/account/register", data=registration(password=password))
        assert response.status_code == 422, password
        assert message in page_text(response), password
    assert count(User) == 0
    assert outbox == []


def test_password_built_from_the_persons_own_name_and_email_is_refused(client, outbox):
    english(client)
    data = registration(email="nurlanova.aigerim@example.kz", surname="Nurlanova", given_name="Aigerim",
                        password="aigerimnurlanova")
    response = client.post("/account/register", data=data)
    assert response.status_code == 422
    assert "too common or too easy to guess" in page_text(response)
    assert count(User) == 0


def test_long_but_strong_password_is_accepted(client, outbox):
    # Longer than zxcvbn's own limit of 72 characters (it used to raise there).
    password = ("Tulip " + "steppe-river-lamp " * 10)[:150]
    data = registration(password=password)
    assert client.post("/account/register", data=data).status_code == 303
    assert _user(data["email"]) is not None


def test_mismatched_repeat_is_refused(client, outbox):
    english(client)
    data = registration()
    data["password_confirm"] = data["password"] + "!"
    response = client.post("/account/register", data=data)
    assert response.status_code == 422
    assert "The passwords do not match." in form_errors(response)
    assert count(User) == 0
    assert outbox == []


def test_each_required_field_is_required(client, outbox):
    english(client)
    for missing in ("surname", "given_name", "email", "password", "password_confirm"):
        data = registration()
        data[missing] = ""
        response = client.post("/account/register", data=data)
        assert response.status_code == 422, missing
        assert form_errors(response).count("This field is required.") == 1, missing
        assert f'id="{missing}-error"' in page_text(response), missing
        assert 'aria-invalid="true"' in page_text(response)
    assert count(User) == 0
    assert outbox == []


def test_blank_names_count_as_missing(client, outbox):
    english(client)
    response = client.post("/account/register", data=registration(surname="   ", given_name="\t"))
    assert response.status_code == 422
    assert form_errors(response).count("This field is required.") == 2
    assert count(User) == 0


def test_empty_post_is_refused_without_a_traceback(client, outbox):
    english(client)
    response = client.post("/account/register", data={})
    assert response.status_code == 422
    body = page_text(response)
    assert "Please correct the marked fields." in body
    assert "Traceback" not in body
    assert count(User) == 0


def test_invalid_email_is_refused(client, outbox):
    english(client)
    for email in ("not-an-email", "name@", "@example.kz", "two@@example.kz", "a b@example.kz"):
        response = client.post("/account/register", data=registration(email=email))
        assert response.status_code == 422, email
        assert "Enter a valid e-mail address, e.g. name@example.kz." in form_errors(response), email
    assert count(User) == 0


def test_malformed_input_gives_422_never_a_crash(client, outbox):
    english(client)
    for field, value, message in [
        ("surname", "A" * 101, "At most 100 characters."),
        ("given_name", "Б" * 101, "At most 100 characters."),
        ("patronymic", "В" * 101, "At most 100 characters."),
        ("surname", "Тест\x00ов", "This field contains characters that are not allowed."),
        ("given_name", "Ер\x1blan", "This field contains characters that are not allowed."),
        ("email", "x" * 250 + "@example.kz", None),
    ]:
        response = client.post("/account/register", data=registration(**{field: value}))
        assert response.status_code == 422, (field, value)
        assert "Traceback" not in page_text(response)
        if message:
            assert message in form_errors(response), (field, value)
    assert count(User) == 0
    assert outbox == []


def test_refused_form_keeps_names_but_never_echoes_the_password(client, outbox):
    english(client)
    data = registration(surname="Жұмабаева", password="password123")
    response = client.post("/account/register", data=data)
    assert response.status_code == 422
    body = page_text(response)
    assert 'value="Жұмабаева"' in body
    assert data["email"] in body
    assert "password123" not in body


def test_signed_in_person_is_sent_to_the_profile(client, auth):
    user = make_user()
    db.session.commit()
    assert auth.login(user.email).status_code == 303
    response = client.get("/account/register")
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/"
    response = client.post("/account/register", data=registration())
    assert response.status_code == 303
    assert count(User) == 1
