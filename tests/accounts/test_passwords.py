"""Password hashing (Argon2id) and the strength rules for new passwords."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from flask_babel import force_locale

from civic.accounts.models import User
from civic.accounts.passwords import (
    MAX_LENGTH, MIN_LENGTH, hash_password, needs_rehash, password_problem, verify_password,
)
from civic.extensions import db
from tests.accounts.account_helpers import (  # noqa: F401 (autouse fixtures)
    fresh_request_globals, login, registration, strong_password,
)
from tests.factories import make_user


@pytest.fixture(autouse=True)
def in_english(app):
    """Messages are lazy strings: read them in English (the default locale is Kazakh)."""
    with force_locale("en"):
        yield


def test_hash_is_argon2id_salted_and_verifies(app):
    password = strong_password()
    first, second = hash_password(password), hash_password(password)
    assert first.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert password not in first
    assert verify_password(first, password)
    assert verify_password(second, password)
    assert not verify_password(first, password + "x")
    assert not verify_password(first, "")


def test_production_parameters_meet_the_owasp_minimum(app):
    from civic.accounts import passwords
    hasher = passwords._hasher
    assert hasher.type is Type.ID
    assert hasher.memory_cost >= 19 * 1024  # KiB
    assert hasher.time_cost >= 2
    assert passwords.DUMMY_HASH.startswith("$argon2id$")


def test_verify_against_a_broken_hash_is_false_not_an_error(app):
    for stored in ("", "not a hash", "$argon2id$broken", "plain-text-password"):
        assert verify_password(stored, "plain-text-password") is False, stored


def test_hash_made_with_weaker_parameters_needs_rehash(app):
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("whatever it is 123")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("whatever it is 123"))


def test_sign_in_upgrades_a_hash_with_old_parameters(app, client):
    password = strong_password()
    user = make_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(password)
    db.session.commit()
    old_hash = user.password_hash

    assert login(client, user.email, password).status_code == 303
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.password_hash != old_hash
    assert user.password_hash.startswith("$argon2id$")
    assert not needs_rehash(user.password_hash)
    assert verify_password(user.password_hash, password)


def test_registration_stores_only_an_argon2id_hash(app, client):
    data = registration()
    assert client.post("/account/register", data=data).status_code == 303
    user = db.session.scalar(db.select(User).where(User.email == data["email"]))
    assert user.password_hash.startswith("$argon2id$")
    assert data["password"] not in user.password_hash
    assert verify_password(user.password_hash, data["password"])


def test_a_strong_password_is_accepted(app):
    assert password_problem(strong_password(), ["someone@example.kz", "Тестов", "Ерлан"]) is None


def test_minimum_length_is_exactly_ten(app):
    assert MIN_LENGTH == 10
    assert "at least 10 characters" in str(password_problem("Kx7#qPz!w", []))  # 9 characters
    assert password_problem("Kx7#qPz!wM", []) is None  # 10 random characters


def test_too_long_password_is_refused(app):
    assert "at most 200 characters" in str(password_problem("Ab9$" * 51, []))  # 204 characters
    assert password_problem(strong_password().ljust(MAX_LENGTH, "z"), []) is None


def test_common_or_guessable_passwords_are_refused(app):
    for password in ("password123", "qwertyuiop", "1234567890", "aaaaaaaaaaaa", "iloveyou12", "qwerty123456"):
        assert "too common or too easy to guess" in str(password_problem(password, [])), password


def test_password_made_of_the_persons_own_name_is_refused(app):
    inputs = ["aigerim.nurlanova@example.kz", "Nurlanova", "Aigerim"]
    assert password_problem("aigerimnurlanova", inputs) is not None
    assert password_problem("nurlanova1990", inputs) is not None
