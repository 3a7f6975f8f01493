"""The rules of each body, one test (or a few) per clause of the law digest.

Every test name ends with the clause it enforces (see ../shared/domain-rules.md,
"Bodies and their sessions"):

* ``001_s4``       guide to local self-government, section 4 (community gathering, public hearing)
* ``001_fig7``     the same guide, figure 7 (initiators of a gathering petition the district akim)
* ``002_s12``      model regulation on the akim's apparatus, §12 (notice of gatherings)
* ``001_app2_sN``  model rules of procedure of the local community meeting, Appendix 2, §N
* ``000_sN``       model regulation on territorial councils, §N

The module under test is pure (no Flask, no database).
"""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from fractions import Fraction

import pytest

from civic.councils.rules import (
    DEFAULT_RULES,
    BodyKind,
    QuorumBase,
    decide,
    has_quorum,
    materials_status,
    membership_warnings,
    notice_status,
    petition_threshold,
    quarter_of,
    quarters_without_meeting,
    quorum_needed,
)

GATHERING = DEFAULT_RULES[BodyKind.GATHERING]
MEETING = DEFAULT_RULES[BodyKind.MEETING]
COUNCIL = DEFAULT_RULES[BodyKind.TERRITORIAL_COUNCIL]
HEARING = DEFAULT_RULES[BodyKind.PUBLIC_HEARING]

VOTING_BODIES = [BodyKind.GATHERING, BodyKind.MEETING, BodyKind.TERRITORIAL_COUNCIL]


def test_every_body_kind_has_default_rules():
    """The four bodies of the digest's table all have rules (domain-rules.md, "Bodies")."""
    assert set(DEFAULT_RULES) == set(BodyKind)


# ---------------------------------------------------------------------------
# Quorum
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("community, needed", [
    (1, 1), (9, 1), (10, 1), (11, 2), (19, 2), (20, 2), (21, 3),
    (95, 10), (99, 10), (100, 10), (101, 11), (1234, 124), (5000, 500),
])
def test_gathering_quorum_is_at_least_ten_percent_of_community__001_s4(community, needed):
    """001 section 4: a gathering is valid with at least 10% of the community members.

    "At least" 10% rounds UP for sizes not divisible by 10 (95 members: 9.5 -> 10 people).
    """
    assert GATHERING.quorum == Fraction(1, 10)
    assert GATHERING.quorum_base == QuorumBase.COMMUNITY
    assert quorum_needed(GATHERING, community) == needed
    assert has_quorum(GATHERING, community, needed)
    assert not has_quorum(GATHERING, community, needed - 1)


@pytest.mark.parametrize("representatives, needed", [(1, 1), (2, 1), (7, 4), (8, 4), (15, 8), (40, 20)])
def test_gathering_of_representatives_quorum_is_half_of_elected_representatives__001_s4(representatives, needed):
    """001 section 4: with representatives, at least half of the elected representatives.

    The default gathering rule counts community members; a gathering held through
    representatives is configured per body (rules are data), which is what we build here.
    """
    rules = dataclasses.replace(GATHERING, quorum=Fraction(1, 2), quorum_base=QuorumBase.REPRESENTATIVES)
    assert quorum_needed(rules, representatives) == needed
    assert has_quorum(rules, representatives, needed)
    assert not has_quorum(rules, representatives, needed - 1)


