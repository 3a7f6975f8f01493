"""`flask contests tally FILE.pb --rule …` prints the selected project ids, one per line."""
from __future__ import annotations


def _write(tmp_path, text: str, bom: bool = False):
    path = tmp_path / "election.pb"
    data = text.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


ELECTION = """META
key;value
description;"Test; quoted"
num_projects;3
num_votes;5
budget;100.5
vote_type;approval
PROJECTS
project_id;cost;votes;name
p-a;60;3;"Park, north"
p-b;50.5;3;Square
p-c;40;2;Playground
VOTES
voter_id;vote
v1;p-a,p-b
v2;p-a,p-a
v3;p-a,p-c
v4;p-b,p-c
v5;p-b
"""


def test_greedy_prints_the_winners_in_order(app, tmp_path):
    path = _write(tmp_path, ELECTION, bom=True)
    result = app.test_cli_runner().invoke(args=["contests", "tally", str(path), "--rule", "greedy"])
    assert result.exit_code == 0, result.output
    # p-a and p-b have 3 votes each (p-a's repeated vote counts once); tie by id: p-a first.
    # 60 + 50.5 = 110.5 > 100.5, so p-b is skipped and p-c (40) fits.
    assert result.output.split() == ["p-a", "p-c"]


def test_mes_with_completion_runs_and_bad_usage_is_refused(app, tmp_path):
    path = _write(tmp_path, ELECTION)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["contests", "tally", str(path), "--rule", "mes", "--completion", "add1-greedy"])
    assert result.exit_code == 0, result.output
    assert set(result.output.split()) <= {"p-a", "p-b", "p-c"} and result.output.split()
    wrong = runner.invoke(args=["contests", "tally", str(path), "--rule", "greedy", "--compare"])
    assert wrong.exit_code != 0
    missing = runner.invoke(args=["contests", "tally", str(tmp_path / "nope.pb"), "--rule", "greedy"])
    assert missing.exit_code != 0
