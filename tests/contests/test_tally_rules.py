"""The tally engine on small hand-built elections whose outcomes are worked out by hand."""
from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path

import pytest

from civic.contests.tally import Election, TallyOutcome, tally
from civic.contests.tally.model import REASONS


def election(budget, costs, ballots):
    return Election.from_ballots(budget, costs, ballots)


# ---------------------------------------------------------------- the Election model

def test_identical_ballots_are_merged_and_empty_ones_counted():
    e = election(100, {"A": 10, "B": 20}, [["A"], ["A"], [], ["B", "A"], ["A", "B", "A"], []])
    assert e.n_voters == 6
    assert dict(e.ballots) == {frozenset(): 2, frozenset({"A"}): 2, frozenset({"A", "B"}): 2}
    assert e.approvals() == {"A": 4, "B": 2}
    assert e == election(100, {"A": 10, "B": 20}, [[], ["A", "B"], ["A"], [], ["B", "A"], ["A"]])


@pytest.mark.parametrize("costs, ballots, message", [
    ({"A": 10}, [["A", "Z"]], "unknown project id 'Z'"),
    ({"A": -1}, [["A"]], "negative"),
    ({"A": 10.5}, [["A"]], "whole number"),
    ({"A": "10"}, [["A"]], "whole number"),
    ({"A": True}, [["A"]], "whole number"),
    ({"A": 10}, ["A"], "string"),
])
def test_invalid_elections_are_refused_with_a_clear_message(costs, ballots, message):
    with pytest.raises(ValueError, match=message):
        election(100, costs, ballots)


def test_budget_must_be_a_non_negative_whole_number():
    with pytest.raises(ValueError, match="budget"):
        election(-5, {"A": 1}, [])
    with pytest.raises(ValueError, match="budget"):
        election(10.0, {"A": 1}, [])


def test_election_and_outcome_are_immutable():
    e = election(10, {"A": 1}, [["A"]])
    with pytest.raises(Exception):
        e.budget = 5
    with pytest.raises(TypeError):
        e.projects["A"] = 2
    outcome = tally(e)
    with pytest.raises(TypeError):
        outcome.reasons["A"] = "no_votes"


# ---------------------------------------------------------------- greedy by votes

def test_greedy_skips_what_does_not_fit_and_exhausts_the_budget_exactly():
    e = election(100, {"A": 60, "B": 50, "C": 40},
                 [["A"], ["A"], ["A", "B"], ["B"], ["C"]])
    outcome = tally(e, rule="greedy")
    assert outcome.selected == ("A", "C")
    assert outcome.total_cost == 100 and outcome.left_over == 0
    assert outcome.reasons == {"A": "funded", "B": "not_enough_budget_left", "C": "funded"}
    assert outcome.votes == {"A": 3, "B": 2, "C": 1}
    assert outcome.rule == "greedy"


def test_greedy_breaks_ties_by_project_id_as_text():
    # Equal votes: "10" comes before "9" as text (pabutools' lexicographic tie-breaking).
    e = election(10, {"9": 10, "10": 10}, [["9", "10"]])
    assert tally(e).selected == ("10",)
    e = election(10, {"b": 10, "a": 10}, [["b"], ["a"]])
    assert tally(e).selected == ("a",)


def test_greedy_never_funds_a_project_without_votes():
    e = election(1000, {"A": 10, "B": 10}, [["A"]])
    outcome = tally(e)
    assert outcome.selected == ("A",)
    assert outcome.reasons["B"] == "no_votes"


def test_project_costing_more_than_the_budget_is_never_funded():
    e = election(100, {"BIG": 101, "S": 30}, [["BIG"], ["BIG"], ["S"]])
    for kwargs in ({"rule": "greedy"}, {"rule": "mes"}, {"rule": "mes", "completion": "add1-greedy"}):
        outcome = tally(e, **kwargs)
        assert "BIG" not in outcome.selected
        assert outcome.reasons["BIG"] == "not_enough_budget_left"


def test_minimum_support_counts_every_ballot_including_empty_ones():
    # 10 ballots (two empty); 20 % of 10 = 2 approvals needed.
    ballots = [["A", "B"], ["A"], ["A"], ["A"], ["B"], ["C"], ["C"], ["A"], [], []]
    e = election(100, {"A": 10, "B": 10, "C": 10, "D": 10}, ballots)
    outcome = tally(e, min_support_pct=20)
    assert outcome.selected == ("A", "B", "C")
    outcome = tally(e, min_support_pct=21)        # 2 * 100 < 21 * 10
    assert outcome.selected == ("A",)
    assert outcome.reasons == {"A": "funded", "B": "below_minimum_support",
                               "C": "below_minimum_support", "D": "no_votes"}
    mes = tally(e, rule="mes", min_support_pct=21)
    assert mes.reasons["B"] == "below_minimum_support" and "B" not in mes.selected


