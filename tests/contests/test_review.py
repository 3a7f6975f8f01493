"""Review: the akimat marks each project feasible or not with a public reason, sets the final
cost (never above the contest's budget — decree 003: funding within the budget's capacity),
merges duplicates, and the author is told by e-mail."""
from __future__ import annotations

import pytest

from civic.contests import projects as project_service
from civic.contests import services
from civic.contests.ballots import ballot_projects
from civic.contests.models import Phase, ProjectStatus
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db
from tests.contests.contest_helpers import (
    audit_rows, app, contest_app, fresh_request_globals, login, make_person, make_world, text,
)

__all__ = ["app", "contest_app", "fresh_request_globals"]


@pytest.fixture
def world(app):
    return make_world(Phase.PROPOSALS, costs=(1_000_000, 2_000_000, 1_500_000), budget=5_000_000)


@pytest.fixture
def in_review(world):
    services.advance_phase(world.staff, world.contest)
    db.session.commit()
    return world


def mails_to(outbox, address):
    return [m for m in outbox if m["To"] == address]


def test_feasible_with_a_final_cost_and_a_public_reason(in_review, client, outbox):
    world, project = in_review, in_review.projects[0]
    login(client, world.staff)
    response = client.post(world.url(f"/p/{project.id}/review"),
                           data={"verdict": "feasible", "final_cost": "1 200 000", "reason": "Смета тексерілді."})
    assert response.status_code == 303, text(response)
    db.session.expire_all()
    assert (project.status, project.final_cost, project.cost) == (ProjectStatus.FEASIBLE, 1_200_000, 1_200_000)
    assert project.estimated_cost == 1_000_000 and project.reviewed_at is not None
    entry = audit_rows("project.reviewed")[-1]
    assert entry.actor_id == world.staff.id and entry.details_dict == {"feasible": True, "cost": 1_200_000}
    # The reason is public: an anonymous visitor sees it.
    public = client.application.test_client()
    public.set_cookie("lang", "en")
    page = text(public.get(world.url(f"/p/{project.id}")))
    assert "Смета тексерілді." in page and "1,200,000" in page
    # The author is told.
    mails = mails_to(outbox, world.author.user.email)
    assert len(mails) == 1
    body = mails[0].get_content()
    assert project.title in mails[0]["Subject"] and "Смета тексерілді." in body
    assert "feasible" in body and "1 200 000" in body


def test_not_feasible_needs_a_reason_too_and_keeps_the_project_off_the_ballot(in_review, outbox):
    world, project = in_review, in_review.projects[1]
    project_service.review(world.staff, project, feasible=False, reason="Учаске су қорғау аймағында.",
                           final_cost=None)
    db.session.commit()
    assert project.status == ProjectStatus.NOT_FEASIBLE
    assert "not feasible" in mails_to(outbox, world.author.user.email)[0].get_content()
    for other in world.projects:
        if other is not project:
            project_service.review(world.staff, other, feasible=True, reason="Болады.", final_cost=None)
    services.advance_phase(world.staff, world.contest)
    db.session.commit()
    assert project not in ballot_projects(world.contest)
    assert {p.id for p in ballot_projects(world.contest)} == {world.projects[0].id, world.projects[2].id}


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_reason_is_required(in_review, client, outbox, reason):
    world, project = in_review, in_review.projects[0]
    login(client, world.staff)
    response = client.post(world.url(f"/p/{project.id}/review"), data={"verdict": "not_feasible", "reason": reason})
    assert response.status_code == 422 and "This field is required." in text(response)
    with pytest.raises(DomainError) as error:
        project_service.review(world.staff, project, feasible=False, reason=reason, final_cost=None)
    assert error.value.field == "reason"
    db.session.rollback()
    db.session.expire_all()
    assert project.status == ProjectStatus.SUBMITTED and project.review_reason == ""
    assert outbox == [] and audit_rows("project.reviewed") == []


@pytest.mark.parametrize("final_cost, message", [
    ("5 000 001", "larger than the whole budget"),
    ("-1", "greater than zero"),
    ("0", "greater than zero"),
    ("1 000 000,50", "without kopecks"),
])
def test_a_bad_final_cost_is_refused(in_review, client, outbox, final_cost, message):
    world, project = in_review, in_review.projects[0]
    login(client, world.staff)
    response = client.post(world.url(f"/p/{project.id}/review"),
                           data={"verdict": "feasible", "final_cost": final_cost, "reason": "Қымбат."})
    assert response.status_code == 422
    assert message in text(response)
    db.session.expire_all()
    assert project.status == ProjectStatus.SUBMITTED and project.final_cost is None
    assert outbox == []


