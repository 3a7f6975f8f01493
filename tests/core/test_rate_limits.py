"""Flask-Limiter on sign-in, registration and reset: memory storage by default,
Redis when configured (shared by several app servers)."""
from __future__ import annotations

import os

import pytest

from civic.extensions import db, limiter

REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()


def _post_login(client, n):
    return [client.post("/account/login", data={"email": "nobody@example.kz", "password": "wrong password"}).status_code
            for _ in range(n)]


def test_login_is_rate_limited_with_memory_storage(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    with app.app_context():
        client = app.test_client()
        client.set_cookie("lang", "ru")
        codes = _post_login(client, 4)
        assert codes == [422, 422, 422, 429]
        page = client.post("/account/login", data={"email": "a@b.kz", "password": "x"})
        assert page.status_code == 429
        assert 'lang="ru"' in page.get_data(as_text=True)
        # Reading the form is never limited.
        assert client.get("/account/login").status_code == 200


def test_registration_and_reset_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SIGNUP="2 per minute", RATELIMIT_RESET="2 per minute")
    with app.app_context():
        client = app.test_client()
        signup = [client.post("/account/register", data={}).status_code for _ in range(3)]
        assert signup[-1] == 429
        reset = [client.post("/account/password/forgot", data={"email": "x@y.kz"}).status_code for _ in range(3)]
        assert reset[-1] == 429


@pytest.fixture
def redis_url():
    if not REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but TEST_REDIS_URL is not set: the Redis rate-limit tests must run")
        pytest.skip("set TEST_REDIS_URL to run the Redis rate-limit tests")
    import redis
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is not reachable: {error}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable")
    return REDIS_URL


@pytest.mark.redis
def test_two_app_servers_share_the_login_limit_through_redis(make_app, redis_url):
    first = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute", RATELIMIT_STORAGE_URI=redis_url)
    with first.app_context():
        limiter.reset()
        assert _post_login(first.test_client(), 2) == [422, 422]
    second = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute", RATELIMIT_STORAGE_URI=redis_url)
    with second.app_context():
        assert _post_login(second.test_client(), 2) == [422, 429]
        limiter.reset()
        db.session.remove()
