import re
import pytest
from tests.browser.conftest import AXE_JS, expect
from tests.browser.test_accessibility import run_axe
from tests.browser.test_council_session import seed, axe_world, sign_in, _t  # noqa

pytestmark = pytest.mark.browser

def dump(page, where):
    vs = run_axe(page)
    print("\n==", where, page.url)
    for v in vs:
        print("  ", v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"][:4]])

def test_explore(new_page, ortaq_server, axe_world):
    w = axe_world
    page = new_page(js=True, bypass_csp=True)
    for path in ["/sessions", f"/sessions/{w.published_session_id}", "/protocols?q=" + w.search_word,
                 f"/protocols/{w.protocol_id}", f"/petitions/{w.petition_id}", f"/bodies/{w.council.body_slug}",
                 "/decisions", f"/bodies/{w.council.body_slug}/petitions"]:
        page.goto(ortaq_server(path)); dump(page, path)
    sign_in(page, ortaq_server, w.council.secretary_email, f"/sessions/{w.running_session_id}/run")
    for path in [f"/sessions/{w.running_session_id}/run", f"/sessions/{w.running_session_id}/manage",
                 f"/sessions/{w.published_session_id}/protocol", f"/sessions/{w.published_session_id}/decisions/manage",
                 f"/bodies/{w.council.body_slug}/manage", f"/bodies/{w.council.body_slug}/sessions/new",
                 f"/petitions/{w.petition_id}", f"/sessions/{w.running_session_id}"]:
        page.goto(ortaq_server(path)); dump(page, path)
    # tie in JS: where does the URL go?
    page.goto(ortaq_server(f"/sessions/{w.running_session_id}/run"))
    item_id = w.running_item_id
    item = page.locator(f"#item-{item_id}")
    item.locator(f"#vote{item_id}-motion").fill("x")
    item.locator(f"input[name=vote{item_id}-method][value=roll_call]").check()
    for (mid, _n), c in zip(w.council.members[:4], ("for", "against", "for", "against")):
        item.locator(f"#rc-{item_id}-{mid}-{c}").check()
    item.locator("form.vote-form button[type=submit]").click()
    expect(page.locator(f"#vote{item_id}-chair_vote-error")).to_be_visible()
    print("URL after 422:", page.url)
    dump(page, "tie")
