"""The public pages of the contests area, in Kazakh, Russian and English; filtering and
sorting with plain links and as htmx fragments."""
from __future__ import annotations

import pytest

from civic.contests import ballots as ballot_service
from civic.contests.models import Phase
from civic.extensions import db
from tests.contests.contest_helpers import (
    element_ids, app, contest_app, fresh_request_globals, login, make_world, png_bytes, registered_iin, tags,
)

__all__ = ["app", "contest_app", "fresh_request_globals"]

LANGS = ("kk", "ru", "en")


def assert_renders(client, url: str, *, fragment_id: str | None = None) -> dict[str, str]:
    """GET ``url`` in every language; each answer is a full, translated page."""
    pages = {}
    for lang in LANGS:
        client.set_cookie("lang", lang)
        response = client.get(url)
        assert response.status_code == 200, (url, lang, response.status_code)
        body = response.get_data(as_text=True)
        assert f'<html lang="{lang}"' in body, (url, lang)
        assert response.headers["Content-Language"] == lang
        assert "<main" in body and "</html>" in body
        if fragment_id:
            assert fragment_id in element_ids(body)
        pages[lang] = body
    return pages


@pytest.fixture
def voting(app):
    return make_world(Phase.VOTING, costs=(3_000_000, 2_000_000, 1_000_000))


@pytest.fixture
def finished(app):
    world = make_world(Phase.IMPLEMENTATION, costs=(3_000_000, 2_000_000, 1_000_000), votes=[[0, 2], [0], [1]])
    return world


def test_contest_list_shows_current_and_past_contests(voting, finished, client):
    pages = assert_renders(client, "/contests/")
    en = pages["en"]
    assert voting.contest.title in en and finished.contest.title in en
    current, past = en.index("Current contests"), en.index("Past contests")
    assert current < en.index(voting.contest.title) < past < en.index(finished.contest.title)


def test_contest_page(voting, client):
    pages = assert_renders(client, voting.url(), fragment_id="projects")
    for project in voting.projects:
        assert project.title in pages["kk"]
    # The filter is a plain GET form: it works without JavaScript.
    form = [attrs for tag, attrs in tags(pages["en"]) if tag == "form" and attrs.get("class") == "filters"][0]
    assert form["method"] == "get" and form["action"] == voting.url()
    assert form["hx-get"] == voting.url() and form["hx-target"] == "#projects"


def titles_in_order(body: str, projects) -> list[str]:
    found = [(body.index(p.title), p.title) for p in projects if p.title in body]
    return [t for _i, t in sorted(found)]


def test_category_filter_and_sort_with_plain_links(voting, client):
    a, b, c = voting.projects                    # greening 3 M, park 2 M, square 1 M
    client.set_cookie("lang", "en")
    body = client.get(voting.url(), query_string={"category": "park"}).get_data(as_text=True)
    assert titles_in_order(body, voting.projects) == [b.title]
    assert 'value="park" selected' in body
    body = client.get(voting.url(), query_string={"sort": "cost_asc"}).get_data(as_text=True)
    assert titles_in_order(body, voting.projects) == [c.title, b.title, a.title]
    body = client.get(voting.url(), query_string={"sort": "cost_desc"}).get_data(as_text=True)
    assert titles_in_order(body, voting.projects) == [a.title, b.title, c.title]
    # Unknown values are ignored, not errors.
    response = client.get(voting.url(), query_string={"category": "casino", "sort": "'; DROP TABLE project"})
    assert response.status_code == 200
    assert titles_in_order(response.get_data(as_text=True), voting.projects) == [c.title, b.title, a.title]


