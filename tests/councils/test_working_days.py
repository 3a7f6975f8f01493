"""Working-day deadlines (domain-rules.md, "Working days"; 001 App. 2 §5, §12-14).

Deadlines counted in working days skip Saturdays, Sundays and Kazakhstan's public
holidays, taken from the maintained `holidays` package (never a hand-written list);
calendar-day deadlines do not skip anything.
"""
from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from civic.councils.deadlines import add_working_days, holiday_name, is_working_day, working_days_between
from civic.councils.rules import DEFAULT_RULES, BodyKind, notice_status

KZ = holidays.country_holidays("KZ", years=range(2023, 2028))

PROTOCOL_TO_AKIM_WORKING_DAYS = 2       # 001 App. 2 §12
AKIM_CONSIDERS_WORKING_DAYS = 5         # 001 App. 2 §13


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


# ---------------------------------------------------------------------------
# What a working day is
# ---------------------------------------------------------------------------

def test_saturdays_and_sundays_are_not_working_days():
    """Working days skip weekends: an ordinary week in June 2025 has Mon-Fri working."""
    week = list(_days(date(2025, 6, 9), date(2025, 6, 15)))   # Mon .. Sun, no holiday
    assert [is_working_day(d) for d in week] == [True, True, True, True, True, False, False]


@pytest.mark.parametrize("day", [
    date(2025, 1, 1), date(2025, 1, 2),                        # New Year
    date(2025, 1, 7),                                          # Orthodox Christmas
    date(2025, 3, 21), date(2025, 3, 24), date(2025, 3, 25),   # Nauryz (and observed days)
    date(2024, 3, 21), date(2024, 3, 22), date(2024, 3, 25),
    date(2025, 5, 1), date(2025, 5, 9), date(2025, 12, 16),
])
def test_kazakhstan_public_holidays_are_not_working_days(day):
    """Working days skip Kazakhstan's public holidays as the `holidays` package lists them."""
    assert day in KZ, f"{day} expected in the KZ holiday calendar"
    assert day.weekday() < 5
    assert is_working_day(day) is False
    assert holiday_name(day) == KZ.get(day)


def test_working_days_agree_with_the_holidays_package_for_a_whole_year():
    """"Use a maintained holiday calendar": every day of 2025 is working iff it is a weekday
    not listed by `holidays` for Kazakhstan."""
    for day in _days(date(2025, 1, 1), date(2025, 12, 31)):
        assert is_working_day(day) == (day.weekday() < 5 and day not in KZ), day


def test_holiday_name_is_none_on_an_ordinary_day():
    assert holiday_name(date(2025, 6, 11)) is None
    assert holiday_name(date(2025, 6, 14)) is None   # a Saturday is a weekend, not a holiday


# ---------------------------------------------------------------------------
# add_working_days
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("day", [date(2025, 6, 11), date(2025, 6, 14), date(2025, 1, 1), date(2024, 3, 22)])
def test_adding_zero_working_days_returns_the_start_itself(day):
    """add_working_days(x, 0) == x, even when x is a weekend day or a holiday."""
    assert add_working_days(day, 0) == day


@pytest.mark.parametrize("count", [-1, -5])
def test_negative_working_day_count_is_an_error(count):
    with pytest.raises(ValueError):
        add_working_days(date(2025, 6, 11), count)


def test_protocol_due_two_working_days_after_a_friday_session__001_app2_s12():
    """001 App. 2 §12: the protocol goes to the akim within 2 working days. A session on
    Friday 2025-06-13 -> Monday (1), Tuesday 2025-06-17 (2); the weekend does not count."""
    assert add_working_days(date(2025, 6, 13), PROTOCOL_TO_AKIM_WORKING_DAYS) == date(2025, 6, 17)
    assert add_working_days(date(2025, 6, 13), 1) == date(2025, 6, 16)


def test_protocol_due_across_new_year__001_app2_s12():
    """001 App. 2 §12 across New Year (1-2 January) and Orthodox Christmas (7 January):

    Wed 2025-12-31 -> Thu 1 Jan, Fri 2 Jan (holidays), Sat-Sun -> Mon 5 (1), Tue 6 Jan 2026 (2);
    one more skips Wed 7 Jan -> Thu 8 Jan.
    """
    assert {date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 7)} <= set(KZ)
    assert add_working_days(date(2025, 12, 31), PROTOCOL_TO_AKIM_WORKING_DAYS) == date(2026, 1, 6)
    assert add_working_days(date(2025, 12, 31), 3) == date(2026, 1, 8)


def test_protocol_due_across_nauryz__001_app2_s12():
    """001 App. 2 §12 across Nauryz (21-23 March 2025 and the observed 24-25 March):

    Thu 2025-03-20 -> 21 (holiday), 22-23 (weekend and holiday), 24-25 (observed) ->
    Wed 26 (1), Thu 27 March (2).
    """
    assert {date(2025, 3, d) for d in (21, 22, 23, 24, 25)} <= set(KZ)
    assert add_working_days(date(2025, 3, 20), PROTOCOL_TO_AKIM_WORKING_DAYS) == date(2025, 3, 27)


