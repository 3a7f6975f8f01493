"""Results: closing the vote counts it; the count is stored so anyone can recompute it; the
public results page; open data (CSV, JSON, pabulib).

Decree 003: the best projects, supported by the majority of residents, are funded within
the budget.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
import sqlalchemy as sa

from civic.contests import results as result_service
from civic.contests import services
from civic.contests.models import Phase, TallyResult, TallyRule, WorkStatus
from civic.extensions import db
from tests.contests.contest_helpers import (
    audit_rows, app, contest_app, fresh_request_globals, login, make_world, tags, text,
)

__all__ = ["app", "contest_app", "fresh_request_globals"]

# Budget 5 million. A (4 M) has 3 votes, B (2 M) 2 votes, C (1 M) 1 vote, D (0.5 M) none:
# greedy funds A, skips B (only 1 M left) and funds the cheaper C after it.
COSTS = (4_000_000, 2_000_000, 1_000_000, 500_000)
VOTES = ([0, 1], [0, 1], [0, 2])


@pytest.fixture
def voting(app):
    world = make_world(Phase.VOTING, costs=COSTS, budget=5_000_000)
    from civic.contests import ballots as ballot_service
    for person, picks in zip(world.residents, VOTES):
        ballot_service.cast_online(person.user, world.contest, [world.projects[i].id for i in picks])
    db.session.commit()
    return world


@pytest.fixture
def counted(voting, client):
    login(client, voting.staff)
    response = client.post(voting.url("/advance"), data={"to": "results"})
    assert response.status_code == 303
    db.session.expire_all()
    assert voting.contest.phase == Phase.RESULTS
    client.set_cookie("lang", "en")
    return voting


def test_closing_the_vote_counts_the_ballots_and_stores_the_count(counted):
    world = counted
    a, b, c, d = world.projects
    [stored] = db.session.scalars(sa.select(TallyResult)).all()
    assert stored.rule == "greedy" and stored.ballots_counted == 3
    assert re.fullmatch(r"[0-9a-f]{64}", stored.inputs_sha256)
    # The audit head at the time of the count: the phase change that closed the vote.
    phase_entry = [e for e in audit_rows("contest.phase") if e.details_dict["phase"] == "results"][0]
    assert stored.audit_head == phase_entry.hash
    [tallied] = audit_rows("contest.tallied")
    assert tallied.details_dict["inputs_sha256"] == stored.inputs_sha256
    assert tallied.details_dict["selected"] == sorted([a.id, c.id])
    # Anyone can recompute the inputs' fingerprint and the outcome.
    costs, ballots = result_service.tally_inputs(world.contest)
    assert result_service.inputs_sha256(world.contest, costs, ballots) == stored.inputs_sha256
    assert result_service.compute(world.contest, costs, ballots) == json.loads(stored.result_json)
    assert [p.funded for p in (a, b, c, d)] == [True, False, True, False]


def test_greedy_skips_a_project_that_does_not_fit_and_funds_a_cheaper_later_one(counted):
    world = counted
    a, b, c, d = world.projects
    data = json.loads(result_service.latest_result(world.contest).result_json)
    assert data["selected"] == [a.id, c.id] and data["used"] == 5_000_000
    reasons = {item["id"]: item["reason"] for item in data["projects"]}
    assert reasons == {a.id: "funded", b.id: "not_enough_budget_left", c.id: "funded", d.id: "no_votes"}
    votes = {item["id"]: item["votes"] for item in data["projects"]}
    assert votes == {a.id: 3, b.id: 2, c.id: 1, d.id: 0}


def test_the_results_page(counted, client):
    world = counted
    a, b, c, d = world.projects
    response = client.get(world.url("/results"))
    assert response.status_code == 200
    page = text(response)
    for project in world.projects:
        assert project.title in page
    # Winners first, then the others by votes.
    positions = [page.index(p.title, page.index("<table")) for p in (a, c, b, d)]
    assert positions == sorted(positions)
    assert "Funded" in page
    assert "Not funded: not enough money was left in the budget" in page
    assert "Not funded: no votes" in page
    assert "100.0%" in page and "66.7%" in page and "33.3%" in page and "0.0%" in page   # share of ballots
    assert "4,000,000\u00a0₸" in page and "500,000\u00a0₸" in page                       # costs
    # Turnout: 3 ballots of 4 verified residents (the author and three others).
    assert "75.0%" in page and "of 4 residents on the register or verified" in page
    # The chart is drawn on the server and readable without JavaScript.
    raw = response.get_data(as_text=True)
    svg = [attrs for tag, attrs in tags(raw) if tag == "svg"]
    assert svg and svg[0].get("role") == "img"
    assert len([1 for tag, attrs in tags(raw) if tag == "rect"]) == 4
    assert "<title" in raw[raw.index("<svg"):raw.index("</svg>")]
    stored = result_service.latest_result(world.contest)
    assert stored.inputs_sha256 in raw and stored.audit_head in raw


def test_results_are_not_shown_before_the_count(voting, client):
    assert client.get(voting.url("/results")).status_code == 404
    assert client.get(voting.url("/results.csv")).status_code == 404
    assert client.get(voting.url("/results.json")).status_code == 404
    assert client.get(voting.url("/implementation")).status_code == 404


def test_csv_export(counted, client):
    world = counted
    response = client.get(world.url("/results.csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["project_id"] for r in rows] == [str(p.id) for p in (world.projects[0], world.projects[2],
                                                                   world.projects[1], world.projects[3])]
    by_id = {r["project_id"]: r for r in rows}
    a, b = world.projects[0], world.projects[1]
    assert by_id[str(a.id)] == {"project_id": str(a.id), "title": a.title, "category": a.category.value,
                                "cost": "4000000", "votes": "3", "selected": "1", "reason": "funded"}
    assert by_id[str(b.id)]["selected"] == "0" and by_id[str(b.id)]["reason"] == "not_enough_budget_left"


def test_json_export(counted, client):
    world = counted
    response = client.get(world.url("/results.json"))
    assert response.status_code == 200 and response.is_json
    data = response.get_json()
    stored = result_service.latest_result(world.contest)
    assert data["rule"] == "greedy" and data["inputs_sha256"] == stored.inputs_sha256
    assert data["audit_head"] == stored.audit_head and data["ballots"] == 3 and data["used"] == 5_000_000
    assert data["contest"]["budget"] == 5_000_000 and data["contest"]["funding"][0]["kind"] == "budget"
    assert data["selected"] == [world.projects[0].id, world.projects[2].id]
    assert {p["id"]: p["votes"] for p in data["projects"]}[world.projects[1].id] == 2
    _no_personal_data(world, response.get_data(as_text=True))


def _no_personal_data(world, body: str) -> None:
    from civic.contests.models import Ballot
    people = [world.author] + world.residents
    for person in people:
        assert person.iin not in body and person.user.email not in body
        assert person.user.residency_in(world.territory).iin_hmac not in body
    for ballot in db.session.scalars(sa.select(Ballot)):
        assert ballot.voter_key not in body and ballot.receipt_hash not in body


def test_pabulib_export_has_no_names_or_iins(counted, client):
    world = counted
    response = client.get(world.url("/results.pb"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    lines = [line.strip() for line in body.splitlines()]
    for section in ("META", "PROJECTS", "VOTES"):
        assert section in lines
    assert "selected" in body
    _no_personal_data(world, body)
    for person in [world.author] + world.residents:
        assert person.user.surname not in body or person.user.surname in world.contest.title
    votes = lines[lines.index("VOTES") + 2:]
    assert len([v for v in votes if v]) == 3


def test_a_contest_without_ballots_is_counted_and_funds_nothing(app, client):
    world = make_world(Phase.RESULTS, votes=[])
    stored = result_service.latest_result(world.contest)
    assert stored.ballots_counted == 0 and json.loads(stored.result_json)["selected"] == []
    assert not any(p.funded for p in world.projects)
    client.set_cookie("lang", "en")
    page = text(client.get(world.url("/results")))
    assert "Not funded: no votes" in page and "0.0%" in page


def test_minimum_support_is_explained(app, client):
    world = make_world(Phase.RESULTS, costs=(1_000_000, 1_000_000), budget=5_000_000, min_support_pct=50,
                       votes=[[0], [0], [0, 1]])
    a, b = world.projects
    assert a.funded and not b.funded
    client.set_cookie("lang", "en")
    assert "Not funded: below the minimum support" in text(client.get(world.url("/results")))


def test_equal_shares_contest_is_counted_with_its_rule(app, client):
    world = make_world(Phase.RESULTS, costs=(3_000_000, 2_000_000, 1_000_000), budget=5_000_000,
                       tally_rule=TallyRule.MES, completion="add1-greedy", votes=[[0], [1], [2]])
    stored = result_service.latest_result(world.contest)
    assert stored.rule == "mes+add1-greedy"
    data = json.loads(stored.result_json)
    assert sum(item["cost"] for item in data["projects"] if item["selected"]) <= 5_000_000
    assert client.get(world.url("/results")).status_code == 200


def test_implementation_starts_with_funded_projects_planned(counted):
    world = counted
    services.advance_phase(world.staff, world.contest)
    db.session.commit()
    a, b, c, d = world.projects
    assert (a.work_status, c.work_status) == (WorkStatus.PLANNED, WorkStatus.PLANNED)
    assert b.work_status is None and d.work_status is None