@pytest.mark.parametrize("members, needed", [
    (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (8, 4), (15, 8), (16, 8), (101, 51),
])
def test_meeting_quorum_is_at_least_half_of_members__001_app2_s7(members, needed):
    """001 App. 2 §7: a meeting is held when at least half of its members take part.

    Even sizes: exactly half is enough (8 -> 4). Odd sizes round up (7 -> 3.5 -> 4).
    """
    assert MEETING.quorum == Fraction(1, 2)
    assert MEETING.quorum_base == QuorumBase.MEMBERS
    assert quorum_needed(MEETING, members) == needed
    assert has_quorum(MEETING, members, needed)
    assert not has_quorum(MEETING, members, needed - 1)
    assert has_quorum(MEETING, members, members)


@pytest.mark.parametrize("total, needed", [
    (3, 2), (5, 4), (7, 5), (9, 6), (10, 7), (11, 8), (12, 8), (13, 9), (15, 10), (21, 14), (25, 17),
])
def test_territorial_council_quorum_is_two_thirds_of_total_membership__000_s11(total, needed):
    """000 §11: a council session is lawful with at least two thirds of its TOTAL membership.

    The base is the total membership, not those present; "at least" rounds up (7 -> 4.67 -> 5).
    """
    assert COUNCIL.quorum == Fraction(2, 3)
    assert COUNCIL.quorum_base == QuorumBase.TOTAL_MEMBERSHIP
    assert quorum_needed(COUNCIL, total) == needed
    assert has_quorum(COUNCIL, total, needed)
    assert not has_quorum(COUNCIL, total, needed - 1)


@pytest.mark.parametrize("base_size", [None, 0, 1, 50, 1000])
def test_public_hearing_has_no_quorum__001_s4(base_size):
    """001 section 4: no quorum is set for a public hearing.

    Interpretation: "no quorum set" means no requirement, so nobody is needed (0) and any
    attendance is valid, even when the base size is unknown.
    """
    assert HEARING.quorum is None
    assert HEARING.quorum_base == QuorumBase.NONE
    assert quorum_needed(HEARING, base_size) == 0
    assert has_quorum(HEARING, base_size, 0)
    assert has_quorum(HEARING, base_size, 3)


@pytest.mark.parametrize("kind", VOTING_BODIES)
@pytest.mark.parametrize("present", [0, 1, 10, 10_000])
def test_unknown_base_size_gives_no_quorum__001_s4_001_app2_s7_000_s11(kind, present):
    """001 s4, App. 2 §7, 000 §11: the quorum is a share of a base; without the base size
    it cannot be established, so the session has no quorum however many attend."""
    rules = DEFAULT_RULES[kind]
    assert quorum_needed(rules, None) is None
    assert not has_quorum(rules, None, present)


# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [BodyKind.MEETING, BodyKind.TERRITORIAL_COUNCIL])
def test_majority_of_members_present_decides__001_app2_s12_000_s12(kind):
    """001 App. 2 §12; 000 §12: a decision needs the majority of the members present."""
    rules = DEFAULT_RULES[kind]
    assert rules.decision == "majority_present"
    result = decide(rules, present=9, for_votes=5, against=4, abstained=0)
    assert result.adopted is True and result.decided_by_chair is False
    assert decide(rules, present=9, for_votes=4, against=5, abstained=0).adopted is False


@pytest.mark.parametrize("kind", [BodyKind.MEETING, BodyKind.TERRITORIAL_COUNCIL])
@pytest.mark.parametrize("present", [2, 4, 10, 30])
def test_exactly_half_of_present_is_not_a_majority__001_app2_s12_000_s12(kind, present):
    """001 App. 2 §12; 000 §12: exactly half "for" is not a majority (abstentions make up the rest,
    so it is not a tie either); one vote more than half is."""
    rules = DEFAULT_RULES[kind]
    half = present // 2
    assert decide(rules, present=present, for_votes=half, against=0, abstained=present - half).adopted is False
    assert decide(rules, present=present, for_votes=half + 1, against=0,
                  abstained=present - half - 1).adopted is True


@pytest.mark.parametrize("kind", [BodyKind.MEETING, BodyKind.TERRITORIAL_COUNCIL])
def test_abstentions_count_against_adoption__001_app2_s12_000_s12(kind):
    """001 App. 2 §12; 000 §12: the majority is of members PRESENT, so an abstention (or a
    member present who does not vote) weighs like a vote against."""
    rules = DEFAULT_RULES[kind]
    # More "for" than "against", but not more than half of the 10 present.
    assert decide(rules, present=10, for_votes=4, against=1, abstained=5).adopted is False
    assert decide(rules, present=10, for_votes=5, against=1, abstained=4).adopted is False
    # Present but not voting at all: same effect as abstaining.
    assert decide(rules, present=10, for_votes=5, against=2, abstained=0).adopted is False
    assert decide(rules, present=10, for_votes=6, against=0, abstained=4).adopted is True


@pytest.mark.parametrize("participants, for_votes, adopted", [
    (1, 1, True), (1, 0, False), (2, 1, False), (2, 2, True), (3, 2, True),
    (10, 5, False), (10, 6, True), (11, 5, False), (11, 6, True), (120, 60, False), (120, 61, True),
])
def test_gathering_decides_by_more_than_half_of_participants__001_s4(participants, for_votes, adopted):
    """001 section 4: a gathering decides by more than half of its participants;
    exactly half is not enough, and nobody breaks a tie."""
    assert GATHERING.decision == "majority_participants"
    result = decide(GATHERING, present=participants, for_votes=for_votes,
                    against=participants - for_votes, abstained=0, chair_vote="for")
    assert result.adopted is adopted
    assert result.decided_by_chair is False


def test_gathering_abstentions_count_against_adoption__001_s4():
    """001 section 4: "more than half of participants" counts every participant, abstaining or not."""
    assert decide(GATHERING, present=100, for_votes=50, against=10, abstained=40).adopted is False
    assert decide(GATHERING, present=100, for_votes=51, against=10, abstained=39).adopted is True


@pytest.mark.parametrize("kind", [BodyKind.MEETING, BodyKind.TERRITORIAL_COUNCIL])
@pytest.mark.parametrize("half", [1, 2, 5, 12])
def test_chair_decides_a_full_tie__001_app2_s12_000_s12(kind, half):
    """001 App. 2 §12 (meeting) and 000 §12 (territorial council): on a tie the chair's vote decides.

    Adopted when the chair votes for; rejected when against (or when the chair gives no vote).
    """
    rules = DEFAULT_RULES[kind]
    assert rules.chair_breaks_tie is True
    counts = dict(present=2 * half, for_votes=half, against=half, abstained=0)
    for_ = decide(rules, **counts, chair_vote="for")
    assert for_.adopted is True and for_.decided_by_chair is True
    against = decide(rules, **counts, chair_vote="against")
    assert against.adopted is False and against.decided_by_chair is True
    silent = decide(rules, **counts)
    assert silent.adopted is False and silent.decided_by_chair is True


@pytest.mark.parametrize("kind", [BodyKind.MEETING, BodyKind.TERRITORIAL_COUNCIL])
@pytest.mark.parametrize("for_votes, against, abstained, present", [
    (4, 4, 2, 10),   # equal, two abstained
    (4, 4, 1, 9),    # equal, one abstained (odd number present)
    (4, 4, 0, 9),    # equal, one present member did not vote at all
    (0, 0, 6, 6),    # nobody voted for or against
])
def test_chair_does_not_decide_when_some_abstained__001_app2_s12_000_s12(kind, for_votes, against, abstained, present):
    """001 App. 2 §12; 000 §12: the chair's deciding vote applies to a FULL tie only.

    Interpretation: a "tie" means the members present split evenly between for and against,
    with nobody abstaining (a present member who does not vote counts as abstaining). When
    for == against but some abstained, the decision still needs more than half of those
    present; the chair's deciding vote cannot create that majority, so the item is simply
    not adopted and ``decided_by_chair`` is False even if the chair votes for.
    """
    result = decide(DEFAULT_RULES[kind], present=present, for_votes=for_votes, against=against,
                    abstained=abstained, chair_vote="for")
    assert result.adopted is False
    assert result.decided_by_chair is False


def test_no_chair_vote_at_a_gathering__001_s4():
    """001 section 4: a gathering decides by more than half of participants; the law gives its
    chair no deciding vote, so an even split is rejected whatever the chair says."""
    assert GATHERING.chair_breaks_tie is False
    result = decide(GATHERING, present=40, for_votes=20, against=20, abstained=0, chair_vote="for")
    assert result.adopted is False and result.decided_by_chair is False


@pytest.mark.parametrize("for_votes, against, abstained, present", [(0, 0, 0, 0), (7, 3, 2, 12), (5, 5, 0, 10)])
def test_public_hearing_takes_no_decision__001_s4(for_votes, against, abstained, present):
    """001 section 4: a public hearing's result is a record of positions, not a decision."""
    assert HEARING.decision == "none" and HEARING.chair_breaks_tie is False
    result = decide(HEARING, present=present, for_votes=for_votes, against=against,
                    abstained=abstained, chair_vote="for")
    assert result.adopted is None
    assert result.decided_by_chair is False
    assert (result.for_votes, result.against, result.abstained, result.present) == (
        for_votes, against, abstained, present)


@pytest.mark.parametrize("kind", list(BodyKind))
@pytest.mark.parametrize("counts", [
    dict(present=10, for_votes=-1, against=0, abstained=0),
    dict(present=10, for_votes=0, against=-1, abstained=0),
    dict(present=10, for_votes=0, against=0, abstained=-1),
    dict(present=-1, for_votes=0, against=0, abstained=0),
    dict(present=10, for_votes=11, against=0, abstained=0),
    dict(present=10, for_votes=6, against=5, abstained=0),
    dict(present=10, for_votes=4, against=4, abstained=3),
    dict(present=0, for_votes=0, against=0, abstained=1),
])
def test_impossible_vote_counts_are_rejected__001_app2_s12_000_s12(kind, counts):
    """001 App. 2 §12; 000 §12: only members present vote, so negative counts or more votes
    than members present are errors, not results."""
    with pytest.raises(ValueError):
        decide(DEFAULT_RULES[kind], **counts)


def test_counts_equal_to_present_are_accepted__001_app2_s12():
    """001 App. 2 §12: for + against + abstained may equal (or be below) the number present."""
    assert decide(MEETING, present=10, for_votes=6, against=3, abstained=1).adopted is True
    assert decide(MEETING, present=0, for_votes=0, against=0, abstained=0).adopted is False


# ---------------------------------------------------------------------------
# Notice and materials (calendar days)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind, clause", [(BodyKind.GATHERING, "001; 002 §12"), (BodyKind.MEETING, "App. 2 §6")])
@pytest.mark.parametrize("session", [date(2025, 6, 20), date(2025, 3, 28), date(2026, 1, 8), date(2024, 3, 1)])
def test_notice_at_least_ten_calendar_days_before__001_app2_s6_002_s12(kind, clause, session):
    """001; 002 §12 (gathering) and 001 App. 2 §6 (meeting): time, place and issues are
    announced at least 10 CALENDAR days before the session.

    Announced exactly 10 days before (the boundary date) is in time; one day later is late.
    Calendar days: weekends and holidays in between are not skipped (2026-01-08 -> 2025-12-29,
    across New Year; 2025-03-28 -> 2025-03-18, across Nauryz; 2024-03-01 -> 2024-02-20, leap year).
    """
    rules = DEFAULT_RULES[kind]
    assert rules.notice_days == 10, clause
    boundary = session - timedelta(days=10)
    on_time = notice_status(rules, session, boundary)
    assert on_time.required_by == boundary
    assert on_time.given_on == boundary
    assert on_time.in_time is True
    assert notice_status(rules, session, boundary - timedelta(days=30)).in_time is True
    assert notice_status(rules, session, boundary + timedelta(days=1)).in_time is False
    assert notice_status(rules, session, session).in_time is False
    assert notice_status(rules, session, session + timedelta(days=1)).in_time is False


def test_notice_deadline_concrete_dates__001_app2_s6():
    """001 App. 2 §6: a meeting on Friday 2025-03-28 must be announced by Tuesday 2025-03-18."""
    status = notice_status(MEETING, date(2025, 3, 28), date(2025, 3, 18))
    assert status.required_by == date(2025, 3, 18) and status.in_time is True
    assert notice_status(MEETING, date(2025, 3, 28), date(2025, 3, 19)).in_time is False


@pytest.mark.parametrize("kind", [BodyKind.GATHERING, BodyKind.MEETING])
def test_notice_not_yet_announced_is_undecided__001_app2_s6_002_s12(kind):
    """001 App. 2 §6; 002 §12: until the session is announced there is nothing to judge (None),
    but the date it must be announced by is already known."""
    status = notice_status(DEFAULT_RULES[kind], date(2025, 6, 20), None)
    assert status.in_time is None
    assert status.given_on is None
    assert status.required_by == date(2025, 6, 10)


@pytest.mark.parametrize("kind", [BodyKind.TERRITORIAL_COUNCIL, BodyKind.PUBLIC_HEARING])
def test_no_notice_period_for_council_or_hearing__000_s10_001_s4(kind):
    """000 §10: the council's secretary notifies members, no period fixed; 001 section 4:
    a public hearing follows the maslikhat's rules. No rule -> no deadline, no verdict."""
    rules = DEFAULT_RULES[kind]
    assert rules.notice_days is None and rules.materials_days is None
    for announced in (None, date(2025, 6, 19), date(2025, 1, 1)):
        status = notice_status(rules, date(2025, 6, 20), announced)
        assert status.required_by is None and status.in_time is None and status.given_on == announced
        materials = materials_status(rules, date(2025, 6, 20), announced)
        assert materials.required_by is None and materials.in_time is None


@pytest.mark.parametrize("session", [date(2025, 6, 20), date(2025, 1, 3), date(2024, 3, 25)])
def test_meeting_materials_at_least_five_calendar_days_before__001_app2_s6(session):
    """001 App. 2 §6: materials reach members and the akim at least 5 CALENDAR days before.

    Exactly 5 days before is in time; one day later is late; not yet published -> None.
    """
    assert MEETING.materials_days == 5
    boundary = session - timedelta(days=5)
    status = materials_status(MEETING, session, boundary)
    assert status.required_by == boundary and status.in_time is True
    assert materials_status(MEETING, session, boundary - timedelta(days=1)).in_time is True
    assert materials_status(MEETING, session, boundary + timedelta(days=1)).in_time is False
    pending = materials_status(MEETING, session, None)
    assert pending.in_time is None and pending.required_by == boundary


def test_materials_deadline_concrete_dates__001_app2_s6():
    """001 App. 2 §6: a meeting on Monday 2025-06-23 needs its materials by Wednesday 2025-06-18."""
    assert materials_status(MEETING, date(2025, 6, 23), date(2025, 6, 18)).in_time is True
    assert materials_status(MEETING, date(2025, 6, 23), date(2025, 6, 19)).in_time is False


def test_gathering_has_no_materials_rule__001_s4():
    """001 section 4: the 5-day materials rule is the meeting's (App. 2 §6), not the gathering's."""
    assert GATHERING.materials_days is None
    assert materials_status(GATHERING, date(2025, 6, 20), date(2025, 6, 19)).in_time is None


# ---------------------------------------------------------------------------
# Initiative of 10% (petition threshold)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("size, needed", [
    (0, 1), (1, 1), (5, 1), (9, 1), (10, 1), (11, 2), (20, 2), (21, 3), (99, 10), (100, 10), (101, 11), (2345, 235),
])
def test_gathering_initiators_need_ten_percent_of_community__001_fig7(size, needed):
    """001 fig. 7: initiators of at least 10% of community members petition the district akim.

    "At least" 10% rounds up, and at least one signature is always needed.
    """
    assert GATHERING.petition_share == Fraction(1, 10)
    assert petition_threshold(GATHERING, size) == needed


