"""Due dates are the community's dates: in Kazakhstan (UTC+5) the evening in UTC is already tomorrow."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

from civic.communities.services import local_today
from civic.core import database
from civic.councils.decisions import is_overdue


def decision_due(due_on: date):
    territory = SimpleNamespace(timezone="Asia/Almaty")
    return SimpleNamespace(done_at=None, due_on=due_on,
                           session=SimpleNamespace(body=SimpleNamespace(territory=territory)))


def test_local_today_is_the_communitys_date(app, monkeypatch):
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 2, 20, 30, tzinfo=timezone.utc))
    assert local_today() == date(2026, 12, 3)
    assert local_today(SimpleNamespace(timezone="UTC")) == date(2026, 12, 2)


def test_a_decision_due_yesterday_in_the_community_is_overdue_before_midnight_utc(app, monkeypatch):
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 2, 20, 30, tzinfo=timezone.utc))
    assert is_overdue(decision_due(date(2026, 12, 2)))          # 3 December, 01:30 in the community
    assert not is_overdue(decision_due(date(2026, 12, 3)))
