"""Project contests: contests, funding, projects, photos, ballots, tallies, implementation."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from civic.core.database import UTCDateTime, enum_column_type, utcnow
from civic.extensions import db


class Phase(str, enum.Enum):
    DRAFT = "draft"
    PROPOSALS = "proposals"
    REVIEW = "review"
    VOTING = "voting"
    RESULTS = "results"
    IMPLEMENTATION = "implementation"
    CLOSED = "closed"

    @property
    def label(self):
        return PHASE_LABELS[self]

    @property
    def order(self) -> int:
        return PHASE_ORDER.index(self)


PHASE_ORDER = list(Phase)
PHASE_LABELS = {
    Phase.DRAFT: _l("Draft"),
    Phase.PROPOSALS: _l("Proposals"),
    Phase.REVIEW: _l("Review"),
    Phase.VOTING: _l("Voting"),
    Phase.RESULTS: _l("Results"),
    Phase.IMPLEMENTATION: _l("Implementation"),
    Phase.CLOSED: _l("Closed"),
}


class Category(str, enum.Enum):
    # 003: greening territories; parks, squares, sports grounds, playgrounds and other objects.
    GREENING = "greening"
    PARK = "park"
    SQUARE = "square"
    SPORTS = "sports"
    PLAYGROUND = "playground"
    OTHER = "other"

    @property
    def label(self):
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.GREENING: _l("Greening"),
    Category.PARK: _l("Park"),
    Category.SQUARE: _l("Square"),
    Category.SPORTS: _l("Sports ground"),
    Category.PLAYGROUND: _l("Playground"),
    Category.OTHER: _l("Other common-use place"),
}


class FundingKind(str, enum.Enum):
    # 003: within the rural-district budget, plus voluntary contributions, sponsorship, investors.
    BUDGET = "budget"
    VOLUNTARY = "voluntary"
    SPONSORSHIP = "sponsorship"
    INVESTOR = "investor"

    @property
    def label(self):
        return FUNDING_LABELS[self]


FUNDING_LABELS = {
    FundingKind.BUDGET: _l("Budget programme"),
    FundingKind.VOLUNTARY: _l("Voluntary contributions"),
    FundingKind.SPONSORSHIP: _l("Sponsorship"),
    FundingKind.INVESTOR: _l("Investors"),
}


class BallotKind(str, enum.Enum):
    APPROVAL = "approval"    # approve up to k projects
    KNAPSACK = "knapsack"    # approve projects whose total cost fits a cap


class TallyRule(str, enum.Enum):
    GREEDY = "greedy"
    MES = "mes"


class ProjectStatus(str, enum.Enum):
    SUBMITTED = "submitted"
    FEASIBLE = "feasible"
    NOT_FEASIBLE = "not_feasible"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        return PROJECT_STATUS_LABELS[self]


PROJECT_STATUS_LABELS = {
    ProjectStatus.SUBMITTED: _l("Submitted"),
    ProjectStatus.FEASIBLE: _l("Feasible"),
    ProjectStatus.NOT_FEASIBLE: _l("Not feasible"),
    ProjectStatus.MERGED: _l("Merged into another project"),
    ProjectStatus.WITHDRAWN: _l("Withdrawn"),
}


class WorkStatus(str, enum.Enum):
    PLANNED = "planned"
    CONTRACTED = "contracted"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self):
        return WORK_STATUS_LABELS[self]


WORK_STATUS_LABELS = {
    WorkStatus.PLANNED: _l("Planned"),
    WorkStatus.CONTRACTED: _l("Contract signed"),
    WorkStatus.IN_PROGRESS: _l("Works in progress"),
    WorkStatus.DONE: _l("Done"),
}


class Contest(db.Model):
    __tablename__ = "contest"

    id = db.Column(db.Integer, primary_key=True)
    territory_id = db.Column(db.Integer, db.ForeignKey("territory.id"), nullable=False, index=True)
    slug = db.Column(db.String(80), nullable=False, unique=True)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    categories = db.Column(db.String(200), nullable=False, default="")  # comma-separated Category values
    phase = db.Column(enum_column_type(Phase), nullable=False, default=Phase.DRAFT)
    # Planned dates shown on the public timeline (local dates of the community).
    proposals_from = db.Column(db.Date, nullable=True)
    proposals_until = db.Column(db.Date, nullable=True)
    review_until = db.Column(db.Date, nullable=True)
    voting_from = db.Column(db.Date, nullable=True)
    voting_until = db.Column(db.Date, nullable=True)
    implementation_until = db.Column(db.Date, nullable=True)
    # Ballot rules (frozen once voting opens).
    ballot_kind = db.Column(enum_column_type(BallotKind), nullable=False, default=BallotKind.APPROVAL)
    max_choices = db.Column(db.Integer, nullable=True)       # k, for approval ballots
    cost_cap = db.Column(db.BigInteger, nullable=True)       # knapsack cap, tenge
    min_choices = db.Column(db.Integer, nullable=False, default=1)
    allow_change = db.Column(db.Boolean, nullable=False, default=False)
    min_age = db.Column(db.Integer, nullable=True)
    # Tally rule.
    tally_rule = db.Column(enum_column_type(TallyRule), nullable=False, default=TallyRule.GREEDY)
    completion = db.Column(db.String(20), nullable=False, default="add1-greedy")
    compare_with_greedy = db.Column(db.Boolean, nullable=False, default=False)
    min_support_pct = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    phase_changed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    territory = db.relationship("Territory")
    funding = db.relationship("FundingSource", back_populates="contest", cascade="all, delete-orphan",
                              order_by="FundingSource.id")
    projects = db.relationship("Project", back_populates="contest", cascade="all, delete-orphan",
                               order_by="Project.id")

    @property
    def budget(self) -> int:
        """The total budget is the sum of the funding sources (003)."""
        return sum(source.amount for source in self.funding)

    @property
    def category_list(self) -> list[Category]:
        return [Category(c) for c in self.categories.split(",") if c]

    @property
    def rules_frozen(self) -> bool:
        return self.phase.order >= Phase.VOTING.order

    def can_manage(self, user) -> bool:
        return self.territory.can_manage(user)

    def is_public(self) -> bool:
        return self.phase != Phase.DRAFT

    def can_propose(self, user) -> bool:
        if self.phase != Phase.PROPOSALS or user is None or not user.is_authenticated:
            return False
        return self.can_manage(user) or user.is_resident_of(self.territory)

    def can_vote(self, user) -> bool:
        return (self.phase == Phase.VOTING and user is not None and user.is_authenticated
                and user.is_resident_of(self.territory))


class FundingSource(db.Model):
    __tablename__ = "funding_source"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id = db.Column(db.Integer, primary_key=True)
    contest_id = db.Column(db.Integer, db.ForeignKey("contest.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = db.Column(enum_column_type(FundingKind), nullable=False)
    amount = db.Column(db.BigInteger, nullable=False)   # integer tenge
    note = db.Column(db.String(300), nullable=False, default="")

    contest = db.relationship("Contest", back_populates="funding")


class Project(db.Model):
    __tablename__ = "project"
    __table_args__ = (sa.CheckConstraint("estimated_cost > 0", name="cost_positive"),)

    id = db.Column(db.Integer, primary_key=True)
    contest_id = db.Column(db.Integer, db.ForeignKey("contest.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False)          # Markdown source
    category = db.Column(enum_column_type(Category), nullable=False)
    address = db.Column(db.String(300), nullable=False)       # where the object is, not a person's address
    latitude = db.Column(db.Float, nullable=True)
    longitude = db.Column(db.Float, nullable=True)
    estimated_cost = db.Column(db.BigInteger, nullable=False)
    final_cost = db.Column(db.BigInteger, nullable=True)
    status = db.Column(enum_column_type(ProjectStatus), nullable=False, default=ProjectStatus.SUBMITTED)
    review_reason = db.Column(db.Text, nullable=False, default="")
    reviewed_at = db.Column(UTCDateTime, nullable=True)
    merged_into_id = db.Column(db.Integer, db.ForeignKey("project.id", ondelete="SET NULL"), nullable=True)
    funded = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # Implementation (funded projects).
    work_status = db.Column(enum_column_type(WorkStatus), nullable=True)
    progress_pct = db.Column(db.Integer, nullable=False, default=0)
    money_spent = db.Column(db.BigInteger, nullable=False, default=0)

    contest = db.relationship("Contest", back_populates="projects")
    author = db.relationship("User")
    merged_into = db.relationship("Project", remote_side=[id])
    photos = db.relationship("Photo", cascade="all, delete-orphan", overlaps="project",
                             order_by="Photo.id", primaryjoin="and_(Photo.project_id == Project.id, Photo.update_id.is_(None))")
    updates = db.relationship("ImplementationUpdate", back_populates="project", cascade="all, delete-orphan",
                              order_by="ImplementationUpdate.happened_on.desc(), ImplementationUpdate.id.desc()")

    @property
    def cost(self) -> int:
        return self.final_cost if self.final_cost is not None else self.estimated_cost

    @property
    def on_ballot(self) -> bool:
        return self.status == ProjectStatus.FEASIBLE

    def can_edit(self, user) -> bool:
        """The author edits until review starts; staff may always correct."""
        if user is None or not user.is_authenticated:
            return False
        if self.contest.can_manage(user):
            return self.contest.phase.order <= Phase.REVIEW.order
        return self.author_id == user.id and self.contest.phase == Phase.PROPOSALS


class Photo(db.Model):
    __tablename__ = "photo"

    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.Integer, db.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    update_id = db.Column(db.Integer, db.ForeignKey("implementation_update.id", ondelete="CASCADE"), nullable=True, index=True)
    stored_name = db.Column(db.String(80), nullable=False, unique=True)   # random, e.g. 3f…9a.jpg
    thumb_name = db.Column(db.String(80), nullable=False, unique=True)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    size_bytes = db.Column(db.Integer, nullable=False)
    alt_text = db.Column(db.String(200), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    project = db.relationship("Project", foreign_keys=[project_id], overlaps="photos")
    update = db.relationship("ImplementationUpdate", back_populates="photos")


class Ballot(db.Model):
    """One resident's ballot in one contest, online or on paper — whichever came first.

    ``voter_key`` is an HMAC of the resident's IIN fingerprint and the contest, unique
    per contest: it links no ballot to an account or a name.
    """

    __tablename__ = "ballot"
    __table_args__ = (sa.UniqueConstraint("contest_id", "voter_key"),
                      sa.UniqueConstraint("contest_id", "receipt_hash"))

    id = db.Column(db.Integer, primary_key=True)
    contest_id = db.Column(db.Integer, db.ForeignKey("contest.id", ondelete="CASCADE"), nullable=False, index=True)
    voter_key = db.Column(db.String(64), nullable=False)
    channel = db.Column(db.String(10), nullable=False)  # online | paper
    receipt_hash = db.Column(db.String(64), nullable=False)
    digest = db.Column(db.String(64), nullable=False)
    version = db.Column(db.Integer, nullable=False, default=1)
    cast_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    contest = db.relationship("Contest")
    choices = db.relationship("BallotChoice", back_populates="ballot", cascade="all, delete-orphan",
                              order_by="BallotChoice.project_id")

    @property
    def project_ids(self) -> list[int]:
        return sorted(c.project_id for c in self.choices)


class BallotChoice(db.Model):
    __tablename__ = "ballot_choice"

    ballot_id = db.Column(db.Integer, db.ForeignKey("ballot.id", ondelete="CASCADE"), primary_key=True)
    project_id = db.Column(db.Integer, db.ForeignKey("project.id", ondelete="CASCADE"), primary_key=True, index=True)

    ballot = db.relationship("Ballot", back_populates="choices")


class TallyResult(db.Model):
    """A stored count: the rule, the SHA-256 of its inputs and the audit head at the time."""

    __tablename__ = "tally_result"

    id = db.Column(db.Integer, primary_key=True)
    contest_id = db.Column(db.Integer, db.ForeignKey("contest.id", ondelete="CASCADE"), nullable=False, index=True)
    rule = db.Column(db.String(60), nullable=False)
    inputs_sha256 = db.Column(db.String(64), nullable=False)
    audit_head = db.Column(db.String(64), nullable=False)
    result_json = db.Column(db.Text, nullable=False)
    ballots_counted = db.Column(db.Integer, nullable=False)
    computed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    contest = db.relationship("Contest")


class ImplementationUpdate(db.Model):
    __tablename__ = "implementation_update"
    __table_args__ = (sa.CheckConstraint("progress_pct BETWEEN 0 AND 100", name="progress_range"),
                      sa.CheckConstraint("money_spent >= 0", name="money_not_negative"))

    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.Integer, db.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    happened_on = db.Column(db.Date, nullable=False)
    status = db.Column(enum_column_type(WorkStatus), nullable=False)
    progress_pct = db.Column(db.Integer, nullable=False)
    money_spent = db.Column(db.BigInteger, nullable=False)
    text = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    project = db.relationship("Project", back_populates="updates")
    author = db.relationship("User")
    photos = db.relationship("Photo", back_populates="update", cascade="all, delete-orphan", order_by="Photo.id")