@pytest.mark.parametrize("size, needed", [(3, 1), (10, 1), (15, 2), (30, 3), (31, 4)])
def test_meeting_initiative_needs_ten_percent_of_members__001_app2_s5(size, needed):
    """001 App. 2 §5: at least 10% of the meeting's members may initiate a meeting (rounded up, min 1)."""
    assert MEETING.petition_share == Fraction(1, 10)
    assert petition_threshold(MEETING, size) == needed


def test_petition_threshold_unknown_without_size_or_rule__001_fig7_000_s10():
    """001 fig. 7: with an unknown community size there is no threshold; territorial councils
    (000 §10, convened by the secretary) and public hearings have no petition rule."""
    assert petition_threshold(GATHERING, None) is None
    assert petition_threshold(COUNCIL, 100) is None
    assert petition_threshold(HEARING, 100) is None


def test_akim_rules_on_a_meeting_request_within_three_working_days__001_app2_s5():
    """001 App. 2 §5: the akim considers a written request within 3 WORKING days
    (the date arithmetic is tested in test_working_days.py)."""
    assert MEETING.akim_decision_working_days == 3
    assert GATHERING.akim_decision_working_days is None
    assert COUNCIL.akim_decision_working_days is None


# ---------------------------------------------------------------------------
# At least one meeting a quarter
# ---------------------------------------------------------------------------

