"""The input and output of a count: an immutable :class:`Election` and a :class:`TallyOutcome`.

Pure standard-library code: no Flask, no database. Amounts are whole units (tenge), integers.
Identical ballots are merged into weighted groups; empty ballots are kept (they count towards
the number of voters, and so towards each voter's share of the budget under equal shares).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

#: Why a project was or was not funded (one code per project in every outcome).
REASONS = (
    "funded",                        # chosen by the rule itself (greedy, or MES with its completion)
    "funded_by_completion",          # chosen by the greedy fill-up after MES (completion "add1-greedy")
    "not_enough_budget_left",        # has enough support, but costs more than what was left
    "below_minimum_support",         # fewer approvals than the contest's minimum support
    "no_votes",                      # nobody approved it
    "not_affordable_by_supporters",  # MES: its supporters' remaining shares could not cover it
    "majority_preferred_other",      # compare: funded by the outcome a majority of voters did not prefer
)


def _check_cost(project_id: str, cost: object) -> int:
    if isinstance(cost, bool) or not isinstance(cost, int):
        raise ValueError(f"cost of project {project_id!r} must be a whole number of tenge, got {cost!r}")
    if cost < 0:
        raise ValueError(f"cost of project {project_id!r} is negative: {cost}")
    return cost


@dataclass(frozen=True)
class Election:
    """A participatory-budgeting election with approval ballots.

    ``ballots`` is a tuple of ``(frozenset of project ids, count)`` with every distinct ballot
    once, in a canonical order (so two elections with the same ballots compare equal).
    ``n_voters`` is the number of ballots cast, empty ones included.
    """

    budget: int
    projects: Mapping[str, int]
    ballots: tuple[tuple[frozenset[str], int], ...]
    n_voters: int

    def __post_init__(self) -> None:
        if isinstance(self.budget, bool) or not isinstance(self.budget, int):
            raise ValueError(f"budget must be a whole number of tenge, got {self.budget!r}")
        if self.budget < 0:
            raise ValueError(f"budget is negative: {self.budget}")
        projects = {}
        for pid, cost in dict(self.projects).items():
            if not isinstance(pid, str) or not pid:
                raise ValueError(f"project ids must be non-empty strings, got {pid!r}")
            projects[pid] = _check_cost(pid, cost)
        object.__setattr__(self, "projects", MappingProxyType(projects))
        total = 0
        for approved, count in self.ballots:
            if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
                raise ValueError(f"ballot count must be a positive integer, got {count!r}")
            unknown = [pid for pid in approved if pid not in projects]
            if unknown:
                raise ValueError(f"ballot approves unknown project id {sorted(unknown)[0]!r}")
            total += count
        if total != self.n_voters:
            raise ValueError(f"n_voters is {self.n_voters} but the ballot groups hold {total} ballots")

    @classmethod
    def from_ballots(cls, budget: int, costs: Mapping[str, int],
                     ballots: Iterable[Iterable[str]]) -> Election:
        """Build an election from one iterable of approved project ids per voter.

        A project named twice on one ballot counts once; an empty ballot is a voter who
        approved nothing. Raises ValueError on an unknown project id or a bad cost.
        """
        costs = dict(costs)
        for pid, cost in costs.items():
            _check_cost(pid, cost)
        merged: Counter[frozenset[str]] = Counter()
        for number, ballot in enumerate(ballots, start=1):
            if isinstance(ballot, str):
                raise ValueError(f"ballot {number} is a string, not a collection of project ids")
            approved = frozenset(ballot)
            for pid in approved:
                if pid not in costs:
                    raise ValueError(f"ballot {number} approves unknown project id {pid!r}")
            merged[approved] += 1
        return cls.from_groups(budget, costs, merged.items())

    @classmethod
    def from_groups(cls, budget: int, costs: Mapping[str, int],
                    groups: Iterable[tuple[Iterable[str], int]]) -> Election:
        """Build an election from ``(approved ids, count)`` pairs (repeats are merged)."""
        merged: Counter[frozenset[str]] = Counter()
        for approved, count in groups:
            merged[frozenset(approved)] += count
        ordered = tuple(sorted(merged.items(), key=lambda item: (sorted(item[0]), item[1])))
        return cls(budget=budget, projects=dict(costs), ballots=ordered,
                   n_voters=sum(count for _, count in ordered))

    def approvals(self) -> dict[str, int]:
        """Number of voters approving each project (every project, zeros included)."""
        votes = dict.fromkeys(self.projects, 0)
        for approved, count in self.ballots:
            for pid in approved:
                votes[pid] += count
        return votes

    def utility(self, approved: frozenset[str], selected: Iterable[str]) -> int:
        """Cost utility of a voter: total cost of the selected projects the voter approved."""
        return sum(self.projects[pid] for pid in selected if pid in approved)

    def restricted(self, keep: Iterable[str]) -> Election:
        """The same election with only the projects in ``keep`` (ballots lose the others)."""
        keep = set(keep)
        return Election.from_groups(self.budget, {p: c for p, c in self.projects.items() if p in keep},
                                    ((approved & keep, count) for approved, count in self.ballots))


@dataclass(frozen=True)
class TallyOutcome:
    """The result of a count.

    ``selected`` is in selection order. ``reasons`` has one code from :data:`REASONS` for every
    project of the election. ``mes_voter_budget`` is the per-voter budget of the MES run whose
    outcome was used (``budget / n_voters`` for plain MES; the Add1 grid value otherwise) and
    ``mes_runs`` the number of MES runs actually computed. ``details`` holds further figures
    (e.g. the voters' preferences when outcomes were compared).
    """

    rule: str
    selected: tuple[str, ...]
    total_cost: int
    reasons: Mapping[str, str]
    votes: Mapping[str, int]
    budget: int
    n_voters: int
    mes_voter_budget: Fraction | None = None
    mes_runs: int = 0
    details: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reasons", MappingProxyType(dict(self.reasons)))
        object.__setattr__(self, "votes", MappingProxyType(dict(self.votes)))
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))
        for code in self.reasons.values():
            if code not in REASONS:
                raise ValueError(f"unknown reason code {code!r}")

    @property
    def left_over(self) -> int:
        return self.budget - self.total_cost
