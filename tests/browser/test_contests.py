"""Project contests in the browser: proposing, voting (with and without JavaScript),
paper ballots, the results page, and axe on the contest pages.

Every test builds its own community and contest (unique titles) in the live server's
database through the contest services, so the tests do not depend on each other or
on their order. Users are created with the Kazakh locale; the site speaks Kazakh.
"""
from __future__ import annotations

import io
import json
import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from tests.browser.conftest import USER_PASSWORD, expect
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser

LANG = "kk"
RECEIPT_RE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")
_rng = random.Random(20240303)


# --- seed data -------------------------------------------------------------------------

@dataclass
class SeededContest:
    slug: str
    title: str
    contest_id: int
    staff_email: str
    author_email: str
    voters: list[str]                       # verified residents who have not voted
    register_iins: list[str]                # on the register, no account, have not voted
    project_ids: list[int] = field(default_factory=list)
    project_titles: list[str] = field(default_factory=list)

    def path(self, tail: str = "") -> str:
        return f"/contests/{self.slug}{tail}"


@pytest.fixture(scope="module")
def seed(ortaq_server):
    """``seed(phase, ...)`` builds a fresh community and contest in the live server's database.

    Everything goes through the contest services (the same rules as the app), run in the
    live app's own context; the data is committed before the browser looks at it.
    """
    from civic.contests import ballots as ballot_service
    from civic.contests import projects as project_service
    from civic.contests import services
    from civic.contests.models import BallotKind, Category, Phase, TallyRule
    from civic.core.database import utcnow
    from civic.extensions import db
    from tests.factories import grant, make_resident, make_territory, make_user, on_register, valid_iin

    app = ortaq_server.app

    def build(phase: str, *, costs=(2_000_000, 1_500_000, 1_000_000, 800_000), budget: int = 5_000_000,
              max_choices: int = 2, voters: int = 1, register: int = 1, online_votes=(), paper_votes=(),
              photos: bool = False) -> SeededContest:
        """``online_votes``/``paper_votes``: ballots as lists of project indexes, cast before
        the contest moves past voting (by extra verified residents / people on the register)."""
        target = Phase(phase)
        tag = uuid.uuid4().hex[:8]
        with app.app_context():
            try:
                territory = make_territory(name_kk=f"Сынақ ауылдық округі {tag}",
                                           name_ru=f"Тестовый сельский округ {tag}")
                staff = make_user(f"staff-{tag}@akimat.example.kz", password=USER_PASSWORD, given_name="Гүлнар",
                                  surname="Әбенова", locale=LANG)
                grant(staff, territory)

                def resident(role: str):
                    user = make_user(f"{role}-{tag}@example.kz", password=USER_PASSWORD, given_name="Дәурен",
                                     surname="Оспанов", locale=LANG)
                    make_resident(territory, user, iin=valid_iin(_rng))
                    return user

                author = resident("author")
                free_voters = [resident(f"voter{i}") for i in range(voters)]
                online_voters = [resident(f"online{i}") for i in range(len(online_votes))]
                iins = []
                for _ in range(register + len(paper_votes)):
                    iin = valid_iin(_rng)
                    on_register(territory, iin, surname="Қасымова", given_name="Сәуле")
                    iins.append(iin)

                today = utcnow().date()
                title = f"Біздің аула {tag}"
                contest = services.create_contest(
                    staff, territory, title=title,
                    description="Ауылды **абаттандыру** жобаларының конкурсы.\n\n* ойын алаңдары\n* көгалдандыру",
                    categories=[Category.PLAYGROUND, Category.GREENING, Category.SPORTS],
                    funding=[("budget", budget, "Ауылдық округ бюджеті")],
                    ballot_kind=BallotKind.APPROVAL, max_choices=max_choices, min_choices=1,
                    tally_rule=TallyRule.GREEDY, allow_change=False,
                    proposals_from=today - timedelta(days=30), proposals_until=today - timedelta(days=20),
                    review_until=today - timedelta(days=10), voting_from=today - timedelta(days=9),
                    voting_until=today + timedelta(days=20), implementation_until=today + timedelta(days=200))
                projects = []
                if target.order >= Phase.PROPOSALS.order:
                    services.advance_phase(staff, contest)
                if target.order >= Phase.REVIEW.order:
                    cats = contest.category_list
                    for i, cost in enumerate(costs):
                        projects.append(project_service.propose(
                            author, contest, title=f"Жоба {i + 1}: алаң {tag}",
                            description="Ойын алаңы мен орындықтар.", category=cats[i % len(cats)],
                            address=f"Абай көшесі, {i + 1}", estimated_cost=cost))
                        if photos:
                            project_service.add_photo(author, projects[-1], png_bytes(colour=(40 * i, 120, 60)))
                    services.advance_phase(staff, contest)
                    for project in projects:
                        project_service.review(staff, project, feasible=True, reason="Смета тексерілді.",
                                               final_cost=project.estimated_cost)
                if target.order >= Phase.VOTING.order:
                    services.advance_phase(staff, contest)
                    for user, picks in zip(online_voters, online_votes):
                        ballot_service.cast_online(user, contest, [projects[i].id for i in picks])
                    for iin, picks in zip(iins[register:], paper_votes):
                        ballot_service.cast_paper(staff, contest, iin, [projects[i].id for i in picks])
                while contest.phase.order < target.order:
                    services.advance_phase(staff, contest)
                db.session.commit()
                return SeededContest(
                    slug=contest.slug, title=title, contest_id=contest.id, staff_email=staff.email,
                    author_email=author.email, voters=[u.email for u in free_voters],
                    register_iins=iins[:register], project_ids=[p.id for p in projects],
                    project_titles=[p.title for p in projects])
            finally:
                db.session.remove()

    def query(fn):
        """Run ``fn(db, models)`` against the live database and return its result."""
        from civic.contests import models
        with app.app_context():
            try:
                return fn(db, models)
            finally:
                db.session.remove()

    build.query = query
    return build


