"""A council session in the browser, from the secretary's first click to the resident's search.

The walkthrough (issue 4, "Done when") runs once with JavaScript and once without: the
secretary — akimat staff and the body's secretary — creates a session, adds an item,
announces it, registers the members present on the running screen (with JavaScript the
attendance panel and the quorum line change in place), opens the session, has the chair and
the secretary elected, the agenda approved, a speech recorded and a motion put to a roll-call
vote that ties 2–2, so the page asks for the chair's deciding vote. The session is closed, the
protocol drafted and signed by the secretary and then by the chair (each with their own
account), and published. An anonymous resident finds it by a Kazakh word in the archive search,
reads it with both signatures, and finds the session in /sessions.ics and the protocol in
/protocols.atom.

Then axe-core (WCAG 2.1 A/AA) looks at the public council pages, the secretary's screen and a
petition. Every test builds its own community and body in the live server's database (unique
names), so the tests do not depend on each other or on their order.
"""
from __future__ import annotations

import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import USER_PASSWORD, expect
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser

LANG = "kk"   # the browser's language is not offered, so the site speaks its default
ZONE = ZoneInfo("Asia/Almaty")   # the seeded communities' time zone (the model's default)

# The motion and the speech of the walkthrough; the resident searches for a word of the motion
# in another form than typed here ("жайылымдарды" is found through its stem "жайылым").
MOTION = "Суармалы жайылымдарды қоршау және мал айдайтын жолды белгілеу"
SPEECH = "Жайылым шетіне тікенек сым қоршау салуды ұсынды."
SEARCH_WORD = "жайылымдарды"
ITEM_TITLE = "Жайылымдарды пайдалану туралы"

MEMBER_NAMES = ["Сейітов Нұрлан Асқарұлы", "Оспанова Дана Ерланқызы", "Төлеуов Самат Бауыржанұлы",
                "Ахметова Сәуле Талғатқызы", "Ермеков Ержан Миразұлы"]


# --- seed data ------------------------------------------------------------------------------

@dataclass
class Council:
    """A community with a meeting of five members: the chair's and the secretary's are accounts."""
    tag: str
    body_slug: str
    body_name: str
    secretary_email: str        # akimat staff, and the account of the body's secretary
    chair_email: str
    members: list[tuple[int, str]]   # (id, full name): chair, secretary, then three delegates


@dataclass
class AxeWorld:
    council: Council
    published_session_id: int
    protocol_id: int
    running_session_id: int
    running_item_id: int
    petition_id: int
    search_word: str