def test_htmx_gets_only_the_projects_fragment_unless_boosted(voting, client):
    a, b, c = voting.projects
    client.set_cookie("lang", "en")
    response = client.get(voting.url(), query_string={"category": "square"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True).strip()
    assert body.startswith('<div id="projects">') and "<html" not in body and "<main" not in body
    assert titles_in_order(body, voting.projects) == [c.title]
    assert "HX-Request" in response.headers.get("Vary", "")
    boosted = client.get(voting.url(), query_string={"category": "square"},
                         headers={"HX-Request": "true", "HX-Boosted": "true"})
    full = boosted.get_data(as_text=True)
    assert "<html" in full and "<main" in full and "projects" in element_ids(full)
    history = client.get(voting.url(), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in history.get_data(as_text=True)


def test_project_page(voting, client):
    project = voting.projects[0]
    pages = assert_renders(client, voting.url(f"/p/{project.id}"))
    assert project.title in pages["ru"] and "Смета тексерілді." in pages["ru"]


def test_ballot_page_for_a_resident(voting, client):
    project_service_photo(voting)
    login(client, voting.residents[0].user)
    pages = assert_renders(client, voting.url("/ballot"), fragment_id="ballot-counter")
    body = pages["en"]
    checkboxes = [attrs for tag, attrs in tags(body) if tag == "input" and attrs.get("type") == "checkbox"]
    assert {cb["value"] for cb in checkboxes} == {str(p.id) for p in voting.projects}
    # Each checkbox has a label; photos, cost and category are shown.
    labels = {attrs.get("for") for tag, attrs in tags(body) if tag == "label"}
    assert all(cb["id"] in labels for cb in checkboxes)
    assert "3,000,000\u00a0₸" in body
    assert voting.projects[0].photos[0].thumb_name in body


def project_service_photo(world):
    from civic.contests.models import Photo
    from civic.core.images import store_image
    stored = store_image(png_bytes())
    db.session.add(Photo(project_id=world.projects[0].id, stored_name=stored.name, thumb_name=stored.thumb,
                         width=stored.width, height=stored.height, size_bytes=stored.size, alt_text="Фото"))
    db.session.commit()
    db.session.expire_all()


def test_receipt_and_done_pages(voting, client):
    login(client, voting.residents[0].user)
    client.post(voting.url("/ballot"), data={"project": [str(voting.projects[0].id)]})
    assert_renders(client, voting.url("/ballot/done"))
    assert_renders(client, "/contests/receipt")
    assert_renders(client, "/contests/receipt?code=ABCD-EFGH-JKLM")


def test_staff_pages(voting, client):
    registered_iin(voting.territory)
    db.session.commit()
    login(client, voting.staff)
    assert_renders(client, voting.url("/paper"), fragment_id="ballot-counter")
    assert_renders(client, voting.url("/edit"))
    assert_renders(client, f"/contests/new?community={voting.territory.slug}")


def test_proposal_form(app, client):
    world = make_world(Phase.PROPOSALS, costs=(1_000_000,))
    login(client, world.author.user)
    assert_renders(client, world.url("/propose"))
    assert_renders(client, world.url(f"/p/{world.projects[0].id}/edit"))


def test_review_form_on_the_project_page(app, client):
    world = make_world(Phase.REVIEW, costs=(1_000_000, 2_000_000))
    login(client, world.staff)
    pages = assert_renders(client, world.url(f"/p/{world.projects[0].id}"))
    assert world.url(f"/p/{world.projects[0].id}/review") in pages["en"]
    assert world.url(f"/p/{world.projects[0].id}/merge") in pages["en"]


def test_results_and_implementation_pages(finished, client):
    pages = assert_renders(client, finished.url("/results"))
    assert "<svg" in pages["kk"]
    funded = [p for p in finished.projects if p.funded]
    pages = assert_renders(client, finished.url("/implementation"))
    for project in funded:
        assert project.title in pages["en"]
    assert_renders(client, finished.url())
    assert_renders(client, finished.url(f"/p/{funded[0].id}"))


def test_a_missing_contest_or_project_is_404(voting, client):
    assert client.get("/contests/no-such-contest").status_code == 404
    assert client.get(voting.url("/p/999999")).status_code == 404
    assert client.get("/contests/media/..%2Fsecret").status_code == 404
    assert client.get("/contests/media/.hidden").status_code == 404


def test_ballot_counter_fragment_is_translated(voting, client):
    for lang in LANGS:
        client.set_cookie("lang", lang)
        response = client.post(voting.url("/ballot/count"), data={"project": [str(voting.projects[0].id)]})
        assert response.status_code == 200
        assert response.get_data(as_text=True).strip().startswith('<div id="ballot-counter"')


def test_pages_work_with_a_paper_and_an_online_ballot_counted(voting, client):
    ballot_service.cast_paper(voting.staff, voting.contest, registered_iin(voting.territory),
                              [voting.projects[1].id])
    db.session.commit()
    client.set_cookie("lang", "en")
    assert "1 ballot cast so far." in client.get(voting.url()).get_data(as_text=True)
