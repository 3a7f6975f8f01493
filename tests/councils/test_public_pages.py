"""Public council pages (issue 4, items 2, 4, 5, 7): sessions, a session, materials, bodies,
protocols, decisions — in Kazakh, Russian and English, drafts hidden, htmx fragments, and a
number of queries per page that does not grow with the data."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from civic.councils import decisions, protocols, sessions
from civic.councils.models import SessionState
from civic.councils.pdf import FontMissing
from civic.councils.record_models import Decision
from civic.councils.rules import BodyKind
from civic.extensions import db
from tests.councils.public_helpers import (  # noqa: F401 - fixture
    PDF_BYTES, count_queries, fresh_request_globals, held_session, html_of, make_body, make_world,
    move_to_past, new_session,
)

ITEMS = [("Жайылымдарды пайдалану қағидалары туралы", "Әкім аппаратының бас маманы",
          "Жайылымдарды пайдалану кестесін бекіту"),
         ("Об освещении улиц", "Специалист аппарата акима", "Утвердить план ремонта уличного освещения")]
LANG_WORDS = {"kk": "Отырыстар", "ru": "Заседания", "en": "Sessions"}


@pytest.fixture
def world(app):
    w = make_world()
    db.session.commit()
    return w


def _login(auth, user):
    response = auth.login(user.email)
    assert response.status_code in (302, 303)


# --- sessions list ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_sessions_page_lists_upcoming_and_past_in_each_language(client, world, lang):
    body, members = make_body(world)
    upcoming = new_session(world, body, days=15, place="Ақсу ауылдық клубы")
    held, _protocol = held_session(world, body, members, items=ITEMS[:1])
    db.session.commit()
    client.set_cookie("lang", lang)
    response = client.get("/sessions")
    page = html_of(response)
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in page
    assert f'/sessions/{upcoming.id}"' in page and f'/sessions/{held.id}"' in page
    assert page.index(f'/sessions/{upcoming.id}"') < page.index(f'/sessions/{held.id}"')   # upcoming first
    assert "Ақсу ауылдық клубы" in page
    assert "HX-Request" in response.headers["Vary"]


def test_navigation_shows_sessions_and_protocols(client, world):
    client.set_cookie("lang", "en")
    page = html_of(client.get("/"))
    assert 'href="/sessions"' in page and 'href="/protocols"' in page


def test_drafts_are_hidden_from_the_public_but_shown_to_staff(client, auth, world):
    body, _members = make_body(world)
    draft = new_session(world, body, days=30, place="Жасырын орын", items=[("Жоба", "")], announce=False,
                        materials=True)
    material = draft.items[1].materials[0]
    db.session.commit()
    assert "Жасырын орын" not in html_of(client.get("/sessions"))
    assert client.get(f"/sessions/{draft.id}").status_code == 404
    assert client.get(f"/materials/{material.id}").status_code == 404
    assert "Жасырын орын" not in html_of(client.get(f"/bodies/{body.slug}"))
    assert f"council-session-{draft.id}@" not in client.get("/sessions.ics").get_data(as_text=True)
    assert all(s["id"] != draft.id for s in client.get("/sessions.json").get_json()["sessions"])
    public = new_session(world, body, days=31)
    db.session.commit()
    assert f"/sessions/{public.id}/manage" not in html_of(client.get(f"/sessions/{public.id}"))   # no staff link
    _login(auth, world.staff)
    assert f"/sessions/{public.id}/manage" in html_of(client.get(f"/sessions/{public.id}"))
    assert client.get(f"/sessions/{draft.id}").status_code == 200
    assert client.get(f"/materials/{material.id}").status_code == 200
    assert "Жасырын орын" in html_of(client.get(f"/bodies/{body.slug}"))


def test_sessions_filter_by_body_and_year_full_page_and_fragment(client, world):
    body_a, _ = make_body(world, name="Ақсу жиналысы")
    body_b, _ = make_body(world, name="Көктал жиналысы")
    in_a = new_session(world, body_a, days=10)
    in_b = new_session(world, body_b, days=12)
    old = new_session(world, body_a, days=14)
    move_to_past(old, 800)
    db.session.commit()
    client.set_cookie("lang", "en")

    page = html_of(client.get(f"/sessions?body={body_a.slug}"))
    assert f"/sessions/{in_a.id}\"" in page and f"/sessions/{in_b.id}\"" not in page
    # The filter form works without JavaScript and drives htmx when it is there.
    form = re.search(r'<form[^>]*class="filters"[^>]*>', page).group(0)
    assert 'method="get"' in form and 'hx-get="/sessions"' in form and 'hx-push-url="true"' in form
    assert 'hx-target="#sessions"' in form

    year = old.starts_at.year
    page = html_of(client.get(f"/sessions?year={year}"))
    assert f"/sessions/{old.id}\"" in page and f"/sessions/{in_a.id}\"" not in page

    fragment = client.get(f"/sessions?body={body_b.slug}", headers={"HX-Request": "true"})
    text = html_of(fragment)
    assert text.lstrip().startswith('<div id="sessions">') and "<html" not in text
    assert f"/sessions/{in_b.id}\"" in text and f"/sessions/{in_a.id}\"" not in text
    boosted = client.get(f"/sessions?body={body_b.slug}", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in html_of(boosted)
    # Nonsense in the query string is ignored, not an error.
    assert client.get("/sessions?year=abc&body=nope&page=-4").status_code == 200


def test_past_sessions_are_paginated(client, world):
    body, _ = make_body(world)
    made = []
    for n in range(33):
        session = new_session(world, body, days=10 + n)
        move_to_past(session, 5 + n)
        made.append(session)
    db.session.commit()
    client.set_cookie("lang", "en")
    first = html_of(client.get("/sessions"))
    assert len(re.findall(r'href="/sessions/\d+"', first)) == 30
    assert 'href="/sessions?page=2"' in first
    second = html_of(client.get("/sessions?page=2"))
    assert len(re.findall(r'href="/sessions/\d+"', second)) == 3
    assert 'aria-current="page">2<' in second
    assert f'href="/sessions/{made[-1].id}"' in second      # the oldest is on the last page


# --- a session -------------------------------------------------------------------------------

def test_session_page_shows_time_in_community_zone_agenda_materials_and_late_notice(client, world):
    body, _ = make_body(world)
    session = new_session(world, body, days=20, place="Ақсу ауылдық клубы", online_link="https://meet.example.kz/aksu",
                          items=[("Жайылымдарды пайдалану қағидалары туралы", "Бас маман Ермеков")], materials=True)
    # 15:00 in Almaty is 10:00 UTC; the page shows 15:00.
    session.starts_at = session.starts_at.replace(hour=10, minute=0)
    # The notice came 4 days before the session: late (10 calendar days: 001 App. 2 §6).
    session.announced_at = session.starts_at - timedelta(days=4)
    session.materials_at = session.starts_at - timedelta(days=4)
    db.session.commit()
    client.set_cookie("lang", "en")
    page = html_of(client.get(f"/sessions/{session.id}"))
    assert "3:00" in page and "GMT+05:00" in page
    assert "Ақсу ауылдық клубы" in page and 'href="https://meet.example.kz/aksu"' in page
    assert "Open to the public" in page
    assert "Жайылымдарды пайдалану қағидалары туралы" in page and "Бас маман Ермеков" in page
    material = session.items[1].materials[0]
    assert f'href="/materials/{material.id}"' in page
    assert "Жоба: Жайылымдарды" in page and "bytes" in page
    # The late notice is shown, with the dates.
    assert "Late" in page
    due = session.starts_at.date() - timedelta(days=10)
    assert due.strftime("%b") in page and str(due.day) in page


def test_cancelled_and_postponed_sessions_show_the_reason(client, world):
    body, _ = make_body(world)
    cancelled = new_session(world, body, days=20)
    postponed = new_session(world, body, days=25)
    sessions.call_off(world.staff, cancelled, state=SessionState.CANCELLED, reason="Су тасқыны; жол жабық")
    sessions.call_off(world.staff, postponed, state=SessionState.POSTPONED, reason="Клуб жөндеуде")
    db.session.commit()
    client.set_cookie("lang", "en")
    page = html_of(client.get(f"/sessions/{cancelled.id}"))
    assert "This session is cancelled." in page and "Су тасқыны; жол жабық" in page
    page = html_of(client.get(f"/sessions/{postponed.id}"))
    assert "postponed" in page and "Клуб жөндеуде" in page
    listing = html_of(client.get("/sessions"))
    assert "Cancelled" in listing and "Postponed" in listing


def test_held_session_shows_members_present_participants_votes_and_the_chairs_deciding_vote(client, world):
    body, members = make_body(world, members=6)
    session, protocol = held_session(world, body, members, items=ITEMS, tie_on_last=True)
    db.session.commit()
    client.set_cookie("lang", "en")
    page = html_of(client.get(f"/sessions/{session.id}"))
    assert "Members present: 6 of 6" in page
    for member in members:
        assert member.full_name in page
    assert "Қонақ0 Шақырылған" in page and "they do not vote" in page
    assert "Election of the chair" in page and "Approval of the agenda" in page
    assert "Жайылымдарды пайдалану кестесін бекіту" in page
    assert "Tied vote: the chair's deciding vote was “For”" in page    # 001 App. 2 §12
    assert "Roll-call vote" in page
    assert f'href="/protocols/{protocol.id}"' in page
    assert f'href="/decisions?session={session.id}"' in page


def test_material_downloads_with_its_name_and_type(client, world):
    body, _ = make_body(world)
    session = new_session(world, body, items=[("Бюджет жобасы", "")], materials=True)
    material = session.items[1].materials[0]
    db.session.commit()
    response = client.get(f"/materials/{material.id}")
    assert response.status_code == 200
    assert response.data == PDF_BYTES
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "joba.pdf" in response.headers["Content-Disposition"]
    assert client.get("/materials/999999").status_code == 404


# --- bodies ----------------------------------------------------------------------------------

def test_body_page_shows_rules_in_words_and_members_warnings_only_to_staff(client, auth, world):
    council, _members = make_body(world, members=4, kind=BodyKind.TERRITORIAL_COUNCIL, name="Аумақтық кеңес")
    db.session.commit()
    client.set_cookie("lang", "en")
    page = html_of(client.get(f"/bodies/{council.slug}"))
    assert "Territorial council" in page
    assert "two thirds" in page and "of the total membership" in page     # 000 §11
    assert "majority of the members present" in page                      # 000 §12
    assert "The chair's vote decides." in page                            # 000 §13
    assert "Төрағаев Серік Асқарұлы" in page and "Chair" in page and "Secretary" in page
    assert "even number of members" not in page                           # warnings: staff only
    _login(auth, world.staff)
    page = html_of(client.get(f"/bodies/{council.slug}"))
    assert "even number of members" in page                               # 000 §6
    assert client.get("/bodies/no-such-body").status_code == 404


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_body_and_decisions_pages_in_each_language(client, world, lang):
    body, members = make_body(world)
    held_session(world, body, members, items=ITEMS[:1])
    db.session.commit()
    client.set_cookie("lang", lang)
    for path in (f"/bodies/{body.slug}", "/decisions", "/protocols"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'<html lang="{lang}"' in html_of(response)


# --- protocols -------------------------------------------------------------------------------

def test_protocol_page_shows_text_signatures_versions_and_deadlines(client, world):
    body, members = make_body(world)
    session, first = held_session(world, body, members, items=ITEMS[:1], days_ago=40)
    db.session.commit()
    client.set_cookie("lang", "en")
    page = html_of(client.get(f"/protocols/{first.id}"))
    assert "ХАТТАМАСЫ" in page and "Жайылымдарды пайдалану кестесін бекіту" in page
    assert first.sha256 in page and page.count(first.sha256) >= 3       # the text's and both signatures'
    assert "Төрағаев Серік Асқарұлы" in page and "Хатшыбаева Гүлнар Ерланқызы" in page
    assert "Protocol to the akim (2 working days)" in page
    # The akim has not considered the decisions, 40 days on: that deadline is flagged as missed.
    assert "Deadline missed" in page

    corrected = protocols.correct(world.staff, first, text=first.text + "\nТүзету: қате жазылған тегі.\n",
                                  reason="Мүшенің тегі қате жазылған")
    digest = protocols.text_sha256(corrected.text)
    protocols.sign(world.chair_user, corrected, digest)
    protocols.sign(world.secretary_user, corrected, digest)
    protocols.publish(world.staff, corrected)
    db.session.commit()
    page = html_of(client.get(f"/protocols/{corrected.id}"))
    assert "corrected: Мүшенің тегі қате жазылған" in page
    assert f'href="/protocols/{first.id}"' in page                      # the old version stays visible
    old = html_of(client.get(f"/protocols/{first.id}"))
    assert client.get(f"/protocols/{first.id}").status_code == 200
    assert "This version was corrected." in old and f'href="/protocols/{corrected.id}"' in old


def test_unpublished_protocol_is_not_public(client, auth, world):
    body, members = make_body(world)
    session, protocol = held_session(world, body, members, items=ITEMS[:1], publish=False)
    db.session.commit()
    assert client.get(f"/protocols/{protocol.id}").status_code == 404
    assert client.get(f"/protocols/{protocol.id}.pdf").status_code == 404
    assert f"/protocols/{protocol.id}\"" not in html_of(client.get(f"/sessions/{session.id}"))
    _login(auth, world.staff)
    assert client.get(f"/protocols/{protocol.id}").status_code == 200


def test_protocol_pdf_download(client, world):
    body, members = make_body(world)
    _session, protocol = held_session(world, body, members, items=ITEMS)
    db.session.commit()
    response = client.get(f"/protocols/{protocol.id}.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]


def test_protocol_pdf_without_fonts_is_a_translated_503(client, world, monkeypatch):
    body, members = make_body(world)
    _session, protocol = held_session(world, body, members, items=ITEMS[:1])
    db.session.commit()

    def no_fonts(*args, **kwargs):
        raise FontMissing("DejaVuSans.ttf")

    monkeypatch.setattr("civic.councils.public_views.protocol_pdf", no_fonts)
    client.set_cookie("lang", "en")
    response = client.get(f"/protocols/{protocol.id}.pdf")
    assert response.status_code == 503
    assert "fonts" in html_of(response) and "Traceback" not in html_of(response)


def test_protocol_page_has_a_print_stylesheet(client, app):
    css = client.get("/static/css/ortaq.css").get_data(as_text=True)
    assert "@media print" in css and ".protocol-text" in css


# --- decisions -------------------------------------------------------------------------------

def test_decisions_page_shows_status_executor_overdue_akim_answer_and_reports(client, world):
    body, members = make_body(world)
    session, _protocol = held_session(world, body, members, items=ITEMS)
    made = db.session.scalars(db.select(Decision).where(Decision.session_id == session.id)
                              .order_by(Decision.id)).all()
    today = date.today()
    decisions.assign(world.staff, made[0], executor="Жер қатынастары маманы", due_on=today - timedelta(days=3))
    decisions.assign(world.staff, made[1], executor="Коммуналдық шаруашылық маманы", due_on=today + timedelta(days=30))
    decisions.akim_review(world.akim, made[0], agree=True, reason="")
    decisions.akim_review(world.akim, made[1], agree=False, reason="Қаражат жоқ")
    decisions.add_report(world.staff, made[0], text="Кесте ауылдарға жіберілді", reported_on=today - timedelta(days=1),
                         done=False)
    db.session.commit()
    client.set_cookie("lang", "en")
    page = html_of(client.get("/decisions"))
    assert "Жер қатынастары маманы" in page and "Overdue" in page and "overdue" in page
    assert "The akim agreed" in page
    assert "The akim disagreed" in page and "Қаражат жоқ" in page
    assert "Кесте ауылдарға жіберілді" in page
    overdue_only = html_of(client.get("/decisions?status=overdue"))
    assert "Жер қатынастары маманы" in overdue_only and "Коммуналдық шаруашылық маманы" not in overdue_only
    by_session = html_of(client.get(f"/decisions?session={session.id}"))
    assert "Жер қатынастары маманы" in by_session


def test_status_filters_agree_with_status_code(app, world):
    """The SQL filters of the decisions page give the same answer as decisions.status_code."""
    from civic.councils import queries
    body, members = make_body(world)
    session, _ = held_session(world, body, members, items=ITEMS)
    made = db.session.scalars(db.select(Decision).where(Decision.session_id == session.id)).all()
    decisions.assign(world.staff, made[0], executor="Маман", due_on=date.today() - timedelta(days=1))
    db.session.flush()
    for code in queries.DECISION_STATUSES:
        listed = {d.id for d in queries.decisions_listing(status=code).items}
        expected = {d.id for d in made if decisions.status_code(d) == code}
        assert listed == expected, code


# --- markup ----------------------------------------------------------------------------------

def test_pages_have_no_inline_script_or_style_and_tables_have_header_scope(client, world):
    body, members = make_body(world)
    session, protocol = held_session(world, body, members, items=ITEMS, materials=True)
    db.session.commit()
    for path in ("/sessions", f"/sessions/{session.id}", f"/bodies/{body.slug}", "/protocols",
                 f"/protocols/{protocol.id}", "/decisions", "/protocols?q=жайылым"):
        page = html_of(client.get(path))
        assert "<script>" not in page and "<style" not in page and " style=" not in page, path
        assert "onclick=" not in page and "javascript:" not in page, path
        assert "<th>" not in page, path          # every header cell says what it heads
        headings = [int(h) for h in re.findall(r"<h([1-6])[ >]", page)]
        assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:])), path


# --- queries per page ------------------------------------------------------------------------

def _statements(client, path) -> int:
    client.get(path)                     # warm-up: first-use work (schema checks, caches)
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_sessions_list_queries_do_not_grow_with_the_data(client, world):
    body, _ = make_body(world)
    for n in range(2):
        move_to_past(new_session(world, body, days=10 + n), 3 + n)
    new_session(world, body, days=40)
    db.session.commit()
    few = _statements(client, "/sessions")
    other, _ = make_body(world)
    for n in range(40):
        move_to_past(new_session(world, other if n % 2 else body, days=50 + n), 10 + n)
    for n in range(5):
        new_session(world, other, days=60 + n)
    db.session.commit()
    assert _statements(client, "/sessions") == few
    assert _statements(client, "/sessions.json") == _statements(client, "/sessions.json?page=1")


def _big_session(world, items: int, members: int):
    body, people = make_body(world, members=members)
    agenda = [(f"Мәселе {n}: ауыл көшелерін жөндеу", f"Баяндамашы {n}", f"Шешім {n} бекітілсін") for n in range(items)]
    session, _protocol = held_session(world, body, people, items=agenda, materials=True, tie_on_last=True,
                                      participants=3)
    return session


def test_session_page_queries_do_not_grow_with_items_and_members(client, world):
    small = _big_session(world, items=2, members=4)
    db.session.commit()
    few = _statements(client, f"/sessions/{small.id}")
    big = _big_session(world, items=40, members=100)
    db.session.commit()
    many = _statements(client, f"/sessions/{big.id}")
    assert many == few
    assert many <= 20


@pytest.mark.parametrize("state", [SessionState.HELD, SessionState.PUBLISHED, SessionState.CANCELLED])
def test_the_online_link_is_public_only_while_the_session_is_ahead_or_under_way(client, world, state):
    body, _ = make_body(world)
    link = "https://meet.example.kz/standing-room"
    session = new_session(world, body, days=20, online_link=link)
    client.set_cookie("lang", "en")
    assert f'href="{link}"' in html_of(client.get(f"/sessions/{session.id}"))
    session.state = state
    db.session.commit()
    assert link not in html_of(client.get(f"/sessions/{session.id}"))
    assert link not in client.get("/sessions.json").get_data(as_text=True)
    assert link not in client.get("/sessions.ics").get_data(as_text=True)
    assert session.online_link == link          # kept for the secretary's screen