@pytest.fixture(scope="module")
def seed(ortaq_server):
    """``seed.council()`` builds a fresh community and meeting; ``seed.axe_world()`` adds, through
    the services, a published session, a session in progress and a petition to one of them."""
    from civic.communities.models import RoleKind
    from civic.councils import bodies
    from civic.councils import petitions as petition_service
    from civic.councils import protocols, running, sessions
    from civic.councils.models import MemberRole
    from civic.councils.rules import BodyKind
    from civic.core.database import utcnow
    from civic.extensions import db
    from tests.factories import grant, make_resident, make_territory, make_user

    app = ortaq_server.app

    def _council(tag: str):
        territory = make_territory(name_kk=f"Жайылма ауылдық округі {tag}", name_ru=f"Жайылминский округ {tag}",
                                   population=240)
        secretary = make_user(f"secretary-{tag}@akimat.example.kz", password=USER_PASSWORD, surname="Оспанова",
                              given_name="Дана", patronymic="Ерланқызы", locale=LANG)
        grant(secretary, territory, RoleKind.STAFF)
        chair = make_user(f"chair-{tag}@example.kz", password=USER_PASSWORD, surname="Сейітов",
                          given_name="Нұрлан", patronymic="Асқарұлы", locale=LANG)
        body = bodies.create_body(secretary, territory, kind=BodyKind.MEETING,
                                  name=f"Жайылма жергілікті қоғамдастық жиналысы {tag}")
        roles = [(MemberRole.CHAIR, chair), (MemberRole.SECRETARY, secretary)] + [(MemberRole.DELEGATE, None)] * 3
        members = [bodies.add_member(secretary, body, full_name=name, role=role, user=user,
                                     represents=f"Жайылма ауылы, {n + 1}-көше")
                   for n, (name, (role, user)) in enumerate(zip(MEMBER_NAMES, roles))]
        return territory, secretary, chair, body, members

    def council() -> Council:
        tag = uuid.uuid4().hex[:8]
        with app.app_context():
            try:
                _territory, secretary, chair, body, members = _council(tag)
                db.session.commit()
                return Council(tag, body.slug, body.name, secretary.email, chair.email,
                               [(m.id, m.full_name) for m in members])
            finally:
                db.session.remove()

    def axe_world() -> AxeWorld:
        tag = uuid.uuid4().hex[:8]
        with app.app_context():
            try:
                territory, secretary, chair, body, members = _council(tag)
                db.session.flush()

                def run_until_open(session, title):
                    item = sessions.add_item(secretary, session, title=title, rapporteur="Әкім аппаратының маманы")
                    sessions.announce(secretary, session)
                    for member in members[:4]:
                        running.register(secretary, session, member)
                    running.add_participant(secretary, session, full_name="Жұмабаев Асқар",
                                            organisation="Аудан әкімдігі", role="шақырылған")
                    running.open_session(secretary, session)
                    for capacity, member in (("chair", members[0]), ("secretary", members[1])):
                        running.elect(secretary, session, capacity=capacity, candidate=member,
                                      for_votes=4, against=0, abstained=0)
                    running.approve_agenda(secretary, session, for_votes=4, against=0, abstained=0)
                    return item

                # A session held, with a roll-call tie decided by the chair, signed and published.
                held = sessions.create_session(secretary, body, starts_at=utcnow() + timedelta(days=20),
                                               place="Жайылма ауылдық клубы")
                item = run_until_open(held, "Көше шамдарын ауыстыру туралы")
                running.add_speech(secretary, held, item, member=members[2],
                                   summary="Көше шамдарын үнемді шамдарға ауыстыруды ұсынды.")
                running.record_vote(secretary, held, item=item, motion="Көше шамдарын жыл соңына дейін ауыстыру",
                                    roll_call={members[0].id: "for", members[1].id: "against",
                                               members[2].id: "for", members[3].id: "against"}, chair_vote="for")
                running.close_session(secretary, held)
                protocol = protocols.draft(secretary, held)
                digest = protocols.text_sha256(protocol.text)
                protocols.sign(secretary, protocol, digest)
                protocols.sign(chair, protocol, digest)
                protocols.publish(secretary, protocol)

                # A session in progress: members registered, chair and secretary elected.
                live = sessions.create_session(secretary, body, starts_at=utcnow() + timedelta(days=30),
                                               place="Жайылма ауылдық клубы")
                live_item = run_until_open(live, "Балалар алаңын салу туралы")

                # A petition to convene the meeting, started by a verified resident.
                resident = make_user(f"resident-{tag}@example.kz", password=USER_PASSWORD, surname="Қасымова",
                                     given_name="Динара", locale=LANG)
                make_resident(territory, resident)
                petition = petition_service.start(resident, body, title="Жайылым кестесін қайта қарау",
                                                  agenda="1. Жайылым кестесі.\n2. Мал айдайтын жолдар.")
                db.session.commit()
                return AxeWorld(
                    council=Council(tag, body.slug, body.name, secretary.email, chair.email,
                                    [(m.id, m.full_name) for m in members]),
                    published_session_id=held.id, protocol_id=protocol.id, running_session_id=live.id,
                    running_item_id=live_item.id, petition_id=petition.id, search_word="шамдарын")
            finally:
                db.session.remove()

    return SimpleNamespace(council=council, axe_world=axe_world)


