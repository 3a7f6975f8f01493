"""Ballots: verified residents vote in the voting phase under the contest's rules; one ballot
per resident, online or on paper; a receipt; every ballot in the audit log.

Decree 003: residents vote, and the best projects, supported by the majority of residents,
are funded.
"""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from civic.contests import ballots as ballot_service
from civic.contests.models import Ballot, BallotChoice, BallotKind, Phase, ProjectStatus
from civic.core.audit import AuditEntry, verify_chain
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db
from tests.contests.contest_helpers import (
    app, audit_rows, ballots_of, contest_app, count, english, fresh_request_globals, login, make_person, make_staff,
    make_world,
    registered_iin, tags, text,
)
from tests.factories import invalid_iin, make_territory, valid_iin

__all__ = ["app", "contest_app", "fresh_request_globals"]

RECEIPT = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")
NOT_ON_BALLOT = "The ballot names a project that is not on it."
ALREADY = "A ballot has already been cast for this resident in this contest."


@pytest.fixture
def world(app):
    """Approval of up to 2 of 3 feasible projects (3, 2 and 1 million ₸; budget 5 million)."""
    return make_world(Phase.VOTING)


def ids(world, *indexes) -> list[str]:
    return [str(world.projects[i].id) for i in indexes]


def vote(client, world, *indexes, follow_redirects=False, **extra):
    return client.post(world.url("/ballot"), data={"project": ids(world, *indexes), **extra},
                       follow_redirects=follow_redirects)


def nothing_stored(world) -> bool:
    return not ballots_of(world.contest) and count(BallotChoice) == 0 and audit_rows("ballot.cast") == []


# --- casting, the receipt -----------------------------------------------------------------------

def test_a_verified_resident_votes_and_sees_the_receipt_once(world, client):
    voter = world.residents[0]
    login(client, voter.user)
    page = client.get(world.url("/ballot"))
    assert page.status_code == 200
    for project in world.projects:
        assert f'value="{project.id}"' in page.get_data(as_text=True)
    response = vote(client, world, 0, 2)
    assert response.status_code == 303, text(response)
    assert response.headers["Location"].endswith(world.url("/ballot/done"))
    done = text(client.get(world.url("/ballot/done")))
    codes = RECEIPT.findall(done)
    assert len(codes) == 1
    code = codes[0]
    assert not RECEIPT.search(text(client.get(world.url("/ballot/done"))))   # shown once only

    [ballot] = ballots_of(world.contest)
    assert ballot.project_ids == sorted([world.projects[0].id, world.projects[2].id])
    assert ballot.channel == "online" and ballot.version == 1
    assert code not in ballot.receipt_hash and ballot.receipt_hash == ballot_service.receipt_hash(code)
    residency = voter.user.residency_in(world.territory)
    assert ballot.voter_key != residency.iin_hmac                         # no link to the residency
    [entry] = audit_rows("ballot.cast")
    assert entry.object_id == str(ballot.id) and entry.actor_id is None
    assert entry.details_dict["digest"] == ballot.digest
    assert code not in entry.details and str(voter.id) not in json.dumps(entry.details_dict.get("actor"))

    # Anyone can check the receipt; the choices are not revealed.
    public = client.application.test_client()
    public.set_cookie("lang", "en")
    for variant in (code, code.lower(), code.replace("-", ""), f"  {code} "):
        checked = text(public.get("/contests/receipt", query_string={"code": variant}))
        assert "Your ballot is counted" in checked and world.contest.title in checked
        for project in world.projects:
            assert project.title not in checked
    wrong = text(public.get("/contests/receipt", query_string={"code": "AAAA-BBBB-CCCC"}))
    assert "No ballot has this receipt code" in wrong
    assert public.get("/contests/receipt").status_code == 200


def test_the_contest_page_says_the_resident_has_voted(world, client):
    login(client, world.residents[0].user)
    vote(client, world, 1)
    page = text(client.get(world.url()))
    assert "You have voted." in page and "1 ballot cast so far." in page


@pytest.mark.parametrize("who", ["unverified", "other_community", "staff"])
def test_only_verified_residents_of_the_community_vote(world, client, who):
    if who == "unverified":
        user = make_person(world.territory, verified=False).user
    elif who == "other_community":
        user = make_person(make_territory()).user
    else:
        user = world.staff
    login(client, user)
    assert client.get(world.url("/ballot")).status_code == 403
    response = vote(client, world, 0)
    assert response.status_code == 403 and "Only verified residents" in text(response)
    with pytest.raises(NotAllowed):
        ballot_service.cast_online(user, world.contest, ids(world, 0))
    assert nothing_stored(world)


