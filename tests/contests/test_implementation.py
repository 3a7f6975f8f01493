"""Implementation: staff report the works on funded projects — status, progress %, money
spent, dated updates with photos — shown on the project page and in the list.

Decree 003: the winners are funded; residents follow how the money is used.
"""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest

from civic.contests import projects as project_service
from civic.contests import services
from civic.contests.models import ImplementationUpdate, Phase, Photo, WorkStatus
from civic.contests.services import community_today
from civic.core.errors import DomainError, NotAllowed
from civic.core.images import upload_dir
from civic.extensions import db
from tests.contests.contest_helpers import (
    audit_rows, count, app, contest_app, fresh_request_globals, login, make_world, png_bytes, text,
)

__all__ = ["app", "contest_app", "fresh_request_globals"]


@pytest.fixture
def world(app):
    """Budget 5 M; A (3 M) and C (1 M) funded, B (2 M) not."""
    return make_world(Phase.IMPLEMENTATION, costs=(3_000_000, 2_000_000, 1_000_000),
                      votes=[[0, 2], [0, 2], [1]])


def funded(world):
    a, b, c = world.projects
    assert a.funded and c.funded and not b.funded
    return a, b, c


def report(client, world, project, **values):
    data = {"happened_on": (date.today() - timedelta(days=1)).isoformat(), "status": "in_progress",
            "progress_pct": "40", "money_spent": "1 200 000", "text": "Негіз құйылды."}
    data.update(values)
    return client.post(world.url(f"/p/{project.id}/progress"), data=data, content_type="multipart/form-data")


def test_staff_report_progress_shown_on_the_project_page_and_the_list(world, client):
    a, _b, _c = funded(world)
    assert a.work_status == WorkStatus.PLANNED
    login(client, world.staff)
    response = report(client, world, a, photo=(io.BytesIO(png_bytes()), "works.png"))
    assert response.status_code == 303, text(response)
    db.session.expire_all()
    assert (a.work_status, a.progress_pct, a.money_spent) == (WorkStatus.IN_PROGRESS, 40, 1_200_000)
    [update] = a.updates
    assert update.author_id == world.staff.id and update.text == "Негіз құйылды."
    assert len(update.photos) == 1 and a.photos == []          # an update's photo is not a proposal photo
    [entry] = audit_rows("project.progress")
    assert entry.details_dict == {"status": "in_progress", "pct": 40, "spent": 1_200_000}

    public = client.application.test_client()
    public.set_cookie("lang", "en")
    page = text(public.get(world.url(f"/p/{a.id}")))
    assert "Works in progress · 40% · spent 1,200,000\u00a0₸" in page
    assert '<progress max="100" value="40"' in public.get(world.url(f"/p/{a.id}")).get_data(as_text=True)
    assert "Негіз құйылды." in page and update.photos[0].thumb_name in page
    listing = text(public.get(world.url("/implementation")))
    assert a.title in listing and "Works in progress" in listing and "40%" in listing
    assert "1,200,000\u00a0₸" in listing


def test_only_staff_report(world, client):
    a, _b, _c = funded(world)
    for user in (world.residents[0].user, world.author.user):
        login(client, user)
        assert report(client, world, a).status_code == 403
        with pytest.raises(NotAllowed):
            project_service.report_progress(user, a, happened_on=community_today(world.contest),
                                            status=WorkStatus.IN_PROGRESS, progress_pct=10, money_spent=0, text="")
        db.session.rollback()
    anonymous = client.application.test_client()
    response = report(anonymous, world, a)
    assert response.status_code in (302, 303) and "/account/login" in response.headers["Location"]
    assert count(ImplementationUpdate) == 0


def test_only_for_funded_projects_once_implementation_starts(app, client):
    world = make_world(Phase.RESULTS, costs=(3_000_000, 2_000_000, 1_000_000), votes=[[0, 2], [0, 2], [1]])
    a, b, _c = funded(world)
    login(client, world.staff)
    response = report(client, world, a)                     # still the results phase
    assert response.status_code == 422 and "once implementation has started" in text(response)
    services.advance_phase(world.staff, world.contest)
    db.session.commit()
    response = report(client, world, b)                     # not funded
    assert response.status_code == 422 and "funded projects" in text(response)
    assert count(ImplementationUpdate) == 0
    assert report(client, world, a).status_code == 303