@pytest.fixture(scope="module")
def axe_world(seed) -> AxeWorld:
    return seed.axe_world()


# --- helpers --------------------------------------------------------------------------------

def _t(server):
    return lambda msgid, **values: server.t(LANG, msgid, **values)


def url_re(server, path: str, tail: str = "$") -> re.Pattern:
    """The whole URL of ``path`` on the live server (so ``?next=/path`` never matches)."""
    return re.compile("^" + re.escape(server(path)) + tail)


def sign_in(page, server, email: str, path: str) -> None:
    """Sign in through the real form and land on ``path``."""
    page.goto(server("/account/login?next=" + quote(path, safe="")))
    page.locator("#email").fill(email)
    page.locator("#password").fill(USER_PASSWORD)
    page.get_by_role("main").locator("form button[type=submit]").click()
    page.wait_for_url(url_re(server, path, r"(#.*)?$"))
    nav = page.get_by_role("navigation", name=server.t(LANG, "Main navigation"))
    expect(nav.get_by_role("button", name=server.t(LANG, "Sign out"), exact=True)).to_be_visible()


def mark_page(page, js: bool, keep: str | None = None) -> None:
    """With JS: a marker that survives htmx swaps but not a full page load; with ``keep``, also
    one on that element, which survives a fragment swap but not a boosted page swap."""
    if js:
        page.wait_for_function("() => window.htmx !== undefined")
        page.evaluate("() => { window.__ortaqNoReload = true; }")
        if keep:
            page.locator(keep).evaluate("el => { el.__ortaqKept = true; }")


def assert_swapped_in_place(page, js: bool, keep: str | None = None) -> None:
    if js:
        assert page.evaluate("() => window.__ortaqNoReload === true"), "a full page load instead of an htmx swap"
        if keep:
            assert page.locator(keep).evaluate("el => el.__ortaqKept === true"), \
                f"{keep} was replaced: the whole page was swapped, not the fragment"


def posting(page, path: str):
    """Wait for the POST answer to ``path`` (a form post or an htmx request) while the block runs."""
    return page.expect_response(lambda r: r.request.method == "POST" and urlsplit(r.url).path == path)


def local_day(days_ahead: int) -> str:
    return (datetime.now(ZONE).date() + timedelta(days=days_ahead)).isoformat()


def unfold_ical(text: str) -> str:
    """RFC 5545 §3.1: undo line folding."""
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def ical_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


# --- the walkthrough ------------------------------------------------------------------------

def _prepare_and_announce(page, server, js: bool, council: Council, late: bool) -> int:
    """As the secretary: a new session (date and time fields), an item, the announcement."""
    t = _t(server)
    page.get_by_role("main").get_by_role("link", name=t("New session"), exact=True).click()
    page.wait_for_url(url_re(server, f"/bodies/{council.body_slug}/sessions/new"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New session"))
    days_ahead = 4 if late else 20     # the notice is due 10 calendar days before (App. 2 §6)
    page.locator("#day").fill(local_day(days_ahead))
    page.locator("#start_time").fill("15:00")
    page.locator("#place").fill("Жайылма ауылдық клубы, Абай көшесі, 12")
    page.get_by_role("main").locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(server("/sessions/")) + r"(\d+)/manage$"))
    session_id = int(re.search(r"/sessions/(\d+)/manage", page.url).group(1))
    expect(page.locator("#flash-area")).to_contain_text(
        t("The session is created as a draft. Prepare the agenda and the materials, then announce it."))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Session № %(number)d: preparation", number=1))

    # The agenda: the progress of earlier decisions is there by default; add an item.
    page.locator("#title").fill(ITEM_TITLE)
    page.locator("#rapporteur").fill("Әкім аппаратының жер қатынастары маманы")
    page.get_by_role("button", name=t("Add to the agenda"), exact=True).click()
    agenda = page.locator("#agenda ol.agenda > li")
    expect(agenda).to_have_count(2)
    expect(agenda.nth(1).get_by_role("heading", level=3)).to_have_text(ITEM_TITLE)
    expect(page.locator("#flash-area")).to_contain_text(t("The item is added to the agenda."))

    # Before announcing, the page says whether a notice given today would be in time.
    notice = page.locator("section[aria-labelledby=notice-title]")
    expected = t("Late") if late else t("In time")
    expect(notice.locator("dd").first.locator(".badge")).to_have_text(expected)
    if late:
        expect(notice).to_contain_text(t("The notice would be late. You may still announce it; the delay is "
                                         "shown publicly."))
    notice.get_by_role("button", name=t("Announce the session"), exact=True).click()
    expect(page.locator("#flash-area")).to_contain_text(t("The session is announced."))
    # The notice as recorded, with its dates: in time, or late (shown, not hidden).
    expect(notice.get_by_role("button", name=t("Announce the session"), exact=True)).to_have_count(0)
    expect(notice.locator("dd").first.locator(".badge")).to_have_text(expected)
    if late:
        expect(page.locator("#flash-area .flash-warning")).to_be_visible()
    return session_id


