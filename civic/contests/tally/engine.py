"""The one entry point of the tally engine: :func:`tally`.

Pure standard-library code (no Flask, no database): the web views, the CLI and the tests all
call it. Rules:

* ``rule="greedy"``: greedy by votes (:mod:`civic.contests.tally.greedy`);
* ``rule="mes"``: Method of Equal Shares with cost utilities (:mod:`civic.contests.tally.mes`),
  with ``completion`` ``"none"``, ``"add1"`` or ``"add1-greedy"``
  (:mod:`civic.contests.tally.completion`), and optionally ``compare=True``: keep the greedy
  outcome instead if a majority of voters prefers it (:mod:`civic.contests.tally.compare`).

``min_support_pct`` excludes, under every rule, projects approved by fewer than that percentage
of all ballots (empty ones included). Ties are broken by project id as a string, smallest first.
"""
from __future__ import annotations

from civic.contests.tally.compare import compare_with_greedy
from civic.contests.tally.completion import add1
from civic.contests.tally.greedy import fill_greedily, greedy, screen
from civic.contests.tally.mes import Prepared, paused_gc, run, voter_share
from civic.contests.tally.model import Election, TallyOutcome

RULES = ("greedy", "mes")
COMPLETIONS = ("none", "add1", "add1-greedy")


def _mes(election: Election, completion: str, min_support_pct: int) -> TallyOutcome:
    votes, excluded = screen(election, min_support_pct)
    candidates = [pid for pid in election.projects if pid not in excluded]
    prep = Prepared(election, candidates)
    details: dict[str, object] = {}
    if completion == "none":
        share = voter_share(election)
        chosen, runs = run(prep, share.numerator, share.denominator), 1
    else:
        result = add1(prep)
        chosen, share, runs = result.chosen, result.voter_budget, result.runs
        details["add1_stopped_by"] = result.stopped_by
    selected = prep.free + [prep.ids[j] for j in chosen]
    reasons = dict(excluded)
    for pid in selected:
        reasons[pid] = "funded"
    left = election.budget - sum(election.projects[pid] for pid in selected)
    taken = set(selected)
    if completion == "add1-greedy":
        extra, left = fill_greedily(election, votes, [p for p in candidates if p not in taken], left)
        for pid in extra:
            reasons[pid] = "funded_by_completion"
        selected += extra
        taken.update(extra)
    for pid in candidates:
        if pid not in taken:
            reasons[pid] = ("not_enough_budget_left" if election.projects[pid] > left
                            else "not_affordable_by_supporters")
    rule = "mes" if completion == "none" else f"mes+{completion}"
    return TallyOutcome(rule=rule, selected=tuple(selected), total_cost=election.budget - left,
                        reasons=reasons, votes=votes, budget=election.budget,
                        n_voters=election.n_voters, mes_voter_budget=share, mes_runs=runs,
                        details=details)


def tally(election: Election, rule: str = "greedy", completion: str = "none", compare: bool = False,
          min_support_pct: int = 0) -> TallyOutcome:
    """Count an election; see the module docstring. Raises ValueError on bad options."""
    if not isinstance(election, Election):
        raise ValueError("tally() needs an Election")
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    if completion not in COMPLETIONS:
        raise ValueError(f"unknown completion {completion!r}; expected one of {', '.join(COMPLETIONS)}")
    with paused_gc():
        return _tally(election, rule, completion, compare, min_support_pct)


def _tally(election: Election, rule: str, completion: str, compare: bool, min_support_pct: int) -> TallyOutcome:
    if rule == "greedy":
        if completion != "none":
            raise ValueError("a completion only applies to rule 'mes'")
        if compare:
            raise ValueError("compare only applies to rule 'mes'")
        return greedy(election, min_support_pct)
    outcome = _mes(election, completion, min_support_pct)
    if compare:
        outcome = compare_with_greedy(election, outcome, greedy(election, min_support_pct))
    return outcome