def ballots_stored(seed, contest: SeededContest) -> int:
    return seed.query(lambda db, m: db.session.scalar(
        sa.select(sa.func.count()).select_from(m.Ballot).where(m.Ballot.contest_id == contest.contest_id)))


def chosen_projects(seed, contest: SeededContest) -> list[int]:
    return seed.query(lambda db, m: sorted(db.session.scalars(
        sa.select(m.BallotChoice.project_id).join(m.Ballot, m.Ballot.id == m.BallotChoice.ballot_id)
        .where(m.Ballot.contest_id == contest.contest_id))))


def projects_stored(seed, contest: SeededContest) -> int:
    return seed.query(lambda db, m: db.session.scalar(
        sa.select(sa.func.count()).select_from(m.Project).where(m.Project.contest_id == contest.contest_id)))


# --- helpers ----------------------------------------------------------------------------

def _t(server):
    return lambda msgid, **values: server.t(LANG, msgid, **values)


def tenge(server, amount: int) -> str:
    """An amount as the app's ``tenge`` filter writes it in Kazakh."""
    from flask_babel import force_locale
    with server.app.test_request_context("/"):
        with force_locale(LANG):
            return server.app.jinja_env.filters["tenge"](amount)


def nt(server, singular: str, plural: str, num: int) -> str:
    from flask_babel import force_locale, ngettext
    with server.app.test_request_context("/"):
        with force_locale(LANG):
            return ngettext(singular, plural, num)


def settled(page, js: bool) -> None:
    """With JS: wait until htmx has finished its swap *and* processed the new content.

    New content is in the page (so ``expect`` sees it) a moment before htmx binds it
    (boosted links and forms, hx-post, triggers); acting in between would fall back to
    a plain page load or lose an event. Call it after the awaited result of a swap,
    before the next click or tick.
    """
    if js:
        page.wait_for_function("() => window.htmx !== undefined && document.querySelector("
                               "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added') === null")


