"""Counting a contest and publishing its result.

The count is stored with its rule, the SHA-256 of its inputs (budget, project
costs, every ballot's choices) and the audit-log head at that moment, so anyone
can recompute it from the open-data export.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from civic.contests.models import Ballot, BallotChoice, Contest, Project, ProjectStatus, TallyResult, TallyRule
from civic.core import audit
from civic.extensions import db

REASON_TEXTS = {
    "funded": _l("Funded"),
    "funded_by_completion": _l("Funded from the money left after the main count"),
    "not_enough_budget_left": _l("Not funded: not enough money was left in the budget"),
    "below_minimum_support": _l("Not funded: below the minimum support"),
    "no_votes": _l("Not funded: no votes"),
    "not_affordable_by_supporters": _l("Not funded: its supporters' equal shares could not cover it"),
    "majority_preferred_other": _l("Not funded: voters preferred the other outcome"),
}


def rule_name(contest: Contest) -> str:
    if contest.tally_rule == TallyRule.GREEDY:
        return "greedy"
    name = "mes"
    if contest.completion != "none":
        name += f"+{contest.completion}"
    if contest.compare_with_greedy:
        name += "+compare"
    return name


def tally_inputs(contest: Contest) -> tuple[dict, list[list[int]]]:
    projects = db.session.scalars(sa.select(Project).where(
        Project.contest_id == contest.id, Project.status == ProjectStatus.FEASIBLE).order_by(Project.id)).all()
    costs = {p.id: p.cost for p in projects}
    rows = db.session.execute(sa.select(Ballot.id, BallotChoice.project_id).outerjoin(
        BallotChoice, BallotChoice.ballot_id == Ballot.id).where(Ballot.contest_id == contest.id)
        .order_by(Ballot.id, BallotChoice.project_id)).all()
    ballots: dict[int, list[int]] = {}
    for ballot_id, project_id in rows:
        chosen = ballots.setdefault(ballot_id, [])
        if project_id is not None:
            chosen.append(project_id)
    return costs, list(ballots.values())


def inputs_sha256(contest: Contest, costs: dict, ballots: list[list[int]]) -> str:
    canonical = json.dumps({
        "contest": contest.id, "budget": contest.budget, "rule": rule_name(contest),
        "min_support_pct": contest.min_support_pct,
        "projects": sorted([pid, cost] for pid, cost in costs.items()),
        "ballots": sorted(sorted(b) for b in ballots),
    }, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def compute(contest: Contest, costs: dict, ballots: list[list[int]]) -> dict:
    """Run the pure tally engine; return the stored result structure."""
    from civic.contests.tally.engine import tally
    from civic.contests.tally.model import Election
    election = Election.from_ballots(contest.budget, {str(pid): cost for pid, cost in costs.items()},
                                     [[str(pid) for pid in b] for b in ballots])
    rule = "greedy" if contest.tally_rule == TallyRule.GREEDY else "mes"
    outcome = tally(election, rule=rule, completion=contest.completion if rule == "mes" else "none",
                    compare=bool(contest.compare_with_greedy and rule == "mes"),
                    min_support_pct=contest.min_support_pct or 0)
    votes = {pid: 0 for pid in costs}
    for ballot in ballots:
        for pid in ballot:
            votes[pid] += 1
    selected = [int(pid) for pid in outcome.selected]
    reasons = {int(pid): code for pid, code in outcome.reasons.items()}
    return {
        "rule": rule_name(contest),
        "budget": contest.budget,
        "ballots": len(ballots),
        "selected": selected,
        "used": sum(costs[pid] for pid in selected),
        "projects": [{"id": pid, "cost": costs[pid], "votes": votes[pid],
                      "selected": pid in selected, "reason": reasons.get(pid) or (
                          "funded" if pid in selected else ("no_votes" if not votes[pid] else "not_enough_budget_left"))}
                     for pid in costs],
    }


def run_tally(contest: Contest) -> TallyResult:
    costs, ballots = tally_inputs(contest)
    result = compute(contest, costs, ballots)
    digest = inputs_sha256(contest, costs, ballots)
    selected = set(result["selected"])
    for project in contest.projects:
        project.funded = project.id in selected
    stored = TallyResult(contest_id=contest.id, rule=result["rule"], inputs_sha256=digest,
                         audit_head=audit.head_hash(), result_json=json.dumps(result, sort_keys=True),
                         ballots_counted=len(ballots))
    db.session.add(stored)
    db.session.flush()
    audit.record("contest.tallied", actor=None, obj=contest, rule=result["rule"], inputs_sha256=digest,
                 selected=sorted(selected), ballots=len(ballots))
    return stored


def latest_result(contest: Contest) -> TallyResult | None:
    return db.session.scalar(sa.select(TallyResult).where(TallyResult.contest_id == contest.id)
                             .order_by(TallyResult.id.desc()).limit(1))


@dataclass
class ResultRow:
    project: Project
    votes: int
    share_pct: float
    selected: bool
    reason: str
    order: int | None


def result_rows(contest: Contest, stored: TallyResult) -> list[ResultRow]:
    data = json.loads(stored.result_json)
    projects = {p.id: p for p in contest.projects}
    order = {pid: i for i, pid in enumerate(data["selected"], start=1)}
    n = data["ballots"] or 1
    rows = [ResultRow(projects[item["id"]], item["votes"], round(100 * item["votes"] / n, 1), item["selected"],
                      item["reason"], order.get(item["id"]))
            for item in data["projects"] if item["id"] in projects]
    rows.sort(key=lambda r: (not r.selected, -r.votes, r.project.id))
    return rows


def export_csv(contest: Contest, stored: TallyResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["project_id", "title", "category", "cost", "votes", "selected", "reason"])
    for row in result_rows(contest, stored):
        writer.writerow([row.project.id, row.project.title, row.project.category.value, row.project.cost,
                         row.votes, int(row.selected), row.reason])
    return out.getvalue()


def export_json(contest: Contest, stored: TallyResult) -> dict:
    data = json.loads(stored.result_json)
    return {
        "contest": {"id": contest.id, "slug": contest.slug, "title": contest.title,
                    "community": contest.territory.name_kk, "budget": contest.budget,
                    "funding": [{"kind": f.kind.value, "amount": f.amount, "note": f.note} for f in contest.funding]},
        "rule": stored.rule, "inputs_sha256": stored.inputs_sha256, "audit_head": stored.audit_head,
        "computed_at": stored.computed_at.isoformat(), "ballots": data["ballots"], "used": data["used"],
        "selected": data["selected"],
        "projects": [{"id": r.project.id, "title": r.project.title, "category": r.project.category.value,
                      "cost": r.project.cost, "votes": r.votes, "selected": r.selected, "reason": r.reason}
                     for r in result_rows(contest, stored)],
    }


def pseudonymous_votes(contest: Contest) -> list[list[int]]:
    """Ballots in a random-looking but stable order, with no link to voters."""
    _costs, ballots = tally_inputs(contest)
    return sorted(ballots, key=lambda b: hashlib.sha256(json.dumps(b).encode()).hexdigest())