def test_anonymous_voters_are_sent_to_sign_in(world, client):
    response = vote(client, world, 0)
    assert response.status_code in (302, 303) and "/account/login" in response.headers["Location"]
    assert nothing_stored(world)


@pytest.mark.parametrize("phase", [Phase.REVIEW, Phase.RESULTS])
def test_only_during_the_voting_phase(app, client, phase):
    world = make_world(phase, votes=[[0]] if phase == Phase.RESULTS else None)
    before = count(Ballot)
    login(client, world.residents[1].user)
    response = vote(client, world, 0, follow_redirects=True)
    assert "Voting is not open in this contest." in text(response)
    with pytest.raises(DomainError) as error:
        ballot_service.cast_online(world.residents[1].user, world.contest, ids(world, 0))
    assert english(error.value.message) == "Voting is not open in this contest."
    assert count(Ballot) == before
    assert client.post(world.url("/ballot/count"), data={"project": ids(world, 0)}).status_code == 409


# --- the rules, checked by the server -----------------------------------------------------------

def test_approval_over_k_is_refused(world, client):
    login(client, world.residents[0].user)
    response = vote(client, world, 0, 1, 2)
    assert response.status_code == 422
    assert "You may choose at most 2 projects." in text(response)
    assert nothing_stored(world)
    # The choices are kept on the page for correction.
    assert response.get_data(as_text=True).count("checked") >= 3


@pytest.mark.parametrize("chosen, min_choices, message", [
    ((), 1, "Choose at least one project."),
    ((0,), 2, "Choose at least 2 projects."),
])
def test_under_the_minimum_is_refused(app, client, chosen, min_choices, message):
    world = make_world(Phase.VOTING, max_choices=3, min_choices=min_choices)
    login(client, world.residents[0].user)
    response = vote(client, world, *chosen)
    assert response.status_code == 422 and message in text(response)
    assert nothing_stored(world)


def test_knapsack_over_the_cap_is_refused(app, client):
    world = make_world(Phase.VOTING, ballot_kind=BallotKind.KNAPSACK, max_choices=None, cost_cap=4_000_000)
    login(client, world.residents[0].user)
    response = vote(client, world, 0, 1)                 # 3 + 2 million > 4 million
    assert response.status_code == 422
    assert "The chosen projects cost more than the 4 000 000 ₸ you may spend." in text(response)
    assert nothing_stored(world)
    assert vote(client, world, 0, 2).status_code == 303   # 3 + 1 million fits
    assert ballots_of(world.contest)[0].project_ids == [world.projects[0].id, world.projects[2].id]


def test_forged_project_ids_are_refused(app, client):
    world = make_world(Phase.VOTING, costs=(3_000_000, 2_000_000, 1_000_000, 500_000), feasible=(0, 1, 3))
    other = make_world(Phase.VOTING)
    not_feasible = world.projects[2]
    assert not_feasible.status == ProjectStatus.NOT_FEASIBLE
    login(client, world.residents[0].user)
    for forged in (str(other.projects[0].id), str(not_feasible.id), "abc", "-1", "1e3", "", "999999",
                   f"{world.projects[0].id}.0"):
        response = client.post(world.url("/ballot"), data={"project": [str(world.projects[1].id), forged]})
        assert response.status_code == 422, forged
        assert NOT_ON_BALLOT in text(response), forged
        with pytest.raises(DomainError):
            ballot_service.cast_online(world.residents[0].user, world.contest, [world.projects[1].id, forged])
        db.session.rollback()
    assert nothing_stored(world)


def test_a_project_named_twice_counts_once(world, client):
    login(client, world.residents[0].user)
    response = client.post(world.url("/ballot"), data={"project": ids(world, 1, 1, 1)})
    assert response.status_code == 303
    assert ballots_of(world.contest)[0].project_ids == [world.projects[1].id]


# --- minimum age: a stated birth date, never stored ---------------------------------------------

