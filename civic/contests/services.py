"""Contests: creation, funding sources, ballot rules and the phases (decree 003).

003: project contests are held in local communities in stages; residents vote; the
best projects supported by the majority are funded within the rural-district budget
and its programmes, plus voluntary contributions, sponsorship and investors' money.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import format_decimal, lazy_gettext as _l

from civic.communities.services import local_today, slugify
from civic.contests.models import (
    BallotKind, Category, Contest, FundingKind, FundingSource, Phase, PHASE_ORDER, ProjectStatus,
    TallyRule, WorkStatus,
)
from civic.core import audit
from civic.core.database import utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db

COMPLETIONS = ("none", "add1", "add1-greedy")


def _unique_slug(base: str) -> str:
    slug, n = base, 2
    while db.session.scalar(sa.select(Contest.id).where(Contest.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _require_manager(actor, contest_or_territory) -> None:
    if not contest_or_territory.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff of this community may do this."))


def check_rules(*, budget: int, ballot_kind: BallotKind, max_choices, cost_cap, min_choices: int,
                min_age, tally_rule: TallyRule, completion: str, min_support_pct: int) -> None:
    """Ballot and tally rules that make sense together; raises DomainError naming the field."""
    if min_choices is None or min_choices < 0:
        raise DomainError(_l("The minimum number of projects cannot be negative."), field="min_choices")
    if ballot_kind == BallotKind.APPROVAL:
        if not max_choices or max_choices < 1:
            raise DomainError(_l("Say how many projects a voter may choose (at least 1)."), field="max_choices")
        if min_choices > max_choices:
            raise DomainError(_l("The minimum cannot be larger than the maximum number of projects."), field="min_choices")
    else:
        if not cost_cap or cost_cap < 1:
            raise DomainError(_l("Set the cap on the total cost of a ballot."), field="cost_cap")
        if budget and cost_cap > budget:
            raise DomainError(_l("The cap on a ballot cannot be larger than the budget."), field="cost_cap")
    if min_age is not None and not 14 <= min_age <= 100:
        raise DomainError(_l("The minimum age must be between 14 and 100."), field="min_age")
    if completion not in COMPLETIONS:
        raise DomainError(_l("Unknown completion rule."), field="completion")
    if not 0 <= (min_support_pct or 0) <= 100:
        raise DomainError(_l("The minimum support is a percentage between 0 and 100."), field="min_support_pct")


def _check_dates(values: dict) -> None:
    order = ["proposals_from", "proposals_until", "review_until", "voting_from", "voting_until",
             "implementation_until"]
    dated = [(name, values.get(name)) for name in order if values.get(name)]
    for (a, da), (b, db_) in zip(dated, dated[1:]):
        if db_ < da:
            raise DomainError(_l("The dates of the phases must follow each other."), field=b)


RULE_FIELDS = ("ballot_kind", "max_choices", "cost_cap", "min_choices", "allow_change", "min_age",
               "tally_rule", "completion", "compare_with_greedy", "min_support_pct")
TEXT_FIELDS = ("title", "description", "proposals_from", "proposals_until", "review_until", "voting_from",
               "voting_until", "implementation_until")


def create_contest(actor, territory, *, title: str, categories: list[Category], funding: list[tuple],
                   **values) -> Contest:
    _require_manager(actor, territory)
    contest = Contest(territory_id=territory.id, territory=territory, title=title.strip(),
                      slug=_unique_slug(slugify(title)), phase=Phase.DRAFT)
    db.session.add(contest)
    _apply(contest, categories=categories, funding=funding, **values)
    db.session.flush()
    audit.record("contest.created", actor=actor, obj=contest, territory=territory.id, budget=contest.budget)
    return contest


def update_contest(actor, contest: Contest, *, categories: list[Category] | None = None,
                   funding: list[tuple] | None = None, **values) -> Contest:
    _require_manager(actor, contest)
    if contest.phase.order >= Phase.RESULTS.order:
        raise DomainError(_l("A contest whose votes are counted can no longer be changed."))
    if contest.rules_frozen:
        changed = [f for f in RULE_FIELDS if f in values and values[f] != getattr(contest, f)]
        if changed or funding is not None:
            raise DomainError(_l("The ballot rules and the budget are fixed once voting has opened."))
    _apply(contest, categories=categories, funding=funding, **values)
    audit.record("contest.updated", actor=actor, obj=contest, budget=contest.budget)
    return contest


def _apply(contest: Contest, *, categories=None, funding=None, **values) -> None:
    merged = {f: values.get(f, getattr(contest, f)) for f in RULE_FIELDS + TEXT_FIELDS}
    for name, default in (("ballot_kind", BallotKind.APPROVAL), ("tally_rule", TallyRule.GREEDY),
                          ("completion", "add1-greedy"), ("min_choices", 1), ("min_support_pct", 0),
                          ("allow_change", False), ("compare_with_greedy", False)):
        if merged[name] is None:
            merged[name] = default
    if not (merged.get("title") or "").strip():
        raise DomainError(_l("The contest needs a title."), field="title")
    if categories is not None:
        if not categories:
            raise DomainError(_l("Choose at least one category of projects."), field="categories")
        contest.categories = ",".join(c.value for c in categories)
    if funding is not None:
        for kind, amount, note in funding:
            if not isinstance(amount, int) or amount < 0:
                raise DomainError(_l("An amount must be a whole, non-negative number of tenge."), field="funding")
        budget = sum(amount for _k, amount, _n in funding)
        if budget <= 0:
            raise DomainError(_l("The budget must be more than zero: add at least one funding source."), field="funding")
        contest.funding = [FundingSource(kind=FundingKind(kind), amount=amount, note=(note or "").strip()[:300])
                           for kind, amount, note in funding if amount > 0]
    check_rules(budget=contest.budget, **{k: merged[k] for k in (
        "ballot_kind", "max_choices", "cost_cap", "min_choices", "min_age", "tally_rule", "completion",
        "min_support_pct")})
    _check_dates(merged)
    for name, value in merged.items():
        setattr(contest, name, value.strip() if isinstance(value, str) and name != "description" else value)


def community_today(contest: Contest) -> date:
    """Today's date where the community is: dates on the forms are its local dates (UTC+5/+6)."""
    return local_today(contest.territory)