def test_the_whole_budget_is_an_acceptable_final_cost(in_review):
    project = in_review.projects[0]
    project_service.review(in_review.staff, project, feasible=True, reason="Барлық бюджет.", final_cost=5_000_000)
    assert project.cost == 5_000_000


def test_review_only_by_staff_and_only_in_the_review_phase(world, client):
    project = world.projects[0]
    with pytest.raises(DomainError):
        project_service.review(world.staff, project, feasible=True, reason="Ерте.", final_cost=None)
    db.session.rollback()
    services.advance_phase(world.staff, world.contest)
    db.session.commit()
    login(client, world.author.user)
    response = client.post(world.url(f"/p/{project.id}/review"),
                           data={"verdict": "feasible", "reason": "Өзім мақұлдаймын."})
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        project_service.review(make_person(world.territory).user, project, feasible=True, reason="x",
                               final_cost=None)
    db.session.expire_all()
    assert project.status == ProjectStatus.SUBMITTED


# --- duplicates -------------------------------------------------------------------------------------

def test_staff_merge_a_duplicate_and_the_author_is_told(in_review, client, outbox):
    world = in_review
    duplicate, into = world.projects[2], world.projects[0]
    login(client, world.staff)
    response = client.post(world.url(f"/p/{duplicate.id}/merge"),
                           data={"into": str(into.id), "reason": "Сол алаң, сол мекенжай."})
    assert response.status_code == 303, text(response)
    assert response.headers["Location"].endswith(f"/p/{into.id}")
    db.session.expire_all()
    assert duplicate.status == ProjectStatus.MERGED and duplicate.merged_into_id == into.id
    assert audit_rows("project.merged")[0].details_dict == {"into": into.id}
    page = text(client.get(world.url(f"/p/{duplicate.id}")))
    assert "Сол алаң, сол мекенжай." in page and "Merged into" in page and into.title in page
    mail = mails_to(outbox, world.author.user.email)[0]
    assert "merged" in mail.get_content() and into.title in mail.get_content()
    # A merged project counts as reviewed and never reaches the ballot.
    for p in (world.projects[0], world.projects[1]):
        project_service.review(world.staff, p, feasible=True, reason="Болады.", final_cost=None)
    services.advance_phase(world.staff, world.contest)
    db.session.commit()
    assert duplicate not in ballot_projects(world.contest)


def test_a_new_verdict_replaces_an_earlier_merge(in_review, client):
    world = in_review
    duplicate, into = world.projects[2], world.projects[0]
    project_service.merge(world.staff, duplicate, into, "Қайталама сияқты.")
    project_service.review(world.staff, duplicate, feasible=True, reason="Жоқ, бөлек жоба екен.", final_cost=None)
    db.session.commit()
    assert duplicate.status == ProjectStatus.FEASIBLE and duplicate.merged_into is None
    client.set_cookie("lang", "en")
    assert "Merged into" not in text(client.get(world.url(f"/p/{duplicate.id}")))


def test_merge_needs_another_project_of_the_same_contest(in_review):
    world = in_review
    a, b, c = world.projects
    other = make_world(Phase.REVIEW, costs=(1_000_000,))
    for into in (a, other.projects[0]):
        with pytest.raises(DomainError):
            project_service.merge(world.staff, a, into, "Қайталама.")
        db.session.rollback()
    project_service.merge(world.staff, b, c, "Қайталама.")
    with pytest.raises(DomainError):
        project_service.merge(world.staff, a, b, "b is merged already")
    with pytest.raises(DomainError) as error:
        project_service.merge(world.staff, a, c, "  ")
    assert error.value.field == "reason"


def test_merge_by_http_with_a_forged_target_is_refused(in_review, client):
    world = in_review
    other = make_world(Phase.REVIEW, costs=(1_000_000,))
    login(client, world.staff)
    for target in (str(other.projects[0].id), "999999", "abc", str(world.projects[0].id)):
        response = client.post(world.url(f"/p/{world.projects[0].id}/merge"),
                               data={"into": target, "reason": "Қайталама."})
        assert response.status_code == 422, target
    db.session.expire_all()
    assert world.projects[0].status == ProjectStatus.SUBMITTED


def test_merge_by_a_resident_is_forbidden(in_review, client):
    world = in_review
    login(client, world.residents[0].user)
    response = client.post(world.url(f"/p/{world.projects[0].id}/merge"),
                           data={"into": str(world.projects[1].id), "reason": "Менің ойымша."})
    assert response.status_code == 403