def born(contest, years_ago: int, days: int = 0) -> str:
    """A birth date ``years_ago`` years (plus ``days``) before today in the community."""
    from civic.contests.services import community_today
    today = community_today(contest)
    try:
        day = today.replace(year=today.year - years_ago)
    except ValueError:                        # 29 February
        day = today.replace(year=today.year - years_ago, day=28)
    return (day + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("birth, message", [
    ("", "Enter your date of birth"),
    ((18, 1), "aged 18 or over"),                          # 18 tomorrow
    ((-1, 0), "not possible"),
    ("1850-01-01", "not possible"),
    ("31.12.2000", "Not a valid date value"),
])
def test_a_minimum_age_needs_a_stated_birth_date(app, client, birth, message):
    world = make_world(Phase.VOTING, min_age=18)
    if isinstance(birth, tuple):
        birth = born(world.contest, *birth)
    login(client, world.residents[0].user)
    assert 'name="birth_date"' in client.get(world.url("/ballot")).get_data(as_text=True)
    response = vote(client, world, 0, birth_date=birth)
    assert response.status_code == 422 and message in text(response)
    assert nothing_stored(world)


def test_the_birth_date_is_checked_but_stored_nowhere(app, client):
    world = make_world(Phase.VOTING, min_age=18)
    birth = born(world.contest, 18)                       # 18 today
    login(client, world.residents[0].user)
    assert vote(client, world, 0, birth_date=birth).status_code == 303
    assert len(ballots_of(world.contest)) == 1
    for table in db.metadata.sorted_tables:
        assert not [c.name for c in table.columns if "birth" in c.name], table.name
    compact = birth.replace("-", "")
    for entry in db.session.scalars(sa.select(AuditEntry)):
        assert birth not in entry.details and compact not in entry.details
    for row in db.session.execute(sa.select(Ballot.__table__)).mappings():
        assert birth not in json.dumps(dict(row), default=str)
    with client.session_transaction() as sess:
        assert birth not in json.dumps(dict(sess), default=str)


def test_the_age_is_counted_on_the_communitys_date(app, monkeypatch):
    """At 01:00 on 11 March in Kazakhstan it is still 10 March in UTC: a voter born on 11 March
    2009 is 18 in the community that day."""
    from datetime import datetime, timezone
    from civic.core import database
    world = make_world(Phase.VOTING, min_age=18)
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2027, 3, 10, 20, 0, tzinfo=timezone.utc))
    with pytest.raises(DomainError):
        ballot_service.check_age(world.contest, date(2009, 3, 12))
    ballot_service.check_age(world.contest, date(2009, 3, 11))
    result = ballot_service.cast_online(world.residents[0].user, world.contest, ids(world, 0), date(2009, 3, 11))
    assert result.receipt


# --- changing a ballot --------------------------------------------------------------------------

def test_a_cast_ballot_cannot_be_changed_when_the_contest_says_so(world, client):
    login(client, world.residents[0].user)
    assert vote(client, world, 0).status_code == 303
    response = vote(client, world, 1, 2)
    assert response.status_code == 422 and ALREADY in text(response)
    [ballot] = ballots_of(world.contest)
    assert ballot.project_ids == [world.projects[0].id] and ballot.version == 1
    assert len(audit_rows("ballot.cast")) == 1 and audit_rows("ballot.changed") == []
    assert "A cast ballot cannot be changed." in text(client.get(world.url("/ballot")))


def test_a_ballot_may_be_changed_until_voting_closes_when_allowed(app, client):
    world = make_world(Phase.VOTING, allow_change=True)
    login(client, world.residents[0].user)
    assert vote(client, world, 0).status_code == 303
    code = RECEIPT.findall(text(client.get(world.url("/ballot/done"))))[0]
    assert "Change my ballot" in text(client.get(world.url("/ballot")))
    response = vote(client, world, 1, 2, follow_redirects=True)
    page = text(response)
    assert "Your ballot is changed. Your receipt code stays the same." in page and not RECEIPT.search(page)
    [ballot] = ballots_of(world.contest)
    assert ballot.project_ids == sorted([world.projects[1].id, world.projects[2].id]) and ballot.version == 2
    [changed] = audit_rows("ballot.changed")
    assert changed.details_dict["digest"] == ballot.digest and changed.details_dict["version"] == 2
    assert ballot_service.find_receipt(code).id == ballot.id
    assert ballot_service.tampered_ballots(world.contest) == []
    # A changed ballot still obeys the rules.
    assert vote(client, world, 0, 1, 2).status_code == 422
    assert ballots_of(world.contest)[0].version == 2


# --- paper ballots ------------------------------------------------------------------------------

def paper(client, world, iin, *indexes, follow_redirects=False, **extra):
    return client.post(world.url("/paper"), data={"iin": iin, "project": ids(world, *indexes), **extra},
                       follow_redirects=follow_redirects)