def next_phase(contest: Contest) -> Phase | None:
    index = PHASE_ORDER.index(contest.phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def lock_contest(contest: Contest) -> Contest:
    """Serialise writers on one contest (row lock on PostgreSQL; SQLite writers are serial)."""
    db.session.execute(sa.select(Contest.id).where(Contest.id == contest.id).with_for_update())
    db.session.refresh(contest)
    return contest


def advance_phase(actor, contest: Contest, expected: Phase | None = None) -> Phase:
    """Move one step forward. Entering RESULTS closes the vote and counts it."""
    _require_manager(actor, contest)
    lock_contest(contest)
    target = next_phase(contest)
    if target is None:
        raise DomainError(_l("The contest is closed."))
    if expected is not None and expected != target:
        raise DomainError(_l("The contest has already moved on; reload the page."))
    if target == Phase.PROPOSALS and contest.budget <= 0:
        raise DomainError(_l("The budget must be more than zero: add at least one funding source."))
    if target == Phase.VOTING:
        projects = contest.projects
        pending = [p for p in projects if p.status == ProjectStatus.SUBMITTED]
        if pending:
            raise DomainError(_l("Review every project before voting opens (%(n)d not reviewed).", n=len(pending)))
        feasible = [p for p in projects if p.status == ProjectStatus.FEASIBLE]
        if not feasible:
            raise DomainError(_l("There is no feasible project to vote on."))
        check_rules(budget=contest.budget, ballot_kind=contest.ballot_kind, max_choices=contest.max_choices,
                    cost_cap=contest.cost_cap, min_choices=contest.min_choices, min_age=contest.min_age,
                    tally_rule=contest.tally_rule, completion=contest.completion,
                    min_support_pct=contest.min_support_pct)
        if contest.min_choices > len(feasible):
            raise DomainError(_l("The minimum number of projects on a ballot is larger than the number of projects."))
        if contest.ballot_kind == BallotKind.KNAPSACK and contest.min_choices:
            cheapest = sum(sorted(p.cost for p in feasible)[:contest.min_choices])
            if cheapest > contest.cost_cap:
                raise DomainError(_l("No ballot can keep the rules: the %(n)d cheapest projects together cost "
                                     "%(sum)s tenge, more than the cap on a ballot.",
                                     n=contest.min_choices, sum=format_decimal(cheapest)))
    previous = contest.phase
    contest.phase = target
    contest.phase_changed_at = utcnow()
    audit.record("contest.phase", actor=actor, obj=contest, previous=previous.value, phase=target.value)
    if target == Phase.RESULTS:
        from civic.contests.results import run_tally
        run_tally(contest)
    if target == Phase.IMPLEMENTATION:
        for project in contest.projects:
            if project.funded and project.work_status is None:
                project.work_status = WorkStatus.PLANNED
    return target