def _register(page, server, js: bool, session_id: int, member: tuple[int, str]) -> None:
    t = _t(server)
    row = page.locator(f"#member-{member[0]}")
    with posting(page, f"/sessions/{session_id}/attendance") as answer:
        row.get_by_role("button", name=re.compile("^" + re.escape(t("Register as present")))).click()
    response = answer.value
    if js:
        assert response.request.headers.get("hx-request") == "true", "the registration was not an htmx request"
        assert "hx-boosted" not in response.request.headers
        assert response.status == 200
    else:
        assert response.status == 303
    expect(row.get_by_role("button", name=re.compile("^" + re.escape(t("Mark as absent"))))).to_be_visible()
    expect(row.locator(".badge")).to_have_text(t("present"))
    # With JS the panel says it itself; without, the page's flash does.
    where = page.locator("#attendance .flash") if js else page.locator("#flash-area")
    expect(where).to_contain_text(t("%(name)s is registered as present.", name=member[1]))


def _quorum(page, server, reached: bool, present: int) -> None:
    t = _t(server)
    line = page.locator("#attendance .quorum-line")
    expect(line.locator(".badge")).to_have_text(t("Quorum present") if reached else t("No quorum"))
    expect(line).to_contain_text(t("%(present)d present; at least %(needed)d needed (base: %(base)s).",
                                   present=present, needed=3, base=5))


def _elect(page, server, capacity: str, member: tuple[int, str], index: int) -> None:
    t = _t(server)
    section = page.locator("#elections")
    section.locator(f"input[name=elect-capacity][value={capacity}]").check()
    section.locator("#elect-candidate").select_option(value=str(member[0]))
    section.locator("#elect-for_votes").fill("4")
    section.locator("#elect-against").fill("0")
    section.locator("#elect-abstained").fill("0")
    section.get_by_role("button", name=t("Record the election"), exact=True).click()
    expect(section.locator("dl.facts dd").nth(index)).to_have_text(member[1])


