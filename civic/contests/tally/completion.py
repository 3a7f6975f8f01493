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

Skipping grid values. For a fixed sequence of winners, every voter's budget after every round is
non-decreasing in ``x`` (a payment only falls when the poorer supporters bring more), so every
price is non-increasing in ``x``. Hence if the runs at ``x0 < x1`` choose the same projects in
the same order and, in every round, the winner's price at ``x0`` is below the lowest price bound
of any other project at ``x1`` (or equal, with the winner first by id), then the winner wins that
round at every ``x`` in between, projects unaffordable at ``x1`` are unaffordable before it, and
the run chooses the same projects at every grid value in ``[x0, x1]``. The search gallops: the
stride doubles after each certified interval and halves when the check fails, down to the next
grid value, which is then computed as in the definition. The voter groups and supporter counts,
which depend only on the projects chosen so far, are cached across runs in
:class:`~civic.contests.tally.mes.Prepared`; :mod:`civic.contests.tally.trace` offers a second,
exact way to skip (affine extrapolation), kept as an option.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from civic.contests.tally.mes import Prepared, run, voter_share
from civic.contests.tally.trace import run_traced

@dataclass(frozen=True)
class Add1Result:
    chosen: tuple[int, ...]     # project indices of the Prepared election, in selection order
    voter_budget: Fraction      # the largest grid value (or B/n) known to give this outcome
    runs: int                   # MES runs computed
    stopped_by: str             # "over_budget" or "all_funded"


def _cost(prep: Prepared, chosen) -> int:
    cost = prep.cost
    return sum(cost[j] for j in chosen)


def add1(prep: Prepared, method: str = "gallop") -> Add1Result:
    """Add1 (see the module docstring); ``method`` is "gallop", "trace" or "every-step"."""
    if method == "trace":
        return _add1_traced(prep)
    if method == "every-step":
        return add1_naive(prep)
    budget, m = prep.budget, len(prep.ids)
    x = voter_share(prep.election)
    record: list = []
    chosen, horizon = run_traced(prep, x.numerator, x.denominator, record)
    runs, stride, failed = 1, 1, None     # failed: a grid value the check could not reach
    last_change = int(x)                  # the last grid value where the outcome changed
    while len(chosen) < m:
        if horizon is not None and horizon > int(x) + 1:
            # The traced run proved every grid value before the horizon gives the same outcome;
            # its record (taken lower down, with the same winners) still serves the checks.
            x = Fraction(horizon - 1)
        horizon = None
        base = int(x)
        step = base + stride if failed is None else max(base + 1, (base + failed) // 2)
        new_record: list = []
        if step > base + 1:                 # a probe: skip to it if the check proves it
            new = run(prep, step, 1, new_record, [price for price, _, _ in record])
            runs += 1
            if new == chosen and _certified_ties(chosen, record, new_record):
                x, record = Fraction(step), new_record
                if failed is None:
                    stride *= 2
            else:
                failed = step
            continue
        new, horizon = run_traced(prep, step, 1, new_record)   # the next grid value, as defined
        runs += 1
        if _cost(prep, new) > budget:
            return Add1Result(tuple(chosen), x, runs, "over_budget")
        if new != chosen:
            # Outcomes change at a roughly steady pace: after a change, start the next gallop
            # at half the distance from the previous change (1: compute the next value directly).
            stride, last_change = max(1, (step - last_change) // 2), step
        else:
            stride = 2
        x, chosen, record, failed = Fraction(step), new, new_record, None
    return Add1Result(tuple(chosen), x, runs, "all_funded")


def _certified_ties(chosen: list[int], low: list, high: list) -> bool:
    """Do the records of runs at ``x0 < x1`` with the same winners prove every run in between equal?

    In each round the winner's price at ``x0`` must be below every other project's price bound
    at ``x1``, or equal to it with the winner first by id (``low``/``high``: :func:`run` records).
    """
    for w, (price, _, _), (_, bound, k) in zip(chosen, low, high):
        if bound is None:
            continue
        left, right = price[0] * bound[1], bound[0] * price[1]
        if left > right or (left == right and k < w):
            return False
    return True


def _add1_traced(prep: Prepared) -> Add1Result:
    """Add1 skipping by affine extrapolation (:mod:`civic.contests.tally.trace`)."""
    budget, m = prep.budget, len(prep.ids)
    x = voter_share(prep.election)
    chosen, nxt = run_traced(prep, x.numerator, x.denominator)
    runs = 1
    while len(chosen) < m:
        step = nxt if nxt is not None else int(x) + 1
        new, nxt = run_traced(prep, step, 1)
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
