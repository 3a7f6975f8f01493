"""Method of Equal Shares (MES) for approval ballots with cost utilities, in exact arithmetic.

The rule (pabutools' ``method_of_equal_shares`` with ``Cost_Sat``): every voter, empty ballots
included, starts with an equal share ``x`` of the budget (``x = B / n``). In each round, for
every project not yet chosen whose supporters together still hold at least its cost ``c``, the
payment per supporter ``p`` is the smallest amount such that supporters holding less than ``p``
pay all they have, the others pay ``p`` each, and together they pay ``c``. A voter's utility of a
project is its cost, so the price per unit of utility is ``rho = p / c``. The project with the
lowest ``rho`` is chosen and its supporters pay; the rounds go on until no project is affordable.

Ties of exactly equal ``rho`` are broken by project id as a string, smallest first (pabutools'
default ``lexico_tie_breaking``). A project of cost 0 with at least one approval is funded
before the rounds (it costs nobody anything); pabutools' ``Cost_Sat`` gives such a project no
utility and never funds it.

Exactness and speed: amounts are integers over one shared denominator ``D`` (multiplied up when a
payment does not divide evenly), never floats. Identical ballots are merged into weighted
"types"; voters are kept in groups of types that approved the same chosen projects so far (such
voters always hold the same budget), each group with its supporter count per project, so a
price is found by walking budget groups, not voters. A project whose price in an earlier round
already exceeds the best price of this round is not recomputed: prices only rise as budgets
fall; a project found unaffordable is never priced again in the run. After a payment only the
payers' groups move, so the sorted lists are cut and pasted rather than sorted again; the
supporters whose money ran out are counted only for the projects they approved. Groups
and their counts depend only on the set of projects chosen so far, so they are cached in
:class:`Prepared` and reused by later runs (the Add1 completion runs MES many times, and passes
each run hints from runs at nearby budgets: see :func:`run`).
"""
from __future__ import annotations

import gc
from bisect import bisect_left
from collections import Counter
from contextlib import contextmanager
from fractions import Fraction
from itertools import chain, compress, repeat
from math import gcd
from operator import itemgetter, mul, sub
from typing import NamedTuple

from civic.contests.tally.model import Election

_first = itemgetter(0)
_second = itemgetter(1)

#: The price bound of a project that can no longer be afforded in this run (or, as a seed, in a
#: run at a lower budget with the same winners so far): infinite, as (numerator, denominator).
_NEVER = (1, 0)
_INF = float("inf")

#: Above this many cached voter groups the cache is dropped and rebuilt on demand.
GROUP_CACHE_LIMIT = 60_000


class Group:
    """Ballot types that approved the same chosen projects so far; ``counts[j]`` supporters of j."""

    __slots__ = ("types", "counts", "children", "_approved")

    def __init__(self, types: frozenset[int], counts: list[int]):
        self.types = types
        self.counts = counts
        self.children: dict[int, tuple[Group | None, Group | None]] = {}
        self._approved: list[int] | None = None

    def approved(self) -> list[int]:
        """The projects this group's voters approved (those with a supporter count)."""
        if self._approved is None:
            self._approved = list(compress(range(len(self.counts)), self.counts))
        return self._approved


