"""Home page, language switch and phone layout, with and without JavaScript."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import expect

pytestmark = pytest.mark.browser

HEADING = "Ortaq: our community decides together"
LANGUAGES = [("kk-KZ", "kk"), ("ru-RU", "ru"), ("en-US", "en")]


@pytest.mark.parametrize(("browser_locale", "lang"), LANGUAGES, ids=[lang for _, lang in LANGUAGES])
def test_home_page_speaks_the_browsers_language(new_page, ortaq_server, js, browser_locale, lang):
    page = new_page(js=js, locale=browser_locale)
    response = page.goto(ortaq_server("/"))
    assert response is not None and response.status == 200
    assert response.headers.get("content-language") == lang

    expect(page.locator("html")).to_have_attribute("lang", lang)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    expect(heading).to_have_text(ortaq_server.t(lang, HEADING))

    nav = page.get_by_role("navigation", name=ortaq_server.t(lang, "Main navigation"))
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name=ortaq_server.t(lang, "About"), exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name=ortaq_server.t(lang, "Sign in"), exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name=ortaq_server.t(lang, "Register"), exact=True)).to_be_visible()

    # The seeded community is listed, named in the page's language (Russian names serve English too).
    name = ortaq_server.seed["territory_kk" if lang == "kk" else "territory_ru"]
    expect(page.get_by_role("main").get_by_role("link", name=name)).to_be_visible()
    # The current language is marked in the switch.
    current = page.locator(".lang-switch button[aria-current='true']")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("value", lang)


def test_home_page_falls_back_to_kazakh(new_page, ortaq_server, js):
    page = new_page(js=js, locale="de-DE")
    page.goto(ortaq_server("/"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.get_by_role("heading", level=1)).to_have_text(ortaq_server.t("kk", HEADING))


def _switch_to(page, ortaq_server, label: str, lang: str) -> None:
    page.get_by_role("banner").get_by_role("button", name=label, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator(".lang-switch button[aria-current='true']")).to_have_attribute("value", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(ortaq_server.t(lang, HEADING))
    nav = page.get_by_role("navigation", name=ortaq_server.t(lang, "Main navigation"))
    expect(nav.get_by_role("link", name=ortaq_server.t(lang, "About"), exact=True)).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text(
        ortaq_server.t(lang, "Ortaq — a place for the local community and its self-government to work together."))


def test_language_switch(new_page, ortaq_server, js):
    page = new_page(js=js)
    page.goto(ortaq_server("/about"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    if js:  # a marker that survives htmx swaps but not a full page load
        page.wait_for_function("() => window.htmx !== undefined")
        page.evaluate("() => { window.__ortaqNoReload = true; }")

    page.get_by_role("banner").get_by_role("button", name="Русский", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator(".lang-switch button[aria-current='true']")).to_have_attribute("value", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(ortaq_server.t("ru", "About Ortaq"))
    expect(page).to_have_url(re.compile(r"/about$"))  # back on the page we were on
    # The footer names the akimat in Russian now.
    expect(page.get_by_role("contentinfo").get_by_role("heading")).to_have_text(ortaq_server.seed["akimat_ru"])

    page.get_by_role("banner").get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".lang-switch button[aria-current='true']")).to_have_attribute("value", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(ortaq_server.t("en", "About Ortaq"))
    expect(page).to_have_url(re.compile(r"/about$"))
    nav = page.get_by_role("navigation", name=ortaq_server.t("en", "Main navigation"))
    expect(nav.get_by_role("link", name=ortaq_server.t("en", "Sign in"), exact=True)).to_be_visible()
    if js:
        assert page.evaluate("() => window.__ortaqNoReload === true"), "the switch reloaded the page instead of an htmx swap"

    # The choice is remembered: a fresh load of another page stays in English.
    page.goto(ortaq_server("/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(ortaq_server.t("en", HEADING))
    _switch_to(page, ortaq_server, "Қазақша", "kk")


@pytest.mark.parametrize("browser_locale", ["kk-KZ", "ru-RU", "en-US"], ids=["kk", "ru", "en"])
def test_home_page_fits_a_phone(new_page, ortaq_server, js, browser_locale):
    page = new_page(js=js, locale=browser_locale, viewport={"width": 360, "height": 740},
                    device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(ortaq_server("/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Playwright's evaluate runs even when the page's own scripts are off.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the home page scrolls sideways on a phone: scrollWidth={width}"