def mark_page(page, js: bool) -> None:
    """With JS: a marker that survives htmx swaps but not a full page load."""
    if js:
        settled(page, js)
        page.evaluate("() => { window.__ortaqNoReload = true; }")


def assert_not_reloaded(page, js: bool) -> None:
    if js:
        assert page.evaluate("() => window.__ortaqNoReload === true"), \
            "the form made a full page load instead of an htmx swap"


def url_re(server, path: str, tail: str = "$") -> re.Pattern:
    """The whole URL of ``path`` on the live server (so ``?next=/path`` never matches)."""
    return re.compile("^" + re.escape(server(path)) + tail)


def sign_in(page, server, email: str, path: str, js: bool = True) -> None:
    """Sign in through the real form and land on ``path``."""
    page.goto(server("/account/login?next=" + quote(path, safe="")))
    page.locator("#email").fill(email)
    page.locator("#password").fill(USER_PASSWORD)
    page.get_by_role("main").locator("form button[type=submit]").click()
    page.wait_for_url(url_re(server, path))
    nav = page.get_by_role("navigation", name=server.t(LANG, "Main navigation"))
    expect(nav.get_by_role("button", name=server.t(LANG, "Sign out"), exact=True)).to_be_visible()
    settled(page, js)


def posting(page, path: str):
    """Wait for the POST answer to ``path`` (a form post or an htmx request) while the block runs."""
    return page.expect_response(lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith(path))