def _run_the_session(page, server, js: bool, council: Council, session_id: int) -> None:
    """The secretary's screen: attendance and quorum, opening, elections, agenda, a speech, the vote."""
    t = _t(server)
    chair, secretary, third, fourth, _absent = council.members
    page.get_by_role("link", name=t("Open the secretary's screen"), exact=True).click()
    page.wait_for_url(url_re(server, f"/sessions/{session_id}/run"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Session № %(number)d: secretary's screen", number=1))
    item_href = page.locator("#agenda ol a", has_text=ITEM_TITLE).get_attribute("href")
    item_id = int(item_href.rsplit("-", 1)[1])

    # Attendance: with JS the panel and the quorum line change in place (no page load).
    _quorum(page, server, reached=False, present=0)
    mark_page(page, js, keep="#participants")
    _register(page, server, js, session_id, chair)
    _register(page, server, js, session_id, secretary)
    _quorum(page, server, reached=False, present=2)
    _register(page, server, js, session_id, third)
    _quorum(page, server, reached=True, present=3)
    assert_swapped_in_place(page, js, keep="#participants")

    page.get_by_role("button", name=t("Open the session"), exact=True).click()
    expect(page.locator("#flash-area")).to_contain_text(t("The session is open."))
    expect(page.get_by_role("button", name=t("Close the session"), exact=True)).to_be_visible()
    roll_call = page.locator(f"#roll-call-{item_id}")
    expect(roll_call.locator("fieldset legend")).to_have_count(3)

    # A member who arrives late is registered during the session; with JS the roll-call list of
    # every item follows (out-of-band swap), without it the page is loaded again.
    mark_page(page, js, keep="#participants")
    _register(page, server, js, session_id, fourth)
    _quorum(page, server, reached=True, present=4)
    expect(roll_call.locator("fieldset legend")).to_have_count(4)
    expect(roll_call.locator("fieldset legend").nth(3)).to_have_text(fourth[1])
    assert_swapped_in_place(page, js, keep="#participants")

    # Chair and secretary of the session, elected by open (counted) vote.
    _elect(page, server, "chair", chair, 0)
    _elect(page, server, "secretary", secretary, 1)

    # The agenda is approved by vote.
    agenda = page.locator("#agenda")
    expect(agenda.locator("p .badge").first).to_have_text(t("Not approved yet"))
    agenda.locator("#agenda-for_votes").fill("4")
    agenda.locator("#agenda-against").fill("0")
    agenda.locator("#agenda-abstained").fill("0")
    agenda.locator("form[action$='/agenda/approve'] button[type=submit]").click()
    expect(agenda.locator("p .badge").first).to_have_text(t("Approved"))

    # A speech on the item.
    item = page.locator(f"#item-{item_id}")
    item.locator("details > summary").first.click()
    item.locator(f"#speech{item_id}-speaker").select_option(value=f"m-{third[0]}")
    item.locator(f"#speech{item_id}-summary").fill(SPEECH)
    item.get_by_role("button", name=t("Record the speech"), exact=True).click()
    expect(item.locator("ul").first).to_contain_text(SPEECH)
    expect(item.locator("ul").first).to_contain_text(third[1])

    # The motion, by roll call: 2 for, 2 against — a tie.
    item = page.locator(f"#item-{item_id}")
    item.locator(f"#vote{item_id}-motion").fill(MOTION)
    item.locator(f"input[name=vote{item_id}-method][value=roll_call]").check()
    choices = {chair[0]: "for", secretary[0]: "against", third[0]: "for", fourth[0]: "against"}
    for member_id, choice in choices.items():
        item.locator(f"#rc-{item_id}-{member_id}-{choice}").check()
    with posting(page, f"/sessions/{session_id}/items/{item_id}/votes") as answer:
        item.locator("form.vote-form button[type=submit]").click()
    assert answer.value.status == 422
    # The page asks for the chair's deciding vote; what was entered is kept.
    error = page.locator(f"#vote{item_id}-chair_vote-error")
    expect(error).to_have_text(t("The votes are tied: record the chair's deciding vote."))
    if js:
        # The address stays the screen's (the form's POST-only action would answer a reload with 405).
        expect(page).to_have_url(url_re(server, f"/sessions/{session_id}/run", r"(#.*)?$"))
    item = page.locator(f"#item-{item_id}")
    expect(item.locator(f"#vote{item_id}-motion")).to_have_value(MOTION)
    expect(item.locator(f"input[name=vote{item_id}-method][value=roll_call]")).to_be_checked()
    for member_id, choice in choices.items():
        expect(item.locator(f"#rc-{item_id}-{member_id}-{choice}")).to_be_checked()
    expect(item.locator(".vote-result")).to_have_count(0)
    item.locator(f"input[name=vote{item_id}-chair_vote][value=for]").check()
    with posting(page, f"/sessions/{session_id}/items/{item_id}/votes") as answer:
        item.locator("form.vote-form button[type=submit]").click()
    assert answer.value.status == 303
    result = page.locator(f"#item-{item_id} .vote-result")
    expect(result).to_have_count(1)
    expect(result.locator(".badge").first).to_have_text(t("Adopted"))
    expect(result.locator(".chair-decided")).to_have_text(
        t("The votes were tied; the chair's deciding vote (%(choice)s) decided.", choice=t("for")))
    expect(page.locator("#flash-area")).to_contain_text(t("The chair's vote decided the tie."))


def _protocol_sha(page) -> str:
    return (page.locator("#protocol-sha").text_content() or "").strip()


def _close_and_sign(page, server, council: Council, session_id: int) -> str:
    """Close the session, draft the protocol and sign it as the secretary; returns its SHA-256."""
    t = _t(server)
    page.get_by_role("button", name=t("Close the session"), exact=True).click()
    page.wait_for_url(url_re(server, f"/sessions/{session_id}/protocol"))
    expect(page.locator("#flash-area")).to_contain_text(
        t("The session is closed. Generate the draft protocol from the record."))
    page.get_by_role("button", name=t("Generate the draft protocol"), exact=True).click()
    text = page.locator("textarea#text")
    expect(text).to_be_visible()
    expect(text).to_have_value(re.compile(re.escape(MOTION)))
    expect(text).to_have_value(re.compile(re.escape("Дауыс тең бөлінді; төрағаның дауысы шешті.")))
    expect(text).to_have_value(re.compile(re.escape(SPEECH)))

    page.get_by_role("button", name=t("Sign the protocol"), exact=True).click()
    expect(page.locator("#flash-area")).to_contain_text(
        t("You signed the protocol as %(capacity)s.", capacity=t("the secretary")))
    # The signed text is frozen (no longer a form) and its SHA-256 is shown.
    expect(page.locator("textarea#text")).to_have_count(0)
    body = page.locator("pre.protocol-text")
    expect(body).to_contain_text(MOTION)
    digest = _protocol_sha(page)
    assert re.fullmatch(r"[0-9a-f]{64}", digest), digest
    assert hashlib.sha256((body.text_content() or "").encode("utf-8")).hexdigest() == digest
    signatures = page.locator("section[aria-labelledby=signatures-title] li")
    expect(signatures.nth(1)).to_contain_text(council.members[1][1])
    expect(signatures.nth(1)).to_contain_text(digest)
    expect(signatures.nth(0)).to_contain_text(t("not signed yet"))
    return digest


def _resident_finds_the_protocol(page, server, js: bool, council: Council, session_id: int, protocol_url: str,
                                 digest: str, late: bool) -> None:
    t = _t(server)
    page.goto(server("/"))
    nav = page.get_by_role("navigation", name=t("Main navigation"))
    nav.get_by_role("link", name=t("Protocols"), exact=True).click()
    page.wait_for_url(url_re(server, "/protocols"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Protocols"))
    results = page.locator("#protocol-results")
    ours = results.get_by_role("link", name=re.compile(re.escape(council.body_name)))
    box = page.get_by_role("searchbox", name=t("Words to find"))
    if js:
        # Active search: results change as the resident types, the address follows.
        mark_page(page, js, keep="main h1")
        box.press_sequentially(SEARCH_WORD)
        page.wait_for_url(re.compile(re.escape(server("/protocols?")) + r".*q=" + re.escape(quote(SEARCH_WORD))))
    else:
        box.fill(SEARCH_WORD)
        page.get_by_role("main").get_by_role("button", name=t("Search"), exact=True).click()
        page.wait_for_url(re.compile(re.escape(server("/protocols?")) + r".*q=" + re.escape(quote(SEARCH_WORD))))
    expect(results.get_by_role("status")).to_contain_text(SEARCH_WORD)
    expect(ours).to_be_visible()
    assert_swapped_in_place(page, js, keep="main h1")
    expect(box).to_have_value(SEARCH_WORD)

    ours.click()
    page.wait_for_url(protocol_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t("Protocol of session No. %(number)d", number=1))
    expect(page.locator(".protocol-text")).to_contain_text(MOTION)
    signatures = page.locator("section[aria-labelledby=signatures-title] tbody tr")
    expect(signatures).to_have_count(2)
    chair_name, secretary_name = council.members[0][1], council.members[1][1]
    expect(signatures.filter(has_text=chair_name)).to_have_count(1)
    expect(signatures.filter(has_text=secretary_name)).to_have_count(1)
    for row in (signatures.nth(0), signatures.nth(1)):
        expect(row.locator("code.digest")).to_have_text(digest)

    # The public session page shows whether the notice came in time, and the tie decided by the chair.
    page.get_by_role("main").locator(".breadcrumbs").get_by_role(
        "link", name=t("Session No. %(number)d", number=1), exact=True).click()
    page.wait_for_url(url_re(server, f"/sessions/{session_id}"))
    notice = page.locator("section[aria-labelledby=notice-title] dd").first
    expect(notice.locator(".badge")).to_have_text(t("Late") if late else t("In time"))
    expect(page.get_by_role("main")).to_contain_text(MOTION)

    # The feeds: the session in the calendar, the protocol in the Atom feed.
    calendar = page.request.get(server("/sessions.ics"))
    assert calendar.status == 200
    assert calendar.headers["content-type"].startswith("text/calendar")
    ics = unfold_ical(calendar.text())
    events = ics.split("BEGIN:VEVENT")[1:]
    uid = f"UID:council-session-{session_id}@127.0.0.1\r\n"
    ours_ics = [block for block in events if uid in block]
    assert len(ours_ics) == 1, f"no event {uid!r} in /sessions.ics"
    summary = ical_text(t("%(body)s, session No. %(number)d", body=council.body_name, number=1))
    assert f"\r\nSUMMARY:{summary}\r\n" in ours_ics[0], ours_ics[0]
    assert f"URL:{server(f'/sessions/{session_id}')}\r\n" in ours_ics[0]

    atom = page.request.get(server("/protocols.atom"))
    assert atom.status == 200
    assert atom.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(atom.body())
    links = [e for e in feed.findall("a:entry", ns)
             if any(link.get("href") == protocol_url and link.get("rel") == "alternate"
                    for link in e.findall("a:link", ns))]
    assert len(links) == 1, f"{protocol_url} is not in /protocols.atom"
    assert council.body_name in links[0].findtext("a:title", namespaces=ns)
    assert MOTION in links[0].findtext("a:content", namespaces=ns)


def test_full_session_from_announcement_to_published_protocol(new_page, ortaq_server, seed, js):
    t = _t(ortaq_server)
    council = seed.council()
    late = js   # one run announces late (shown, not hidden), the other in time

    secretary = new_page(js=js)
    sign_in(secretary, ortaq_server, council.secretary_email, f"/bodies/{council.body_slug}/manage")
    session_id = _prepare_and_announce(secretary, ortaq_server, js, council, late)
    _run_the_session(secretary, ortaq_server, js, council, session_id)
    digest = _close_and_sign(secretary, ortaq_server, council, session_id)

    # The chair signs with their own account.
    chair = new_page(js=js)
    sign_in(chair, ortaq_server, council.chair_email, f"/sessions/{session_id}/protocol")
    expect(chair.locator("#protocol-sha")).to_have_text(digest)
    expect(chair.get_by_role("button", name=t("Publish the protocol"), exact=True)).to_have_count(0)
    chair.get_by_role("button", name=t("Sign the protocol"), exact=True).click()
    expect(chair.locator("#flash-area")).to_contain_text(
        t("You signed the protocol as %(capacity)s.", capacity=t("the chair")))
    expect(chair.locator("#flash-area")).to_contain_text(
        t("Both signatures are in place; the protocol can be published."))
    expect(chair.get_by_role("button", name=t("Sign the protocol"), exact=True)).to_have_count(0)
    signatures = chair.locator("section[aria-labelledby=signatures-title] li")
    expect(signatures.nth(0)).to_contain_text(council.members[0][1])
    expect(signatures.nth(0)).to_contain_text(digest)

    # The secretary publishes.
    secretary.goto(ortaq_server(f"/sessions/{session_id}/protocol"))
    secretary.get_by_role("button", name=t("Publish the protocol"), exact=True).click()
    expect(secretary.locator("#flash-area")).to_contain_text(t("The protocol is published."))
    link = secretary.get_by_role("link", name=t("The published protocol"), exact=True)
    expect(link).to_be_visible()
    protocol_url = ortaq_server(link.get_attribute("href"))
    assert re.fullmatch(re.escape(ortaq_server("/protocols/")) + r"\d+", protocol_url), protocol_url

    # An anonymous resident finds it.
    resident = new_page(js=js)
    _resident_finds_the_protocol(resident, ortaq_server, js, council, session_id, protocol_url, digest, late)


# --- accessibility --------------------------------------------------------------------------

@pytest.fixture
def axe_page(new_page):
    """A page with JavaScript whose context bypasses CSP, so axe can be injected."""
    def factory(**options):
        return new_page(js=True, bypass_csp=True, **options)
    return factory


def test_public_council_pages_are_accessible(axe_page, ortaq_server, axe_world):
    t = _t(ortaq_server)
    page = axe_page()
    page.goto(ortaq_server("/sessions"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Sessions"))
    expect(page.locator("#sessions").get_by_role("link", name=axe_world.council.body_name).first).to_be_visible()
    assert_accessible(page, "/sessions")

    page.goto(ortaq_server(f"/sessions/{axe_world.published_session_id}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Session No. %(number)d", number=1))
    expect(page.locator(".vote").first).to_be_visible()
    assert_accessible(page, "a held session's page")

    page.goto(ortaq_server("/protocols?q=" + quote(axe_world.search_word)))
    expect(page.locator("#protocol-results").get_by_role(
        "link", name=re.compile(re.escape(axe_world.council.body_name)))).to_be_visible()
    assert_accessible(page, "/protocols with a search")

    page.goto(ortaq_server(f"/protocols/{axe_world.protocol_id}"))
    expect(page.locator("section[aria-labelledby=signatures-title] tbody tr")).to_have_count(2)
    assert_accessible(page, "a published protocol")

    page.goto(ortaq_server(f"/petitions/{axe_world.petition_id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Жайылым кестесін қайта қарау")
    assert_accessible(page, "a petition's page")


def test_secretary_screen_is_accessible(axe_page, ortaq_server, axe_world):
    t = _t(ortaq_server)
    world = axe_world
    session_id, item_id = world.running_session_id, world.running_item_id
    page = axe_page()
    sign_in(page, ortaq_server, world.council.secretary_email, f"/sessions/{session_id}/run")
    expect(page.get_by_role("button", name=t("Close the session"), exact=True)).to_be_visible()
    expect(page.locator(f"#roll-call-{item_id} fieldset")).to_have_count(4)
    assert_accessible(page, "the secretary's screen")

    # With the tie's question on screen: the chair's deciding vote, with its error.
    members = world.council.members
    item = page.locator(f"#item-{item_id}")
    item.locator(f"#vote{item_id}-motion").fill("Балалар алаңын көктемде салу")
    item.locator(f"input[name=vote{item_id}-method][value=roll_call]").check()
    for (member_id, _name), choice in zip(members[:4], ("for", "against", "for", "against")):
        item.locator(f"#rc-{item_id}-{member_id}-{choice}").check()
    item.locator("form.vote-form button[type=submit]").click()
    expect(page.locator(f"#vote{item_id}-chair_vote-error")).to_be_visible()
    assert_accessible(page, "the secretary's screen asking for the chair's vote")