def test_protocol_due_across_nauryz_2024__001_app2_s12():
    """001 App. 2 §12: Wed 2024-03-20 -> Thu 21, Fri 22 (Nauryz), Sat 23, Sun 24, Mon 25 (observed)
    -> Tue 26 (1), Wed 27 March 2024 (2)."""
    assert add_working_days(date(2024, 3, 20), PROTOCOL_TO_AKIM_WORKING_DAYS) == date(2024, 3, 27)


@pytest.mark.parametrize("start, count, expected", [
    (date(2024, 3, 21), 1, date(2024, 3, 26)),   # Thu, Nauryz: next working day is Tue after the observed Monday
    (date(2025, 1, 1), 1, date(2025, 1, 6)),     # Wed, New Year: 2 Jan holiday, 3 Jan substituted day off
    (date(2025, 1, 1), 2, date(2025, 1, 8)),     # ... and 7 Jan Orthodox Christmas
    (date(2025, 6, 14), 1, date(2025, 6, 16)),   # a Saturday start
    (date(2025, 6, 15), 2, date(2025, 6, 17)),   # a Sunday start
])
def test_start_on_a_holiday_or_weekend_is_not_counted(start, count, expected):
    """The start day is never counted, whether or not it is a working day itself."""
    assert add_working_days(start, count) == expected


def test_akim_rules_on_a_meeting_request_within_three_working_days__001_app2_s5():
    """001 App. 2 §5: a written request received Thursday 2025-06-12 -> Fri (1), Mon (2),
    Tue 2025-06-17 (3)."""
    days = DEFAULT_RULES[BodyKind.MEETING].akim_decision_working_days
    assert add_working_days(date(2025, 6, 12), days) == date(2025, 6, 17)


def test_akim_considers_decisions_within_five_working_days__001_app2_s13():
    """001 App. 2 §13 (and §14 for telling the members): 5 working days from Tue 2025-05-06:
    Wed 7 May (Defender of the Fatherland Day) and Fri 9 May (Victory Day) are holidays ->
    Thu 8 (1), Mon 12 (2), Tue 13 (3), Wed 14 (4), Thu 15 May (5)."""
    assert add_working_days(date(2025, 5, 6), AKIM_CONSIDERS_WORKING_DAYS) == date(2025, 5, 15)


def test_working_days_deadline_is_always_a_working_day():
    for start in _days(date(2025, 12, 20), date(2026, 1, 10)):
        for count in range(1, 6):
            assert is_working_day(add_working_days(start, count))


# ---------------------------------------------------------------------------
# Calendar days do not skip anything
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("session, deadline", [
    (date(2026, 1, 8), date(2025, 12, 29)),    # across New Year
    (date(2025, 3, 31), date(2025, 3, 21)),    # lands on Nauryz itself
    (date(2025, 6, 16), date(2025, 6, 6)),     # lands on Eid al-Adha (Friday)
    (date(2025, 6, 24), date(2025, 6, 14)),    # lands on a Saturday
])
def test_calendar_day_notice_does_not_skip_weekends_or_holidays__001_app2_s6(session, deadline):
    """001 App. 2 §6: notice is in CALENDAR days, so the deadline is exactly 10 days back even
    when it falls on (or spans) a weekend or a holiday; it is not moved to a working day."""
    assert notice_status(DEFAULT_RULES[BodyKind.MEETING], session, None).required_by == deadline
    assert (session - deadline).days == 10


# ---------------------------------------------------------------------------
# working_days_between is the inverse of add_working_days
# ---------------------------------------------------------------------------

def test_working_days_between_concrete_cases():
    assert working_days_between(date(2025, 6, 13), date(2025, 6, 13)) == 0
    assert working_days_between(date(2025, 6, 13), date(2025, 6, 15)) == 0    # Fri -> Sun
    assert working_days_between(date(2025, 6, 13), date(2025, 6, 17)) == 2    # Fri -> Tue
    assert working_days_between(date(2025, 12, 31), date(2026, 1, 6)) == 2    # across New Year
    assert working_days_between(date(2025, 3, 20), date(2025, 3, 26)) == 1    # across Nauryz
    assert working_days_between(date(2025, 6, 17), date(2025, 6, 13)) == 0    # end before start


def test_working_days_between_is_consistent_with_add_working_days_over_a_year():
    """Property over every start day of 2025 (through New Year 2026) and counts 0..10:

    * working_days_between(x, add_working_days(x, n)) == n;
    * the deadline is the EARLIEST such day: the day before it is only n - 1 working days away;
    * counting is additive: between(x, z) == between(x, y) + between(y, z).
    """
    for start in _days(date(2025, 1, 1), date(2025, 12, 31)):
        previous = start
        for count in range(0, 11):
            end = add_working_days(start, count)
            assert end >= previous
            assert working_days_between(start, end) == count, (start, count, end)
            if count:
                assert working_days_between(start, end - timedelta(days=1)) == count - 1, (start, count)
                middle = add_working_days(start, count // 2)
                assert working_days_between(start, middle) + working_days_between(middle, end) == count
            previous = end


def test_one_day_step_counts_one_exactly_on_working_days():
    for day in _days(date(2024, 1, 1), date(2024, 12, 31)):
        assert working_days_between(day, day + timedelta(days=1)) == int(is_working_day(day + timedelta(days=1)))
