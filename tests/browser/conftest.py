"""Browser tests: a live Ortaq server and Debian's Chromium driven by Playwright.

The server is the real app on 127.0.0.1 with a SQLite file of its own (never the
shared test database, never PostgreSQL). Playwright never downloads a browser:
it drives /usr/bin/chromium. Without Chromium or Playwright the tests are skipped,
except under CI=true where they fail.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

try:  # the test modules take ``expect`` from here, so a missing Playwright skips (or fails under CI)
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - reported by the ``chromium`` fixture
    expect = None

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# Unsupported by the site, so it answers in its default language (Kazakh).
NEUTRAL_BROWSER_LOCALE = "de-DE"
USER_PASSWORD = "Steppe lantern over quiet river 1987"


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"Browser tests cannot run under CI: {message}", pytrace=False)
    pytest.skip(message)


class LiveServer:
    """The app served by werkzeug in a daemon thread."""

    def __init__(self, app, server, thread, workdir: Path, seed: dict):
        self.app = app
        self._server = server
        self._thread = thread
        self.workdir = workdir
        self.url = f"http://127.0.0.1:{server.server_port}"
        self.seed = seed

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    @property
    def outbox(self) -> list:
        return self.app.extensions.setdefault("ortaq_outbox", [])

    def mail_link(self, to: str, pattern: str, timeout: float = 10.0) -> str:
        """The first link matching ``pattern`` in the newest mail to ``to``."""
        deadline = time.monotonic() + timeout
        while True:
            for message in reversed(list(self.outbox)):
                if message["To"] == to:
                    body = message.get_content()
                    found = re.search(r"https?://\S*" + pattern + r"\S*", body)
                    assert found, f"no link matching {pattern!r} in the mail to {to}:\n{body}"
                    return found.group(0)
            if time.monotonic() > deadline:
                raise AssertionError(f"no mail to {to} in the outbox ({len(self.outbox)} mails)")
            time.sleep(0.05)

    def t(self, lang: str, msgid: str, **values) -> str:
        """``msgid`` as the app itself translates it into ``lang``."""
        from flask_babel import force_locale, gettext
        with self.app.test_request_context("/"):
            with force_locale(lang):
                return gettext(msgid, **values)

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


@pytest.fixture(scope="session")
def ortaq_server():
    from werkzeug.serving import make_server

    from civic import create_app
    from civic.extensions import db
    from tests.conftest import base_config
    from tests.factories import make_territory, make_user

    workdir = Path(tempfile.mkdtemp(prefix="ortaq-browser-"))
    instance = workdir / "instance"
    instance.mkdir()
    previous_instance = os.environ.get("ORTAQ_INSTANCE_PATH")
    os.environ["ORTAQ_INSTANCE_PATH"] = str(instance)
    try:
        app = create_app(base_config(
            SQLALCHEMY_DATABASE_URI="sqlite:///" + str(workdir / "browser.sqlite3"),
            MAIL_BACKEND="memory",
            RATELIMIT_ENABLED=False,
            WTF_CSRF_ENABLED=True,  # the real forms, tokens included
            TESTING=False,  # errors as a visitor would see them
        ))
    finally:
        if previous_instance is None:
            os.environ.pop("ORTAQ_INSTANCE_PATH", None)
        else:
            os.environ["ORTAQ_INSTANCE_PATH"] = previous_instance
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///" + str(workdir))
    app.extensions["ortaq_outbox"] = []

    with app.app_context():
        db.create_all()
        territory = make_territory(
            name_kk="Көктөбе ауылдық округі", name_ru="Коктобинский сельский округ",
            akimat_name_kk="Көктөбе ауылдық округі әкімінің аппараты",
            akimat_name_ru="Аппарат акима Коктобинского сельского округа",
            address="Көктөбе ауылы, Жібек жолы көшесі, 17", phone="+7 727 000 12 34",
            email="kokt0be.auyldyq.okrugi.akimaty@example.kz")
        user = make_user("resident@example.kz", password=USER_PASSWORD, given_name="Айгерім",
                         surname="Серікова")
        db.session.commit()
        seed = {"territory_slug": territory.slug, "territory_kk": territory.name_kk,
                "territory_ru": territory.name_ru, "akimat_kk": territory.akimat_name_kk,
                "akimat_ru": territory.akimat_name_ru, "user_email": user.email,
                "user_password": USER_PASSWORD, "user_name": user.given_name}
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="ortaq-live-server", daemon=True)
    thread.start()
    live = LiveServer(app, server, thread, workdir, seed)
    yield live
    live.stop()
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"the playwright Python package is missing ({error}); pip install -e '.[test]'")
    expect.set_options(timeout=10_000)
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001
        manager.stop()
        _unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
    yield browser
    browser.close()
    manager.stop()


@pytest.fixture
def new_page(chromium, ortaq_server):
    """Open a page in a fresh browser context (own cookies); closed after the test."""
    contexts = []

    def factory(*, js: bool = True, locale: str = NEUTRAL_BROWSER_LOCALE, viewport=None, **options):
        context = chromium.new_context(java_script_enabled=js, locale=locale,
                                       viewport=viewport or {"width": 1280, "height": 900}, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.set_default_navigation_timeout(20_000)
        return page

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js(request) -> bool:
    """Each test that asks for it runs with JavaScript on and off."""
    return request.param


@pytest.fixture
def unique_email() -> str:
    return f"b-{uuid.uuid4().hex[:12]}@example.kz"
