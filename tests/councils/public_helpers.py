"""Builders for the tests of the public council pages (a helper module, not a test module).

Everything goes through the services (bodies, sessions, running, protocols, decisions), as
in civic/councils/demo.py; the services refuse sessions in the past, so a held session is
run in the future and dated back afterwards. All data is generated here.
"""
from __future__ import annotations

import html
import itertools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

import flask
import pytest
from sqlalchemy import event

from civic.communities.models import RoleKind
from civic.councils import bodies, protocols, running, sessions
from civic.councils.models import Body, Member, MemberRole, Session
from civic.councils.record_models import Protocol
from civic.councils.rules import BodyKind
from civic.core.database import utcnow
from civic.extensions import db
from tests.factories import grant, make_territory, make_user

_seq = itertools.count(1)
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


@dataclass
class World:
    territory: object
    staff: object
    chair_user: object
    secretary_user: object
    akim: object


def make_world(population: int = 400) -> World:
    territory = make_territory(population=population)
    staff = make_user(surname="Әкімшілік", given_name="Қызметкер")
    grant(staff, territory)
    chair_user = make_user(surname="Төрағаев", given_name="Серік")
    secretary_user = make_user(surname="Хатшыбаева", given_name="Гүлнар")
    akim = make_user(surname="Әкімов", given_name="Болат")
    grant(akim, territory, RoleKind.AKIM)
    return World(territory, staff, chair_user, secretary_user, akim)


def make_body(world: World, *, members: int = 5, kind: BodyKind = BodyKind.MEETING, name: str | None = None):
    """A body with a chair and a secretary (linked to accounts, so they can sign) and delegates."""
    n = next(_seq)
    body = bodies.create_body(world.staff, world.territory, kind=kind,
                              name=name or f"Жергілікті қоғамдастық жиналысы {n}")
    people = [bodies.add_member(world.staff, body, full_name="Төрағаев Серік Асқарұлы", role=MemberRole.CHAIR,
                                user=world.chair_user, represents="Ақсу ауылы"),
              bodies.add_member(world.staff, body, full_name="Хатшыбаева Гүлнар Ерланқызы", role=MemberRole.SECRETARY,
                                user=world.secretary_user, represents="Көктал ауылы")]
    for i in range(max(0, members - 2)):
        people.append(bodies.add_member(world.staff, body, full_name=f"Мүше{n} Делегат{i} Тестұлы",
                                        role=MemberRole.DELEGATE, represents=f"Ауыл {i % 3 + 1}"))
    return body, people


def at_local(day, hour: int = 15, minute: int = 0) -> datetime:
    """Almaty wall-clock time (UTC+5) as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=timezone(timedelta(hours=5))).astimezone(timezone.utc)


def future(days: int = 20, hour: int = 15) -> datetime:
    return at_local(utcnow().date() + timedelta(days=days), hour)


def new_session(world: World, body: Body, *, days: int = 20, place: str = "Ауылдық клуб", items=(),
                online_link: str = "", announce: bool = True, materials: bool = False) -> Session:
    session = sessions.create_session(world.staff, body, starts_at=future(days), place=place, online_link=online_link)
    for title, rapporteur in items:
        item = sessions.add_item(world.staff, session, title=title, rapporteur=rapporteur)
        if materials:
            sessions.add_material(world.staff, item, title=f"Жоба: {title}", data=PDF_BYTES, filename="joba.pdf")
    if announce:
        sessions.announce(world.staff, session)
    db.session.flush()
    return session


def move_to_past(session: Session, days_ago: int, *, notice_days: int = 12) -> None:
    day = utcnow().date() - timedelta(days=days_ago)
    session.starts_at = at_local(day, 15)
    if session.announced_at is not None:
        session.announced_at = at_local(day - timedelta(days=notice_days), 10)
    if session.opened_at is not None:
        session.opened_at = at_local(day, 15)
    if session.closed_at is not None:
        session.closed_at = at_local(day, 17)
    db.session.flush()


def held_session(world: World, body: Body, members: list[Member], *, items, days_ago: int = 30,
                 present: int | None = None, sign: bool = True, publish: bool = True, roll_call: bool = False,
                 speeches: bool = True, materials: bool = False, participants: int = 1,
                 tie_on_last: bool = False) -> tuple[Session, Protocol | None]:
    """Run a whole session through the services: announce, register, open, elect, approve the
    agenda, speak and vote on each item, close, write and sign the protocol, publish it.

    ``items`` are (title, rapporteur, motion). With ``tie_on_last``, the last item's roll-call
    vote is tied and the chair's vote decides (001 App. 2 §12).
    """
    session = new_session(world, body, days=11, items=[(t, r) for t, r, _m in items], materials=materials)
    attending = members[: present or len(members)]
    for member in attending:
        running.register(world.staff, session, member)
    for p in range(participants):
        running.add_participant(world.staff, session, full_name=f"Қонақ{p} Шақырылған", organisation="Аудан әкімдігі",
                                role="шақырылған")
    running.open_session(world.staff, session)
    n = len(attending)
    running.elect(world.staff, session, capacity="chair", candidate=members[0], for_votes=n, against=0, abstained=0)
    running.elect(world.staff, session, capacity="secretary", candidate=members[1], for_votes=n, against=0, abstained=0)
    running.approve_agenda(world.staff, session, for_votes=n, against=0, abstained=0)
    agenda = [i for i in session.items if not i.is_progress_report]
    for index, ((_title, _rapporteur, motion), item) in enumerate(zip(items, agenda)):
        if speeches:
            running.add_speech(world.staff, session, item, member=attending[2 % n], summary=f"Ұсыныс: {motion}")
        last = index == len(agenda) - 1
        if tie_on_last and last:
            choices = {m.id: ("for" if k % 2 == 0 else "against") for k, m in enumerate(attending)}
            running.record_vote(world.staff, session, item=item, motion=motion, roll_call=choices, chair_vote="for")
        elif roll_call:
            running.record_vote(world.staff, session, item=item, motion=motion,
                                roll_call={m.id: "for" for m in attending})
        else:
            running.record_vote(world.staff, session, item=item, motion=motion, for_votes=n, against=0, abstained=0)
    running.close_session(world.staff, session)
    protocol = None
    if sign:
        protocol = protocols.draft(world.staff, session)
        digest = protocols.text_sha256(protocol.text)
        protocols.sign(world.chair_user, protocol, digest)
        protocols.sign(world.secretary_user, protocol, digest)
        if publish:
            protocols.publish(world.staff, protocol)
    move_to_past(session, days_ago)
    db.session.flush()
    return session, protocol


@contextmanager
def count_queries():
    """Count the SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def html_of(response) -> str:
    """The page with character references resolved (so "chair's" matches "chair&#39;s")."""
    return html.unescape(response.get_data(as_text=True))