def png_bytes(colour=(46, 125, 50)) -> bytes:
    """A small generated picture: a field, a bench and a sun."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 150, 280, 220), fill=(121, 85, 72))
    draw.ellipse((120, 30, 200, 110), fill=(255, 193, 7))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def png_file(tmp_path) -> str:
    path = tmp_path / "alan.png"
    path.write_bytes(png_bytes())
    return str(path)


def counter(page):
    return page.locator("#ballot-counter")


def box(page, project_id: int):
    return page.locator(f"#project-{project_id}")


# --- 1. proposing -----------------------------------------------------------------------

def test_resident_proposes_a_project_with_a_photo(new_page, ortaq_server, seed, js, tmp_path):
    t = _t(ortaq_server)
    contest = seed("proposals")
    page = new_page(js=js)
    sign_in(page, ortaq_server, contest.author_email, contest.path(), js)
    expect(page.get_by_role("heading", level=1)).to_have_text(contest.title)
    mark_page(page, js)

    page.get_by_role("main").get_by_role("link", name=t("Propose a project"), exact=True).click()
    page.wait_for_url(url_re(ortaq_server, contest.path("/propose")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Propose a project"))
    settled(page, js)

    title = "Мектеп жанындағы ойын алаңы"
    page.locator("#title").fill(title)
    page.locator("#description").fill("Балаларға арналған әткеншек пен **қауіпсіз** жабын.")
    page.locator("#category").select_option("playground")
    page.locator("#address").fill("Абай көшесі, 12, мектеп ауласы")
    page.locator("#estimated_cost").fill("1 250 000")
    page.locator("#photo").set_input_files(png_file(tmp_path))
    with posting(page, contest.path("/propose")) as answer:
        page.get_by_role("main").locator("form button[type=submit]").click()
    assert answer.value.status == 303

    page.wait_for_url(url_re(ortaq_server, contest.path("/p/"), r"\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("#flash-area")).to_contain_text(
        t("Thank you! Your project is submitted. You can edit it until the review starts."))
    expect(page.get_by_role("main").locator(".badge")).to_have_text([t("Submitted")])
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(tenge(ortaq_server, 1_250_000))
    expect(facts).to_contain_text("Абай көшесі, 12, мектеп ауласы")
    expect(page.locator("section[aria-labelledby=desc-title] strong")).to_have_text("қауіпсіз")

    photo = page.locator(".photo-list img")
    expect(photo).to_have_count(1)
    expect(photo).to_have_attribute("alt", title)
    expect(photo).to_have_attribute("src", re.compile(r"^/contests/media/[^/]+$"))
    photo.scroll_into_view_if_needed()
    page.wait_for_function("() => { const i = document.querySelector('.photo-list img');"
                           " return i !== null && i.complete && i.naturalWidth > 0; }")
    full = page.request.get(ortaq_server(page.locator(".photo-list a").get_attribute("href")))
    assert full.status == 200 and full.headers["content-type"].startswith("image/")
    assert_not_reloaded(page, js)
    assert projects_stored(seed, contest) == 1


def test_bad_cost_is_shown_next_to_the_field_and_the_typed_values_stay(new_page, ortaq_server, seed, js):
    t = _t(ortaq_server)
    contest = seed("proposals")
    page = new_page(js=js)
    sign_in(page, ortaq_server, contest.author_email, contest.path("/propose"), js)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Propose a project"))
    mark_page(page, js)

    page.locator("#title").fill("Көше бойына көшет отырғызу")
    page.locator("#description").fill("Жиырма қайың мен он терек.")
    page.locator("#category").select_option("greening")
    page.locator("#address").fill("Жібек жолы көшесі")
    cost = page.locator("#estimated_cost")
    error = page.locator("#estimated_cost-error")

    for typed, message in [("12,5", "Enter a whole number of tenge, without kopecks or letters."),
                           ("-5", "The cost must be a whole number of tenge greater than zero.")]:
        cost.fill(typed)
        with posting(page, contest.path("/propose")) as answer:
            page.get_by_role("main").locator("form button[type=submit]").click()
        assert answer.value.status == 422
        expect(error).to_have_text(t(message))
        expect(cost).to_have_attribute("aria-invalid", "true")
        expect(cost).to_have_attribute("aria-describedby", re.compile(r"\bestimated_cost-error\b"))
        expect(page.get_by_role("alert")).to_contain_text(t("Please correct the marked fields."))
        # What was typed is kept; only the cost is marked.
        expect(cost).to_have_value(typed)
        expect(page.locator("#title")).to_have_value("Көше бойына көшет отырғызу")
        expect(page.locator("#description")).to_have_value("Жиырма қайың мен он терек.")
        expect(page.locator("#category")).to_have_value("greening")
        expect(page.locator("#address")).to_have_value("Жібек жолы көшесі")
        expect(page.locator("#title")).not_to_have_attribute("aria-invalid", "true")
        expect(page).to_have_url(url_re(ortaq_server, contest.path("/propose")))
        settled(page, js)
    assert_not_reloaded(page, js)
    assert projects_stored(seed, contest) == 0


# --- 2. voting --------------------------------------------------------------------------

def test_voting_with_the_counter_and_the_receipt(new_page, ortaq_server, seed, js):
    t = _t(ortaq_server)
    contest = seed("voting")
    first, second, third, _fourth = contest.project_ids
    page = new_page(js=js)
    sign_in(page, ortaq_server, contest.voters[0], contest.path(), js)
    expect(page.get_by_role("heading", level=1)).to_have_text(contest.title)
    expect(page.get_by_role("main")).to_contain_text(nt(ortaq_server, "%(num)d ballot cast so far.",
                                                        "%(num)d ballots cast so far.", 0))
    mark_page(page, js)
    page.get_by_role("main").get_by_role("link", name=t("Vote"), exact=True).click()
    page.wait_for_url(url_re(ortaq_server, contest.path("/ballot")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Ballot"))
    expect(page.locator(".ballot-item")).to_have_count(4)
    for title in contest.project_titles:
        expect(page.locator(".ballot-list")).to_contain_text(title)
    expect(counter(page)).to_contain_text(t("Chosen: %(n)d of %(k)d", n=0, k=2))
    settled(page, js)
    too_many = t("You may choose at most %(n)d projects.", n=2)
    cast = page.get_by_role("button", name=t("Cast my ballot"), exact=True)

    live = page.get_by_role("status").filter(has=counter(page))
    expect(live).to_have_attribute("aria-live", "polite")
    if js:  # the counter follows the boxes as they are ticked
        page.evaluate("() => { document.querySelector('.counter-live').__ortaqKept = true; }")
        box(page, first).check()
        expect(counter(page)).to_contain_text(t("Chosen: %(n)d of %(k)d", n=1, k=2))
        expect(counter(page).locator(".error")).to_have_count(0)
        box(page, second).check()
        expect(counter(page)).to_contain_text(t("Chosen: %(n)d of %(k)d", n=2, k=2))
        expect(counter(page)).not_to_have_class(re.compile(r"\bcounter-warn\b"))
        box(page, third).check()
        expect(counter(page)).to_contain_text(t("Chosen: %(n)d of %(k)d", n=3, k=2))
        expect(counter(page).locator(".error")).to_have_text(too_many)
        expect(counter(page)).to_have_class(re.compile(r"\bcounter-warn\b"))
        # The live region itself stayed in place (only its content was swapped), so the
        # changes are announced by screen readers.
        assert page.evaluate("() => document.querySelector('.counter-live').__ortaqKept === true")
    else:
        for pid in (first, second, third):
            box(page, pid).check()

    # Three are refused with the rule's message; nothing is stored; the choice stays ticked.
    with posting(page, contest.path("/ballot")) as answer:
        cast.click()
    assert answer.value.status == 422
    expect(page.get_by_role("main").get_by_role("alert")).to_have_text(too_many)
    expect(counter(page)).to_contain_text(t("Chosen: %(n)d of %(k)d", n=3, k=2))
    expect(counter(page).locator(".error")).to_have_text(too_many)
    for pid in (first, second, third):
        expect(box(page, pid)).to_be_checked()
    expect(page).to_have_url(url_re(ortaq_server, contest.path("/ballot")))
    assert ballots_stored(seed, contest) == 0

    settled(page, js)
    box(page, third).uncheck()
    if js:
        expect(counter(page)).to_contain_text(t("Chosen: %(n)d of %(k)d", n=2, k=2))
        expect(counter(page).locator(".error")).to_have_count(0)
    with posting(page, contest.path("/ballot")) as answer:
        cast.click()
    assert answer.value.status == 303

    page.wait_for_url(url_re(ortaq_server, contest.path("/ballot/done")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your ballot is cast"))
    code_box = page.locator(".receipt-code")
    expect(code_box).to_have_text(RECEIPT_RE)
    code = code_box.inner_text().strip()
    assert_not_reloaded(page, js)
    assert ballots_stored(seed, contest) == 1
    assert chosen_projects(seed, contest) == sorted([first, second])
    settled(page, js)

    # The receipt check says the ballot is counted, without showing the choice.
    page.get_by_role("main").get_by_role("link", name=t("Check a ballot receipt"), exact=True).click()
    page.wait_for_url(url_re(ortaq_server, "/contests/receipt"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check a ballot receipt"))
    settled(page, js)
    page.locator("#code").fill(code.lower())
    page.get_by_role("main").get_by_role("button", name=t("Check"), exact=True).click()
    page.wait_for_url(url_re(ortaq_server, "/contests/receipt?code=", ""))
    found = page.get_by_role("main").get_by_role("status")
    expect(found.locator(".flash-success")).to_be_visible()
    expect(found).to_contain_text(contest.title)
    expect(found).to_contain_text(t("online"))
    for title in contest.project_titles:
        expect(page.get_by_role("main")).not_to_contain_text(title)
    # A code that was never given out is not found.
    settled(page, js)
    page.locator("#code").fill("ABCD-EFGH-JKLM")
    page.get_by_role("main").get_by_role("button", name=t("Check"), exact=True).click()
    expect(page.get_by_role("main").get_by_role("status").locator(".flash-error")).to_have_text(
        t("No ballot has this receipt code. Check the code; if it is right, contact the akimat."))
    expect(page).to_have_url(re.compile(r"code=ABCD-EFGH-JKLM$"))
    assert_not_reloaded(page, js)

    # The code is shown once only.
    page.goto(ortaq_server(contest.path("/ballot/done")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your ballot is cast"))
    expect(page.get_by_role("main")).to_contain_text(t("Thank you for voting."))
    expect(page.locator(".receipt-code")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text(code)

    # The contest page knows the resident has voted.
    page.goto(ortaq_server(contest.path()))
    main = page.get_by_role("main")
    expect(main.locator(".badge", has_text=t("You have voted."))).to_be_visible()
    expect(main).to_contain_text(nt(ortaq_server, "%(num)d ballot cast so far.", "%(num)d ballots cast so far.", 1))
    expect(main.get_by_role("link", name=t("Vote"), exact=True)).to_have_count(0)
    assert ballots_stored(seed, contest) == 1


# --- 3. paper ballots -------------------------------------------------------------------

def test_staff_enter_a_paper_ballot_once_per_person(new_page, ortaq_server, seed, js):
    t = _t(ortaq_server)
    contest = seed("voting", register=1)
    first, second, third, _fourth = contest.project_ids
    iin = contest.register_iins[0]
    cast_so_far = lambda n: nt(ortaq_server, "%(num)d ballot cast so far.", "%(num)d ballots cast so far.", n)  # noqa: E731
    page = new_page(js=js)
    sign_in(page, ortaq_server, contest.staff_email, contest.path(), js)
    mark_page(page, js)
    page.get_by_role("main").get_by_role("link", name=t("Enter paper ballots"), exact=True).click()
    page.wait_for_url(url_re(ortaq_server, contest.path("/paper")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Paper ballots"))
    main = page.get_by_role("main")
    expect(main).to_contain_text(cast_so_far(0))
    settled(page, js)
    submit = page.get_by_role("button", name=t("Enter the ballot"), exact=True)

    page.locator("#iin").fill(iin)
    box(page, first).check()
    box(page, third).check()
    if js:
        expect(counter(page)).to_contain_text(t("Chosen: %(n)d of %(k)d", n=2, k=2))
    with posting(page, contest.path("/paper")) as answer:
        submit.click()
    assert answer.value.status == 303
    expect(page.locator("#flash-area")).to_contain_text(t("The paper ballot is entered."))
    expect(main).to_contain_text(cast_so_far(1))
    expect(page).to_have_url(url_re(ortaq_server, contest.path("/paper")))
    expect(page.locator("#iin")).to_have_value("")
    expect(box(page, first)).not_to_be_checked()
    assert ballots_stored(seed, contest) == 1
    settled(page, js)

    # The same person again: refused with a clear message, nothing more stored.
    page.locator("#iin").fill(iin)
    box(page, second).check()
    with posting(page, contest.path("/paper")) as answer:
        submit.click()
    assert answer.value.status == 422
    expect(main.get_by_role("alert")).to_have_text(
        t("A ballot has already been cast for this resident in this contest."))
    expect(page.locator("#iin")).to_have_value(iin)
    expect(box(page, second)).to_be_checked()
    expect(main).to_contain_text(cast_so_far(1))
    assert_not_reloaded(page, js)
    assert ballots_stored(seed, contest) == 1
    channel = seed.query(lambda db, m: db.session.scalar(
        sa.select(m.Ballot.channel).where(m.Ballot.contest_id == contest.contest_id)))
    assert channel == "paper"
    assert chosen_projects(seed, contest) == sorted([first, third])


# --- 4. results -------------------------------------------------------------------------

def test_staff_close_the_vote_and_the_results_are_published(new_page, ortaq_server, seed, js):
    t = _t(ortaq_server)
    # Budget 5 000 000, greedy by votes: P1 (4 votes, 3 000 000) is funded, P2 (3 votes,
    # 2 500 000) no longer fits, P3 (2 votes, 1 500 000) fits, P4 (1 vote, 1 000 000) does not.
    contest = seed("voting", costs=(3_000_000, 2_500_000, 1_500_000, 1_000_000), budget=5_000_000,
                   online_votes=[[0, 1], [0, 1], [0, 2]], paper_votes=[[0, 1], [2, 3]])
    p1, p2, p3, p4 = contest.project_ids
    titles = contest.project_titles
    page = new_page(js=js)
    sign_in(page, ortaq_server, contest.staff_email, contest.path(), js)
    mark_page(page, js)

    staff = page.get_by_role("region", name=t("For akimat staff"))
    expect(staff).to_contain_text(t("This closes the vote and counts the ballots."))
    with posting(page, contest.path("/advance")) as answer:
        staff.get_by_role("button", name=t("Move to the next phase: %(phase)s", phase=t("Results")),
                          exact=True).click()
    assert answer.value.status == 303
    expect(page.locator("#flash-area")).to_contain_text(
        t("The contest is now in the phase: %(phase)s.", phase=t("Results")))
    expect(page.locator(".timeline li[aria-current=step]")).to_contain_text(t("Results"))
    expect(page).to_have_url(url_re(ortaq_server, contest.path()))
    settled(page, js)
    page.get_by_role("main").get_by_role("link", name=t("See the results"), exact=True).click()
    page.wait_for_url(url_re(ortaq_server, contest.path("/results")))
    assert_not_reloaded(page, js)

    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Results"))
    table = main.locator("table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(4)
    # Winners first, then the others, each with votes, share of ballots, cost and reason.
    expect(table.locator("tbody tr.funded td:first-child")).to_have_text([titles[0], titles[2]])
    expect(rows.locator("td:first-child")).to_have_text([titles[0], titles[2], titles[1], titles[3]])
    expect(rows.locator("td:nth-child(2)")).to_have_text(["4", "2", "3", "1"])
    expect(rows.locator("td:nth-child(3)")).to_have_text(["80.0%", "40.0%", "60.0%", "20.0%"])
    expect(rows.locator("td:nth-child(4)")).to_have_text(
        [tenge(ortaq_server, c) for c in (3_000_000, 1_500_000, 2_500_000, 1_000_000)])
    funded, not_enough = t("Funded"), t("Not funded: not enough money was left in the budget")
    expect(rows.locator("td:last-child")).to_have_text([funded, funded, not_enough, not_enough])

    # The chart is drawn on the server: an SVG image named by its <title>, one bar per project.
    chart = main.locator("figure.chart svg")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    chart_title = chart.locator("title")
    expect(chart_title).to_have_count(1)
    expect(chart_title).to_have_text(t("Votes per project"))
    expect(chart).to_have_attribute("aria-labelledby", chart_title.get_attribute("id"))
    expect(chart.locator("rect")).to_have_count(4)
    expect(chart).to_contain_text(titles[0][:20])

    def fact(label: str):
        return main.locator("dl.facts dt", has_text=re.compile("^" + re.escape(label) + "$")).locator(
            "xpath=following-sibling::dd[1]")

    expect(fact(t("Ballots"))).to_have_text("5")
    expect(fact(t("Budget"))).to_have_text(tenge(ortaq_server, 5_000_000))
    expect(fact(t("Used"))).to_have_text(tenge(ortaq_server, 4_500_000))
    expect(fact(t("Left"))).to_have_text(tenge(ortaq_server, 500_000))
    expect(fact(t("Rule"))).to_have_text("greedy")

    # Open data: .pb, CSV and JSON, linked from the page and served.
    for name, ext in [(t("Pabulib file (.pb)"), "pb"), ("CSV", "csv"), ("JSON", "json")]:
        expect(main.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "href", contest.path(f"/results.{ext}"))
    as_json = page.request.get(ortaq_server(contest.path("/results.json")))
    assert as_json.status == 200
    data = json.loads(as_json.text())
    assert data["selected"] == [p1, p3] and data["used"] == 4_500_000 and data["ballots"] == 5
    assert {p2, p4}.isdisjoint(data["selected"])
    as_csv = page.request.get(ortaq_server(contest.path("/results.csv")))
    assert as_csv.status == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text().splitlines()[0] == "project_id,title,category,cost,votes,selected,reason"
    as_pb = page.request.get(ortaq_server(contest.path("/results.pb")))
    assert as_pb.status == 200
    lines = [line.strip() for line in as_pb.text().splitlines()]
    for section in ("META", "PROJECTS", "VOTES"):
        assert section in lines, f"no {section} section in the .pb file"
    votes = [line for line in lines[lines.index("VOTES") + 2:] if line]
    assert len(votes) == 5
    assert not any(word in as_pb.text() for word in ("Оспанов", "Қасымова", "@example.kz"))


# --- 5. accessibility -------------------------------------------------------------------

@pytest.fixture
def axe_page(new_page):
    """JavaScript on and CSP bypassed, only so that axe can be injected."""
    return lambda **options: new_page(js=True, bypass_csp=True, **options)


def test_axe_contest_and_ballot_pages(axe_page, ortaq_server, seed):
    t = _t(ortaq_server)
    contest = seed("voting", photos=True)
    page = axe_page()
    sign_in(page, ortaq_server, contest.voters[0], contest.path())
    expect(page.get_by_role("heading", level=1)).to_have_text(contest.title)
    expect(page.locator("#projects .card")).to_have_count(4)
    expect(page.locator("#projects .card img")).to_have_count(4)
    settled(page, True)
    assert_accessible(page, "the contest page in the voting phase")

    page.get_by_role("main").get_by_role("link", name=t("Vote"), exact=True).click()
    page.wait_for_url(url_re(ortaq_server, contest.path("/ballot")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Ballot"))
    expect(page.locator(".ballot-item img")).to_have_count(4)
    settled(page, True)
    assert_accessible(page, "the ballot page")
    for pid in contest.project_ids[:3]:
        box(page, pid).check()
    expect(counter(page).locator(".error")).to_have_text(t("You may choose at most %(n)d projects.", n=2))
    settled(page, True)
    assert_accessible(page, "the ballot page with the over-the-limit warning")
    page.get_by_role("button", name=t("Cast my ballot"), exact=True).click()
    expect(page.get_by_role("main").get_by_role("alert")).to_be_visible()
    settled(page, True)
    assert_accessible(page, "the ballot page with a refused ballot")


def test_axe_results_and_project_pages(axe_page, ortaq_server, seed):
    t = _t(ortaq_server)
    contest = seed("results", photos=True, online_votes=[[0, 1], [2]], paper_votes=[[0]])
    page = axe_page()
    page.goto(ortaq_server(contest.path("/results")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Results"))
    expect(page.locator("figure.chart svg")).to_be_visible()
    settled(page, True)
    assert_accessible(page, "the results page")

    page.get_by_role("main").locator("table").get_by_role("link", name=contest.project_titles[0], exact=True).click()
    page.wait_for_url(url_re(ortaq_server, contest.path(f"/p/{contest.project_ids[0]}")))
    expect(page.get_by_role("heading", level=1)).to_have_text(contest.project_titles[0])
    expect(page.locator(".photo-list img")).to_have_count(1)
    settled(page, True)
    assert_accessible(page, "the project page of a funded project")


def test_axe_propose_form_clean_and_with_errors(axe_page, ortaq_server, seed):
    t = _t(ortaq_server)
    contest = seed("proposals")
    page = axe_page()
    sign_in(page, ortaq_server, contest.author_email, contest.path("/propose"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Propose a project"))
    settled(page, True)
    assert_accessible(page, "the propose form")
    page.locator("#estimated_cost").fill("12,5")
    page.get_by_role("main").locator("form button[type=submit]").click()
    expect(page.locator("#estimated_cost-error")).to_be_visible()
    expect(page.locator("#title-error")).to_be_visible()
    settled(page, True)
    assert_accessible(page, "the propose form with errors")