class Prepared:
    """An election compiled for repeated MES runs over the projects in ``candidates``.

    Projects are numbered in id order (so a smaller index wins a tie). ``free`` lists the
    candidates of cost 0 (funded outright, outside the rounds).
    """

    def __init__(self, election: Election, candidates):
        costs = election.projects
        ordered = sorted(candidates)
        self.election = election
        self.budget = election.budget
        self.n = election.n_voters
        self.free = [pid for pid in ordered if costs[pid] == 0]
        self.ids = [pid for pid in ordered if costs[pid] > 0]
        index = {pid: i for i, pid in enumerate(self.ids)}
        self.cost = [costs[pid] for pid in self.ids]
        m = len(self.ids)
        merged: dict[frozenset[int], int] = {}
        if len(index) == len(costs):            # every project counts: ballots are already distinct
            get = index.__getitem__
            for approved, count in election.ballots:
                if approved:
                    merged[frozenset(map(get, approved))] = count
        else:
            for approved, count in election.ballots:
                key = frozenset([index[pid] for pid in approved if pid in index])
                if key:
                    merged[key] = merged.get(key, 0) + count
        self.ballot = [tuple(key) for key in merged]
        self.weight = list(merged.values())
        # Each ballot type repeated once per voter, so that counting is done by Counter in C.
        self.expanded = [key * w for key, w in zip(self.ballot, self.weight)]
        support: list[list[int]] = [[] for _ in range(m)]
        for t, key in enumerate(self.ballot):
            for j in key:
                support[j].append(t)
        self.support = [frozenset(s) for s in support]
        self.total = self._count(range(len(self.ballot)))
        self._root_types = frozenset(range(len(self.ballot)))
        self.reset_cache()

    def reset_cache(self) -> None:
        self.root = Group(self._root_types, self.total)
        self.groups: dict[frozenset[int], Group] = {self._root_types: self.root}

    def _count(self, types) -> list[int]:
        """Supporters of each project among the given ballot types (weighted)."""
        counts = [0] * len(self.ids)
        if len(types) < 24:
            ballot, weight = self.ballot, self.weight
            for t in types:
                w = weight[t]
                for j in ballot[t]:
                    counts[j] += w
        else:
            counter = Counter(chain.from_iterable(map(self.expanded.__getitem__, types)))
            for j, v in counter.items():
                counts[j] = v
        return counts

    def _group(self, types: frozenset[int], counts_of) -> Group:
        group = self.groups.get(types)
        if group is None:
            group = self.groups[types] = Group(types, counts_of())
        return group

    def split(self, group: Group, j: int) -> tuple[Group | None, Group | None]:
        """Split a group into its supporters of project j and the others (cached)."""
        parts = group.children.get(j)
        if parts is not None:
            return parts
        if len(self.groups) > GROUP_CACHE_LIMIT:
            self.reset_cache()
        sup_types = group.types & self.support[j]
        if len(sup_types) == len(group.types):
            parts = (group, None)
        else:
            other_types = group.types - sup_types
            small, big = (sup_types, other_types) if len(sup_types) <= len(other_types) else (
                other_types, sup_types)
            small_group = self._group(small, lambda: self._count(small))
            big_group = self._group(big, lambda: list(map(sub, group.counts, small_group.counts)))
            parts = (small_group, big_group) if small is sup_types else (big_group, small_group)
        group.children[j] = parts
        return parts


class Round(NamedTuple):
    """What a recorded run knew when it decided one round (see :func:`run`)."""

    price: tuple[int, int] | None   # the winner's price per unit of utility (None: no winner)
    bound: tuple[int, int] | None   # the lowest price bound of any other project still in play
    bound_k: int                    # the smallest project index attaining ``bound`` (-1: none)
    bounds: list                    # every project's price bound (_NEVER: unaffordable)
    deficits: dict                  # found unaffordable: {j: (shortfall num, den, payers with money)}
    pricings: list | None = None    # every project's last pricing: (D, poor groups, payers) or None


class Neighbour(NamedTuple):
    """A recorded run at another per-voter budget ``x``, offered to :func:`run` as a hint."""

    x: Fraction
    chosen: list[int]
    record: list[Round]


