"""The Add1 completion of MES, fast, and its naive definition (the reference in the tests).

Add1, exactly: let ``x0 = B / n`` and run MES at ``x0``. Then raise every voter's initial budget
on the whole-tenge grid ``floor(B/n) + 1, floor(B/n) + 2, ...`` and rerun MES at each grid value;
the total cost of an outcome is always checked against the real budget ``B``. Stop at the first
grid value whose outcome costs more than ``B`` and keep the previous outcome (the one at the
grid value just below, or at ``x0``). Also stop, keeping it, at the first outcome that funds
every candidate project (nothing can be added any more). One of the two always happens: once
``x`` reaches the total cost of all candidates, every project stays affordable and all are
funded. (pabutools' ``voter_budget_increment`` stops at the first *exhaustive* outcome instead.)

``add1-greedy`` then funds, by votes, what still fits in the money left.

Speed: a run at ``x`` is traced (:mod:`civic.contests.tally.trace`) to find the next grid value
at which any decision of that run could change; every grid value before it has the same
outcome and is skipped. When tracing keeps finding that the very next grid value must be
computed (large elections, where the winner order changes at almost every step), plain runs are
used for a while (up to :data:`MAX_PLAIN_STREAK` in a row) since they cost less than traced ones.
The voter groups and supporter counts, which depend only on the projects chosen so far, are
cached across runs in the :class:`~civic.contests.tally.mes.Prepared` election.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from civic.contests.tally.mes import Prepared, run, voter_share
from civic.contests.tally.trace import run_traced

#: Longest run of untraced grid steps between two traced ones.
MAX_PLAIN_STREAK = 8


@dataclass(frozen=True)
class Add1Result:
    chosen: tuple[int, ...]     # project indices of the Prepared election, in selection order
    voter_budget: Fraction      # the largest grid value (or B/n) known to give this outcome
    runs: int                   # MES runs computed
    stopped_by: str             # "over_budget" or "all_funded"


def _cost(prep: Prepared, chosen) -> int:
    cost = prep.cost
    return sum(cost[j] for j in chosen)


def add1(prep: Prepared, trace: bool = True) -> Add1Result:
    """Add1 (see the module docstring), skipping grid steps whose outcome cannot change."""
    budget, m = prep.budget, len(prep.ids)
    x = voter_share(prep.election)
    nxt = None                  # from a traced run: the next grid value that must be computed
    if trace:
        chosen, nxt = run_traced(prep, x.numerator, x.denominator)
    else:
        chosen = run(prep, x.numerator, x.denominator)
    runs, streak, plain_left = 1, 0, 0
    while len(chosen) < m:
        step = nxt if nxt is not None else int(x) + 1
        if trace and plain_left == 0:
            new, nxt = run_traced(prep, step, 1)
            if nxt == step + 1:     # tracing cannot skip anything from here: try plain runs
                streak = min(2 * streak + 1, MAX_PLAIN_STREAK)
                plain_left = streak
            else:
                streak = 0
        else:
            new, nxt = run(prep, step, 1), None
            plain_left -= 1
        runs += 1
        if _cost(prep, new) > budget:
            return Add1Result(tuple(chosen), max(x, Fraction(step - 1)), runs, "over_budget")
        x, chosen = Fraction(step), new
    return Add1Result(tuple(chosen), x, runs, "all_funded")


def add1_naive(prep: Prepared) -> Add1Result:
    """Add1 by its definition: MES at x0 and at every grid value, one after another."""
    budget, m = prep.budget, len(prep.ids)
    x = voter_share(prep.election)
    chosen = run(prep, x.numerator, x.denominator)
    runs = 1
    step = int(x)
    while len(chosen) < m:
        step += 1
        new = run(prep, step, 1)
        runs += 1
        if _cost(prep, new) > budget:
            return Add1Result(tuple(chosen), x, runs, "over_budget")
        x, chosen = Fraction(step), new
    return Add1Result(tuple(chosen), x, runs, "all_funded")
