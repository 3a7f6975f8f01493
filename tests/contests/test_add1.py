"""The fast Add1 completion against Add1 by its definition: MES rerun at every grid step.

The reference below uses only the plain MES run of the engine, at x0 = B/n and then at
floor(B/n) + 1, + 2, ..., stopping at the first outcome over budget (keeping the previous one)
or at the first outcome that funds every candidate.
"""
from __future__ import annotations

import os
import random
from fractions import Fraction

import pytest

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:
    if os.environ.get("CI", "").lower() == "true":
        raise
    pytest.skip("hypothesis is needed (pip install -e '.[test]')", allow_module_level=True)

from civic.contests.tally import Election, tally
from civic.contests.tally import completion
from civic.contests.tally.completion import add1, add1_naive
from civic.contests.tally.greedy import screen
from civic.contests.tally.mes import Neighbour, Prepared, run, voter_share


def naive_add1(e: Election, min_support_pct: int = 0):
    _votes, excluded = screen(e, min_support_pct)
    prep = Prepared(e, [pid for pid in e.projects if pid not in excluded])

    def mes(x: Fraction):
        return prep.free + [prep.ids[j] for j in run(prep, x.numerator, x.denominator)]

    def cost(chosen):
        return sum(e.projects[pid] for pid in chosen)

    x = Fraction(e.budget, e.n_voters) if e.n_voters else Fraction(0)
    chosen, runs = mes(x), 1
    everything = len(prep.free) + len(prep.ids)
    step = int(x)
    while len(chosen) < everything:
        step += 1
        new = mes(Fraction(step))
        runs += 1
        if cost(new) > e.budget:
            break
        x, chosen = Fraction(step), new
    return tuple(chosen), x, runs


@st.composite
def elections(draw, max_cost, max_voters, max_projects=6):
    m = draw(st.integers(min_value=1, max_value=max_projects))
    ids = [f"p{i}" for i in range(m)]
    costs = {pid: draw(st.integers(min_value=1, max_value=max_cost)) for pid in ids}
    # Popular and unpopular projects, so that the winner order changes as budgets grow.
    weights = [draw(st.integers(min_value=1, max_value=9)) for _ in ids]
    n = draw(st.integers(min_value=0, max_value=max_voters))
    ballots = []
    for _ in range(n):
        mask = draw(st.lists(st.integers(min_value=0, max_value=9), min_size=m, max_size=m))
        ballots.append([pid for pid, w, r in zip(ids, weights, mask) if r < w])
    share = draw(st.integers(min_value=15, max_value=100))
    return Election.from_ballots(sum(costs.values()) * share // 100, costs, ballots)


SMALL = settings(max_examples=200, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow])


@SMALL
@given(elections(max_cost=60, max_voters=12))
def test_add1_equals_mes_at_every_grid_step(e):
    selected, x, _runs = naive_add1(e)
    outcome = tally(e, rule="mes", completion="add1")
    assert outcome.selected == selected
    assert outcome.mes_voter_budget == x


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(elections(max_cost=3000, max_voters=30, max_projects=7), st.sampled_from([0, 0, 10, 25]))
def test_add1_equals_mes_at_every_grid_step_on_larger_amounts(e, pct):
    selected, x, runs = naive_add1(e, pct)
    outcome = tally(e, rule="mes", completion="add1", min_support_pct=pct)
    assert outcome.selected == selected
    assert outcome.mes_voter_budget == x
    assert outcome.mes_runs <= runs


@SMALL
@given(elections(max_cost=400, max_voters=20))
def test_both_ways_of_skipping_agree_with_every_step(e):
    votes, _ = screen(e)
    prep = Prepared(e, [pid for pid in e.projects if votes[pid]])
    gallop, traced, naive = add1(prep), add1(prep, method="trace"), add1_naive(prep)
    assert gallop.chosen == traced.chosen == naive.chosen
    assert gallop.voter_budget == traced.voter_budget == naive.voter_budget
    assert gallop.stopped_by == traced.stopped_by == naive.stopped_by
    assert traced.runs <= naive.runs


