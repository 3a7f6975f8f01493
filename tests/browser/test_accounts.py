"""Registration, e-mail confirmation, sign in and out, and form errors, with and without JavaScript."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import expect

pytestmark = pytest.mark.browser

LANG = "kk"  # the browser's language is not offered, so the site speaks its default


def _mark_page(page, js: bool) -> None:
    """With JS: a marker that survives htmx swaps but not a full page load."""
    if js:
        page.wait_for_function("() => window.htmx !== undefined")
        page.evaluate("() => { window.__ortaqNoReload = true; }")


def _assert_not_reloaded(page, js: bool) -> None:
    if js:
        assert page.evaluate("() => window.__ortaqNoReload === true"), \
            "the form made a full page load instead of an htmx swap"


def _fill_registration(page, email: str, password: str, confirm: str | None = None) -> None:
    form = page.get_by_role("main").locator("form")
    form.locator("#surname").fill("Жұмабаева")
    form.locator("#given_name").fill("Әсел")
    form.locator("#email").fill(email)
    form.locator("#password").fill(password)
    form.locator("#password_confirm").fill(password if confirm is None else confirm)


def _submit(page) -> None:
    page.get_by_role("main").locator("form button[type=submit]").click()


def test_register_confirm_sign_in_and_out(new_page, ortaq_server, js, unique_email):
    t = lambda msgid, **values: ortaq_server.t(LANG, msgid, **values)  # noqa: E731
    page = new_page(js=js)
    page.goto(ortaq_server("/"))
    nav = page.get_by_role("navigation", name=t("Main navigation"))
    nav.get_by_role("link", name=t("Register"), exact=True).click()
    page.wait_for_url(re.compile(r"/account/register$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Register"))
    _mark_page(page, js)

    password = "Steppe wind and forty quiet horses 2031"
    _fill_registration(page, unique_email, password)
    _submit(page)

    page.wait_for_url(re.compile(r"/account/login$"))
    expect(page.locator("#flash-area")).to_contain_text(unique_email)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Sign in"))
    _assert_not_reloaded(page, js)

    # An unconfirmed account cannot sign in yet.
    page.locator("#email").fill(unique_email)
    page.locator("#password").fill(password)
    _submit(page)
    expect(page.locator(".form-errors")).to_contain_text(
        t("Please confirm your e-mail address first: open the link we sent you."))

    link = ortaq_server.mail_link(unique_email, r"/account/confirm/")
    assert link.startswith(ortaq_server.url)
    page.goto(link)
    page.wait_for_url(re.compile(r"/account/login$"))
    expect(page.locator("#flash-area")).to_contain_text(t("Your e-mail address is confirmed. You can sign in now."))

    _mark_page(page, js)
    page.locator("#email").fill(unique_email)
    page.locator("#password").fill(password)
    _submit(page)
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("#flash-area")).to_contain_text(t("Welcome, %(name)s!", name="Әсел"))
    _assert_not_reloaded(page, js)

    nav = page.get_by_role("navigation", name=t("Main navigation"))
    expect(nav.get_by_role("link", name=t("My profile"), exact=True)).to_be_visible()
    sign_out = nav.get_by_role("button", name=t("Sign out"), exact=True)
    expect(sign_out).to_be_visible()
    expect(nav.get_by_role("link", name=t("Sign in"), exact=True)).to_have_count(0)

    nav.get_by_role("link", name=t("My profile"), exact=True).click()
    page.wait_for_url(re.compile(r"/account/$"))
    expect(page.get_by_role("main")).to_contain_text(unique_email)

    nav.get_by_role("button", name=t("Sign out"), exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("#flash-area")).to_contain_text(t("You have signed out."))
    expect(nav.get_by_role("link", name=t("Sign in"), exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name=t("Sign out"), exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name=t("My profile"), exact=True)).to_have_count(0)
    _assert_not_reloaded(page, js)

    # Signed out for real: the profile asks to sign in again.
    page.goto(ortaq_server("/account/"))
    page.wait_for_url(re.compile(r"/account/login\?next="))


def test_too_short_password_is_shown_next_to_the_field(new_page, ortaq_server, js, unique_email):
    t = lambda msgid, **values: ortaq_server.t(LANG, msgid, **values)  # noqa: E731
    page = new_page(js=js)
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if r.url.endswith("/account/register")
            and r.request.method == "POST" else None)
    page.goto(ortaq_server("/account/register"))
    _mark_page(page, js)

    _fill_registration(page, unique_email, "short1")
    _submit(page)

    error = page.locator("#password-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(t("The password must be at least %(n)d characters long.", n=10))
    password = page.locator("#password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_attribute("aria-describedby", re.compile(r"\bpassword-error\b"))
    # The error sits in the same field group as the password input.
    expect(page.locator(".field.has-error").filter(has=page.locator("#password"))).to_contain_text(
        t("The password must be at least %(n)d characters long.", n=10))
    expect(page.get_by_role("alert")).to_contain_text(t("Please correct the marked fields."))
    # What was typed is kept (except the passwords), and no account was made.
    expect(page.locator("#email")).to_have_value(unique_email)
    expect(page.locator("#surname")).to_have_value("Жұмабаева")
    expect(page).to_have_url(re.compile(r"/account/register$"))
    assert statuses == [422]
    assert not [m for m in ortaq_server.outbox if m["To"] == unique_email]
    _assert_not_reloaded(page, js)
    # Other fields are not marked.
    expect(page.locator("#email")).not_to_have_attribute("aria-invalid", "true")
