"""A cheap password hasher for tests that sign in many times (argon2id with the
library's recommended cost takes a noticeable fraction of a second per sign-in).

The password rules and argon2 itself are tested elsewhere; here only the cost
parameters are lowered. Use with ``pytestmark = pytest.mark.usefixtures("fast_passwords")``.
"""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture
def fast_passwords(monkeypatch):
    import civic.accounts.passwords as passwords
    import tests.factories as factories
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(factories, "_hash_cache", {})  # hashes made here use the cheap hasher
