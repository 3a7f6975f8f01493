"""Forms of the contests area."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, FloatField, IntegerField, RadioField, SelectField, SelectMultipleField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from civic.contests.models import CATEGORY_LABELS, FUNDING_LABELS, WORK_STATUS_LABELS, Category, FundingKind, WorkStatus
from civic.core.forms import Form, TrimmedStringField, no_control_characters

REQUIRED = _l("This field is required.")


MAX_TENGE = 10 ** 15  # far above any community budget; keeps amounts inside a 64-bit column


class WholeTengeField(IntegerField):
    """A whole number of tenge; spaces as thousand separators are allowed, decimals are not."""

    def process_formdata(self, valuelist):
        if valuelist:
            raw = valuelist[0].replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
            if raw == "":
                self.data = None
                return
            if not re.fullmatch(r"-?[0-9]+", raw):
                self.data = None
                raise ValueError(_l("Enter a whole number of tenge, without kopecks or letters."))
            self.data = int(raw)
            if abs(self.data) > MAX_TENGE:
                self.data = None
                raise ValueError(_l("This amount is too large."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def positive(form, field):
    if field.data is not None and field.data <= 0:
        raise ValidationError(_l("The cost must be a whole number of tenge greater than zero."))


def not_negative(form, field):
    if field.data is not None and field.data < 0:
        raise ValidationError(_l("An amount must be a whole, non-negative number of tenge."))


class ContestForm(Form):
    title = TrimmedStringField(_l("Title"), validators=[DataRequired(message=REQUIRED), Length(max=200), no_control_characters])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=20000)])
    categories = MultiCheckboxField(_l("Categories of projects"),
                                    choices=[(c.value, CATEGORY_LABELS[c]) for c in Category])
    budget_amount = WholeTengeField(_l("Budget programme, ₸"), validators=[Optional(), not_negative])
    budget_note = TrimmedStringField(_l("Budget programme: note"), validators=[Length(max=300)])
    voluntary_amount = WholeTengeField(_l("Voluntary contributions, ₸"), validators=[Optional(), not_negative])
    voluntary_note = TrimmedStringField(_l("Voluntary contributions: note"), validators=[Length(max=300)])
    sponsorship_amount = WholeTengeField(_l("Sponsorship, ₸"), validators=[Optional(), not_negative])
    sponsorship_note = TrimmedStringField(_l("Sponsorship: note"), validators=[Length(max=300)])
    investor_amount = WholeTengeField(_l("Investors, ₸"), validators=[Optional(), not_negative])
    investor_note = TrimmedStringField(_l("Investors: note"), validators=[Length(max=300)])
    proposals_from = DateField(_l("Proposals from"), validators=[Optional()])
    proposals_until = DateField(_l("Proposals until"), validators=[Optional()])
    review_until = DateField(_l("Review until"), validators=[Optional()])
    voting_from = DateField(_l("Voting from"), validators=[Optional()])
    voting_until = DateField(_l("Voting until"), validators=[Optional()])
    implementation_until = DateField(_l("Works finished by"), validators=[Optional()])
    ballot_kind = RadioField(_l("Kind of ballot"), default="approval", choices=[
        ("approval", _l("Approval: choose up to a number of projects")),
        ("knapsack", _l("Knapsack: choose projects whose total cost fits a cap"))])
    max_choices = IntegerField(_l("Most projects a voter may choose"), validators=[Optional(), NumberRange(min=1, max=100)])
    cost_cap = WholeTengeField(_l("Cap on the total cost of a ballot, ₸"), validators=[Optional(), positive])
    min_choices = IntegerField(_l("Fewest projects on a ballot"), default=1, validators=[InputRequired(message=REQUIRED), NumberRange(min=0, max=100)])
    allow_change = BooleanField(_l("A voter may change the ballot until voting closes"))
    min_age = IntegerField(_l("Minimum age of voters (leave empty for none)"), validators=[Optional(), NumberRange(min=14, max=100)])
    tally_rule = RadioField(_l("How winners are chosen"), default="greedy", choices=[
        ("greedy", _l("By votes: projects in order of votes while the budget allows")),
        ("mes", _l("Method of Equal Shares"))])
    completion = SelectField(_l("Completion of the Method of Equal Shares"), default="add1-greedy", choices=[
        ("add1-greedy", _l("Raise equal shares tenge by tenge (Add1), then fill by votes")),
        ("add1", _l("Raise equal shares tenge by tenge (Add1)")),
        ("none", _l("None"))])
    compare_with_greedy = BooleanField(_l("Compare with the outcome by votes and keep the one most voters prefer"))
    min_support_pct = IntegerField(_l("Minimum support (percent of ballots)"), default=0,
                                   validators=[Optional(), NumberRange(min=0, max=100)])

    def funding(self) -> list[tuple]:
        out = []
        for kind in FundingKind:
            amount = getattr(self, f"{kind.value}_amount").data
            if amount:
                out.append((kind.value, amount, getattr(self, f"{kind.value}_note").data or ""))
        return out

    def fill_funding(self, contest) -> None:
        for source in contest.funding:
            getattr(self, f"{source.kind.value}_amount").data = source.amount
            getattr(self, f"{source.kind.value}_note").data = source.note


FUNDING_FIELDS = [(kind, FUNDING_LABELS[kind]) for kind in FundingKind]


class ProjectForm(Form):
    title = TrimmedStringField(_l("Title"), validators=[DataRequired(message=REQUIRED), Length(max=200), no_control_characters])
    description = TextAreaField(_l("Description"), validators=[DataRequired(message=REQUIRED), Length(max=20000)])
    category = SelectField(_l("Category"), validators=[DataRequired(message=REQUIRED)])
    address = TrimmedStringField(_l("Where: address or place"), validators=[DataRequired(message=REQUIRED), Length(max=300), no_control_characters])
    latitude = FloatField(_l("Latitude (optional)"), validators=[Optional(), NumberRange(min=-90, max=90)])
    longitude = FloatField(_l("Longitude (optional)"), validators=[Optional(), NumberRange(min=-180, max=180)])
    estimated_cost = WholeTengeField(_l("Estimated cost, ₸"), validators=[InputRequired(message=REQUIRED), positive])
    photo = FileField(_l("Photo (JPEG, PNG or WebP, up to 10 MB)"))


class PhotoForm(Form):
    photo = FileField(_l("Photo (JPEG, PNG or WebP, up to 10 MB)"))


class ReviewForm(Form):
    verdict = RadioField(_l("Verdict"), choices=[("feasible", _l("Feasible")), ("not_feasible", _l("Not feasible"))],
                         validators=[InputRequired(message=REQUIRED)])
    final_cost = WholeTengeField(_l("Final cost, ₸"), validators=[Optional(), positive])
    reason = TextAreaField(_l("Reason (shown publicly)"), validators=[DataRequired(message=REQUIRED), Length(max=2000)])


class MergeForm(Form):
    into = SelectField(_l("Merge into"), coerce=int)
    reason = TextAreaField(_l("Reason (shown publicly)"), validators=[DataRequired(message=REQUIRED), Length(max=2000)])


class BirthDateForm(Form):
    birth_date = DateField(_l("Your date of birth (checked, not stored)"), validators=[Optional()])


class PaperBallotForm(Form):
    iin = TrimmedStringField(_l("Voter's IIN (from the identity card)"), validators=[DataRequired(message=REQUIRED), Length(max=20)])
    birth_date = DateField(_l("Voter's date of birth (checked, not stored)"), validators=[Optional()])


class ReceiptForm(Form):
    class Meta:
        csrf = False  # a public GET form

    code = TrimmedStringField(_l("Receipt code"), validators=[DataRequired(message=REQUIRED), Length(max=40)])


class ProgressForm(Form):
    happened_on = DateField(_l("Date"), validators=[InputRequired(message=REQUIRED)])
    status = SelectField(_l("Status"), choices=[(s.value, WORK_STATUS_LABELS[s]) for s in WorkStatus])
    progress_pct = IntegerField(_l("Progress, %"), validators=[InputRequired(message=REQUIRED), NumberRange(min=0, max=100)])
    money_spent = WholeTengeField(_l("Money spent so far, ₸"), validators=[InputRequired(message=REQUIRED), not_negative])
    text = TextAreaField(_l("What was done"), validators=[Length(max=5000)])
    photo = FileField(_l("Photo (JPEG, PNG or WebP, up to 10 MB)"))
