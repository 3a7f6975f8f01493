"""Greedy by votes, and the minimum-support filter shared by every rule.

Greedy by votes: projects in order of approval count (most first), each funded if it still fits
in what is left of the budget, skipped otherwise (the count goes on with cheaper ones). Ties of
equal approval count are broken by project id as a string, smallest first (``"10"`` comes
before ``"9"``), which is pabutools' default lexicographic tie-breaking; with cost utilities
this is exactly pabutools' ``greedy_utilitarian_welfare`` with ``Cost_Sat`` except that a
project nobody approved is never funded (pabutools funds such projects last, with what is left).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from civic.contests.tally.model import Election, TallyOutcome


def check_min_support_pct(min_support_pct: object) -> int:
    if isinstance(min_support_pct, bool) or not isinstance(min_support_pct, int):
        raise ValueError(f"min_support_pct must be a whole percentage, got {min_support_pct!r}")
    if not 0 <= min_support_pct <= 100:
        raise ValueError(f"min_support_pct must be between 0 and 100, got {min_support_pct}")
    return min_support_pct


def screen(election: Election, min_support_pct: int = 0) -> tuple[dict[str, int], dict[str, str]]:
    """Votes per project, and the reason code of every project that no rule may fund.

    A project with no approvals gets ``no_votes``; one approved by fewer than
    ``min_support_pct`` percent of all ballots (empty ones included) gets
    ``below_minimum_support``. Integer test: ``votes * 100 >= pct * n_ballots`` passes.
    """
    pct = check_min_support_pct(min_support_pct)
    votes = election.approvals()
    excluded: dict[str, str] = {}
    for pid, count in votes.items():
        if count == 0:
            excluded[pid] = "no_votes"
        elif count * 100 < pct * election.n_voters:
            excluded[pid] = "below_minimum_support"
    return votes, excluded


def by_votes(votes: Mapping[str, int], candidates: Iterable[str]) -> list[str]:
    """Candidates in greedy order: most approvals first, then project id (string order)."""
    return sorted(candidates, key=lambda pid: (-votes[pid], pid))


def fill_greedily(election: Election, votes: Mapping[str, int], candidates: Iterable[str],
                  left: int) -> tuple[list[str], int]:
    """Fund candidates in greedy order while they fit in ``left``; return them and what is left."""
    chosen = []
    for pid in by_votes(votes, candidates):
        cost = election.projects[pid]
        if cost <= left:
            chosen.append(pid)
            left -= cost
    return chosen, left


def greedy(election: Election, min_support_pct: int = 0) -> TallyOutcome:
    """Greedy by votes (see the module docstring)."""
    votes, excluded = screen(election, min_support_pct)
    candidates = [pid for pid in election.projects if pid not in excluded]
    chosen, left = fill_greedily(election, votes, candidates, election.budget)
    reasons = dict(excluded)
    for pid in candidates:
        reasons[pid] = "not_enough_budget_left"
    for pid in chosen:
        reasons[pid] = "funded"
    return TallyOutcome(rule="greedy", selected=tuple(chosen), total_cost=election.budget - left,
                        reasons=reasons, votes=votes, budget=election.budget,
                        n_voters=election.n_voters)
