"""Argon2id password hashing and password strength rules."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 200
ZXCVBN_MAX_LENGTH = 72
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


# A dummy hash so that an unknown e-mail takes as long as a wrong password.
DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


def password_problem(password: str, user_inputs: list[str] | None = None):
    """The reason a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("The password must be at least %(n)d characters long.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("The password must be at most %(n)d characters long.", n=MAX_LENGTH)
    # zxcvbn refuses (ValueError) anything longer than its max_length of 72: rate the first 72 characters.
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[u for u in (user_inputs or []) if u],
                    max_length=ZXCVBN_MAX_LENGTH)
    if result["score"] < 3:
        return _l("This password is too common or too easy to guess. Add more words or characters.")
    return None