def test_staff_enter_a_paper_ballot_for_a_person_on_the_register(world, client):
    iin = registered_iin(world.territory)
    db.session.commit()
    login(client, world.staff)
    assert client.get(world.url("/paper")).status_code == 200
    response = paper(client, world, iin, 0, 1)
    assert response.status_code == 303, text(response)
    [ballot] = ballots_of(world.contest)
    assert ballot.channel == "paper" and ballot.project_ids == sorted(int(i) for i in ids(world, 0, 1))
    [entry] = audit_rows("ballot.cast")
    assert entry.actor_id == world.staff.id and entry.details_dict["channel"] == "paper"
    assert entry.details_dict["digest"] == ballot.digest
    assert iin not in entry.details
    # The same person cannot be entered twice.
    again = paper(client, world, iin, 2)
    assert again.status_code == 422 and ALREADY in text(again)
    assert len(ballots_of(world.contest)) == 1


@pytest.mark.parametrize("case, message", [
    ("invalid", "12 digits with a correct control digit"),
    ("unknown", "neither on the community's register nor a verified resident"),
    ("other_register", "neither on the community's register nor a verified resident"),
    ("over_k", "You may choose at most 2 projects."),
    ("forged", NOT_ON_BALLOT),
])
def test_paper_ballots_follow_the_same_rules(world, client, case, message):
    iin = registered_iin(world.territory)
    if case == "invalid":
        iin = invalid_iin()
    elif case == "unknown":
        iin = valid_iin()
    elif case == "other_register":
        iin = registered_iin(make_territory())
    db.session.commit()
    login(client, world.staff)
    if case == "forged":
        response = client.post(world.url("/paper"), data={"iin": iin, "project": ["abc"]})
    else:
        response = paper(client, world, iin, *((0, 1, 2) if case == "over_k" else (0,)))
    assert response.status_code == 422
    assert message in text(response)
    assert nothing_stored(world)


def test_only_staff_enter_paper_ballots(world, client):
    iin = registered_iin(world.territory)
    db.session.commit()
    for user in (world.residents[0].user, make_staff(make_territory())):
        login(client, user)
        assert paper(client, world, iin, 0).status_code == 403
        with pytest.raises(NotAllowed):
            ballot_service.cast_paper(user, world.contest, iin, ids(world, 0))
    assert nothing_stored(world)


def test_no_paper_ballots_outside_voting(app, client):
    world = make_world(Phase.REVIEW)
    iin = registered_iin(world.territory)
    db.session.commit()
    login(client, world.staff)
    response = paper(client, world, iin, 0)
    assert "Voting is not open in this contest." in text(response)
    assert count(Ballot) == 0


def test_online_first_then_paper_is_refused(world, client):
    voter = world.residents[0]
    login(client, voter.user)
    assert vote(client, world, 0).status_code == 303
    staff = client.application.test_client()
    login(staff, world.staff)
    response = paper(staff, world, voter.iin, 1)
    assert response.status_code == 422 and ALREADY in text(response)
    [ballot] = ballots_of(world.contest)
    assert ballot.channel == "online" and ballot.project_ids == [world.projects[0].id]


def test_paper_first_then_online_is_refused_even_when_changes_are_allowed(app, client):
    world = make_world(Phase.VOTING, allow_change=True)
    voter = world.residents[0]
    staff = client.application.test_client()
    login(staff, world.staff)
    assert paper(staff, world, voter.iin, 1).status_code == 303
    login(client, voter.user)
    assert "You have voted." in text(client.get(world.url()))
    response = vote(client, world, 0)
    assert response.status_code == 422 and ALREADY in text(response)
    [ballot] = ballots_of(world.contest)
    assert ballot.channel == "paper" and ballot.project_ids == [world.projects[1].id]


# --- the audit log ------------------------------------------------------------------------------

def test_every_ballot_has_an_audit_entry_with_its_digest(world):
    for voter, picks in zip(world.residents, ([0], [1, 2], [2])):
        ballot_service.cast_online(voter.user, world.contest, ids(world, *picks))
    ballot_service.cast_paper(world.staff, world.contest, registered_iin(world.territory), ids(world, 0, 1))
    db.session.commit()
    ballots = ballots_of(world.contest)
    entries = {e.object_id: e.details_dict for e in audit_rows("ballot.cast")}
    assert len(ballots) == 4 and len(entries) == 4
    for ballot in ballots:
        assert entries[str(ballot.id)]["digest"] == ballot.digest
        assert ballot.digest == ballot_service.ballot_digest(ballot, ballot.project_ids)
    assert verify_chain().ok
    assert ballot_service.tampered_ballots(world.contest) == []


