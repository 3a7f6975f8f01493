"""Security baseline, error pages, htmx behaviour, health check and configuration."""
from __future__ import annotations

import pytest

from civic.config import ConfigError, load_config
from civic.extensions import db
from tests.factories import make_territory


def test_every_page_has_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # development: no HSTS


def test_pages_contain_no_inline_script_or_style(client):
    make_territory()
    db.session.commit()
    for path in ("/", "/about", "/account/login", "/account/register"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert "onclick=" not in html and "javascript:" not in html


def test_production_sends_hsts_and_secure_cookies(make_app):
    app = make_app(HSTS=True, SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_responses_vary_on_hx_request(client):
    assert "HX-Request" in client.get("/").headers.get("Vary", "")


def test_unknown_page_gets_a_translated_404(client):
    client.set_cookie("lang", "en")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_oversized_request_gets_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    client.set_cookie("lang", "en")
    response = client.post("/account/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)


def test_internal_error_shows_a_page_without_details(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    client = app.test_client()
    client.set_cookie("lang", "en")
    response = client.get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret detail" not in text and "Something went wrong" in text


def test_session_cookie_is_httponly_and_samesite_lax(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_healthz_answers_503_when_the_database_does_not(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), {"ORTAQ_ENV": "production", "IIN_HMAC_KEY": "k" * 40})
    with pytest.raises(ConfigError, match="IIN_HMAC_KEY"):
        load_config(str(tmp_path), {"ORTAQ_ENV": "production", "SECRET_KEY": "s" * 40})
    config = load_config(str(tmp_path), {"ORTAQ_ENV": "production", "SECRET_KEY": "s" * 40,
                                         "IIN_HMAC_KEY": "k" * 40})
    assert config["SESSION_COOKIE_SECURE"] is True and config["HSTS"] is True


def test_database_url_selects_postgresql_through_psycopg3(tmp_path):
    config = load_config(str(tmp_path), {"DATABASE_URL": "postgresql://u@db/ortaq"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/ortaq"
    default = load_config(str(tmp_path), {})
    assert default["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert default["SQLALCHEMY_DATABASE_URI"].endswith("ortaq.sqlite3")


def test_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(ConfigError):
        load_config(str(tmp_path), {"ORTAQ_ENV": "staging"})


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    import sqlalchemy as sa
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite-specific")
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() >= 5000


def test_htmx_fragment_helper_only_for_plain_htmx_requests(app):
    from civic.core.htmx import wants_fragment
    cases = [({}, False), ({"HX-Request": "true"}, True),
             ({"HX-Request": "true", "HX-Boosted": "true"}, False),
             ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False)]
    for headers, expected in cases:
        with app.test_request_context("/", headers=headers):
            assert wants_fragment() is expected


def test_form_errors_answer_422_for_htmx_to_swap(client):
    response = client.post("/account/login", data={"email": "not-an-email", "password": ""},
                           headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 422


def test_htmx_is_vendored_pinned_and_configured(client):
    from pathlib import Path
    import hashlib
    root = Path(__file__).resolve().parents[2] / "civic" / "static" / "vendor"
    recorded = (root / "htmx.min.js.sha256").read_text().split()[0]
    assert hashlib.sha256((root / "htmx.min.js").read_bytes()).hexdigest() == recorded
    assert (root / "VERSION").read_text().startswith("htmx.org 2.")
    html = client.get("/").get_data(as_text=True)
    assert 'hx-boost="true"' in html and "X-CSRFToken" in html
    assert '"code": "422", "swap": true' in html
