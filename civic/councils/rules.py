"""The rules of each kind of body, as data, and the pure functions that apply them.

No Flask, no database: the web views, the CLI and the tests all call these.
Sources (see ../shared/domain-rules.md): 000 = model regulation on territorial
councils; 001 = guide to local self-government with App. 2, the model rules of
procedure of the local community meeting.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction


class BodyKind(str, enum.Enum):
    GATHERING = "gathering"              # жиын
    MEETING = "meeting"                  # жиналыс
    TERRITORIAL_COUNCIL = "council"      # аумақтық кеңес
    PUBLIC_HEARING = "hearing"           # қоғамдық тыңдау


class QuorumBase(str, enum.Enum):
    COMMUNITY = "community"              # all members of the local community
    REPRESENTATIVES = "representatives"  # elected representatives (gathering by representatives)
    MEMBERS = "members"                  # members of the body (meeting)
    TOTAL_MEMBERSHIP = "total"           # total membership (territorial council)
    NONE = "none"                        # public hearing: no quorum set


@dataclass(frozen=True)
class BodyRules:
    quorum: Fraction | None        # "at least" this fraction of the base
    quorum_base: QuorumBase
    decision: str                  # "majority_present" | "majority_participants" | "none"
    chair_breaks_tie: bool
    notice_days: int | None        # calendar days before the session
    materials_days: int | None     # calendar days before the session
    meetings_per_quarter: int      # at least
    odd_membership: bool
    term_years: int | None
    petition_share: Fraction | None  # share of community members who may demand a session
    akim_decision_working_days: int | None


# Defaults from the law; each body may override them (they are data, not literals in views).
DEFAULT_RULES: dict[BodyKind, BodyRules] = {
    # 001 section 4: quorum at least 10% of community members (with representatives: at least half
    # of the elected representatives); decisions by more than half of participants; notice 10 days
    # (001; 002 §12); initiators: at least 10% of members petition the district akim (001 fig. 7).
    BodyKind.GATHERING: BodyRules(
        quorum=Fraction(1, 10), quorum_base=QuorumBase.COMMUNITY, decision="majority_participants",
        chair_breaks_tie=False, notice_days=10, materials_days=None, meetings_per_quarter=0,
        odd_membership=False, term_years=None, petition_share=Fraction(1, 10), akim_decision_working_days=None),
    # 001 App. 2: notice 10 days, materials 5 days (§6); quorum at least half of members (§7);
    # majority of members present, a tie decided by the chair's vote (§12); at least once a
    # quarter; 10% may request a meeting, the akim rules within 3 working days (§5).
    BodyKind.MEETING: BodyRules(
        quorum=Fraction(1, 2), quorum_base=QuorumBase.MEMBERS, decision="majority_present",
        chair_breaks_tie=True, notice_days=10, materials_days=5, meetings_per_quarter=1,
        odd_membership=False, term_years=None, petition_share=Fraction(1, 10), akim_decision_working_days=3),
    # 000 §6-7: an odd number of members, renewed every 5 years; §11: quorum at least two thirds of
    # the total membership; §12-13: open vote, majority of members present, the chair's vote
    # decides a tie; decisions are recommendations.
    BodyKind.TERRITORIAL_COUNCIL: BodyRules(
        quorum=Fraction(2, 3), quorum_base=QuorumBase.TOTAL_MEMBERSHIP, decision="majority_present",
        chair_breaks_tie=True, notice_days=None, materials_days=None, meetings_per_quarter=0,
        odd_membership=True, term_years=5, petition_share=None, akim_decision_working_days=None),
    # 001 section 4: no quorum, no decision; the result is a record of positions.
    BodyKind.PUBLIC_HEARING: BodyRules(
        quorum=None, quorum_base=QuorumBase.NONE, decision="none", chair_breaks_tie=False,
        notice_days=None, materials_days=None, meetings_per_quarter=0, odd_membership=False,
        term_years=None, petition_share=None, akim_decision_working_days=None),
}


def quorum_needed(rules: BodyRules, base_size: int | None) -> int | None:
    """The smallest number present that makes a quorum ("at least" the fraction), or None."""
    if rules.quorum is None or rules.quorum_base == QuorumBase.NONE:
        return 0
    if base_size is None:
        return None
    needed = rules.quorum * base_size
    whole = needed.numerator // needed.denominator
    return whole if whole == needed else whole + 1


def has_quorum(rules: BodyRules, base_size: int | None, present: int) -> bool:
    needed = quorum_needed(rules, base_size)
    return needed is not None and present >= needed


@dataclass(frozen=True)
class VoteResult:
    adopted: bool | None   # None: no decision (public hearing)
    decided_by_chair: bool
    for_votes: int
    against: int
    abstained: int
    present: int


def decide(rules: BodyRules, *, present: int, for_votes: int, against: int, abstained: int,
           chair_vote: str | None = None) -> VoteResult:
    """The result of an open vote under the body's decision rule.

    majority_present (001 App. 2 §12; 000 §12): adopted when more than half of the members
    present vote for. A tie — for equals against with no majority either way — is decided by
    the chair's vote when the body's rules say so (App. 2 §12; 000 §13).
    majority_participants (001 section 4): more than half of the participants.
    """
    if for_votes < 0 or against < 0 or abstained < 0:
        raise ValueError("vote counts cannot be negative")
    if for_votes + against + abstained > present:
        raise ValueError("more votes than members present")
    if rules.decision == "none":
        return VoteResult(None, False, for_votes, against, abstained, present)
    adopted = 2 * for_votes > present
    by_chair = False
    if not adopted and rules.chair_breaks_tie and for_votes == against and 2 * for_votes + abstained == present \
            and abstained == 0 and for_votes > 0:
        by_chair = True
        adopted = chair_vote == "for"
    return VoteResult(adopted, by_chair, for_votes, against, abstained, present)


@dataclass(frozen=True)
class Timeliness:
    required_by: date | None
    given_on: date | None
    in_time: bool | None   # None: no rule, or not given yet


def notice_status(rules: BodyRules, session_day: date, announced_on: date | None) -> Timeliness:
    """Members notified at least N calendar days before (001; 002 §12; App. 2 §6)."""
    if rules.notice_days is None:
        return Timeliness(None, announced_on, None)
    required = session_day - timedelta(days=rules.notice_days)
    return Timeliness(required, announced_on, None if announced_on is None else announced_on <= required)


def materials_status(rules: BodyRules, session_day: date, published_on: date | None) -> Timeliness:
    """Materials to members and the akim at least N calendar days before (App. 2 §6)."""
    if rules.materials_days is None:
        return Timeliness(None, published_on, None)
    required = session_day - timedelta(days=rules.materials_days)
    return Timeliness(required, published_on, None if published_on is None else published_on <= required)


def petition_threshold(rules: BodyRules, community_size: int | None) -> int | None:
    """At least 10% of community members may demand a session (001 fig. 7; App. 2 §5)."""
    if rules.petition_share is None or community_size is None:
        return None
    needed = rules.petition_share * community_size
    whole = needed.numerator // needed.denominator
    return max(1, whole if whole == needed else whole + 1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_without_meeting(rules: BodyRules, held_days: list[date], since: date, today: date) -> list[tuple[int, int]]:
    """Finished quarters with fewer meetings than the rules require (App. 2: at least one a quarter)."""
    if rules.meetings_per_quarter <= 0:
        return []
    counts: dict[tuple[int, int], int] = {}
    for day in held_days:
        counts[quarter_of(day)] = counts.get(quarter_of(day), 0) + 1
    missing, (year, q) = [], quarter_of(since)
    while (year, q) < quarter_of(today):
        if counts.get((year, q), 0) < rules.meetings_per_quarter:
            missing.append((year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return missing


def membership_warnings(rules: BodyRules, size: int) -> list[str]:
    """Codes of warnings about the membership (000 §6: an odd number of members)."""
    warnings = []
    if rules.odd_membership and size % 2 == 0:
        warnings.append("even_membership")
    return warnings