def run(prep: Prepared, x_num: int, x_den: int = 1, record: list | None = None,
        floors: list | None = None, above: tuple[Neighbour, ...] = (),
        below: Neighbour | None = None, known: tuple[int, list[int]] | None = None) -> list[int]:
    """One MES run with initial per-voter budget ``x_num / x_den``; the chosen project indices.

    With ``record`` (a list), appends a :class:`Round` for each round: the winner's price per
    unit of utility and the lowest lower bound on the price of any other project still
    affordable as far as the run knows (with the smallest index attaining it), as ``(num, den)``
    pairs, the bounds of every project, the shortfall of those found unaffordable and how each
    project was last priced (which groups paid all they had, how many paid the equal share);
    the round that finds no affordable project is recorded too (``price`` None). With ``floors``
    (a price per round), a project is only skipped if its bound also exceeds that round's
    floor, so that the recorded bounds are as high as the floors need.

    Hints from runs at other budgets (they change nothing in the outcome, only the work):

    * ``above``: recorded runs at *higher* budgets, nearest first. While this run has had the
      same winners as one of them, it starts each round from that run's bounds of the same
      round: for the same winners every budget is a non-decreasing function of ``x`` (a payment
      only falls when the poorer supporters bring more), so every price is non-increasing, so
      those bounds hold here too and most projects need not be priced again; a project
      unaffordable there is unaffordable here.
    * ``below``: a recorded run at a *lower* budget ``x'``. With the same winners so far, the
      voters hold ``n * (x - x')`` more in total here and none of them less, so a project its
      supporters could not afford there by more than that cannot be afforded here either.
    * ``known = (until, winners)``: the caller has proved that a run which picks the first
      ``until`` of these winners goes on to pick the rest. The run stops after ``until`` rounds
      if it picked them (its record then has ``until`` rounds) and returns all the winners.
    """
    cost, total, split = prep.cost, prep.total, prep.split
    m = len(cost)
    if x_num <= 0 or not prep.ballot:
        return []
    D = x_den                                   # budgets are integers over the denominator D
    # Groups of voters with money left, ascending by budget, as three parallel lists.
    budgets, counts, groups = [x_num], [prep.root.counts], [prep.root]
    dead = [0] * m                              # supporters whose budget is exhausted
    # Price per unit of utility from the last time each project was priced, as (num, den):
    # a lower bound for its price now. Initially cost / (all supporters * cost).
    prev = [(1, total[j]) for j in range(m)]
    approx = [1 / total[j] if total[j] else 0.0 for j in range(m)]
    remaining = [j for j in range(m) if total[j]]
    # For each project its last pricing in this run: the denominator then, the groups that paid
    # all they had (budget, supporters) and the number of supporters paying the equal share.
    pricings: list = [None] * m
    chosen: list[int] = []
    fn, fd = 0, 1
    above = [hint for hint in above if hint.record]
    if below is not None:                       # slack = n * (x - x'), as sn / sd
        slack = Fraction(x_num, x_den) - below.x
        if slack < 0:
            raise ValueError("the run given as below has a higher budget")
        slack *= prep.n
        sn, sd = slack.numerator, slack.denominator
    while remaining:
        k_round = len(chosen)
        if known is not None and k_round == known[0]:
            if chosen == known[1][:k_round]:
                return list(known[1])
            known = None
        # Hints: drop those whose winners differ from ours so far, use the nearest left.
        if k_round:
            last = chosen[-1]
            above = [hint for hint in above if len(hint.chosen) >= k_round and hint.chosen[k_round - 1] == last]
            if below is not None and not (len(below.chosen) >= k_round and below.chosen[k_round - 1] == last):
                below = None
        if above and k_round < len(above[0].record):
            bounds = above[0].record[k_round].bounds
            for j in remaining:
                hn, hd = bounds[j]
                pn, pd = prev[j]
                if hn * pd > pn * hd:           # a higher (still valid) lower bound
                    prev[j] = (hn, hd)
                    approx[j] = hn / hd if hd else _INF
        found: dict[int, tuple[int, int]] = {}
        if below is not None and k_round < len(below.record):
            for j, (dn, dd, _) in below.record[k_round].deficits.items():
                if dn * sd > sn * dd and prev[j][1]:   # short by more than the slack there
                    prev[j], approx[j] = _NEVER, _INF
                    found[j] = (dn * sd - sn * dd, dd * sd, 0)  # still short by at least this here
        remaining.sort(key=approx.__getitem__)
        best_j = -1
        bn = bd = best_need = best_r = 0
        keep = []
        if floors is not None:
            fn, fd = floors[k_round] if k_round < len(floors) else (0, 1)
        for j in remaining:
            pn, pd = prev[j]
            if pd == 0:
                continue                        # known to be unaffordable (see _NEVER)
            if best_j >= 0 and pn * bd > bn * pd and pn * fd > fn * pd:
                keep.append(j)                  # its lower bound already loses: skip
                continue
            r = alive = total[j] - dead[j]
            if r <= 0:                          # no supporter has money left: never affordable again
                prev[j], approx[j], found[j] = _NEVER, _INF, (cost[j], 1, 0)
                continue
            need = cost[j] * D                  # still to be paid, in units of 1/D
            poor = []
            # Walk the groups holding supporters of j (filtered in C), poorest first.
            for b, c in filter(_second, zip(budgets, map(itemgetter(j), counts))):
                if b * r < need:                # this group cannot pay an equal part: pays all
                    need -= b * c
                    r -= c
                    poor.append((b, c))
                    if r == 0:
                        break
                else:
                    break
            if r == 0:                          # unaffordable, now and in later rounds
                prev[j], approx[j], found[j] = _NEVER, _INF, (need, D, alive)
                continue
            keep.append(j)
            pricings[j] = (D, poor, r)
            num, den = need, r * cost[j] * D    # rho = need / (r * cost * D)
            prev[j] = (num, den)
            approx[j] = num / den
            if best_j < 0 or num * bd < bn * den or (num * bd == bn * den and j < best_j):
                best_j, bn, bd, best_need, best_r = j, num, den, need, r
        if best_j < 0:
            if record is not None:              # the last round: every project left is unaffordable
                record.append(Round(None, None, -1, prev[:], found, pricings[:]))
            break
        chosen.append(best_j)
        remaining = [j for j in keep if j != best_j]
        if record is not None:
            record.append(Round((bn, bd), *_lowest(remaining, prev, approx), prev[:], found, pricings[:]))
        # Pay: the payment p = best_need / best_r per supporter (in units of 1/D).
        k = best_r // gcd(best_need, best_r)
        if k > 1:
            D *= k
            budgets = list(map(mul, budgets, repeat(k)))
        p = best_need * k // best_r
        budgets, counts, groups = _pay(split, best_j, p, budgets, counts, groups, dead)
    return chosen


