"""Test data builders. Data is generated here, never copied from elsewhere."""
from __future__ import annotations

import itertools
import random

from civic.accounts.iin import control_digit, iin_hmac
from civic.accounts.models import RegisterEntry, Residency, RoleAssignment, User
from civic.accounts.passwords import hash_password
from civic.communities.models import RoleKind, Territory, TerritoryKind
from civic.core.database import utcnow
from civic.extensions import db

PASSWORD = "correct horse battery staple 42"
_seq = itertools.count(1)
_hash_cache: dict[str, str] = {}


def valid_iin(rng: random.Random | None = None, second_pass: bool | None = None) -> str:
    """A random 12-digit IIN with a correct control digit.

    second_pass=True gives one whose first pass yields 10 (control from the second weights).
    """
    rng = rng or random.Random()
    from civic.accounts.iin import FIRST_WEIGHTS
    while True:
        first = "".join(str(rng.randrange(10)) for _ in range(11))
        digit = control_digit(first)
        if digit is None:
            continue
        first_pass = sum(w * int(d) for w, d in zip(FIRST_WEIGHTS, first)) % 11
        if second_pass is True and first_pass != 10:
            continue
        if second_pass is False and first_pass == 10:
            continue
        return first + str(digit)


def invalid_iin(rng: random.Random | None = None) -> str:
    good = valid_iin(rng)
    return good[:11] + str((int(good[11]) + 1) % 10)


def make_user(email=None, *, password=PASSWORD, confirmed=True, admin=False, surname="Тестов",
              given_name="Ерлан", patronymic="", locale="kk") -> User:
    n = next(_seq)
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    user = User(email=email or f"user{n}@example.kz", password_hash=_hash_cache[password], surname=surname,
                given_name=given_name, patronymic=patronymic, is_admin=admin, locale=locale,
                confirmed_at=utcnow() if confirmed else None)
    db.session.add(user)
    db.session.flush()
    return user


def make_territory(kind=TerritoryKind.RURAL_DISTRICT, parent=None, **values) -> Territory:
    n = next(_seq)
    if parent is None and kind == TerritoryKind.RURAL_DISTRICT:
        region = Territory(kind=TerritoryKind.REGION, slug=f"region-{n}", name_kk=f"Облыс {n}", name_ru=f"Область {n}")
        parent = Territory(kind=TerritoryKind.DISTRICT, slug=f"district-{n}", name_kk=f"Аудан {n}",
                           name_ru=f"Район {n}", parent=region)
        db.session.add_all([region, parent])
    defaults = dict(slug=f"community-{n}", name_kk=f"Ауылдық округ {n}", name_ru=f"Сельский округ {n}",
                    akimat_name_kk=f"Әкім аппараты {n}", akimat_name_ru=f"Аппарат акима {n}")
    defaults.update(values)
    territory = Territory(kind=kind, parent=parent, **defaults)
    db.session.add(territory)
    db.session.flush()
    return territory


def grant(user: User, territory: Territory, kind: RoleKind = RoleKind.STAFF) -> RoleAssignment:
    role = RoleAssignment(user_id=user.id, territory_id=territory.id, kind=kind)
    db.session.add(role)
    db.session.flush()
    return role


def on_register(territory: Territory, iin: str, surname="Тестов", given_name="Ерлан", address="") -> RegisterEntry:
    entry = RegisterEntry(territory_id=territory.id, iin_hmac=iin_hmac(iin), surname=surname,
                          given_name=given_name, address=address)
    db.session.add(entry)
    db.session.flush()
    return entry


def make_resident(territory: Territory, user: User | None = None, iin: str | None = None) -> Residency:
    user = user or make_user()
    residency = Residency(user_id=user.id, territory_id=territory.id, iin_hmac=iin_hmac(iin or valid_iin()),
                          method="register")
    db.session.add(residency)
    db.session.flush()
    return residency
