"""Reading and writing pabulib .pb files. Every file here is made by the test itself."""
from __future__ import annotations

from decimal import Decimal

import pytest

from civic.contests.pabulib import ballots_of, format_pb, parse_pb, read_pb, write_pb
from civic.contests.tally import Election, tally
from civic.contests.tally.cli import main

BASIC = """META
key;value
description;Test village green budget
country;Kazakhstan
unit;Test village
budget;1000
vote_type;approval
num_projects;3
num_votes;4
PROJECTS
project_id;cost;name;category
1;600;Playground;children
2;300;"Bench; by the river";green
3;200;Lights;
VOTES
voter_id;age;vote
v1;30;1,2
v2;41;1
v3;25;2,3
v4;;
"""


def test_reads_meta_projects_and_votes():
    data = parse_pb(BASIC)
    e = data.election
    assert e.budget == 1000 and data.scale == 1
    assert dict(e.projects) == {"1": 600, "2": 300, "3": 200}
    assert e.n_voters == 4
    assert dict(e.ballots) == {frozenset({"1", "2"}): 1, frozenset({"1"}): 1,
                               frozenset({"2", "3"}): 1, frozenset(): 1}
    assert data.meta["description"] == "Test village green budget"
    assert data.projects["2"]["name"] == "Bench; by the river"
    assert data.projects["3"]["category"] == ""


def test_bom_crlf_and_bytes_are_accepted():
    raw = ("\ufeff" + BASIC).replace("\n", "\r\n").encode("utf-8")
    assert parse_pb(raw).election == parse_pb(BASIC).election
    assert parse_pb("\ufeff" + BASIC).election == parse_pb(BASIC).election


def test_non_numeric_ids_quoted_fields_and_spaces():
    text = '''META
key;value
budget;500
PROJECTS
project_id;cost;name
A-1;100;"Park ""Ak Bulak"""
b 2;150;Second
VOTES
voter_id;vote
1;"A-1, b 2"
2; A-1 ,
'''
    data = parse_pb(text)
    assert dict(data.election.projects) == {"A-1": 100, "b 2": 150}
    assert sorted(map(sorted, ballots_of(data))) == [["A-1"], ["A-1", "b 2"]]
    assert data.projects["A-1"]["name"] == 'Park "Ak Bulak"'


def test_a_project_repeated_in_one_ballot_counts_once():
    text = BASIC.replace("v2;41;1\n", "v2;41;1,1,1\n")
    data = parse_pb(text)
    assert data.election.approvals()["1"] == 2


def test_decimal_costs_are_kept_exact_by_scaling_everything():
    text = BASIC.replace("1;600;", "1;600.5;").replace("3;200;", "3;199.25;").replace(
        "budget;1000", "budget;1000.1")
    data = parse_pb(text)
    assert data.scale == 100
    assert data.election.budget == 100010
    assert dict(data.election.projects) == {"1": 60050, "2": 30000, "3": 19925}
    assert data.amount(data.election.projects["3"]) == Decimal("199.25")
    # The outcome is the one of the unscaled amounts.
    greedy = tally(data.election)
    assert greedy.selected == ("1", "2")


@pytest.mark.parametrize("change, message", [
    (("3;200;", "3;-5;"), "negative"),
    (("3;200;", "3;abc;"), "not a number"),
    (("v3;25;2,3", "v3;25;2,9"), "unknown project '9'"),
    (("vote_type;approval", "vote_type;ordinal"), "only approval"),
    (("budget;1000\n", ""), "no budget"),
    (("PROJECTS\n", "STUFF\n"), "META row needs a key"),
    (("META\n", ""), "data before the first section"),
    (("2;300;", "1;300;"), "listed twice"),
])
def test_malformed_files_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        parse_pb(BASIC.replace(*change))


def test_round_trip_through_a_file(tmp_path):
    original = parse_pb(BASIC)
    outcome = tally(original.election, rule="mes", completion="add1-greedy")
    path = tmp_path / "out.pb"
    write_pb(path, original.election, outcome,
             meta={"description": "Test village green budget", "unit": "Test village", "instance": "2026"},
             names={pid: extra["name"] for pid, extra in original.projects.items()},
             categories={pid: extra["category"] for pid, extra in original.projects.items()})
    again = read_pb(path)
    assert again.election == original.election
    assert again.meta["rule"] == "mes+add1-greedy"
    assert again.meta["num_projects"] == "3" and again.meta["num_votes"] == "4"
    assert again.meta["vote_type"] == "approval" and again.meta["country"] == "Kazakhstan"
    assert again.projects["2"]["name"] == "Bench; by the river"
    assert {pid for pid, extra in again.projects.items() if extra["selected"] == "1"} == set(outcome.selected)
    assert {pid: int(extra["votes"]) for pid, extra in again.projects.items()} == original.election.approvals()
    text = path.read_text(encoding="utf-8")
    assert "v1" not in text and "voter_id;vote\n1;" in text      # pseudonymous voter ids
    assert tally(again.election, rule="mes", completion="add1-greedy").selected == outcome.selected


def test_round_trip_keeps_decimal_amounts():
    e = Election.from_ballots(100050, {"x": 12345, "y": 50000}, [["x"], ["x", "y"], []])
    text = format_pb(e, scale=100)
    assert "budget;1000.5\n" in text and "x;123.45;" in text
    data = parse_pb(text)
    assert data.scale == 100 and data.election == e


def test_cli_prints_the_selected_ids(tmp_path, capsys):
    path = tmp_path / "basic.pb"
    path.write_text(BASIC, encoding="utf-8")
    assert main([str(path), "--rule", "greedy"]) == 0
    out = capsys.readouterr().out.split()
    assert out == list(tally(parse_pb(BASIC).election).selected)
    assert main([str(path), "--rule", "mes", "--completion", "add1-greedy", "--compare", "-v"]) == 0
    captured = capsys.readouterr()
    expected = tally(parse_pb(BASIC).election, rule="mes", completion="add1-greedy", compare=True)
    assert captured.out.split() == list(expected.selected)
    assert "rule mes+add1-greedy+compare" in captured.err


def test_cli_reports_errors(tmp_path, capsys):
    assert main([str(tmp_path / "missing.pb"), "--rule", "mes"]) == 1
    bad = tmp_path / "bad.pb"
    bad.write_text(BASIC.replace("2,3", "2,99"), encoding="utf-8")
    assert main([str(bad), "--rule", "mes"]) == 1
    assert "unknown project '99'" in capsys.readouterr().err
    assert main([str(bad), "--rule", "greedy", "--compare"]) == 2
    with pytest.raises(SystemExit):
        main([str(bad), "--rule", "nope"])


def test_module_is_runnable(tmp_path):
    import subprocess
    import sys
    path = tmp_path / "basic.pb"
    path.write_text(BASIC, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "civic.contests.tally", str(path), "--rule", "greedy"],
                          capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == list(tally(parse_pb(BASIC).election).selected)
