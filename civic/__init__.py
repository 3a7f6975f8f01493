"""Ortaq: civic participation for local self-government in Kazakhstan."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from civic.config import ConfigError, load_config
from civic.extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")
MAX_ID = 2**31 - 1   # the largest id a database integer column holds (PostgreSQL integer)


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs: only numbers a database id can be; larger ones are a 404, not a 500
    (SQLite cannot even bind an integer above 2**63)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("ORTAQ_INSTANCE_PATH") or None)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    _init_extensions(app)
    app.url_map.converters["int"] = IdConverter   # before the routes are added
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_hooks(app)

    from civic.core.errors import register_error_handlers
    register_error_handlers(app)

    from civic.cli import register_cli
    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    # Import models so metadata is complete for the app and for migrations.
    from civic.accounts import models as _accounts  # noqa: F401
    from civic.communities import models as _communities  # noqa: F401
    from civic.contests import models as _contests  # noqa: F401
    from civic.councils import models as _councils  # noqa: F401
    from civic.councils import record_models as _records  # noqa: F401
    from civic.core import audit as _audit  # noqa: F401
    from civic.core.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):
        from civic.accounts.services import load_session_user
        return load_session_user(token)


def _register_blueprints(app: Flask) -> None:
    from civic.accounts.staff_views import bp as residents_bp
    from civic.accounts.views import bp as accounts_bp
    from civic.communities.views import bp as communities_bp
    from civic.contests import ballot_views  # noqa: F401 - registers the voting routes on the blueprint
    from civic.contests.views import bp as contests_bp
    from civic.core.views import bp as core_bp
    from civic.councils import public_views  # noqa: F401 - registers the public council routes on the blueprint
    from civic.councils import manage_views, record_views  # noqa: F401
    from civic.councils.views import bp as councils_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(communities_bp)
    app.register_blueprint(residents_bp)
    app.register_blueprint(contests_bp)
    app.register_blueprint(councils_bp)


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from civic.contests.models import Phase
    from civic.core.i18n import LANGUAGE_NAMES

    @app.context_processor
    def inject_globals():
        from civic.communities.queries import home_territory
        return {
            "nav_items": nav_items,
            "phases": {p.value: p for p in Phase},
            "language_names": LANGUAGE_NAMES,
            "current_locale": str(get_locale()),
            "site_territory": home_territory(),
        }

    def nav_items():
        """Main navigation: the public areas that this installation has."""
        wanted = [("contests.index", _l("Contests")), ("councils.sessions", _l("Sessions")),
                  ("councils.protocols", _l("Protocols")), ("core.about", _l("About"))]
        return [(e, label) for e, label in wanted if e in app.view_functions]

    app.jinja_env.filters["date"] = lambda v, fmt="medium": format_date(v, fmt) if v else ""
    app.jinja_env.filters["datetime"] = lambda v, fmt="medium": format_datetime(v, fmt) if v else ""
    app.jinja_env.filters["number"] = lambda v: format_decimal(v) if v is not None else ""
    app.jinja_env.filters["tenge"] = lambda v: (format_decimal(v) + "\u00a0₸") if v is not None else "—"

    def markdown_filter(text):
        from civic.core.markup import render_markdown
        return render_markdown(text)

    app.jinja_env.filters["markdown"] = markdown_filter
    app.jinja_env.add_extension("jinja2.ext.do")


def _register_hooks(app: Flask) -> None:
    from flask_babel import get_locale

    from civic.core.htmx import add_vary, keep_address_after_refusal
    from civic.core.security import set_security_headers

    @app.after_request
    def finish(response):
        set_security_headers(response)
        add_vary(response)
        keep_address_after_refusal(response)
        if response.mimetype == "text/html":
            response.headers["Content-Language"] = str(get_locale())
        return response


__all__ = ["create_app", "ConfigError"]
