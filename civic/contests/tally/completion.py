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
the run chooses the same projects at every grid value in ``[x0, x1]``.

The search: from the last grid value known to be fine, compute a run a stride ahead and account
for every grid value in between, in order (:func:`add1`'s ``cover``): an interval whose two ends
pass the check above is done in one piece; otherwise a run in between is computed and both parts
are accounted for in turn. Where to cut is guessed from the records (where two winners' prices
cross, or how far the check should reach; :func:`_split_point`), else the middle. A stretch done
in one piece doubles the stride. Rounds that passed the check for a whole interval need not be
computed again inside it: a run there stops once it has reached them with the same winners
(:func:`_fill`). Every run in between gets hints from the runs around it (see
:func:`~civic.contests.tally.mes.run`): the price bounds of a run above and the shortfalls of a
run below, so that it prices few projects. The voter groups and supporter counts, which depend
only on the projects chosen so far, are cached across runs in
:class:`~civic.contests.tally.mes.Prepared`. :mod:`civic.contests.tally.trace` offers another
exact way to skip (affine extrapolation), kept as an option; it is fast on small elections and
of little use on large ones, where some voter group changes side at almost every grid value.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from civic.contests.tally.mes import Neighbour, Prepared, Round, run, voter_share
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
    runs = 0

    def compute(x: Fraction, below: Neighbour | None, above: tuple[Neighbour, ...] = (),
                until: int | None = None) -> Neighbour:
        """MES at x; with ``until``, x lies between ``below`` and ``above[0]``, which have the same
        winners, and every round from ``until`` on is proved for the whole interval by their
        records: the run stops there if it agrees so far (see :func:`_fill`)."""
        nonlocal runs
        runs += 1
        record: list = []
        floors = [entry.price for entry in below.record if entry.price] if below is not None else None
        known = (until, below.chosen) if until is not None else None
        chosen = run(prep, x.numerator, x.denominator, record, floors, above, below, known)
        if until is not None and len(record) == until and chosen == below.chosen:
            _fill(record, below, above[0])         # it stopped early
        return Neighbour(x, chosen, record)

    def stops(point: Neighbour) -> bool:
        return len(point.chosen) == m or _cost(prep, point.chosen) > budget

    last = compute(voter_share(prep.election), None)   # the last grid value known to be fine
    if len(last.chosen) == m:
        return Add1Result(tuple(last.chosen), last.x, runs, "all_funded")

    def cover(low: Neighbour, high: Neighbour, above: tuple[Neighbour, ...]) -> Neighbour | None:
        """Account for every grid value in (low.x, high.x], in order; the first that stops.

        ``low`` does not stop; ``above`` are runs at budgets above ``high``, nearest first.
        On return without a stop, ``last`` stands for the grid value ``high.x``. (Recursion
        only goes left, into at most 7/8 of the interval, so its depth stays small.)
        """
        nonlocal last
        while True:
            if int(low.x) + 1 >= high.x:                 # no grid value in between
                if stops(high):
                    return high
                last = high
                return None
            until, failing = None, []
            if high.chosen == low.chosen:
                failing = _failing_rounds(prep, low, high)
                if not failing:                          # every value in between: low's outcome
                    last = Neighbour(high.x, low.chosen, high.record)
                    return None
                until = failing[-1] + 1
            middle = compute(Fraction(_split_point(low, high, failing)), low, (high,) + above, until)
            stop = cover(low, middle, (high,) + above)
            if stop is not None:
                return stop
            low = middle

    stride = 1
    while True:
        low = last
        high = compute(Fraction(int(low.x) + stride), low)
        before = runs
        stop = cover(low, high, ())
        if stop is not None:
            if len(stop.chosen) == m and _cost(prep, stop.chosen) <= budget:
                return Add1Result(tuple(stop.chosen), stop.x, runs, "all_funded")
            return Add1Result(tuple(last.chosen), last.x, runs, "over_budget")
        if runs == before:          # a stretch proved in one piece: try one twice as long
            stride *= 2


def _split_point(low: Neighbour, high: Neighbour, failing: list[int]) -> int:
    """A grid value strictly between two runs at which to compute next (any one is correct).

    The midpoint, unless the records suggest better (a guess in floats, which only decides
    where to look): where the winners first differ, the point at which the two projects' prices
    cross by straight-line interpolation, or at which the newcomer's supporters can first
    afford it; where they are the same but round ``failing[0]`` is not proved, the farthest
    point up to which comparing the ends should prove it. Near a change of outcome this takes
    a few runs where halving the interval would take many.
    """
    a, b = int(low.x), int(high.x)
    if low.chosen == high.chosen:
        guess = _reach(low, high, failing[0], a, b) if failing else None
    else:
        guess = _crossing(low, high, a, b)
    if guess is None:
        return (a + b) // 2
    margin = (b - a) // 8
    return min(max(guess, a + 1 + margin), b - 1 - margin)


def _value(fraction) -> float:
    num, den = fraction
    return num / den if den else float("inf")


def _crossing(low: Neighbour, high: Neighbour, a: int, b: int) -> int | None:
    """Where the first round that differs changes winner (a guess)."""
    k = next((k for k, (w_low, w_high) in enumerate(zip(low.chosen, high.chosen)) if w_low != w_high),
             min(len(low.chosen), len(high.chosen)))
    if k >= len(high.chosen):
        return None
    newcomer = high.chosen[k]
    if k < len(low.chosen) and low.record[k].bounds[newcomer][1]:
        # Both affordable at a: where does the newcomer's price fall below the old winner's?
        lo_round, hi_round = low.record[k], high.record[k]
        gap_low = _value(lo_round.bounds[newcomer]) - _value(lo_round.price)
        gap_high = _value(hi_round.bounds[low.chosen[k]]) - _value(hi_round.price)
        if gap_low > 0 and gap_high > 0:
            return a + int((b - a) * gap_low / (gap_low + gap_high))
        return None
    # Unaffordable at a: its paying supporters gain at least 1 tenge each per tenge of x.
    for entry in reversed(low.record[:k + 1]):
        if newcomer in entry.deficits:
            num, den, payers = entry.deficits[newcomer]
            return a + 1 + int(num / den / payers) if payers else None
    return None


def _reach(low: Neighbour, high: Neighbour, k: int, a: int, b: int) -> int | None:
    """How far from ``low`` comparing the ends should prove round k (a guess)."""
    lo_round, hi_round = low.record[k], high.record[k]
    if hi_round.bound is None or hi_round.bound_k < 0:
        return None
    ceiling = _value(lo_round.price)
    j = hi_round.bound_k
    at_b = _value(hi_round.bound)
    at_a = _value(lo_round.bounds[j])
    if at_b > ceiling or at_a <= ceiling or at_a == float("inf"):
        return None
    # j's bound falls from at_a to at_b over the interval; it meets the ceiling at about:
    return a + max(1, int((b - a) * (at_a - ceiling) / (at_a - at_b) * 0.9))


def _failing_rounds(prep: Prepared, low: Neighbour, high: Neighbour) -> list[int]:
    """The rounds that the records of two runs with the same winners do not prove.

    A round is proved for every run in between that picked the same winners before it if the
    winner's price at ``low`` is below every other project's price bound at ``high``, or equal
    to it with the winner first by id; or, failing that, if :func:`_proved_by_slopes`. If no
    round fails, every run in between picks the same winners.
    """
    failing = []
    for k, (w, low_round, high_round) in enumerate(zip(low.chosen, low.record, high.record)):
        price, bound, j = low_round.price, high_round.bound, high_round.bound_k
        if bound is None:
            continue
        left, right = price[0] * bound[1], bound[0] * price[1]
        if (left > right or (left == right and j < w)) and not _proved_by_slopes(prep, low, high, k):
            failing.append(k)
    return failing


#: How many grid values :func:`_proved_by_slopes` may look at before it gives up.
SLOPE_CHECKS = 64


def _proved_by_slopes(prep: Prepared, low: Neighbour, high: Neighbour, k: int) -> bool:
    """Prove round k for the grid values strictly between two runs from how prices move.

    With the same winners before round k, a voter with money left at ``low.x`` holds at least
    ``x - low.x`` more at ``x`` (every payment can only fall), and at ``x`` holds at least
    ``high.x - x`` less than at ``high.x``, or nothing. So the winner's price at ``x`` is at most
    its price at ``low`` recomputed with its poorer supporters that much richer
    (:func:`_price_above`), and a rival's price at least its price at ``high`` recomputed with
    its poorer supporters that much poorer (:func:`_price_below`; it was priced in this round or
    earlier, and prices only rise from round to round). Both bounds fall as ``x`` grows; the
    winner wins at every grid value if, stepping through the interval, the winner's bound at the
    start of each step is below every rival's bound at its end (single grid values are checked
    one by one). Near a change of winner, where comparing the ends alone would need many runs,
    this usually proves the round at once.
    """
    low_round, high_round = low.record[k], high.record[k]
    if low_round.pricings is None or high_round.pricings is None:
        return False
    cost = prep.cost
    w = low.chosen[k]
    win = low_round.pricings[w]
    if win is None:
        return False
    pn, pd = low_round.price
    before = set(low.chosen[:k])
    rivals = []
    for c, (bn, bd) in enumerate(high_round.bounds):
        if c == w or c in before or bd == 0 or bn * pd > pn * bd:
            continue                        # the winner, chosen already, unaffordable, or beaten
        pricing = high_round.pricings[c]
        if pricing is None:
            return False
        rivals.append((pricing, cost[c]))
    if not rivals:
        return True
    a, b = low.x, high.x

    def holds(x1: Fraction, x2: Fraction) -> bool:
        un, ud = _price_above(win, cost[w], x1 - a)
        for pricing, c_cost in rivals:
            ln, ld = _price_below(pricing, c_cost, b - x2)
            if un * ld >= ln * ud:
                return False
        return True

    x1, step, checks = a, 1, 0
    end = Fraction(int(b) - 1) if b.denominator == 1 else Fraction(int(b))   # the last grid value inside
    while x1 < end:
        x2 = min(end, Fraction(int(x1) + step))
        checks += 1
        if checks > SLOPE_CHECKS:
            return False
        if holds(x1, x2):
            x1, step = x2, step * 2
        elif x2 == int(x1) + 1 or x2 == x1:
            if not holds(x2, x2):           # a single grid value: compare the bounds there
                return False
            x1, step = x2, 1
        else:
            step = max(1, step // 2)
    return True


def _price_above(pricing, cost: int, delta: Fraction) -> tuple[int, int]:
    """An upper bound on a price per unit of utility once the poorer payers hold ``delta`` more."""
    D, poor, r = pricing
    dn, dd = delta.numerator, delta.denominator
    shift = dn * D
    need = cost * D * dd
    payers = r + sum(c for _, c in poor)
    for b, c in poor:                       # ascending budgets, in units of 1 / (D * dd)
        b = b * dd + shift
        if b * payers >= need:
            break
        need -= b * c
        payers -= c
    return need, payers * cost * D * dd


def _price_below(pricing, cost: int, delta: Fraction) -> tuple[int, int]:
    """A lower bound on a price per unit of utility once every payer holds ``delta`` less."""
    D, poor, r = pricing
    dn, dd = delta.numerator, delta.denominator
    shift = dn * D
    need = cost * D * dd
    for b, c in poor:
        b = b * dd - shift
        if b > 0:
            need -= b * c
    return need, r * cost * D * dd


def _fill(record: list, low: Neighbour, high: Neighbour) -> None:
    """Complete the record of a run stopped early between ``low`` and ``high`` (same winners).

    For the rounds it did not compute, the winner's price is at most the one at ``low`` and
    every bound and shortfall at least the one at ``high`` (same winners: prices fall as the
    budget grows): those stand in for them, which keeps every later check valid.
    """
    for k in range(len(record), len(high.record)):
        above = high.record[k]
        price = low.record[k].price if k < len(low.chosen) else None   # None: the last round
        record.append(Round(price, above.bound, above.bound_k, above.bounds, above.deficits))


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
