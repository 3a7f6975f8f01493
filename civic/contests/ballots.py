"""Ballots: one resident, one ballot per contest — online or on paper, whichever came first.

A ballot is keyed by an HMAC of the resident's IIN fingerprint and the contest
(``voter_key``): unique per contest in the database, so concurrent or repeated
submissions leave exactly one ballot on SQLite and PostgreSQL alike. Every cast
or changed ballot writes its digest into the hash-chained audit log.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from civic.accounts.iin import iin_hmac, is_valid_iin
from civic.accounts.models import RegisterEntry, Residency
from civic.contests.models import Ballot, BallotChoice, BallotKind, Contest, Phase, Project, ProjectStatus
from civic.contests.services import community_today, lock_contest
from civic.core import audit
from civic.core.audit import AuditEntry
from civic.core.database import lock_for_update, utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass
class Selection:
    projects: list[Project]
    total_cost: int

    @property
    def count(self) -> int:
        return len(self.projects)


def ballot_projects(contest: Contest) -> list[Project]:
    return db.session.scalars(sa.select(Project).where(
        Project.contest_id == contest.id, Project.status == ProjectStatus.FEASIBLE)
        .options(selectinload(Project.photos)).order_by(Project.id)).all()


def parse_ids(raw_ids) -> list[int]:
    ids = []
    for raw in raw_ids:
        try:
            ids.append(int(str(raw).strip()))
        except ValueError:
            raise DomainError(_l("The ballot names a project that is not on it."))
    return ids


def measure(contest: Contest, ids: list[int]) -> Selection:
    """Look the chosen ids up among the projects on the ballot (forged ids are refused)."""
    on_ballot = {p.id: p for p in ballot_projects(contest)}
    chosen = []
    for pid in dict.fromkeys(ids):
        if pid not in on_ballot:
            raise DomainError(_l("The ballot names a project that is not on it."))
        chosen.append(on_ballot[pid])
    return Selection(chosen, sum(p.cost for p in chosen))


def rule_problem(contest: Contest, selection: Selection):
    """The reason a selection breaks the contest's ballot rules, or None."""
    if selection.count < max(contest.min_choices, 1):
        if contest.min_choices > 1:
            return _l("Choose at least %(n)d projects.", n=contest.min_choices)
        return _l("Choose at least one project.")
    if contest.ballot_kind == BallotKind.APPROVAL and selection.count > contest.max_choices:
        return _l("You may choose at most %(n)d projects.", n=contest.max_choices)
    if contest.ballot_kind == BallotKind.KNAPSACK and selection.total_cost > contest.cost_cap:
        return _l("The chosen projects cost more than the %(cap)s ₸ you may spend.",
                  cap=f"{contest.cost_cap:,}".replace(",", " "))
    return None


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check_age(contest: Contest, birth_date: date | None, today: date | None = None) -> None:
    """Minimum age set by the akimat: the voter states a birth date; it is not stored."""
    if not contest.min_age:
        return
    today = today or community_today(contest)
    if birth_date is None:
        raise DomainError(_l("Enter your date of birth: this contest has a minimum age."), field="birth_date")
    if birth_date > today or birth_date.year < 1900:
        raise DomainError(_l("This date of birth is not possible."), field="birth_date")
    if age_on(birth_date, today) < contest.min_age:
        raise DomainError(_l("Only residents aged %(n)d or over may vote in this contest.", n=contest.min_age),
                          field="birth_date")


def voter_key(contest: Contest, iin_fingerprint: str) -> str:
    key = current_app.config["IIN_HMAC_KEY"].encode()
    return hmac.new(key, f"ballot:{contest.id}:{iin_fingerprint}".encode(), hashlib.sha256).hexdigest()