def test_quarter_of_dates():
    """Calendar quarters used by App. 2 §5: Jan-Mar = 1, ..., Oct-Dec = 4."""
    assert quarter_of(date(2025, 1, 1)) == (2025, 1)
    assert quarter_of(date(2025, 3, 31)) == (2025, 1)
    assert quarter_of(date(2025, 4, 1)) == (2025, 2)
    assert quarter_of(date(2025, 9, 30)) == (2025, 3)
    assert quarter_of(date(2025, 12, 31)) == (2025, 4)


def test_meeting_at_least_once_a_quarter__001_app2_s5():
    """001 App. 2 §5: the meeting is convened at least once a quarter; finished quarters
    without a meeting are flagged, in order, across a year boundary."""
    assert MEETING.meetings_per_quarter == 1
    held = [date(2024, 2, 10), date(2024, 8, 1), date(2025, 4, 15)]
    missing = quarters_without_meeting(MEETING, held, since=date(2024, 1, 1), today=date(2025, 6, 1))
    assert missing == [(2024, 2), (2024, 4), (2025, 1)]


def test_meeting_on_the_quarters_first_and_last_day_counts__001_app2_s5():
    """001 App. 2 §5: a meeting on 1 January or 31 March counts for the first quarter."""
    for held in (date(2025, 1, 1), date(2025, 3, 31)):
        assert quarters_without_meeting(MEETING, [held], since=date(2025, 1, 1), today=date(2025, 4, 1)) == []
    assert quarters_without_meeting(MEETING, [date(2025, 4, 1)], since=date(2025, 1, 1),
                                    today=date(2025, 4, 2)) == [(2025, 1)]


