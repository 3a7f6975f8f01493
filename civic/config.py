"""Settings read from the environment.

Development and tests get safe local defaults; production refuses to start
without the secrets it needs (a loud error beats a silently weak site).
"""
from __future__ import annotations

import os
from pathlib import Path


class ConfigError(RuntimeError):
    """Raised at start-up when the environment is unsafe or incomplete."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: str, env: dict) -> str:
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "ortaq.sqlite3")
    # Heroku-style URLs and plain postgresql:// both mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(instance_path: str, env: dict | None = None) -> dict:
    """Build the Flask configuration from ``env`` (default: ``os.environ``)."""
    env = dict(os.environ if env is None else env)
    mode = env.get("ORTAQ_ENV", "development").strip().lower()
    if mode not in {"development", "production", "testing"}:
        raise ConfigError(f"ORTAQ_ENV must be development, production or testing, not {mode!r}.")
    production = mode == "production"

    secret = env.get("SECRET_KEY", "")
    if production and len(secret) < 32:
        raise ConfigError(
            "SECRET_KEY is missing or shorter than 32 characters. In production set it to a long "
            "random value, e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    iin_key = env.get("IIN_HMAC_KEY", "")
    if production and len(iin_key) < 32:
        raise ConfigError(
            "IIN_HMAC_KEY is missing or shorter than 32 characters. It protects residents' IINs; "
            "set it once to a long random value and never change it (verifications depend on it)."
        )

    config = {
        "ORTAQ_ENV": mode,
        "SECRET_KEY": secret or "dev-only-secret-key-change-me-in-production-0123456789",
        "IIN_HMAC_KEY": iin_key or "dev-only-iin-hmac-key-change-me-in-production-01234",
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path, env),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 8 * 1024 * 1024)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "LOGIN_SESSION_DAYS": int(env.get("LOGIN_SESSION_DAYS", 30)),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "kk",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Almaty",
        "LANGUAGES": ("kk", "ru", "en"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or "memory://",
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute;50 per hour"),
        "RATELIMIT_SIGNUP": env.get("RATELIMIT_SIGNUP", "5 per minute;30 per hour"),
        "RATELIMIT_RESET": env.get("RATELIMIT_RESET", "5 per minute;20 per hour"),
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "smtp" if env.get("SMTP_HOST") else "console"),
        "MAIL_FILE_DIR": env.get("MAIL_FILE_DIR", str(Path(instance_path) / "mail")),
        "MAIL_SENDER": env.get("MAIL_SENDER", "Ortaq <no-reply@localhost>"),
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("SMTP_PORT", 587)),
        "SMTP_USER": env.get("SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS"), True),
        "TOKEN_MAX_AGE": int(env.get("TOKEN_MAX_AGE", 24 * 3600)),
        "SITE_NAME": env.get("SITE_NAME", "Ortaq"),
        "HSTS": production,
        "PROXY_FIX": _bool(env.get("PROXY_FIX"), production),
    }
    if production and config["MAIL_BACKEND"] == "console":
        # Allowed, but say so: nobody would receive confirmation mails.
        config["MAIL_WARNING"] = True
    return config