def ballot_digest(ballot: Ballot, project_ids: list[int]) -> str:
    payload = json.dumps({"contest": ballot.contest_id, "voter": ballot.voter_key, "version": ballot.version,
                          "channel": ballot.channel, "choices": sorted(project_ids)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_receipt(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def receipt_hash(code: str) -> str:
    return hashlib.sha256(normalize_receipt(code).encode()).hexdigest()


@dataclass
class CastResult:
    ballot: Ballot
    receipt: str | None   # shown once; None when an existing ballot was changed
    changed: bool


def _store(contest: Contest, key: str, channel: str, selection: Selection, actor_id) -> CastResult:
    # Serialise this voter's submissions: a transaction-scoped lock on PostgreSQL;
    # SQLite writers already queue behind BEGIN IMMEDIATE.
    lock_for_update(db.session, int(key[:15], 16))
    lock_contest(contest)
    if contest.phase != Phase.VOTING:
        raise DomainError(_l("Voting is not open in this contest."))
    existing = db.session.scalar(sa.select(Ballot).where(Ballot.contest_id == contest.id, Ballot.voter_key == key))
    ids = [p.id for p in selection.projects]
    if existing is not None:
        if not contest.allow_change or existing.channel == "paper" or channel == "paper":
            raise DomainError(_l("A ballot has already been cast for this resident in this contest."))
        existing.choices = [BallotChoice(project_id=pid) for pid in ids]
        existing.version += 1
        existing.updated_at = utcnow()
        existing.digest = ballot_digest(existing, ids)
        db.session.flush()
        audit.record("ballot.changed", actor=None, obj=existing, contest=contest.id, digest=existing.digest,
                     version=existing.version)
        return CastResult(existing, None, True)
    receipt = new_receipt()
    ballot = Ballot(contest_id=contest.id, voter_key=key, channel=channel, receipt_hash=receipt_hash(receipt),
                    version=1, digest="")
    ballot.choices = [BallotChoice(project_id=pid) for pid in ids]
    ballot.digest = ballot_digest(ballot, ids)
    db.session.add(ballot)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise DomainError(_l("A ballot has already been cast for this resident in this contest."))
    # The audit row names no voter: the entering clerk for paper ballots, nobody for online ones.
    audit.record("ballot.cast", actor=actor_id, obj=ballot, contest=contest.id, channel=channel,
                 digest=ballot.digest, version=1)
    return CastResult(ballot, receipt, False)


def cast_online(user, contest: Contest, raw_ids, birth_date: date | None = None) -> CastResult:
    if contest.phase != Phase.VOTING:
        raise DomainError(_l("Voting is not open in this contest."))
    residency = db.session.scalar(sa.select(Residency).where(
        Residency.user_id == user.id, Residency.territory_id == contest.territory_id))
    if residency is None:
        raise NotAllowed(_l("Only verified residents of this community may vote."))
    selection = measure(contest, parse_ids(raw_ids))
    problem = rule_problem(contest, selection)
    if problem:
        raise DomainError(problem)
    check_age(contest, birth_date)
    return _store(contest, voter_key(contest, residency.iin_hmac), "online", selection, None)


def cast_paper(clerk, contest: Contest, iin: str, raw_ids, birth_date: date | None = None) -> CastResult:
    """Staff enter a paper ballot of a resident who voted at the akimat (same rules)."""
    if not contest.can_manage(clerk):
        raise NotAllowed(_l("Only akimat staff of this community may enter paper ballots."))
    if contest.phase != Phase.VOTING:
        raise DomainError(_l("Voting is not open in this contest."))
    if not is_valid_iin(iin):
        raise DomainError(_l("The IIN must have 12 digits with a correct control digit."), field="iin")
    fingerprint = iin_hmac(iin)
    known = db.session.scalar(sa.select(sa.func.count()).select_from(Residency).where(
        Residency.territory_id == contest.territory_id, Residency.iin_hmac == fingerprint)) or \
        db.session.scalar(sa.select(sa.func.count()).select_from(RegisterEntry).where(
            RegisterEntry.territory_id == contest.territory_id, RegisterEntry.iin_hmac == fingerprint))
    if not known:
        raise DomainError(_l("This person is neither on the community's register nor a verified resident."), field="iin")
    selection = measure(contest, parse_ids(raw_ids))
    problem = rule_problem(contest, selection)
    if problem:
        raise DomainError(problem)
    check_age(contest, birth_date)
    return _store(contest, voter_key(contest, fingerprint), "paper", selection, clerk.id)


def has_voted(user, contest: Contest) -> Ballot | None:
    residency = user.residency_in(contest.territory) if user and user.is_authenticated else None
    if residency is None:
        return None
    return db.session.scalar(sa.select(Ballot).where(
        Ballot.contest_id == contest.id, Ballot.voter_key == voter_key(contest, residency.iin_hmac)))


def find_receipt(code: str) -> Ballot | None:
    if len(normalize_receipt(code)) != 12:
        return None
    return db.session.scalar(sa.select(Ballot).where(Ballot.receipt_hash == receipt_hash(code)))


def ballot_count(contest: Contest) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(Ballot.contest_id == contest.id))


def eligible_count(contest: Contest) -> int:
    """Verified residents, plus people on the register without an account (paper voters)."""
    verified = set(db.session.scalars(sa.select(Residency.iin_hmac).where(
        Residency.territory_id == contest.territory_id)))
    registered = set(db.session.scalars(sa.select(RegisterEntry.iin_hmac).where(
        RegisterEntry.territory_id == contest.territory_id)))
    return len(verified | registered)


def tampered_ballots(contest: Contest) -> list[int]:
    """Ballots whose stored choices no longer match their digest or the audit log's record."""
    logged: dict[str, str] = {}
    for entry in db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action.in_(("ballot.cast", "ballot.changed")), AuditEntry.object_type == "ballot")
            .order_by(AuditEntry.id)):
        details = entry.details_dict
        if details.get("contest") == contest.id:
            logged[entry.object_id] = details.get("digest")
    bad = []
    ballots = db.session.scalars(sa.select(Ballot).where(Ballot.contest_id == contest.id).order_by(Ballot.id))
    for ballot in ballots:
        digest = ballot_digest(ballot, ballot.project_ids)
        if digest != ballot.digest or logged.get(str(ballot.id)) != digest:
            bad.append(ballot.id)
    return bad