@pytest.mark.parametrize("pct", [-1, 101, 2.5, "5"])
def test_minimum_support_must_be_a_whole_percentage(pct):
    with pytest.raises(ValueError, match="min_support_pct"):
        tally(election(10, {"A": 1}, [["A"]]), min_support_pct=pct)


# ---------------------------------------------------------------- Method of Equal Shares

TIE = {"A": 50, "B": 50, "C": 30}
TIE_BALLOTS = [["A", "B"], ["A"], ["B"], ["C"]]


def test_mes_equal_prices_are_broken_by_project_id():
    # Each voter holds 25. A and B both cost their two supporters 25 each (price 1/2 per unit
    # of utility): A wins the tie by id, then B's supporters hold 0 + 25 < 50; C: 25 < 30.
    outcome = tally(election(100, TIE, TIE_BALLOTS), rule="mes")
    assert outcome.selected == ("A",)
    assert outcome.mes_voter_budget == 25 and outcome.mes_runs == 1
    assert outcome.reasons == {"A": "funded", "B": "not_affordable_by_supporters",
                               "C": "not_affordable_by_supporters"}
    renamed = election(100, {"Y": 50, "B": 50, "C": 30}, [["Y", "B"], ["Y"], ["B"], ["C"]])
    assert tally(renamed, rule="mes").selected == ("B",)


def test_mes_poor_supporters_pay_all_they_have():
    # x = 30. Q (cost 60, three supporters, 20 each, price 1/3) beats P (cost 38, price 1/2).
    # Then P: v1 has 10 left < 38 / 2, so v1 pays its 10 and v4 pays the other 28.
    e = election(120, {"P": 38, "Q": 60}, [["P", "Q"], ["Q"], ["Q"], ["P"]])
    outcome = tally(e, rule="mes")
    assert outcome.selected == ("Q", "P")
    assert outcome.total_cost == 98


def test_mes_spends_exactly_the_budget_when_everyone_pays_everything():
    e = election(100, {"A": 50, "B": 50}, [["A"], ["B"]])
    outcome = tally(e, rule="mes")
    assert outcome.selected == ("A", "B") and outcome.total_cost == 100 and outcome.left_over == 0


def test_empty_ballots_lower_every_voters_share():
    costs = {"A": 60}
    assert tally(election(100, costs, [["A"], []]), rule="mes").selected == ()
    assert tally(election(100, costs, [["A"]]), rule="mes").selected == ("A",)
    assert tally(election(100, costs, [["A"], []]), rule="greedy").selected == ("A",)


def test_no_ballots_and_zero_budget_select_nothing():
    for kwargs in ({"rule": "greedy"}, {"rule": "mes"}, {"rule": "mes", "completion": "add1-greedy"}):
        outcome = tally(election(100, {"A": 10}, []), **kwargs)
        assert outcome.selected == () and outcome.reasons == {"A": "no_votes"}
        outcome = tally(election(0, {"A": 10}, [["A"]]), **kwargs)
        assert outcome.selected == ()


def test_free_projects_with_votes_are_funded_first():
    e = election(10, {"A": 10, "Z": 0}, [["A", "Z"]])
    assert tally(e, rule="mes").selected == ("Z", "A")
    assert tally(e, rule="greedy").selected == ("A", "Z")     # equal votes: by id


# ---------------------------------------------------------------- Add1 completion

def test_add1_keeps_the_last_outcome_within_budget():
    # From x = 25 up: [A] until x = 29, [A, C] from 30 (C affordable), and at 38 B becomes
    # affordable after A (13 + 38 >= 50), costing 130 > 100: keep the outcome at 37.
    e = election(100, TIE, TIE_BALLOTS)
    outcome = tally(e, rule="mes", completion="add1")
    assert outcome.selected == ("A", "C")
    assert outcome.mes_voter_budget == 37
    assert outcome.rule == "mes+add1"
    assert outcome.details["add1_stopped_by"] == "over_budget"
    assert outcome.reasons["B"] == "not_enough_budget_left"


def test_add1_keeps_plain_mes_when_the_first_grid_step_is_over_budget():
    # x = 100/3: nothing is affordable. At x = 34, A (67) and C (34) both are: 101 > 100.
    e = election(100, {"A": 67, "C": 34}, [["A"], ["A"], ["C"]])
    outcome = tally(e, rule="mes", completion="add1")
    assert outcome.selected == tally(e, rule="mes").selected == ()
    assert outcome.mes_voter_budget == Fraction(100, 3)
    assert outcome.mes_runs == 2
    filled = tally(e, rule="mes", completion="add1-greedy")
    assert filled.selected == ("A",) and filled.reasons["A"] == "funded_by_completion"


