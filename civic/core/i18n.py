"""Language choice: explicit switch (cookie) > user profile > browser > Kazakh."""
from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_login import current_user

LANG_COOKIE = "lang"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():   # CLI, demo, background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = getattr(g, "forced_locale", None)
    if chosen in languages:
        return chosen
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]