def test_current_unfinished_quarter_is_not_flagged__001_app2_s5():
    """001 App. 2 §5: the quarter still running may yet get its meeting, so it is not flagged,
    even on its last day; it is flagged from the first day of the next quarter."""
    since = date(2025, 1, 1)
    assert quarters_without_meeting(MEETING, [], since=since, today=date(2025, 1, 1)) == []
    assert quarters_without_meeting(MEETING, [], since=since, today=date(2025, 3, 31)) == []
    assert quarters_without_meeting(MEETING, [], since=since, today=date(2025, 4, 1)) == [(2025, 1)]
    assert quarters_without_meeting(MEETING, [], since=date(2024, 11, 5), today=date(2025, 2, 1)) == [(2024, 4)]


def test_several_meetings_in_one_quarter_do_not_cover_another__001_app2_s5():
    """001 App. 2 §5: "at least once a quarter" is per quarter; extra meetings do not carry over."""
    held = [date(2025, 1, 10), date(2025, 2, 10), date(2025, 3, 10)]
    assert quarters_without_meeting(MEETING, held, since=date(2025, 1, 1), today=date(2025, 10, 1)) == [
        (2025, 2), (2025, 3)]


@pytest.mark.parametrize("kind", [BodyKind.GATHERING, BodyKind.TERRITORIAL_COUNCIL, BodyKind.PUBLIC_HEARING])
def test_other_bodies_have_no_quarterly_minimum__001_s4_000_s10(kind):
    """001 section 4; 000 §10: only the meeting (App. 2 §5) must sit every quarter."""
    rules = DEFAULT_RULES[kind]
    assert rules.meetings_per_quarter == 0
    assert quarters_without_meeting(rules, [], since=date(2020, 1, 1), today=date(2025, 6, 1)) == []