def test_skipping_grid_steps_saves_runs():
    # Few voters and big amounts: thousands of grid steps, few outcome changes.
    e = Election.from_ballots(100_000, {"a": 40_000, "b": 35_000, "c": 30_000, "d": 9_000},
                              [["a"], ["a", "b"], ["b", "c"], ["c"], ["d", "a"], []])
    selected, x, runs = naive_add1(e)
    outcome = tally(e, rule="mes", completion="add1")
    assert (outcome.selected, outcome.mes_voter_budget) == (selected, x)
    assert runs > 10_000 and outcome.mes_runs < 80
    votes, _ = screen(e)
    prep = Prepared(e, [pid for pid in e.projects if votes[pid]])
    traced = add1(prep, method="trace")
    assert tuple(prep.ids[j] for j in traced.chosen) == selected and traced.voter_budget == x
    assert traced.runs < 20


@SMALL
@given(elections(max_cost=400, max_voters=20), st.integers(min_value=0, max_value=300),
       st.integers(min_value=2, max_value=300), st.integers(min_value=1, max_value=99))
def test_hints_from_runs_at_other_budgets_change_no_outcome(e, lift, gap, at):
    """A run seeded with the bounds of a run above and the shortfalls of a run below picks
    exactly what a plain run picks (the hints only save work)."""
    votes, _ = screen(e)
    prep = Prepared(e, [pid for pid in e.projects if votes[pid]])
    low_x = voter_share(e) + lift
    high_x = low_x + gap
    x = low_x + Fraction(gap * at, 100)

    def recorded(value):
        record = []
        return Neighbour(value, run(prep, value.numerator, value.denominator, record), record)

    low, high = recorded(low_x), recorded(high_x)
    plain = run(prep, x.numerator, x.denominator)
    floors = [entry.price for entry in low.record if entry.price]
    assert run(prep, x.numerator, x.denominator, [], floors, (high,), low) == plain
    assert run(prep, x.numerator, x.denominator, None, None, (high, recorded(high_x + 7))) == plain
    assert run(prep, x.numerator, x.denominator, None, None, (), low) == plain


def town(seed: int, voters: int, projects: int) -> Election:
    """A town-sized election with clusters of shared interests (costs in tenge)."""
    rng = random.Random(seed)
    ids = [f"t{i:02d}" for i in range(projects)]
    costs = {pid: rng.randrange(50, 900) * 1_000 for pid in ids}
    clusters = [rng.sample(ids, rng.randint(2, 5)) for _ in range(6)]
    ballots = []
    for _ in range(voters):
        favourites = rng.choice(clusters)
        ballot = {pid for pid in favourites if rng.random() < 0.7}
        ballot.update(rng.sample(ids, rng.randint(0, 2)))
        ballots.append(ballot)
    return Election.from_ballots(sum(costs.values()) * rng.randint(20, 45) // 100, costs, ballots)


@pytest.mark.parametrize("seed", range(6))
def test_add1_on_town_sized_elections_equals_every_step(seed):
    """Hundreds of voters and thousands of grid steps: proofs over intervals, runs stopped early
    and hints all come into play; the outcome is still the one of every step."""
    e = town(seed, voters=240, projects=14)
    selected, x, runs = naive_add1(e)
    outcome = tally(e, rule="mes", completion="add1")
    assert (outcome.selected, outcome.mes_voter_budget) == (selected, x)
    assert outcome.mes_runs < runs


def test_proofs_from_how_prices_move_save_runs(monkeypatch):
    """Near a change of winner the ends of an interval alone prove little; the bounds on how
    prices move (completion._proved_by_slopes) prove most such intervals without more runs."""
    e = town(1, voters=240, projects=14)
    with_slopes = tally(e, rule="mes", completion="add1")
    monkeypatch.setattr(completion, "SLOPE_CHECKS", 0)
    ends_only = tally(e, rule="mes", completion="add1")
    assert with_slopes.selected == ends_only.selected
    assert with_slopes.mes_voter_budget == ends_only.mes_voter_budget
    assert with_slopes.mes_runs < ends_only.mes_runs
