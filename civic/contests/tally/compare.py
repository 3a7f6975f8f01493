"""Comparing two outcomes by the voters' preferences (the "compare with greedy" option).

Each voter's utility of an outcome is the total cost of the selected projects the voter approved
(cost utilities, as in MES). A voter prefers the outcome giving more; voters with equal utility
under both (empty ballots among them) are indifferent and do not count. The greedy outcome
replaces the MES one only if strictly more voters prefer greedy than prefer MES; on a tie the
MES outcome is kept. Projects funded only by the discarded outcome get the reason code
``majority_preferred_other``.
"""
from __future__ import annotations

from dataclasses import replace

from civic.contests.tally.model import Election, TallyOutcome


def preferences(election: Election, first: TallyOutcome, second: TallyOutcome) -> tuple[int, int, int]:
    """Voters preferring ``first``, preferring ``second``, and indifferent."""
    costs = election.projects
    one, two = set(first.selected), set(second.selected)
    prefer_first = prefer_second = indifferent = 0
    for approved, count in election.ballots:
        u1 = sum(costs[pid] for pid in approved & one)
        u2 = sum(costs[pid] for pid in approved & two)
        if u1 > u2:
            prefer_first += count
        elif u2 > u1:
            prefer_second += count
        else:
            indifferent += count
    return prefer_first, prefer_second, indifferent


def compare_with_greedy(election: Election, mes: TallyOutcome, greedy: TallyOutcome) -> TallyOutcome:
    """The outcome a majority of voters prefers (MES on a tie), with both counts in ``details``."""
    prefer_mes, prefer_greedy, indifferent = preferences(election, mes, greedy)
    kept, other = (greedy, mes) if prefer_greedy > prefer_mes else (mes, greedy)
    reasons = dict(kept.reasons)
    kept_set = set(kept.selected)
    for pid in other.selected:
        if pid not in kept_set:
            reasons[pid] = "majority_preferred_other"
    details = dict(mes.details)
    details.update({
        "compared_with": "greedy",
        "kept": "greedy" if kept is greedy else "mes",
        "prefer_mes": prefer_mes,
        "prefer_greedy": prefer_greedy,
        "indifferent": indifferent,
        "mes_selected": list(mes.selected),
        "greedy_selected": list(greedy.selected),
    })
    return replace(kept, rule=mes.rule + "+compare", reasons=reasons, details=details,
                   mes_voter_budget=mes.mes_voter_budget, mes_runs=mes.mes_runs)