# ---------------------------------------------------------------------------
# Territorial council membership
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("size", [2, 4, 8, 10, 20])
def test_territorial_council_even_membership_is_warned__000_s6(size):
    """000 §6: a territorial council has an ODD number of members; an even size is warned."""
    assert COUNCIL.odd_membership is True
    assert membership_warnings(COUNCIL, size) == ["even_membership"]


@pytest.mark.parametrize("size", [1, 3, 7, 9, 21])
def test_territorial_council_odd_membership_is_fine__000_s6(size):
    """000 §6: an odd number of members raises no warning."""
    assert membership_warnings(COUNCIL, size) == []


@pytest.mark.parametrize("kind", [BodyKind.GATHERING, BodyKind.MEETING, BodyKind.PUBLIC_HEARING])
def test_odd_membership_rule_is_only_the_councils__000_s6(kind):
    """000 §6: the odd-number rule belongs to territorial councils; other bodies may be even."""
    assert DEFAULT_RULES[kind].odd_membership is False
    assert membership_warnings(DEFAULT_RULES[kind], 8) == []


def test_territorial_council_is_renewed_every_five_years__000_s7():
    """000 §7: a territorial council's composition is renewed every 5 years."""
    assert COUNCIL.term_years == 5
    assert all(DEFAULT_RULES[k].term_years is None for k in BodyKind if k != BodyKind.TERRITORIAL_COUNCIL)
