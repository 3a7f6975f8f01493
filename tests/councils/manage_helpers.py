"""Builders for the tests of the secretary's and staff's council pages (a helper module,
not a test module). Data is built through the services, so their rules run while the data
is made; the pages under test are then driven through HTTP. All data is generated here.
"""
from __future__ import annotations

import html
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import flask
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from civic.accounts.services import start_session
from civic.communities.models import RoleKind
from civic.councils import bodies, protocols, running, sessions
from civic.councils.models import Body, Member, MemberRole, Session
from civic.councils.rules import BodyKind
from civic.core.database import utcnow
from civic.extensions import db
from tests.factories import grant, make_territory, make_user

_seq = itertools.count(1)
ZONE = ZoneInfo("Asia/Almaty")
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def fresh_request_globals():
    """Every request gets a fresh ``flask.g`` (the test keeps one app context pushed), so the
    signed-in user and the locale do not leak between requests. Import it into each module."""
    def clear(sender, **extra):
        for name in list(vars(flask.g)):
            delattr(flask.g, name)

    flask.request_started.connect(clear)
    yield
    flask.request_started.disconnect(clear)


def login(client, user, lang: str = "en") -> None:
    """Sign ``user`` in on ``client`` without the (slow, argon2) password form."""
    token = start_session(user, "pytest")
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = token
        sess["_fresh"] = True
    client.set_cookie("lang", lang)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def english(message) -> str:
    with force_locale("en"):
        return str(message)


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def local_at(day: date, hour: int = 15, minute: int = 0) -> datetime:
    """Wall-clock time in the community's zone (Asia/Almaty) as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(timezone.utc)


def local_today() -> date:
    return datetime.now(ZONE).date()


def future(days: int = 20, hour: int = 15) -> datetime:
    return local_at(local_today() + timedelta(days=days), hour)


@dataclass
class World:
    territory: object
    staff: object
    secretary: object          # the territory's secretary (a role; may manage the bodies)
    akim: object
    chair_user: object         # accounts of the members who will chair and take the minutes
    minutes_user: object
    body: Body | None = None
    members: list[Member] = field(default_factory=list)


def make_world(*, population: int = 100, members: int = 4, kind: BodyKind = BodyKind.MEETING,
               commit: bool = True) -> World:
    territory = make_territory(population=population)
    staff = make_user(email=f"staff{next(_seq)}@akimat.example.kz", surname="Жұмабаева", given_name="Айгүл",
                      locale="en")
    grant(staff, territory, RoleKind.STAFF)
    secretary = make_user(email=f"secretary{next(_seq)}@example.kz", surname="Оспанова", given_name="Дана",
                          locale="en")
    grant(secretary, territory, RoleKind.SECRETARY)
    akim = make_user(email=f"akim{next(_seq)}@akimat.example.kz", surname="Бекенов", given_name="Марат", locale="en")
    grant(akim, territory, RoleKind.AKIM)
    chair_user = make_user(email=f"chair{next(_seq)}@example.kz", surname="Сейітов", given_name="Нұрлан",
                           locale="en")
    minutes_user = make_user(email=f"minutes{next(_seq)}@example.kz", surname="Қасымова", given_name="Динара",
                             locale="en")
    world = World(territory, staff, secretary, akim, chair_user, minutes_user)
    if members:
        world.body = bodies.create_body(staff, territory, kind=kind, name=f"Қоғамдастық жиналысы {next(_seq)}")
        names = ["Сейітов Нұрлан", "Қасымова Динара", "Төлеуов Самат", "Ахметова Сәуле", "Ермеков Ержан",
                 "Мұратова Жанар", "Үсенов Дәурен"]
        for i in range(members):
            user = chair_user if i == 0 else minutes_user if i == 1 else None
            world.members.append(bodies.add_member(
                staff, world.body, full_name=f"{names[i % len(names)]} {i}", user=user,
                role=MemberRole.DELEGATE, represents=f"Ауыл {i % 3 + 1}"))
    if commit:
        db.session.commit()
    return world


def announced_session(world: World, *, days: int = 12, items=("Көше жарығы туралы",), commit: bool = True) -> Session:
    session = sessions.create_session(world.staff, world.body, starts_at=future(days), place="Ауылдық клуб")
    for title in items:
        sessions.add_item(world.staff, session, title=title, rapporteur="Әкім аппаратының маманы")
    sessions.announce(world.staff, session)
    if commit:
        db.session.commit()
    return session


def running_session(world: World, *, present: int | None = None, participants: int = 1, elect: bool = True,
                    commit: bool = True) -> Session:
    """An announced session, opened, with ``present`` members registered (all by default)."""
    session = announced_session(world, commit=False)
    attending = world.members[: len(world.members) if present is None else present]
    for member in attending:
        running.register(world.staff, session, member)
    for n in range(participants):
        running.add_participant(world.staff, session, full_name=f"Қонақ {n} Шақырылған", organisation="Аудан әкімдігі",
                                role="шақырылған")
    running.open_session(world.staff, session)
    if elect and len(attending) >= 2:
        k = len(attending)
        running.elect(world.staff, session, capacity="chair", candidate=world.members[0],
                      for_votes=k, against=0, abstained=0)
        running.elect(world.staff, session, capacity="secretary", candidate=world.members[1],
                      for_votes=k, against=0, abstained=0)
    if commit:
        db.session.commit()
    return session


def held_session(world: World, *, motion: str = "Көше жарығын жөндеу", commit: bool = True) -> Session:
    """A session run and closed through the services, with one adopted motion."""
    session = running_session(world, commit=False)
    k = len(world.members)
    running.approve_agenda(world.staff, session, for_votes=k, against=0, abstained=0)
    item = [i for i in session.items if not i.is_progress_report][0]
    running.add_speech(world.staff, session, item, member=world.members[2], summary="Жарық шамдарын ауыстыруды ұсынды.")
    running.record_vote(world.staff, session, item=item, motion=motion, for_votes=k, against=0, abstained=0)
    running.close_session(world.staff, session)
    if commit:
        db.session.commit()
    return session


def signed_session(world: World, *, publish: bool = False, commit: bool = True):
    session = held_session(world, commit=False)
    protocol = protocols.draft(world.staff, session)
    digest = protocols.text_sha256(protocol.text)
    protocols.sign(world.chair_user, protocol, digest)
    protocols.sign(world.minutes_user, protocol, digest)
    if publish:
        protocols.publish(world.staff, protocol)
    if commit:
        db.session.commit()
    return session, protocol


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return out.getvalue()


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode."


def radio_names(markup: str, prefix: str) -> list[str]:
    return re.findall(rf'type="radio"[^>]*name="({re.escape(prefix)}[^"]*)"', markup)


__all__ = ["fresh_request_globals", "utcnow"]