def _lowest(projects: list[int], prev: list, approx: list[float]):
    """The lowest exact price bound among projects (and the smallest index attaining it)."""
    if not projects:
        return None, -1
    floor = min(map(approx.__getitem__, projects))
    best = None
    best_k = -1
    for k in projects:
        if approx[k] <= floor * (1 + 1e-9):    # floats are correctly rounded: exact minima are here
            pn, pd = prev[k]
            if best is None or pn * best[1] < best[0] * pd or (pn * best[1] == best[0] * pd and k < best_k):
                best, best_k = (pn, pd), k
    return best, best_k


def _pay(split, w, p, budgets, counts, groups, dead):
    """Supporters of w pay p each (or all they have: ``dead`` counts them); sorted by budget.

    Only the groups holding supporters of w change: a group of supporters only leaves its
    place (or keeps the non-supporters there), and its supporters come back lower down, all
    moved by the same payment, so in the same order among themselves. The new lists are cut
    and pasted from the old ones in C, not sorted again.
    """
    drops = []                                  # positions of groups that leave entirely
    paid_b, paid_c, paid_g = [], [], []
    for i in compress(range(len(budgets)), map(itemgetter(w), counts)):
        b = budgets[i]
        sup, other = split(groups[i], w)
        if other is None:
            drops.append(i)
        else:
            counts[i], groups[i] = other.counts, other
        if b > p:
            paid_b.append(b - p)
            paid_c.append(sup.counts)
            paid_g.append(sup)
        else:
            sup_counts = sup.counts
            for j in sup.approved():
                dead[j] += sup_counts[j]
    # Where each paid group goes in the old list (before the first group with as much money).
    places = []
    lo = 0
    for v in paid_b:
        lo = bisect_left(budgets, v, lo)
        places.append(lo)
    # Events in list order: (position, 0, k) puts paid group k before position; (position, 1, 0)
    # drops the group at position.
    events = sorted(chain(zip(places, repeat(0), range(len(paid_b))), zip(drops, repeat(1), repeat(0))))
    return (_splice(budgets, events, paid_b), _splice(counts, events, paid_c),
            _splice(groups, events, paid_g))


def _splice(old: list, events, inserted: list) -> list:
    new: list = []
    extend, append = new.extend, new.append
    at = 0
    for position, kind, k in events:
        if position > at:
            extend(old[at:position])
            at = position
        if kind:
            at = position + 1
        else:
            append(inserted[k])
    extend(old[at:])
    return new


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector: a count creates many containers and no cycles, and
    the collector's passes over them would otherwise double the time of a cold run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def voter_share(election: Election) -> Fraction:
    """Each voter's initial budget under MES: budget / number of ballots (empty ones included)."""
    return Fraction(election.budget, election.n_voters) if election.n_voters else Fraction(0)


def method_of_equal_shares(prep: Prepared, share: Fraction | None = None) -> list[str]:
    """Projects chosen by MES (free ones first, then in selection order) at the given share."""
    if share is None:
        share = voter_share(prep.election)
    return prep.free + [prep.ids[j] for j in run(prep, share.numerator, share.denominator)]
