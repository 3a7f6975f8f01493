"""An MES run that also finds how far the per-voter budget may grow before its outcome can change.

Used by the Add1 completion to skip grid steps without running MES at them. The run at initial
per-voter budget ``x0`` is the same as :func:`civic.contests.tally.mes.run`; alongside every
budget it keeps its derivative with respect to ``x``. While every decision the run took keeps
its direction, each budget, payment and price is an affine function of ``x`` (the payments only
ever divide sums of budgets by fixed supporter counts), so each decision is a comparison of two
affine functions, whose sign can change at most once, at a point that we compute exactly.

The decisions that determine the outcome, and that we watch:

* for each price computed, every supporter group's side: budget below the payment (pays all it
  has) or not — if all sides hold, the price is still given by the same formula;
* for each project found unaffordable, its supporters' total budget below its cost;
* in each round, the winner's price against every other remaining project's price, or against
  the lower bound by which that project was skipped (its price in an earlier round: prices only
  rise within a run, so a lower bound that still loses keeps the project losing); exact ties
  (broken by project id) count as a change as soon as the two sides have different slopes.

If no watched comparison reaches equality strictly between ``x0`` and a grid point ``x1``, the
run at every grid point before ``x1`` takes exactly the same steps and chooses the same projects.
The next grid point that must really be computed is returned (``None``: the outcome never changes
again). Being conservative (reporting an earlier point) only costs time, never correctness.
"""
from __future__ import annotations

from math import gcd
from operator import add

from civic.contests.tally.mes import Prepared, _first


class _Horizon:
    """The smallest positive crossing point ``x0 + delta`` seen so far (exact rationals)."""

    __slots__ = ("num", "den", "immediate")

    def __init__(self) -> None:
        self.num = 0
        self.den = 0          # den == 0: no crossing yet (infinitely far)
        self.immediate = False

    def note(self, d0n: int, d0d: int, d1n: int, d1d: int) -> None:
        """Watch ``d(x0 + delta) = d0n/d0d + delta * d1n/d1d`` (both denominators positive)."""
        if d1n == 0 or self.immediate:
            return
        if d0n == 0:
            self.immediate = True           # equal now, different slopes: changes right away
            return
        if (d0n > 0) == (d1n > 0):
            return                          # moving apart: never changes sign
        num, den = -d0n * d1d, d0d * d1n    # delta = -d0 / d1 > 0
        if den < 0:
            num, den = -num, -den
        if self.den == 0 or num * self.den < self.num * den:
            self.num, self.den = num, den

    def next_grid(self, x_num: int, x_den: int) -> int | None:
        first = x_num // x_den + 1          # the next whole-unit grid point after x0
        if self.immediate:
            return first
        if self.den == 0:
            return None
        top, bottom = x_num * self.den + self.num * x_den, x_den * self.den
        return max(first, -(-top // bottom))


def run_traced(prep: Prepared, x_num: int, x_den: int = 1,
               record: list | None = None) -> tuple[list[int], int | None]:
    """MES at ``x0 = x_num / x_den``: the chosen project indices and the next grid point to compute.

    With ``record``, appends each round's winning price as :func:`~civic.contests.tally.mes.run`
    does (without the bounds of the other projects).
    """
    cost, total, split = prep.cost, prep.total, prep.split
    m = len(cost)
    horizon = _Horizon()
    if x_num <= 0 or not prep.ballot:
        return [], (x_num // x_den + 1 if prep.ballot and m else None)
    D, E = x_den, 1          # budgets b / D, slopes (d budget / d x) s / E
    active = [(x_num, 1, prep.root)]
    dead = [0] * m
    # Price per unit of utility of each project when last priced, and its slope: (vn, vd, sn, sd).
    prev = [(1, total[j], 0, 1) for j in range(m)]
    approx = [1 / total[j] if total[j] else 0.0 for j in range(m)]
    remaining = [j for j in range(m) if total[j]]
    chosen: list[int] = []
    note = horizon.note
    while remaining:
        remaining.sort(key=approx.__getitem__)
        best_j = -1
        bn = bd = 0
        best = None
        keep = []
        for j in remaining:
            if best_j >= 0:
                pn, pd = prev[j][0], prev[j][1]
                if pn * bd > bn * pd:
                    keep.append(j)
                    continue
            r = total[j] - dead[j]
            if r <= 0:
                continue
            need = cost[j] * D
            poor_s = 0
            for b, s, g in active:
                c = g.counts[j]
                if c:
                    if b * r < need:
                        need -= b * c
                        poor_s += s * c
                        r -= c
                        if r == 0:
                            break
                    else:
                        break
            if r == 0:
                note(-need, D, poor_s, E)    # supporters' total budget below the cost
                continue
            keep.append(j)
            den = r * cost[j]
            vn, vd, sn, sd = need, den * D, -poor_s, den * E
            prev[j] = (vn, vd, sn, sd)
            approx[j] = vn / vd
            if best_j < 0 or vn * bd < bn * vd or (vn * bd == bn * vd and j < best_j):
                best_j, bn, bd = j, vn, vd
                best = (need, r, poor_s)
        if best_j < 0:
            break
        chosen.append(best_j)
        remaining = [j for j in keep if j != best_j]
        wn, wd, wsn, wsd = prev[best_j]
        if record is not None:
            record.append(((wn, wd), None, -1))
        for j in remaining:                  # the winner beats each other project (or its bound)
            vn, vd, sn, sd = prev[j]
            note(vn * wd - wn * vd, vd * wd, sn * wsd - wsn * sd, sd * wsd)
        need, r, poor_s = best
        for b, s, g in active:               # every group of the winner's supporters keeps its side
            if g.counts[best_j]:
                note(r * b - need, r * D, r * s + poor_s, r * E)
        kd = r // gcd(need, r)
        ke = r // gcd(poor_s, r)
        if kd > 1 or ke > 1:
            D *= kd
            E *= ke
            active = [(b * kd, s * ke, g) for b, s, g in active]
        p, ps = need * kd // r, -poor_s * ke // r
        new_active = []
        append = new_active.append
        for b, s, g in active:
            if not g.counts[best_j]:
                append((b, s, g))
                continue
            sup, other = split(g, best_j)
            if other is not None:
                append((b, s, other))
            if b > p:
                append((b - p, s - ps, sup))
            else:
                dead = list(map(add, dead, sup.counts))
        new_active.sort(key=_first)
        active = new_active
    return chosen, horizon.next_grid(x_num, x_den)