def test_tampered_ballots_finds_choices_changed_by_raw_sql(world):
    for voter, picks in zip(world.residents, ([0], [1], [0, 2])):
        ballot_service.cast_online(voter.user, world.contest, ids(world, *picks))
    db.session.commit()
    first, second, third = ballots_of(world.contest)
    db.session.commit()
    a, b, c = (p.id for p in world.projects)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE ballot_choice SET project_id = :new WHERE ballot_id = :b AND project_id = :old"),
                     {"new": b, "b": first.id, "old": a})
    db.session.rollback()   # a fresh snapshot: see the raw changes
    assert ballot_service.tampered_ballots(world.contest) == [first.id]
    # Recomputing the stored digest as well does not hide it: the audit log keeps the original.
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO ballot_choice (ballot_id, project_id) VALUES (:b, :p)"),
                     {"b": third.id, "p": b})
    db.session.rollback()   # a fresh snapshot: see the raw changes
    ballot = db.session.get(Ballot, third.id)
    forged = ballot_service.ballot_digest(ballot, ballot.project_ids)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE ballot SET digest = :d WHERE id = :b"), {"d": forged, "b": third.id})
    db.session.rollback()   # a fresh snapshot: see the raw changes
    assert ballot_service.tampered_ballots(world.contest) == [first.id, third.id]


# --- the live counter (htmx) ----------------------------------------------------------------------

def test_the_live_counter_returns_only_its_fragment(world, client):
    login(client, world.residents[0].user)
    client.set_cookie("lang", "en")
    page = client.get(world.url("/ballot")).get_data(as_text=True)
    assert 'id="ballot-counter"' in page and f'hx-post="{world.url("/ballot/count")}"' in page
    response = client.post(world.url("/ballot/count"), data={"project": ids(world, 0)},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = text(response).strip()
    assert body.startswith('<div id="ballot-counter"') and "<html" not in body and "<body" not in body
    assert "Chosen: 1 of 2" in body and 'class="error"' not in body
    over = text(client.post(world.url("/ballot/count"), data={"project": ids(world, 0, 1, 2)}))
    assert "Chosen: 3 of 2" in over and "You may choose at most 2 projects." in over and "counter-warn" in over
    forged = text(client.post(world.url("/ballot/count"), data={"project": ["abc"]}))
    assert NOT_ON_BALLOT in forged
    assert nothing_stored(world)


def test_the_knapsack_counter_shows_tenge_left(app, client):
    world = make_world(Phase.VOTING, ballot_kind=BallotKind.KNAPSACK, max_choices=None, cost_cap=4_500_000)
    client.set_cookie("lang", "en")
    fits = text(client.post(world.url("/ballot/count"), data={"project": ids(world, 0, 2)}))
    assert "Chosen: 4,000,000\u00a0₸; left to spend: 500,000\u00a0₸" in fits
    over = text(client.post(world.url("/ballot/count"), data={"project": ids(world, 0, 1)}))
    assert "left to spend: -500,000\u00a0₸" in over
    assert "The chosen projects cost more than the 4 500 000 ₸ you may spend." in over


def test_with_csrf_protection_on_the_ballot_form_carries_its_token(make_app):
    application = make_app(WTF_CSRF_ENABLED=True)
    with application.app_context():
        world = make_world(Phase.VOTING)
        client = application.test_client()
        login(client, world.residents[0].user)
        page = client.get(world.url("/ballot")).get_data(as_text=True)
        token = [attrs["value"] for tag, attrs in tags(page) if tag == "input" and attrs.get("name") == "csrf_token"]
        assert token                           # the ballot form (and the others on the page) carry it
        project = str(world.projects[0].id)
        assert client.post(world.url("/ballot"), data={"project": [project]}).status_code == 400
        assert client.post(world.url("/ballot/count"), data={"project": [project]}).status_code == 400
        assert count(Ballot) == 0
        counter = client.post(world.url("/ballot/count"), data={"project": [project], "csrf_token": token[0]})
        assert counter.status_code == 200
        response = client.post(world.url("/ballot"), data={"project": [project], "csrf_token": token[0]})
        assert response.status_code == 303
        assert count(Ballot) == 1