@pytest.mark.parametrize("values, message", [
    ({"progress_pct": "101"}, "between 0 and 100"),
    ({"progress_pct": "-1"}, "between 0 and 100"),
    ({"progress_pct": "половина"}, "Not a valid integer value"),
    ({"progress_pct": ""}, "This field is required."),
    ({"money_spent": "-1"}, "non-negative"),
    ({"money_spent": "1 000,50"}, "without kopecks"),
    ({"money_spent": ""}, "This field is required."),
    ({"money_spent": "9" * 25}, "too large"),
    ({"status": "done", "progress_pct": "90"}, "A finished project must be 100 percent done."),
    ({"status": "finished"}, "Not a valid choice"),
    ({"happened_on": (date.today() + timedelta(days=2)).isoformat()}, "cannot be in the future"),
    ({"happened_on": ""}, "This field is required."),
    ({"photo": (io.BytesIO(b"not an image at all"), "x.jpg")}, "not a photo we can read"),
])
def test_bad_reports_are_refused_and_nothing_is_stored(world, client, values, message):
    a, _b, _c = funded(world)
    login(client, world.staff)
    response = report(client, world, a, **values)
    assert response.status_code == 422
    assert message in text(response)
    db.session.expire_all()
    assert count(ImplementationUpdate) == 0 and count(Photo) == 0
    assert (a.work_status, a.progress_pct, a.money_spent) == (WorkStatus.PLANNED, 0, 0)


def test_the_service_checks_the_numbers_too(world):
    a, _b, _c = funded(world)
    for values in (dict(progress_pct=150), dict(progress_pct=50.5), dict(money_spent=-5),
                   dict(money_spent=10.5), dict(status=WorkStatus.DONE, progress_pct=99)):
        args = dict(happened_on=community_today(world.contest), status=WorkStatus.IN_PROGRESS, progress_pct=10,
                    money_spent=0, text="")
        args.update(values)
        with pytest.raises(DomainError):
            project_service.report_progress(world.staff, a, **args)
        db.session.rollback()
    assert count(ImplementationUpdate) == 0


def test_done_needs_100_percent(world, client):
    a, _b, _c = funded(world)
    login(client, world.staff)
    assert report(client, world, a, status="done", progress_pct="100", money_spent="2 950 000").status_code == 303
    db.session.expire_all()
    assert (a.work_status, a.progress_pct) == (WorkStatus.DONE, 100)
    client.set_cookie("lang", "en")
    assert "Done" in text(client.get(world.url("/implementation")))


def test_a_backdated_update_does_not_replace_the_latest_state(world):
    a, _b, _c = funded(world)
    today = date.today()
    project_service.report_progress(world.staff, a, happened_on=today - timedelta(days=2),
                                    status=WorkStatus.IN_PROGRESS, progress_pct=60, money_spent=1_800_000, text="")
    project_service.report_progress(world.staff, a, happened_on=today - timedelta(days=30),
                                    status=WorkStatus.CONTRACTED, progress_pct=0, money_spent=0,
                                    text="Шарт жасалды.")
    db.session.commit()
    assert (a.work_status, a.progress_pct, a.money_spent) == (WorkStatus.IN_PROGRESS, 60, 1_800_000)
    assert [u.progress_pct for u in a.updates] == [60, 0]            # newest first


def test_progress_can_still_be_reported_after_the_contest_is_closed(world):
    a, _b, _c = funded(world)
    services.advance_phase(world.staff, world.contest)
    assert world.contest.phase == Phase.CLOSED
    project_service.report_progress(world.staff, a, happened_on=community_today(world.contest), status=WorkStatus.DONE,
                                    progress_pct=100, money_spent=3_000_000, text="Ашылды.")
    assert a.work_status == WorkStatus.DONE


def test_today_is_the_communitys_today(world, monkeypatch):
    """At 01:00 in Almaty (UTC+5) it is still yesterday in UTC: today's report is not "in the future"."""
    a, _b, _c = funded(world)
    late_utc = datetime(2027, 3, 10, 20, 0, tzinfo=timezone.utc)       # 11 March, 01:00 in Kazakhstan
    from civic.core import database
    monkeypatch.setattr(database, "utcnow", lambda: late_utc)
    project_service.report_progress(world.staff, a, happened_on=date(2027, 3, 11), status=WorkStatus.IN_PROGRESS,
                                    progress_pct=5, money_spent=0, text="")
    with pytest.raises(DomainError):
        project_service.report_progress(world.staff, a, happened_on=date(2027, 3, 12),
                                        status=WorkStatus.IN_PROGRESS, progress_pct=5, money_spent=0, text="")


def test_the_implementation_list_shows_only_funded_projects(world, client):
    a, b, c = funded(world)
    client.set_cookie("lang", "en")
    page = text(client.get(world.url("/implementation")))
    assert a.title in page and c.title in page and b.title not in page
    assert "Planned" in page


def test_a_report_whose_second_photo_is_refused_leaves_no_files_behind(world):
    a = world.projects[0]
    with pytest.raises(DomainError):
        project_service.report_progress(world.staff, a, happened_on=community_today(world.contest),
                                        status=WorkStatus.IN_PROGRESS, progress_pct=20, money_spent=0,
                                        text="", photos=[png_bytes(), b"not a photo"])
    db.session.rollback()
    assert count(ImplementationUpdate) == 0 and count(Photo) == 0
    assert list(upload_dir().iterdir()) == []
