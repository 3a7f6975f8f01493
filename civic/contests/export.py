"""Open data: a counted contest as a pabulib ``.pb`` file (pseudonymous voters only)."""
from __future__ import annotations

import json
from types import SimpleNamespace

from civic.contests.models import Contest, TallyResult
from civic.contests.pabulib import format_pb
from civic.contests.results import pseudonymous_votes, tally_inputs
from civic.contests.tally.model import Election


def pabulib_text(contest: Contest, stored: TallyResult) -> str:
    costs, _ballots = tally_inputs(contest)
    ballots = pseudonymous_votes(contest)   # no names, no IINs, no voter keys; a stable shuffled order
    election = Election.from_ballots(contest.budget, {str(pid): cost for pid, cost in costs.items()},
                                     [[str(pid) for pid in b] for b in ballots])
    result = json.loads(stored.result_json)
    outcome = SimpleNamespace(selected=[str(pid) for pid in result["selected"]], rule=stored.rule)
    projects = {p.id: p for p in contest.projects}
    return format_pb(
        election, outcome,
        meta={"description": contest.title, "unit": contest.territory.name_kk, "instance": contest.slug,
              "currency": "KZT", "date_begin": contest.voting_from.isoformat() if contest.voting_from else "",
              "date_end": contest.voting_until.isoformat() if contest.voting_until else "",
              "inputs_sha256": stored.inputs_sha256, "audit_head": stored.audit_head},
        names={str(pid): projects[pid].title for pid in costs},
        categories={str(pid): projects[pid].category.value for pid in costs})
