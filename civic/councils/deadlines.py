"""Working days in Kazakhstan: weekends and public holidays (the `holidays` package).

Deadlines counted in working days skip weekends and public holidays; calendar-day
deadlines do not (domain-rules.md, "Working days").
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _calendar(year: int):
    return holidays.country_holidays("KZ", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _calendar(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date ``count`` working days after ``start`` (start itself not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            days += 1
    return days


def holiday_name(day: date) -> str | None:
    return _calendar(day.year).get(day)
