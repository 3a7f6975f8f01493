"""axe-core (vendored, pinned) finds no serious or critical WCAG 2.1 A/AA problem.

The site's Content-Security-Policy allows only its own scripts, so these contexts
bypass CSP to inject axe; nothing else in these tests relies on that.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import AXE_JS, expect

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    page.wait_for_function("() => window.axe !== undefined")
    results = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary, impact: n.impact}))}));
        }""",
        AXE_TAGS,
    )
    return results


def assert_accessible(page, where: str) -> None:
    violations = [v for v in run_axe(page) if v["impact"] in BLOCKING]
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}: {(node['summary'] or '').splitlines()[-1].strip()}")
    assert not violations, f"axe found {len(violations)} serious/critical problem(s) on {where}:\n" + "\n".join(lines)


@pytest.fixture
def axe_page(new_page):
    def factory(**options):
        page = new_page(js=True, bypass_csp=True, **options)
        return page
    return factory


@pytest.mark.parametrize("browser_locale", ["kk-KZ", "ru-RU", "en-US"], ids=["kk", "ru", "en"])
def test_home_page(axe_page, ortaq_server, browser_locale):
    page = axe_page(locale=browser_locale)
    page.goto(ortaq_server("/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, f"the home page ({browser_locale})")


@pytest.mark.parametrize("path", ["/about", "/account/login", "/account/register"])
def test_plain_pages(axe_page, ortaq_server, path):
    page = axe_page()
    page.goto(ortaq_server(path))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, path)


def test_register_page_with_errors(axe_page, ortaq_server):
    page = axe_page()
    page.goto(ortaq_server("/account/register"))
    page.wait_for_function("() => window.htmx !== undefined")
    page.locator("#email").fill("not-an-address")
    page.locator("#password").fill("short1")
    page.locator("#password_confirm").fill("other")
    page.get_by_role("main").locator("form button[type=submit]").click()
    expect(page.locator("#surname-error")).to_be_visible()
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.locator("#password_confirm-error")).to_be_visible()
    assert_accessible(page, "the registration page with errors")


def test_login_page_with_errors(axe_page, ortaq_server):
    page = axe_page()
    page.goto(ortaq_server("/account/login"))
    page.wait_for_function("() => window.htmx !== undefined")
    page.locator("#email").fill("nobody@example.kz")
    page.locator("#password").fill("not the password at all")
    page.get_by_role("main").locator("form button[type=submit]").click()
    expect(page.locator(".form-errors")).to_be_visible()
    assert_accessible(page, "the sign-in page with an error")


def test_signed_in_home_page(axe_page, ortaq_server):
    page = axe_page()
    page.goto(ortaq_server("/account/login"))
    page.locator("#email").fill(ortaq_server.seed["user_email"])
    page.locator("#password").fill(ortaq_server.seed["user_password"])
    page.get_by_role("main").locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("#flash-area .flash")).to_be_visible()
    assert_accessible(page, "the home page signed in, with a flash message")
