"""Feeds and open data (issue 4, item 7): iCalendar of sessions (all, and per body), Atom of
published protocols, JSON of sessions, votes and decisions."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import pytest

from civic.councils import decisions, feeds, sessions
from civic.councils.models import SessionState
from civic.councils.record_models import Decision
from civic.extensions import db
from tests.councils.public_helpers import (  # noqa: F401 - fixture
    fresh_request_globals, future, held_session, make_body, make_world, new_session,
)

ATOM = "{http://www.w3.org/2005/Atom}"
ITEMS = [("Жайылымдарды пайдалану қағидалары туралы", "Бас маман", "Жайылым кестесін бекіту"),
         ("Көше жарығын жөндеу туралы", "Маман", "Көше жарығын жөндеу")]


@pytest.fixture
def world(app):
    w = make_world()
    db.session.commit()
    return w


def unfold(text: str) -> list[str]:
    """RFC 5545 §3.1: remove CRLF followed by one space, then split into lines."""
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def events(text: str) -> list[dict]:
    found, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _sep, value = line.partition(":")
            current[name] = value
    return found


def by_uid(text: str, session) -> dict:
    return next(e for e in events(text) if e["UID"].startswith(f"council-session-{session.id}@"))


# --- iCalendar: the writer ---------------------------------------------------------------------

def test_text_is_escaped_per_rfc5545():
    assert feeds.escape_text("Клуб, 2-қабат; зал \\ 3\nкіреберіс") == "Клуб\\, 2-қабат\\; зал \\\\ 3\\nкіреберіс"


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "Қарабұлақ ауылдық округінің жергілікті қоғамдастық жиналысы " * 3
    folded = feeds.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line    # every character survives whole
    assert feeds.fold("SHORT:ok") == "SHORT:ok"


def test_calendar_structure():
    start = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    text = feeds.calendar([feeds.CalendarEvent(uid="council-session-1@example.kz", stamp=start, starts_at=start,
                                               ends_at=start + timedelta(hours=2), summary="A, b; c", sequence=3)],
                          name="Test")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "DTSTART:20260302T100000Z" in lines and "DTEND:20260302T120000Z" in lines
    assert "SUMMARY:A\\, b\\; c" in lines and "SEQUENCE:3" in lines
    assert "\n" not in text.replace("\r\n", "")                        # CRLF only


# --- iCalendar: the feeds ----------------------------------------------------------------------

def test_sessions_ics_is_valid_and_escaped(client, world):
    body, members = make_body(world)
    session = new_session(world, body, days=15, place="Ауылдық клуб, 2-қабат; үлкен зал",
                          items=[("Бюджет жобасы туралы", "Бас есепші")])
    held, _protocol = held_session(world, body, members, items=ITEMS, days_ago=20)
    db.session.commit()
    response = client.get("/sessions.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    event = by_uid(text, session)
    assert event["LOCATION"] == "Ауылдық клуб\\, 2-қабат\\; үлкен зал"
    assert event["DTSTART"] == session.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert event["DTEND"].endswith("Z") and event["DTSTAMP"].endswith("Z") and event["LAST-MODIFIED"].endswith("Z")
    assert event["SEQUENCE"] == "0" and event["STATUS"] == "CONFIRMED"
    assert event["URL"].endswith(f"/sessions/{session.id}")
    assert "Бюджет жобасы туралы" in event["DESCRIPTION"]
    past = by_uid(text, held)
    assert past["DTSTART"] == held.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert past["DTEND"] == held.closed_at.strftime("%Y%m%dT%H%M%SZ")


def test_uid_is_stable_and_sequence_increments_when_moved_or_called_off(client, world):
    body, _ = make_body(world)
    session = new_session(world, body, days=20)
    db.session.commit()
    first = by_uid(client.get("/sessions.ics").get_data(as_text=True), session)
    assert first["SEQUENCE"] == "0"

    sessions.reschedule(world.staff, session, starts_at=future(25), place="Мектеп залы", reason="Клуб жөндеуде")
    db.session.commit()
    moved = by_uid(client.get("/sessions.ics").get_data(as_text=True), session)
    assert moved["UID"] == first["UID"]
    assert moved["SEQUENCE"] == "1"
    assert moved["LOCATION"] == "Мектеп залы" and moved["DTSTART"] != first["DTSTART"]

    sessions.call_off(world.staff, session, state=SessionState.CANCELLED, reason="Карантин")
    db.session.commit()
    cancelled = by_uid(client.get("/sessions.ics").get_data(as_text=True), session)
    assert cancelled["UID"] == first["UID"]
    assert cancelled["SEQUENCE"] == "2"
    assert cancelled["STATUS"] == "CANCELLED"
    assert "Карантин" in cancelled["DESCRIPTION"]


def test_postponed_session_is_tentative(client, world):
    body, _ = make_body(world)
    session = new_session(world, body, days=20)
    sessions.call_off(world.staff, session, state=SessionState.POSTPONED, reason="Жол жабық")
    db.session.commit()
    event = by_uid(client.get("/sessions.ics").get_data(as_text=True), session)
    assert event["STATUS"] == "TENTATIVE" and event["SEQUENCE"] == "1"


def test_body_ics_has_only_that_bodys_public_sessions(client, world):
    body, _ = make_body(world)
    other, _ = make_body(world)
    mine = new_session(world, body, days=10)
    draft = new_session(world, body, days=12, announce=False)
    theirs = new_session(world, other, days=14)
    db.session.commit()
    response = client.get(f"/bodies/{body.slug}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    uids = {e["UID"].split("@")[0] for e in events(response.get_data(as_text=True))}
    assert uids == {f"council-session-{mine.id}"}
    assert f"council-session-{draft.id}" not in uids and f"council-session-{theirs.id}" not in uids
    assert client.get("/bodies/no-such-body.ics").status_code == 404


# --- Atom --------------------------------------------------------------------------------------

def test_atom_feed_of_published_protocols_parses(client, world):
    body, members = make_body(world)
    _s1, published = held_session(world, body, members, items=ITEMS[:1], days_ago=30)
    _s2, unpublished = held_session(world, body, members, items=ITEMS[1:], days_ago=20, publish=False)
    db.session.commit()
    response = client.get("/protocols.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text and root.find(f"{ATOM}updated").text
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/protocols.atom")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").endswith(f"/protocols/{published.id}")
    assert entry.find(f"{ATOM}link[@rel='enclosure']").get("href").endswith(f"/protocols/{published.id}.pdf")
    assert "Жайылым кестесін бекіту" in entry.find(f"{ATOM}content").text
    assert entry.find(f"{ATOM}updated").text.endswith("Z")
    assert f"/protocols/{unpublished.id}" not in response.get_data(as_text=True)


def test_atom_drops_characters_xml_does_not_allow():
    start = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    data = feeds.atom([feeds.AtomEntry(id="tag:x,2024:1", title="A\x01B", url="http://x/1", updated=start,
                                       content="текст\x0b & <b>")],
                      feed_id="tag:x,2024:f", title="T", self_url="http://x/f", alternate_url="http://x/",
                      updated=start, author="Ortaq")
    root = ET.fromstring(data)
    assert root.find(f"{ATOM}entry/{ATOM}title").text == "AB"
    assert root.find(f"{ATOM}entry/{ATOM}content").text == "текст & <b>"


# --- JSON open data ----------------------------------------------------------------------------

def test_sessions_json_shape_and_pagination(client, world):
    body, members = make_body(world)
    upcoming = new_session(world, body, days=10, items=[("Бюджет", "Есепші")], materials=True)
    held, protocol = held_session(world, body, members, items=ITEMS, days_ago=15)
    new_session(world, body, days=11, announce=False)
    db.session.commit()
    response = client.get("/sessions.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    assert {"page", "per_page", "total", "pages", "next", "prev", "sessions"} <= set(data)
    assert data["total"] == 2 and data["next"] is None and data["prev"] is None
    first = next(s for s in data["sessions"] if s["id"] == upcoming.id)
    assert {"id", "url", "body", "number", "starts_at", "timezone", "place", "online_link", "is_open", "state",
            "state_reason", "revision", "agenda", "protocol_url"} <= set(first)
    assert first["state"] == "announced" and first["timezone"] == "Asia/Almaty"
    assert datetime.fromisoformat(first["starts_at"]).utcoffset() == timedelta(0)
    assert first["body"]["slug"] == body.slug
    materials = first["agenda"][1]["materials"]
    assert materials[0]["url"].endswith(f"/materials/{materials[0]['id']}")
    assert materials[0]["mime"] == "application/pdf"
    past = next(s for s in data["sessions"] if s["id"] == held.id)
    assert past["protocol_url"].endswith(f"/protocols/{protocol.id}")


def test_sessions_json_pages(client, world, monkeypatch):
    from civic.councils import queries
    body, _ = make_body(world)
    for n in range(3):
        new_session(world, body, days=10 + n)
    db.session.commit()
    monkeypatch.setattr(queries, "JSON_PER_PAGE", 2)
    first = client.get("/sessions.json").get_json()
    assert first["pages"] == 2 and len(first["sessions"]) == 2 and first["next"].endswith("/sessions.json?page=2")
    second = client.get(first["next"]).get_json()
    assert second["page"] == 2 and len(second["sessions"]) == 1 and second["next"] is None
    assert second["prev"].endswith("page=1")
    assert {s["id"] for s in first["sessions"]}.isdisjoint(s["id"] for s in second["sessions"])


def test_votes_json_has_counts_results_and_roll_call(client, world):
    body, members = make_body(world, members=4)
    held, _ = held_session(world, body, members, items=ITEMS, tie_on_last=True)
    db.session.commit()
    data = client.get(f"/votes.json?session={held.id}").get_json()
    votes = data["votes"]
    assert {v["subject"] for v in votes} == {"chair", "secretary", "agenda", "motion"}
    tie = next(v for v in votes if v["method"] == "roll_call")
    assert tie["decided_by_chair"] is True and tie["chair_vote"] == "for" and tie["adopted"] is True
    assert tie["for"] == 2 and tie["against"] == 2 and tie["present"] == 4
    assert {rc["member"] for rc in tie["roll_call"]} == {m.full_name for m in members}
    assert tie["item"]["title"] == ITEMS[1][0]
    counted = next(v for v in votes if v["subject"] == "motion" and v["method"] == "counted")
    assert counted["roll_call"] is None and len(counted["members_present"]) == 4
    assert all(v["session_id"] == held.id for v in votes)


def test_decisions_json_status_and_reports_without_personal_data(client, world):
    body, members = make_body(world)
    held, _ = held_session(world, body, members, items=ITEMS)
    made = db.session.scalars(db.select(Decision).where(Decision.session_id == held.id).order_by(Decision.id)).all()
    decisions.assign(world.staff, made[0], executor="Жер маманы", due_on=date.today() - timedelta(days=2))
    decisions.akim_review(world.akim, made[0], agree=True, reason="Келісемін")
    decisions.add_report(world.staff, made[0], text="Жұмыс басталды", reported_on=date.today(), done=False)
    db.session.commit()
    response = client.get("/decisions.json")
    data = response.get_json()
    first = next(d for d in data["decisions"] if d["id"] == made[0].id)
    assert first["status"] == "overdue" and first["overdue"] is True
    assert first["executor"] == "Жер маманы" and first["due_on"] == (date.today() - timedelta(days=2)).isoformat()
    assert first["akim"] == {"status": "agreed", "reason": "Келісемін", "considered_at": first["akim"]["considered_at"]}
    assert first["reports"] == [{"reported_on": date.today().isoformat(), "text": "Жұмыс басталды", "done": False}]
    raw = response.get_data(as_text=True)
    for secret in (world.staff.email, world.akim.email, "author_id", "user_id", "iin"):
        assert secret not in raw
    assert json.loads(raw) == data
