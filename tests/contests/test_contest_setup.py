"""Contests: the budget as the sum of its funding sources, the ballot rules, and the phases.

Decree 003: project contests are held in local communities *in stages*; projects are funded
within the rural-district budget and its programmes *plus* voluntary contributions,
sponsorship and investors' money. Staff (the akimat) run the stages.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from civic.contests import services
from civic.contests.models import BallotKind, Category, Contest, FundingSource, Phase, ProjectStatus
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db
from tests.contests.contest_helpers import (
    audit_rows, contest_values, count, english, app, contest_app, fresh_request_globals, login, make_person, make_staff,
    make_world, text,
)
from tests.factories import make_territory

__all__ = ["app", "contest_app", "fresh_request_globals"]


def staff_and_territory():
    territory = make_territory()
    return make_staff(territory), territory


def contest_form(**overrides) -> dict:
    data = {
        "title": "Жасыл ауыл — 2027", "description": "Бірінші конкурс.",
        "categories": ["greening", "playground"],
        "budget_amount": "20 000 000", "budget_note": "Ауылдық округ бюджеті",
        "voluntary_amount": "1 500 000", "voluntary_note": "Ерікті жарналар",
        "sponsorship_amount": "500 000", "sponsorship_note": "Демеуші",
        "investor_amount": "3 000 000", "investor_note": "Инвестор",
        "ballot_kind": "approval", "max_choices": "3", "min_choices": "1",
        "tally_rule": "greedy", "completion": "add1-greedy", "min_support_pct": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- the budget (003: budget programme + voluntary contributions + sponsorship + investors) ---

def test_budget_is_the_sum_of_the_funding_sources_003(app):
    staff, territory = staff_and_territory()
    contest = services.create_contest(
        staff, territory, title="Конкурс", categories=list(Category),
        funding=[("budget", 10_000_000, "бюджет"), ("voluntary", 750_000, "жарналар"),
                 ("sponsorship", 250_000, ""), ("investor", 4_000_000, "инвестор")], **contest_values())
    db.session.commit()
    assert contest.budget == 15_000_000
    assert sorted(f.kind.value for f in contest.funding) == ["budget", "investor", "sponsorship", "voluntary"]


def test_contest_form_sums_the_sources_with_spaces_as_thousand_separators(app, client):
    staff, territory = staff_and_territory()
    login(client, staff)
    response = client.post(f"/contests/new?community={territory.slug}", data=contest_form())
    assert response.status_code == 303, text(response)
    contest = db.session.scalar(sa.select(Contest))
    assert contest.phase == Phase.DRAFT
    assert contest.budget == 20_000_000 + 1_500_000 + 500_000 + 3_000_000
    page = text(client.get(response.headers["Location"]))
    assert "25 000 000" in page.replace("\u00a0", " ").replace(",", " ")
    assert [e.action for e in audit_rows("contest.created")] == ["contest.created"]


@pytest.mark.parametrize("funding", [[], [("budget", 0, "")], [("budget", 0, ""), ("voluntary", 0, "")]])
def test_a_budget_of_zero_is_refused(app, funding):
    staff, territory = staff_and_territory()
    with pytest.raises(DomainError) as error:
        services.create_contest(staff, territory, title="Конкурс", categories=[Category.PARK], funding=funding,
                                **contest_values())
    assert error.value.field == "funding"
    assert "more than zero" in english(error.value.message)


@pytest.mark.parametrize("overrides", [
    {"budget_amount": "", "voluntary_amount": "", "sponsorship_amount": "", "investor_amount": ""},
    {"budget_amount": "0", "voluntary_amount": "", "sponsorship_amount": "", "investor_amount": ""},
    {"budget_amount": "-5 000"},
    {"budget_amount": "12 500,50"},
    {"budget_amount": "много"},
    {"budget_amount": "99 999 999 999 999 999 999"},   # would overflow the 64-bit column
])
def test_contest_form_refuses_a_bad_budget_and_stores_nothing(app, client, overrides):
    staff, territory = staff_and_territory()
    login(client, staff)
    response = client.post(f"/contests/new?community={territory.slug}", data=contest_form(**overrides))
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True) or "form-errors" in response.get_data(as_text=True)
    assert count(Contest) == 0 and count(FundingSource) == 0


def test_only_staff_create_contests(app, client):
    _staff, territory = staff_and_territory()
    resident = make_person(territory)
    with pytest.raises(NotAllowed):
        services.create_contest(resident.user, territory, title="Конкурс", categories=[Category.PARK],
                                funding=[("budget", 1_000_000, "")], **contest_values())
    login(client, resident.user)
    assert client.post(f"/contests/new?community={territory.slug}", data=contest_form()).status_code == 403
    assert count(Contest) == 0


# --- ballot rules ---------------------------------------------------------------------

@pytest.mark.parametrize("rules, field, words", [
    (dict(ballot_kind=BallotKind.APPROVAL, max_choices=0), "max_choices", "at least 1"),
    (dict(ballot_kind=BallotKind.APPROVAL, max_choices=None), "max_choices", "at least 1"),
    (dict(ballot_kind=BallotKind.APPROVAL, max_choices=2, min_choices=3), "min_choices", "minimum cannot be larger"),
    (dict(ballot_kind=BallotKind.APPROVAL, max_choices=2, min_choices=-1), "min_choices", "negative"),
    (dict(ballot_kind=BallotKind.KNAPSACK, max_choices=None, cost_cap=None), "cost_cap", "cap"),
    (dict(ballot_kind=BallotKind.KNAPSACK, max_choices=None, cost_cap=5_000_001), "cost_cap", "larger than the budget"),
    (dict(min_age=10), "min_age", "between 14 and 100"),
    (dict(completion="add2"), "completion", "completion"),
    (dict(min_support_pct=101), "min_support_pct", "percentage"),
])
def test_ballot_rules_are_checked(app, rules, field, words):
    staff, territory = staff_and_territory()
    with pytest.raises(DomainError) as error:
        services.create_contest(staff, territory, title="Конкурс", categories=[Category.PARK],
                                funding=[("budget", 5_000_000, "")], **contest_values(**rules))
    assert error.value.field == field
    assert words in english(error.value.message)


def test_a_knapsack_cap_equal_to_the_budget_is_fine(app):
    staff, territory = staff_and_territory()
    contest = services.create_contest(staff, territory, title="Конкурс", categories=[Category.PARK],
                                      funding=[("budget", 5_000_000, "")],
                                      **contest_values(ballot_kind=BallotKind.KNAPSACK, max_choices=None,
                                                       cost_cap=5_000_000))
    assert contest.cost_cap == contest.budget


def test_lowering_the_budget_below_the_cap_is_refused(app):
    world = make_world(Phase.PROPOSALS, ballot_kind=BallotKind.KNAPSACK, max_choices=None, cost_cap=4_000_000)
    with pytest.raises(DomainError) as error:
        services.update_contest(world.staff, world.contest, funding=[("budget", 3_000_000, "")])
    assert error.value.field == "cost_cap"


def test_rules_and_budget_are_frozen_once_voting_opens(app):
    world = make_world(Phase.VOTING)
    contest = world.contest
    for change in (dict(max_choices=3), dict(min_choices=2), dict(allow_change=True), dict(min_age=18),
                   dict(ballot_kind=BallotKind.KNAPSACK, cost_cap=1_000_000)):
        with pytest.raises(DomainError) as error:
            services.update_contest(world.staff, contest, **change)
        assert "fixed once voting has opened" in english(error.value.message)
        db.session.rollback()
    with pytest.raises(DomainError):
        services.update_contest(world.staff, contest, funding=[("budget", 9_000_000, "")])
    db.session.rollback()
    db.session.expire_all()
    assert (contest.max_choices, contest.min_choices, contest.budget) == (2, 1, 5_000_000)
    # The text may still be corrected.
    services.update_contest(world.staff, contest, title="Жасыл ауыл (түзетілді)")
    db.session.commit()
    assert contest.title == "Жасыл ауыл (түзетілді)"


def test_rules_can_change_before_voting(app):
    world = make_world(Phase.REVIEW)
    services.update_contest(world.staff, world.contest, max_choices=1, funding=[("budget", 6_000_000, "")])
    db.session.commit()
    assert (world.contest.max_choices, world.contest.budget) == (1, 6_000_000)


def test_staff_can_edit_the_title_during_voting_through_the_form(app, client):
    """The rule fieldsets are disabled in the browser during voting: they are not sent at all."""
    world = make_world(Phase.VOTING, allow_change=True, min_age=18)
    login(client, world.staff)
    page = client.get(world.url("/edit"))
    assert page.status_code == 200 and "disabled" in page.get_data(as_text=True)
    data = {"title": "Жаңа атау", "description": "Түзетілген сипаттама", "categories": ["park", "playground"]}
    response = client.post(world.url("/edit"), data=data)
    assert response.status_code == 303, text(response)
    db.session.expire_all()
    contest = world.contest
    assert contest.title == "Жаңа атау"
    assert (contest.allow_change, contest.min_age, contest.max_choices, contest.budget) == (True, 18, 2, 5_000_000)


def test_a_forged_rule_change_during_voting_does_not_change_the_rules(app, client):
    world = make_world(Phase.VOTING)
    login(client, world.staff)
    data = {"title": world.contest.title, "categories": ["park"], "max_choices": "9", "min_choices": "1",
            "ballot_kind": "approval", "tally_rule": "greedy", "completion": "none",
            "budget_amount": "99 000 000"}
    client.post(world.url("/edit"), data=data)
    db.session.expire_all()
    assert (world.contest.max_choices, world.contest.budget) == (2, 5_000_000)


def test_dates_of_phases_must_follow_each_other(app):
    from datetime import date
    staff, territory = staff_and_territory()
    with pytest.raises(DomainError) as error:
        services.create_contest(staff, territory, title="Конкурс", categories=[Category.PARK],
                                funding=[("budget", 5_000_000, "")],
                                **contest_values(voting_from=date(2027, 5, 1), voting_until=date(2027, 4, 1)))
    assert error.value.field == "voting_until"


# --- phases (003: held in stages) ---------------------------------------------------------

def test_staff_move_phases_one_step_at_a_time_and_every_move_is_logged_003(app, client):
    world = make_world(Phase.DRAFT, costs=())
    login(client, world.staff)
    # Skipping a phase is refused.
    response = client.post(world.url("/advance"), data={"to": "review"}, follow_redirects=True)
    assert "already moved on" in text(response)
    db.session.expire_all()
    assert world.contest.phase == Phase.DRAFT
    response = client.post(world.url("/advance"), data={"to": "proposals"})
    assert response.status_code == 303
    db.session.expire_all()
    assert world.contest.phase == Phase.PROPOSALS
    entries = audit_rows("contest.phase")
    assert len(entries) == 1
    assert entries[0].actor_id == world.staff.id
    assert entries[0].details_dict == {"previous": "draft", "phase": "proposals"}
    assert entries[0].object_id == str(world.contest.id)


def test_a_repeated_advance_form_moves_only_once(app, client):
    world = make_world(Phase.DRAFT, costs=())
    login(client, world.staff)
    client.post(world.url("/advance"), data={"to": "proposals"})
    client.post(world.url("/advance"), data={"to": "proposals"})  # a second tab, a double click
    db.session.expire_all()
    assert world.contest.phase == Phase.PROPOSALS
    assert len(audit_rows("contest.phase")) == 1


def test_advance_with_an_unknown_phase_is_a_bad_request(app, client):
    world = make_world(Phase.DRAFT, costs=())
    login(client, world.staff)
    assert client.post(world.url("/advance"), data={"to": "finished"}).status_code == 400
    assert client.post(world.url("/advance"), data={}).status_code == 400


@pytest.mark.parametrize("who", ["resident", "other_staff", "plain_user"])
def test_only_staff_of_the_community_move_phases(app, client, who):
    world = make_world(Phase.PROPOSALS, costs=(1_000_000,))
    if who == "resident":
        user = world.residents[0].user
    elif who == "other_staff":
        user = make_staff(make_territory())
    else:
        user = make_person(world.territory, verified=False).user
    login(client, user)
    assert client.post(world.url("/advance"), data={"to": "review"}).status_code == 403
    db.session.expire_all()
    assert world.contest.phase == Phase.PROPOSALS
    with pytest.raises(NotAllowed):
        services.advance_phase(user, world.contest)


def test_anonymous_advance_goes_to_sign_in(app, client):
    world = make_world(Phase.PROPOSALS, costs=(1_000_000,))
    response = client.post(world.url("/advance"), data={"to": "review"})
    assert response.status_code in (302, 303) and "/account/login" in response.headers["Location"]
    db.session.expire_all()
    assert world.contest.phase == Phase.PROPOSALS


def test_voting_cannot_open_with_unreviewed_projects(app, client):
    world = make_world(Phase.REVIEW, costs=(1_000_000, 2_000_000), commit=False)
    world.projects[1].status = ProjectStatus.SUBMITTED   # one still waiting for its review
    db.session.commit()
    with pytest.raises(DomainError) as error:
        services.advance_phase(world.staff, world.contest)
    assert "1 not reviewed" in english(error.value.message)
    db.session.rollback()
    login(client, world.staff)
    response = client.post(world.url("/advance"), data={"to": "voting"}, follow_redirects=True)
    assert "Review every project before voting opens" in text(response)
    db.session.expire_all()
    assert world.contest.phase == Phase.REVIEW
    assert len(audit_rows("contest.phase")) == 2   # draft→proposals→review only


def test_voting_cannot_open_without_a_feasible_project(app):
    world = make_world(Phase.REVIEW, costs=(1_000_000, 2_000_000), feasible=())
    with pytest.raises(DomainError) as error:
        services.advance_phase(world.staff, world.contest)
    assert "no feasible project" in english(error.value.message)


@pytest.mark.parametrize("rules", [dict(max_choices=3),
                                   dict(ballot_kind=BallotKind.KNAPSACK, max_choices=None, cost_cap=5_000_000)])
def test_voting_cannot_open_when_the_minimum_exceeds_the_projects(app, rules):
    """Otherwise no ballot could be valid."""
    world = make_world(Phase.REVIEW, costs=(1_000_000, 2_000_000, 500_000), feasible=(0,), min_choices=2,
                       **rules)
    with pytest.raises(DomainError) as error:
        services.advance_phase(world.staff, world.contest)
    assert "minimum number of projects" in english(error.value.message)


def test_a_closed_contest_has_no_next_phase(app):
    world = make_world(Phase.VOTING)
    world.contest.phase = Phase.CLOSED
    db.session.commit()
    assert services.next_phase(world.contest) is None
    with pytest.raises(DomainError):
        services.advance_phase(world.staff, world.contest)


# --- drafts are not public -------------------------------------------------------------------

def test_drafts_are_invisible_to_the_public(app, client):
    world = make_world(Phase.DRAFT, costs=())
    title = world.contest.title
    assert client.get(world.url()).status_code == 404
    assert title not in text(client.get("/contests/"))
    resident = make_person(world.territory)
    login(client, resident.user)
    assert client.get(world.url()).status_code == 404
    assert client.get(world.url("/ballot")).status_code == 404
    assert client.get(world.url("/results")).status_code == 404
    assert title not in text(client.get("/contests/"))
    other = client.application.test_client()
    login(other, world.staff)
    assert other.get(world.url()).status_code == 200
    assert title in text(other.get("/contests/"))


def test_the_public_page_shows_the_phase_timeline(app, client):
    world = make_world(Phase.PROPOSALS, costs=(1_000_000,))
    client.set_cookie("lang", "en")
    page = client.get(world.url()).get_data(as_text=True)
    assert 'aria-current="step"' in page
    assert "What happens now" in page and "Verified residents propose projects." in page


def test_voting_cannot_open_when_the_cheapest_minimum_exceeds_the_cap(app):
    """Knapsack ballots: if the cheapest projects the minimum asks for cost more than the cap
    together, no ballot could be valid."""
    world = make_world(Phase.REVIEW, costs=(1_000_000, 2_000_000, 1_500_000), min_choices=2,
                       ballot_kind=BallotKind.KNAPSACK, max_choices=None, cost_cap=2_400_000)
    with pytest.raises(DomainError) as error:
        services.advance_phase(world.staff, world.contest)
    assert re.search(r"2 cheapest projects together cost 2\D?500\D?000 tenge", english(error.value.message))
    assert world.contest.phase == Phase.REVIEW
    world.contest.cost_cap = 2_500_000
    assert services.advance_phase(world.staff, world.contest) == Phase.VOTING
