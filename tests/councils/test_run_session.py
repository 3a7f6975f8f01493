"""The secretary's screen for a running session, through HTTP.

Clauses (../shared/domain-rules.md): 001 App. 2 §7 (attendance registered before opening;
quorum at least half of the members), §11 (a member speaks at most twice on an item),
§12 (majority of members present; a tie decided by the chair's vote); 000 §10-15 (chair
and secretary elected by open vote; invited persons do not vote).
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from civic.communities.models import RoleKind
from civic.councils import running
from civic.councils.models import (
    AgendaItem, Attendance, Body, Member, Participant, RollCallVote, Session, SessionState, Speech, Vote,
)
from civic.councils.record_models import Protocol, ProtocolSignature
from civic.core.errors import DomainError
from civic.extensions import db
from tests.councils.manage_helpers import (
    count, fresh_request_globals, local_today, login, make_world, radio_names, reload, running_session, text,
)
from tests.factories import grant, make_user

__all__ = ["fresh_request_globals"]


def _item(session) -> AgendaItem:
    return [i for i in reload(session).items if not i.is_progress_report][0]


# --- the whole session, as plain forms (no JavaScript) ---------------------------------------------------------

def test_a_whole_session_as_plain_forms_from_announcement_to_publication__001_app2_s7_s12(app, client):
    """Announce → register → quorum → elect → vote with a tie decided by the chair → close → draft →
    sign by both → publish, every step a plain form answered with 303 (or 422 to ask again)."""
    world = make_world(members=0)
    login(client, world.staff)

    # The body and its members (the chair's and the secretary's accounts linked by e-mail).
    response = client.post(f"/manage/c/{world.territory.slug}/bodies/new",
                           data={"kind": "meeting", "name": "Ақсу ауылдық округінің жиналысы"})
    assert response.status_code == 303, text(response)
    body = db.session.scalar(sa.select(Body).where(Body.territory_id == world.territory.id))
    names = ["Сейітов Нұрлан", "Қасымова Динара", "Төлеуов Самат", "Ахметова Сәуле"]
    emails = [world.chair_user.email, world.minutes_user.email, "", ""]
    for name, email in zip(names, emails):
        response = client.post(f"/bodies/{body.slug}/members",
                               data={"full_name": name, "role": "delegate", "represents": "Ақсу ауылы", "email": email})
        assert response.status_code == 303, text(response)
    members = db.session.scalars(sa.select(Member).where(Member.body_id == body.id).order_by(Member.id)).all()
    assert [m.user_id for m in members[:2]] == [world.chair_user.id, world.minutes_user.id]

    # A session twelve days ahead, entered in local time; an item; announced in time.
    day = local_today() + timedelta(days=12)
    response = client.post(f"/bodies/{body.slug}/sessions/new",
                           data={"day": day.isoformat(), "start_time": "15:00", "place": "Ауылдық клуб", "is_open": "y"})
    assert response.status_code == 303, text(response)
    session = db.session.scalar(sa.select(Session).where(Session.body_id == body.id))
    assert response.headers["Location"].endswith(f"/sessions/{session.id}/manage")
    assert client.post(f"/sessions/{session.id}/items",
                       data={"title": "Көше жарығы туралы", "rapporteur": "Әкім аппараты"}).status_code == 303
    response = client.post(f"/sessions/{session.id}/announce")
    assert response.status_code == 303
    assert "In time" in text(client.get(f"/sessions/{session.id}/manage"))

    # Register the four members: the quorum line follows.
    page = text(client.get(f"/sessions/{session.id}/run"))
    assert "No quorum" in page and "0 present; at least 2 needed" in page
    for member in members:
        response = client.post(f"/sessions/{session.id}/attendance", data={"member_id": member.id})
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/sessions/{session.id}/run#attendance")
    page = text(client.get(f"/sessions/{session.id}/run"))
    assert "Quorum present" in page and "4 present; at least 2 needed" in page
    response = client.post(f"/sessions/{session.id}/participants",
                           data={"part-full_name": "Жұмабаев Асқар", "part-organisation": "Аудан әкімдігі",
                                 "part-role": "шақырылған"})
    assert response.status_code == 303

    # Open; elect the chair and the secretary by open vote; approve the agenda.
    assert client.post(f"/sessions/{session.id}/open").status_code == 303
    for capacity, member in (("chair", members[0]), ("secretary", members[1])):
        response = client.post(f"/sessions/{session.id}/elect",
                               data={"elect-capacity": capacity, "elect-candidate": member.id,
                                     "elect-for_votes": 4, "elect-against": 0, "elect-abstained": 0})
        assert response.status_code == 303, text(response)
    response = client.post(f"/sessions/{session.id}/agenda/approve",
                           data={"agenda-for_votes": 4, "agenda-against": 0, "agenda-abstained": 0})
    assert response.status_code == 303
    session = reload(session)
    assert (session.chair_member_id, session.secretary_member_id, session.agenda_approved) == \
        (members[0].id, members[1].id, True)

    # A speech and a tied vote: the chair's vote decides (App. 2 §12).
    item = _item(session)
    assert client.post(f"/sessions/{session.id}/items/{item.id}/speeches",
                       data={f"speech{item.id}-speaker": f"m-{members[2].id}",
                             f"speech{item.id}-summary": "Жарық шамдарын ауыстыруды ұсынды."}).status_code == 303
    vote_data = {f"vote{item.id}-motion": "Көше жарығын жөндеу", f"vote{item.id}-method": "counted",
                 f"vote{item.id}-for_votes": 2, f"vote{item.id}-against": 2, f"vote{item.id}-abstained": 0}
    response = client.post(f"/sessions/{session.id}/items/{item.id}/votes", data=vote_data)
    assert response.status_code == 422
    page = text(response)
    assert "The votes are tied: record the chair's deciding vote." in page
    assert f'name="vote{item.id}-chair_vote"' in page          # the form now asks for it
    assert count(Vote, Vote.item_id == item.id) == 0
    response = client.post(f"/sessions/{session.id}/items/{item.id}/votes",
                           data={**vote_data, f"vote{item.id}-chair_vote": "for"})
    assert response.status_code == 303, text(response)
    vote = db.session.scalar(sa.select(Vote).where(Vote.item_id == item.id))
    assert (vote.adopted, vote.decided_by_chair, vote.chair_vote) == (True, True, "for")
    assert json.loads(vote.present_names) == [m.full_name for m in members]   # snapshot of those present
    page = text(client.get(response.headers["Location"]))
    assert "The votes were tied; the chair's deciding vote (for) decided." in page

    # Close; the protocol is drafted, signed by both with their own accounts, published.
    response = client.post(f"/sessions/{session.id}/close")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/sessions/{session.id}/protocol")
    assert client.post(f"/sessions/{session.id}/protocol", data={"action": "draft"}).status_code == 303
    protocol = db.session.scalar(sa.select(Protocol).where(Protocol.session_id == session.id))
    from civic.councils.protocols import text_sha256
    digest = text_sha256(protocol.text)
    assert digest in text(client.get(f"/sessions/{session.id}/protocol"))
    for signer in (world.chair_user, world.minutes_user):
        login(client, signer)
        page = text(client.get(f"/sessions/{session.id}/protocol"))
        assert "Sign the protocol" in page and digest in page
        response = client.post(f"/protocols/{protocol.id}/sign", data={"expected_sha256": digest})
        assert response.status_code == 303, text(response)
    assert {s.capacity for s in db.session.scalars(sa.select(ProtocolSignature))} == {"chair", "secretary"}
    login(client, world.staff)
    response = client.post(f"/protocols/{protocol.id}/publish")
    assert response.status_code == 303
    assert (reload(protocol).state, reload(session).state) == ("published", SessionState.PUBLISHED)
    page = text(client.get(f"/sessions/{session.id}/protocol"))
    assert "Published" in page
    assert f'href="/protocols/{protocol.id}"' in page       # the public page of the protocol


# --- the live attendance panel (htmx) ------------------------------------------------------------------------------

def test_registering_with_htmx_swaps_only_the_attendance_panel__001_app2_s7(app, client):
    world = make_world()
    session = running_session(world, present=1, elect=False)
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/attendance", data={"member_id": world.members[1].id},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    assert markup.lstrip().startswith('<section id="attendance"')
    assert "<html" not in markup and "<main" not in markup
    assert "Quorum present" in markup and "2 present; at least 2 needed" in markup
    assert "is registered as present" in markup
    # The roll-call lists of the running session are refreshed out of band with the new present list.
    item = _item(session)
    assert f'id="roll-call-{item.id}" class="roll-call" hx-swap-oob="true"' in markup
    assert f'name="vote{item.id}-rc-{world.members[1].id}"' in markup
    assert "HX-Request" in response.headers.get("Vary", "")
    assert count(Attendance, Attendance.session_id == session.id, Attendance.left_at.is_(None)) == 2

    # Leaving during the session: still a fragment, the quorum line drops.
    response = client.post(f"/sessions/{session.id}/attendance/leave", data={"member_id": world.members[1].id},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "No quorum" in text(response)

    # The same page, without htmx, is the full screen; the panel alone on GET only for htmx.
    full = client.get(f"/sessions/{session.id}/run")
    assert "<html" in full.get_data(as_text=True) and 'id="attendance"' in full.get_data(as_text=True)
    assert client.get(f"/sessions/{session.id}/attendance", headers={"HX-Request": "true"}) \
        .get_data(as_text=True).lstrip().startswith('<section id="attendance"')
    assert client.get(f"/sessions/{session.id}/attendance").status_code == 302


def test_a_refused_registration_is_shown_inside_the_panel(app, client):
    world = make_world()
    other = make_world()
    session = running_session(world, present=2, elect=False)
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/attendance", data={"member_id": other.members[0].id},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Only members of the body may be registered as present." in text(response)
    assert text(response).lstrip().startswith('<section id="attendance"')
    response = client.post(f"/sessions/{session.id}/attendance", data={"member_id": world.members[0].id})
    assert response.status_code == 422 and "This member is already registered." in text(response)
    assert count(Attendance, Attendance.session_id == session.id) == 2


def test_the_attendance_controls_are_plain_forms_that_htmx_enhances(app, client):
    world = make_world()
    session = running_session(world, present=0, elect=False)
    login(client, world.staff)
    page = client.get(f"/sessions/{session.id}/run").get_data(as_text=True)
    assert f'method="post" action="/sessions/{session.id}/attendance" hx-post="/sessions/{session.id}/attendance"' \
           ' hx-target="#attendance" hx-swap="outerHTML"' in page
    assert "<script>" not in page and "style=" not in page


# --- Bad input: votes ---------------------------------------------------------------------------------------------

def test_a_vote_without_quorum_is_refused_and_nothing_is_recorded__001_app2_s7(app, client):
    world = make_world(members=4)
    session = running_session(world, present=1, elect=False)
    item = _item(session)
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/items/{item.id}/votes",
                           data={f"vote{item.id}-motion": "Жарықты жөндеу", f"vote{item.id}-method": "counted",
                                 f"vote{item.id}-for_votes": 1, f"vote{item.id}-against": 0,
                                 f"vote{item.id}-abstained": 0})
    assert response.status_code == 422
    assert "There is no quorum: 1 present, at least 2 needed." in text(response)
    response = client.post(f"/sessions/{session.id}/agenda/approve",
                           data={"agenda-for_votes": 1, "agenda-against": 0, "agenda-abstained": 0})
    assert response.status_code == 422 and "There is no quorum" in text(response)
    assert count(Vote) == 0
    assert reload(session).agenda_approved is False


@pytest.mark.parametrize("who", ["guest", "absent_member", "other_body"])
def test_a_roll_call_entry_for_a_guest_or_a_member_not_present_is_refused__000_s10(app, client, who):
    """Invited persons attend and speak but do not vote; only members registered as present vote."""
    world = make_world(members=4)
    other = make_world(members=1)
    session = running_session(world, present=3)
    item = _item(session)
    for n in range(8):   # a participant whose id is no member's id
        guest = running.add_participant(world.staff, session, full_name=f"Журналист {n}", role="БАҚ")
    db.session.commit()
    assert guest.id not in {m.id for m in world.members + other.members}
    intruder = {"guest": guest.id, "absent_member": world.members[3].id, "other_body": other.members[0].id}[who]
    login(client, world.staff)
    data = {f"vote{item.id}-motion": "Жарықты жөндеу", f"vote{item.id}-method": "roll_call"}
    for member in world.members[:3]:
        data[f"vote{item.id}-rc-{member.id}"] = "for"
    data[f"vote{item.id}-rc-{intruder}"] = "against"
    votes_before = count(Vote)
    response = client.post(f"/sessions/{session.id}/items/{item.id}/votes", data=data)
    assert response.status_code == 422
    assert "Only members registered as present vote; guests do not vote." in text(response)
    assert count(Vote) == votes_before and count(RollCallVote) == 0


def test_a_member_has_one_radio_group_and_a_repeated_entry_is_refused__001_app2_s12(app, client):
    world = make_world(members=4)
    session = running_session(world)
    item = _item(session)
    login(client, world.staff)
    page = client.get(f"/sessions/{session.id}/run").get_data(as_text=True)
    names = radio_names(page, f"vote{item.id}-rc-")
    # One group per member present: three radios (for, against, abstain) share one name.
    assert sorted(set(names)) == sorted(f"vote{item.id}-rc-{m.id}" for m in world.members)
    assert all(names.count(n) == 3 for n in set(names))

    member = world.members[2]
    data = [(f"vote{item.id}-motion", "Жарықты жөндеу"), (f"vote{item.id}-method", "roll_call")]
    data += [(f"vote{item.id}-rc-{m.id}", "for") for m in world.members]
    data.append((f"vote{item.id}-rc-{member.id}", "against"))      # a second vote by the same member
    from werkzeug.datastructures import MultiDict
    votes_before = count(Vote)
    response = client.post(f"/sessions/{session.id}/items/{item.id}/votes", data=MultiDict(data))
    assert response.status_code == 422
    assert "A member votes only once on a motion." in text(response)
    assert count(Vote) == votes_before and count(RollCallVote) == 0


def test_the_service_refuses_a_repeated_roll_call_entry_too(app):
    world = make_world(members=4)
    session = running_session(world)
    item = _item(session)
    member = world.members[2]
    entries = [(m.id, "for") for m in world.members] + [(member.id, "against")]
    with pytest.raises(DomainError) as refused:
        running.record_vote(world.staff, session, item=item, motion="Жарықты жөндеу", roll_call=entries)
    from flask_babel import force_locale
    with force_locale("en"):
        assert str(refused.value.message) == "A member votes only once on a motion."
    db.session.rollback()
    # As a mapping a member can only appear once; the roll call is recorded per member.
    vote = running.record_vote(world.staff, reload(session), item=_item(session), motion="Жарықты жөндеу",
                               roll_call={m.id: "for" for m in world.members})
    assert [rc.member_id for rc in vote.roll_call] == [m.id for m in world.members]


def test_a_roll_call_tie_asks_for_the_chairs_vote_then_records_it__001_app2_s12(app, client):
    world = make_world(members=4)
    session = running_session(world)
    item = _item(session)
    login(client, world.staff)
    data = {f"vote{item.id}-motion": "Көше жарығын жөндеу", f"vote{item.id}-method": "roll_call"}
    for n, member in enumerate(world.members):
        data[f"vote{item.id}-rc-{member.id}"] = "for" if n % 2 == 0 else "against"
    response = client.post(f"/sessions/{session.id}/items/{item.id}/votes", data=data)
    assert response.status_code == 422
    page = text(response)
    assert "The votes are tied: record the chair's deciding vote." in page
    # The choices made are kept in the form shown again.
    assert f'name="vote{item.id}-rc-{world.members[1].id}" value="against" checked' in page
    response = client.post(f"/sessions/{session.id}/items/{item.id}/votes",
                           data={**data, f"vote{item.id}-chair_vote": "against"})
    assert response.status_code == 303
    vote = db.session.scalar(sa.select(Vote).where(Vote.item_id == item.id))
    assert (vote.method, vote.adopted, vote.decided_by_chair) == ("roll_call", False, True)
    assert len(vote.roll_call) == 4


def test_more_votes_than_members_present_are_refused(app, client):
    world = make_world(members=4)
    session = running_session(world, present=3)
    item = _item(session)
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/items/{item.id}/votes",
                           data={f"vote{item.id}-motion": "Жарықты жөндеу", f"vote{item.id}-method": "counted",
                                 f"vote{item.id}-for_votes": 3, f"vote{item.id}-against": 1,
                                 f"vote{item.id}-abstained": 0})
    assert response.status_code == 422
    assert "More votes than members present (3)." in text(response)
    assert count(Vote, Vote.item_id == item.id) == 0


def test_an_empty_roll_call_is_refused(app, client):
    world = make_world(members=4)
    session = running_session(world)
    item = _item(session)
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/items/{item.id}/votes",
                           data={f"vote{item.id}-motion": "Жарықты жөндеу", f"vote{item.id}-method": "roll_call"})
    assert response.status_code == 422
    assert "Record the choice of the members present." in text(response)
    assert count(Vote, Vote.item_id == item.id) == 0


# --- elections, agenda, speeches -----------------------------------------------------------------------------------

def test_the_same_member_cannot_be_chair_and_secretary__001_app2_s12(app, client):
    """Chair and secretary each sign the protocol: they must be two people."""
    world = make_world(members=4)
    session = running_session(world, elect=False)
    login(client, world.staff)
    chair = world.members[0]
    data = {"elect-candidate": chair.id, "elect-for_votes": 4, "elect-against": 0, "elect-abstained": 0}
    assert client.post(f"/sessions/{session.id}/elect", data={**data, "elect-capacity": "chair"}).status_code == 303
    response = client.post(f"/sessions/{session.id}/elect", data={**data, "elect-capacity": "secretary"})
    assert response.status_code == 422
    assert "The chair and the secretary must be different members." in text(response)
    assert reload(session).secretary_member_id is None
    assert count(Vote, Vote.subject == "secretary") == 0


def test_only_a_member_present_is_elected(app, client):
    world = make_world(members=4)
    session = running_session(world, present=3, elect=False)
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/elect",
                           data={"elect-capacity": "chair", "elect-candidate": world.members[3].id,
                                 "elect-for_votes": 3, "elect-against": 0, "elect-abstained": 0})
    assert response.status_code == 422
    assert "Only a member who is present may be elected." in text(response)
    assert reload(session).chair_member_id is None


def test_items_are_added_and_removed_by_vote_during_the_session(app, client):
    world = make_world(members=4)
    session = running_session(world)
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/agenda/add",
                           data={"additem-title": "Жайылым туралы", "additem-for_votes": 3, "additem-against": 1,
                                 "additem-abstained": 0})
    assert response.status_code == 303
    added = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.title == "Жайылым туралы"))
    assert added.status == "approved"
    response = client.post(f"/sessions/{session.id}/agenda/remove",
                           data={"rmitem-item": added.id, "rmitem-for_votes": 4, "rmitem-against": 0,
                                 "rmitem-abstained": 0})
    assert response.status_code == 303
    assert reload(added).status == "removed"
    progress = [i for i in reload(session).items if i.is_progress_report][0]
    response = client.post(f"/sessions/{session.id}/agenda/remove",
                           data={"rmitem-item": progress.id, "rmitem-for_votes": 4, "rmitem-against": 0,
                                 "rmitem-abstained": 0})
    assert response.status_code == 422
    assert "The progress of earlier decisions is always on the agenda." in text(response)
    assert reload(progress).status != "removed"


def test_a_member_speaks_at_most_twice_on_one_item__001_app2_s11(app, client):
    world = make_world(members=4)
    session = running_session(world)
    item = _item(session)
    guest = db.session.scalar(sa.select(Participant).where(Participant.session_id == session.id))
    login(client, world.staff)
    url = f"/sessions/{session.id}/items/{item.id}/speeches"
    speaker = f"m-{world.members[2].id}"
    for n in range(2):
        assert client.post(url, data={f"speech{item.id}-speaker": speaker,
                                      f"speech{item.id}-summary": f"Сөз {n}"}).status_code == 303
    response = client.post(url, data={f"speech{item.id}-speaker": speaker, f"speech{item.id}-summary": "Үшінші"})
    assert response.status_code == 422
    assert "A member speaks at most twice on one item." in text(response)
    # A guest may speak (and does not vote).
    assert client.post(url, data={f"speech{item.id}-speaker": f"p-{guest.id}",
                                  f"speech{item.id}-summary": "Аудан әкімдігінің пікірі"}).status_code == 303
    assert count(Speech, Speech.item_id == item.id) == 3
    response = client.post(url, data={f"speech{item.id}-speaker": "", f"speech{item.id}-summary": "Кім?"})
    assert response.status_code == 422 and "Choose who speaks." in text(response)


def test_closing_needs_the_chair_and_the_secretary(app, client):
    world = make_world(members=4)
    session = running_session(world, elect=False)
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/close")
    assert response.status_code == 422
    assert "Elect the chair and the secretary before closing the session." in text(response)
    assert reload(session).state == SessionState.IN_PROGRESS


def test_the_present_list_of_a_closed_session_cannot_be_changed__001_app2_s7(app, client):
    world = make_world(members=4)
    session = running_session(world)
    running.close_session(world.staff, session)
    db.session.commit()
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/attendance/leave", data={"member_id": world.members[3].id})
    assert response.status_code == 422
    assert "Attendance is registered on the day of an announced session." in text(response)
    assert count(Attendance, Attendance.session_id == session.id, Attendance.left_at.is_(None)) == 4
    with pytest.raises(DomainError):
        running.unregister(world.staff, reload(session), world.members[3])


# --- who may run a session ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["resident", "akim", "member_account", "other_staff"])
def test_only_staff_and_the_secretary_run_a_session(app, client, who):
    world = make_world(members=4)
    session = running_session(world, present=2, elect=False)
    user = {"akim": world.akim, "member_account": world.chair_user}.get(who)
    if user is None:
        user = make_user(locale="en")
        if who == "other_staff":
            from tests.factories import make_territory
            grant(user, make_territory(), RoleKind.STAFF)
        db.session.commit()
    login(client, user)
    assert client.get(f"/sessions/{session.id}/run").status_code == 403
    assert client.post(f"/sessions/{session.id}/attendance", data={"member_id": world.members[3].id}).status_code == 403
    assert client.post(f"/sessions/{session.id}/close").status_code == 403
    assert count(Attendance, Attendance.session_id == session.id) == 2


def test_the_territorys_secretary_runs_the_session(app, client):
    world = make_world(members=4)
    session = running_session(world, present=0, elect=False)
    login(client, world.secretary)
    assert client.get(f"/sessions/{session.id}/run").status_code == 200
    assert client.post(f"/sessions/{session.id}/attendance", data={"member_id": world.members[0].id}).status_code == 303


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    world = make_world(members=2)
    session = running_session(world, present=0, elect=False)
    response = client.get(f"/sessions/{session.id}/run")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_draft_session_is_not_found_by_outsiders(app, client):
    world = make_world(members=2)
    from civic.councils import sessions
    from tests.councils.manage_helpers import future
    draft = sessions.create_session(world.staff, world.body, starts_at=future(12), place="Клуб")
    db.session.commit()
    login(client, make_user(locale="en"))
    assert client.get(f"/sessions/{draft.id}/run").status_code == 404


def test_a_vote_before_the_session_is_opened_is_refused_with_a_message(app, client):
    from tests.councils.manage_helpers import announced_session
    world = make_world(members=4)
    session = announced_session(world)
    for member in world.members:
        running.register(world.staff, session, member)
    db.session.commit()
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/elect",
                           data={"elect-capacity": "chair", "elect-candidate": world.members[0].id,
                                 "elect-for_votes": 4, "elect-against": 0, "elect-abstained": 0})
    assert response.status_code == 422
    assert "The session is not in progress." in text(response)
    assert count(Vote) == 0
