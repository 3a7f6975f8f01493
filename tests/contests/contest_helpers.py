"""Builders for the contest tests (a helper module, not a test module).

Test modules import ``app`` (and ``contest_app``) from here: one application object per
module, the database emptied after every test as with the shared fixture.

Everything goes through the services (civic/contests/services.py, projects.py,
ballots.py) so their rules are exercised while the data is built. All data is
generated here.
"""
from __future__ import annotations

import html
import io
import itertools
import os
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import flask
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from civic.accounts.models import User
from civic.accounts.services import start_session
from civic.contests import ballots as ballot_service
from civic.contests import projects as project_service
from civic.contests import services
from civic.contests.models import (
    Ballot, BallotKind, Category, Contest, Phase, Project, TallyRule,
)
from civic.core.audit import AuditEntry
from civic.extensions import db
from tests.factories import grant, make_territory, make_user, on_register, valid_iin

_seq = itertools.count(1)
_rng = random.Random(20240103)


@pytest.fixture(scope="session")
def contest_app():
    """One application for a module of contest tests.

    Building the app (its URL map) and compiling its templates anew for every test costs more
    than most of these tests; the database is still emptied after every test (see ``app``).
    """
    from civic import create_app
    from tests import conftest
    os.environ["ORTAQ_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="ortaq-contests-", dir=conftest._TMP)
    application = create_app(conftest.base_config())
    conftest._ensure_schema(application)
    return application


@pytest.fixture
def app(contest_app):
    """Replaces the shared ``app`` fixture: same database and settings, a reused app object."""
    from tests import conftest
    with contest_app.app_context():
        contest_app.extensions.setdefault("ortaq_outbox", []).clear()
        try:
            yield contest_app
        finally:
            conftest.empty_all_tables()
            db.session.remove()
            contest_app.extensions["ortaq_outbox"].clear()
            shutil.rmtree(Path(contest_app.instance_path) / "uploads", ignore_errors=True)


@pytest.fixture(autouse=True)
def fresh_request_globals():
    """Every request gets a fresh ``flask.g`` (the test keeps one app context pushed).

    Without this, Flask-Login's cached user and Flask-Babel's locale leak from one
    request (and one client) to the next. Import it into each test module.
    """
    def clear(sender, **extra):
        for name in list(vars(flask.g)):
            delattr(flask.g, name)

    flask.request_started.connect(clear)
    yield
    flask.request_started.disconnect(clear)


@dataclass
class Person:
    user: User
    iin: str

    @property
    def id(self) -> int:
        return self.user.id


@dataclass
class World:
    territory: object
    staff: User
    author: Person
    residents: list[Person]
    contest: Contest
    projects: list[Project] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.contest.slug

    def url(self, tail: str = "") -> str:
        return f"/contests/{self.contest.slug}{tail}"


def new_iin() -> str:
    return valid_iin(_rng)


def make_staff(territory, **values) -> User:
    user = make_user(email=f"staff{next(_seq)}@akimat.example.kz", given_name="Айгүл", locale="en", **values)
    grant(user, territory)
    return user


def make_person(territory, *, verified: bool = True, locale: str = "en", **values) -> Person:
    """A user; with ``verified`` a verified resident of ``territory`` (Residency)."""
    from civic.accounts.iin import iin_hmac
    from civic.accounts.models import Residency
    iin = new_iin()
    user = make_user(email=f"resident{next(_seq)}@example.kz", locale=locale, **values)
    if verified:
        db.session.add(Residency(user_id=user.id, territory_id=territory.id, iin_hmac=iin_hmac(iin),
                                 method="register"))
        db.session.flush()
    return Person(user, iin)


def registered_iin(territory) -> str:
    """An IIN on the community's register, without an account (a paper voter)."""
    iin = new_iin()
    on_register(territory, iin, surname="Қасымов", given_name="Нұрлан")
    return iin


def contest_values(**rules) -> dict:
    values = dict(description="Ауылды **абаттандыру** конкурсы.", ballot_kind=BallotKind.APPROVAL, max_choices=2,
                  min_choices=1, tally_rule=TallyRule.GREEDY)
    values.update(rules)
    return values


def project_values(**overrides) -> dict:
    n = next(_seq)
    values = dict(title=f"Балалар алаңы {n}", description="Ойын алаңы мен орындықтар.\n\n* балаларға\n* ересектерге",
                  category=Category.PLAYGROUND, address=f"Абай көшесі, {n}", estimated_cost=1_000_000)
    values.update(overrides)
    return values


def advance_to(world: World, phase: Phase) -> None:
    while world.contest.phase.order < phase.order:
        services.advance_phase(world.staff, world.contest)


def make_world(phase: Phase = Phase.VOTING, *, costs=(3_000_000, 2_000_000, 1_000_000), budget: int = 5_000_000,
               funding=None, residents: int = 3, feasible=None, categories=None, votes=None,
               commit: bool = True, **rules) -> World:
    """A community with staff, verified residents and a contest moved (by staff) up to ``phase``.

    ``costs``: one project per cost, proposed by ``world.author`` (a verified resident);
    ``feasible``: indexes of the projects found feasible at review (default: all);
    ``votes``: when going past voting, online ballots as lists of project indexes, cast by
    ``world.residents`` in order before the vote is closed.
    """
    territory = make_territory()
    staff = make_staff(territory)
    author = make_person(territory)
    people = [make_person(territory) for _ in range(residents)]
    contest = services.create_contest(
        staff, territory, title=f"Жасыл ауыл {next(_seq)}",
        categories=categories or list(Category),
        funding=funding or [("budget", budget, "Ауылдық округ бюджеті")], **contest_values(**rules))
    world = World(territory, staff, author, people, contest)
    if phase.order >= Phase.PROPOSALS.order:
        advance_to(world, Phase.PROPOSALS)
        cats = contest.category_list
        for i, cost in enumerate(costs):
            world.projects.append(project_service.propose(
                author.user, contest, **project_values(estimated_cost=cost, category=cats[i % len(cats)])))
    if phase.order >= Phase.REVIEW.order:
        advance_to(world, Phase.REVIEW)
        ok = set(range(len(costs))) if feasible is None else set(feasible)
        for i, project in enumerate(world.projects):
            project_service.review(staff, project, feasible=i in ok,
                                   reason="Смета тексерілді." if i in ok else "Жер учаскесі жоқ.",
                                   final_cost=project.estimated_cost if i in ok else None)
    if phase.order >= Phase.VOTING.order:
        advance_to(world, Phase.VOTING)
    if phase.order >= Phase.RESULTS.order:
        for person, picks in zip(people, votes or []):
            ballot_service.cast_online(person.user, contest, [world.projects[i].id for i in picks])
        advance_to(world, phase)
    if commit:
        db.session.commit()
    return world


def login(client, user: User, lang: str = "en") -> None:
    """Sign ``user`` in on ``client`` without the (slow, argon2) password form."""
    token = start_session(user, "pytest")
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = token
        sess["_fresh"] = True
    client.set_cookie("lang", lang)


def english(message) -> str:
    """A (lazy) translated message in English, to compare with message ids."""
    with force_locale("en"):
        return str(message)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def ballots_of(contest: Contest) -> list[Ballot]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Ballot).where(Ballot.contest_id == contest.id).order_by(Ballot.id)))


def audit_rows(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- generated images --------------------------------------------------------------

def png_bytes(size=(64, 48), color=(30, 140, 60), mode="RGB") -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new(mode, size, color if mode == "RGB" else color + (255,)).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps(size=(80, 60)) -> bytes:
    """A JPEG with EXIF GPS coordinates (somewhere near Almaty) and a camera model."""
    from PIL import ExifTags, Image
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "TestCam 3000"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 15.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (76.0, 53.0, 10.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


# --- HTML inspection ---------------------------------------------------------------

class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def tags(markup: str) -> list[tuple[str, dict]]:
    parser = TagCollector()
    parser.feed(markup)
    return parser.tags


def element_ids(markup: str) -> set[str]:
    return {attrs["id"] for _tag, attrs in tags(markup) if attrs.get("id")}