def test_add1_stops_when_everything_is_funded():
    e = election(1000, {"A": 30, "B": 40}, [["A"], ["A"], ["B"], [], [], [], [], [], [], []])
    outcome = tally(e, rule="mes", completion="add1")
    assert set(outcome.selected) == {"A", "B"}
    assert outcome.details["add1_stopped_by"] == "all_funded"


def test_add1_greedy_fills_what_is_left_by_votes():
    # As above, with D (cost 20) approved by v2 too: v2 spends all on A until x = 45, so Add1
    # still ends with [A, C] at x = 37 (80 of 100); the greedy fill then adds D but not B.
    e = election(100, dict(TIE, D=20), [["A", "B"], ["A", "D"], ["B"], ["C"]])
    plain = tally(e, rule="mes", completion="add1")
    assert plain.selected == ("A", "C") and plain.mes_voter_budget == 37
    outcome = tally(e, rule="mes", completion="add1-greedy")
    assert outcome.selected == ("A", "C", "D")
    assert outcome.rule == "mes+add1-greedy"
    assert outcome.reasons == {"A": "funded", "B": "not_enough_budget_left", "C": "funded",
                               "D": "funded_by_completion"}
    assert outcome.total_cost == 100


# ---------------------------------------------------------------- comparing with greedy

def test_compare_keeps_greedy_when_a_majority_prefers_it():
    # MES funds B (the two B/C voters' shares); greedy funds A, wanted by three voters.
    e = election(100, {"A": 100, "B": 40, "C": 40}, [["A"], ["A"], ["A"], ["B", "C"], ["B", "C"]])
    assert tally(e, rule="mes").selected == ("B",)
    outcome = tally(e, rule="mes", compare=True)
    assert outcome.selected == ("A",)
    assert outcome.rule == "mes+compare"
    assert outcome.details["kept"] == "greedy"
    assert (outcome.details["prefer_greedy"], outcome.details["prefer_mes"]) == (3, 2)
    assert outcome.reasons["B"] == "majority_preferred_other"


def test_compare_keeps_mes_on_a_tie():
    e = election(100, {"A": 100, "B": 40, "C": 40}, [["A"], ["A"], ["B", "C"], ["B", "C"], []])
    outcome = tally(e, rule="mes", compare=True)
    assert outcome.details["kept"] == "mes"
    assert outcome.selected == tally(e, rule="mes").selected
    assert outcome.details["indifferent"] == 1


# ---------------------------------------------------------------- the entry point

@pytest.mark.parametrize("kwargs, message", [
    ({"rule": "phragmen"}, "unknown rule"),
    ({"rule": "mes", "completion": "add2"}, "unknown completion"),
    ({"rule": "greedy", "completion": "add1"}, "only applies"),
    ({"rule": "greedy", "compare": True}, "only applies"),
])
def test_bad_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tally(election(10, {"A": 1}, [["A"]]), **kwargs)


@pytest.mark.parametrize("kwargs", [
    {"rule": "greedy"}, {"rule": "mes"}, {"rule": "mes", "completion": "add1"},
    {"rule": "mes", "completion": "add1-greedy", "compare": True, "min_support_pct": 10},
])
def test_every_outcome_explains_every_project(kwargs):
    e = election(100, {"A": 60, "B": 50, "C": 40, "D": 5, "E": 1},
                 [["A"], ["A", "B"], ["B", "C"], ["C"], ["A", "C", "D"], []] * 3)
    outcome = tally(e, **kwargs)
    assert isinstance(outcome, TallyOutcome)
    assert set(outcome.reasons) == set(e.projects)
    assert set(outcome.reasons.values()) <= set(REASONS)
    assert {p for p, r in outcome.reasons.items() if r.startswith("funded")} == set(outcome.selected)
    assert outcome.total_cost == sum(e.projects[p] for p in outcome.selected) <= e.budget
    assert len(set(outcome.selected)) == len(outcome.selected)


def test_the_engine_is_pure_standard_library():
    """Convention 14: no Flask, no database, nothing outside the standard library."""
    root = Path(__file__).resolve().parents[2] / "civic" / "contests"
    files = sorted((root / "tally").glob("*.py")) + [root / "pabulib.py"]
    assert len(files) >= 8
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                assert top == "civic" and name.startswith(("civic.contests.tally", "civic.contests.pabulib")) \
                    or top in STDLIB, f"{path.name} imports {name}"


STDLIB = {"__future__", "argparse", "bisect", "collections", "contextlib", "csv", "dataclasses", "decimal",
          "fractions", "gc", "io", "itertools", "math", "operator", "pathlib", "sys", "types", "typing"}


def test_voter_budget_is_exact():
    e = election(100, {"A": 1}, [["A"], [], []])
    assert tally(e, rule="mes").mes_voter_budget == Fraction(100, 3)
