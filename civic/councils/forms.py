"""Forms of the councils area: bodies, sessions, the secretary's screen, protocols,
decisions and petitions. Rules are checked by the services; these forms check shape."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, EmailField, HiddenField, IntegerField, RadioField, SelectField, TextAreaField, TimeField,
)
from wtforms.validators import (
    URL, DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError,
)

from civic.councils.models import BODY_KIND_LABELS, MEMBER_ROLE_LABELS, MemberRole
from civic.councils.rules import BodyKind
from civic.core.errors import DomainError
from civic.core.forms import Form, TrimmedStringField, no_control_characters

REQUIRED = _l("This field is required.")


class CouncilForm(Form):
    """A form whose services may name a field differently (e.g. ``starts_at`` → the date field)."""

    aliases: dict[str, str] = {}

    def add_error(self, error: DomainError) -> None:
        if error.field in self.aliases:
            error = DomainError(error.message, field=self.aliases[error.field])
        super().add_error(error)


def web_address(form, field):
    """Only http(s) links: a link is shown to members and the public."""
    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError(_l("Enter a full web address that starts with https://."))


INVALID_DATE = "Not a valid date value."   # WTForms' own message (and its translations)


class SessionDateField(DateField):
    """The date of a session: years 1900-9998 only. Outside them a local time may have no UTC
    equivalent (0001-01-01 00:30 in Asia/Almaty), and converting it failed with a 500."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not 1900 <= self.data.year <= 9998:
            self.data = None
            raise ValueError(self.gettext(INVALID_DATE))


def local_to_utc(day: date | None, moment: time | None, zone_name: str | None) -> datetime | None:
    """A date and time entered in the community's time zone, as an aware UTC datetime."""
    if day is None or moment is None:
        return None
    zone = ZoneInfo(zone_name or "Asia/Almaty")
    return datetime.combine(day, moment.replace(second=0, microsecond=0), tzinfo=zone).astimezone(timezone.utc)


def utc_to_local(value: datetime, zone_name: str | None) -> datetime:
    return value.astimezone(ZoneInfo(zone_name or "Asia/Almaty"))


# --- bodies ------------------------------------------------------------------------------

class BodyForm(CouncilForm):
    kind = SelectField(_l("Kind of body"), choices=[(k.value, BODY_KIND_LABELS[k]) for k in BodyKind],
                       validators=[InputRequired(message=REQUIRED)])
    name = TrimmedStringField(_l("Name"), validators=[DataRequired(message=REQUIRED), Length(max=200),
                                                      no_control_characters])
    base_size = IntegerField(_l("Number of community members or elected representatives (quorum base)"),
                             validators=[Optional(), NumberRange(min=0, max=10_000_000)])


class MemberForm(CouncilForm):
    full_name = TrimmedStringField(_l("Full name"), validators=[DataRequired(message=REQUIRED), Length(max=300),
                                                                no_control_characters])
    role = SelectField(_l("Role"), default=MemberRole.MEMBER.value,
                       choices=[(r.value, MEMBER_ROLE_LABELS[r]) for r in MemberRole])
    represents = TrimmedStringField(_l("Represents (for a delegate: village, street or building)"),
                                    validators=[Length(max=300), no_control_characters])
    term_from = DateField(_l("Term from"), validators=[Optional()])
    term_until = DateField(_l("Term until"), validators=[Optional()])
    email = EmailField(_l("E-mail of the member's account (optional, needed to sign protocols)"),
                       validators=[Optional(), Email(message=_l("Enter a valid e-mail address, e.g. name@example.kz."),
                                                     check_deliverability=False), Length(max=254)])


# --- sessions ----------------------------------------------------------------------------

class SessionForm(CouncilForm):
    aliases = {"starts_at": "day"}

    day = SessionDateField(_l("Date"), validators=[InputRequired(message=REQUIRED)])
    start_time = TimeField(_l("Time"), validators=[InputRequired(message=REQUIRED)])
    place = TrimmedStringField(_l("Place"), validators=[DataRequired(message=REQUIRED), Length(max=300),
                                                        no_control_characters])
    online_link = TrimmedStringField(_l("Online link (optional)"),
                                     validators=[Optional(), web_address,
                                                 URL(message=_l("Enter a full web address that starts with https://.")),
                                                 Length(max=500)])
    is_open = BooleanField(_l("Open to the public"), default=True)
    reason = TextAreaField(_l("Reason for the change (shown publicly)"), validators=[Length(max=2000)])

    def starts_at(self, zone_name: str | None) -> datetime | None:
        return local_to_utc(self.day.data, self.start_time.data, zone_name)


class ItemForm(CouncilForm):
    title = TrimmedStringField(_l("Item"), validators=[DataRequired(message=REQUIRED), Length(max=500),
                                                       no_control_characters])
    rapporteur = TrimmedStringField(_l("Rapporteur"), validators=[Length(max=300), no_control_characters])


class MaterialForm(CouncilForm):
    aliases = {None: "document"}   # a refused file: the message goes next to the file field

    title = TrimmedStringField(_l("Title of the document"), validators=[Length(max=300), no_control_characters])
    document = FileField(_l("File (PDF or office document, up to 20 MB)"))


class CallOffForm(CouncilForm):
    action = RadioField(_l("What happens"), choices=[("cancelled", _l("Cancel the session")),
                                                     ("postponed", _l("Postpone the session"))],
                        validators=[InputRequired(message=REQUIRED)])
    reason = TextAreaField(_l("Reason (shown publicly)"), validators=[Length(max=2000)])


# --- the secretary's screen ------------------------------------------------------------------

CHAIR_VOTE_CHOICES = [("for", _l("The chair votes for")), ("against", _l("The chair votes against"))]


class CountsForm(CouncilForm):
    """The numbers of an open vote; the service checks them against those present."""

    for_votes = IntegerField(_l("For"), validators=[Optional(), NumberRange(min=0, max=100_000)])
    against = IntegerField(_l("Against"), validators=[Optional(), NumberRange(min=0, max=100_000)])
    abstained = IntegerField(_l("Abstained"), validators=[Optional(), NumberRange(min=0, max=100_000)])
    chair_vote = RadioField(_l("The chair's deciding vote"), choices=CHAIR_VOTE_CHOICES, validators=[Optional()])

    def counts(self) -> dict:
        return dict(for_votes=self.for_votes.data, against=self.against.data, abstained=self.abstained.data,
                    chair_vote=self.chair_vote.data or None)


class ParticipantForm(CouncilForm):
    full_name = TrimmedStringField(_l("Full name"), validators=[DataRequired(message=REQUIRED), Length(max=300),
                                                                no_control_characters])
    organisation = TrimmedStringField(_l("Organisation"), validators=[Length(max=300), no_control_characters])
    role = TrimmedStringField(_l("Role (e.g. invited official, journalist)"),
                              validators=[Length(max=200), no_control_characters])


class ElectForm(CountsForm):
    capacity = RadioField(_l("Elect"), choices=[("chair", _l("Chair of the session")),
                                                ("secretary", _l("Secretary of the session"))],
                          validators=[InputRequired(message=REQUIRED)])
    candidate = SelectField(_l("Candidate (a member present)"), validate_choice=False)


class AgendaVoteForm(CountsForm):
    pass


class AddItemVoteForm(CountsForm):
    title = TrimmedStringField(_l("Item to add"), validators=[DataRequired(message=REQUIRED), Length(max=500),
                                                              no_control_characters])
    rapporteur = TrimmedStringField(_l("Rapporteur"), validators=[Length(max=300), no_control_characters])


class RemoveItemVoteForm(CountsForm):
    item = SelectField(_l("Item to remove"), validate_choice=False)


class SpeechForm(CouncilForm):
    speaker = SelectField(_l("Speaker"), validate_choice=False)
    summary = TextAreaField(_l("Short summary of the speech"), validators=[Length(max=5000)])


class VoteForm(CountsForm):
    motion = TextAreaField(_l("Motion put to the vote"), validators=[Length(max=5000)])
    method = RadioField(_l("How the vote is recorded"), default="counted",
                        choices=[("counted", _l("Counted: numbers for, against and abstained")),
                                 ("roll_call", _l("Roll call: the choice of each member present"))])


# --- protocols -----------------------------------------------------------------------------

class ProtocolTextForm(CouncilForm):
    text = TextAreaField(_l("Text of the protocol"), validators=[Length(max=500_000)])


class SignForm(CouncilForm):
    expected_sha256 = HiddenField()


class CorrectionForm(CouncilForm):
    text = TextAreaField(_l("Corrected text"), validators=[Length(max=500_000)])
    reason = TextAreaField(_l("Reason for the correction (shown publicly)"), validators=[Length(max=2000)])


# --- decisions -----------------------------------------------------------------------------

class AssignForm(CouncilForm):
    executor = TrimmedStringField(_l("Who executes the decision"), validators=[Length(max=300),
                                                                               no_control_characters])
    due_on = DateField(_l("Due date"), validators=[Optional()])


class AkimReviewForm(CouncilForm):
    verdict = RadioField(_l("The akim's conclusion"), choices=[("agree", _l("I agree with the decision")),
                                                                ("disagree", _l("I disagree with the decision"))],
                         validators=[InputRequired(message=REQUIRED)])
    reason = TextAreaField(_l("Reasons"), validators=[Length(max=5000)])


class ReportForm(CouncilForm):
    text = TextAreaField(_l("What was done"), validators=[Length(max=5000)])
    reported_on = DateField(_l("Date of the report"), validators=[InputRequired(message=REQUIRED)])
    done = BooleanField(_l("The decision is fully executed"))


# --- petitions -----------------------------------------------------------------------------

class PetitionForm(CouncilForm):
    title = TrimmedStringField(_l("Title"), validators=[DataRequired(message=REQUIRED), Length(max=300),
                                                        no_control_characters])
    agenda = TextAreaField(_l("Proposed agenda"), validators=[DataRequired(message=REQUIRED), Length(max=5000)])


class PetitionDecisionForm(CouncilForm):
    aliases = {"starts_at": "day"}

    verdict = RadioField(_l("Decision"), choices=[("accept", _l("Convene the session")),
                                                  ("refuse", _l("Refuse"))],
                         validators=[InputRequired(message=REQUIRED)])
    text = TextAreaField(_l("Text of the decision, with reasons"), validators=[Length(max=5000)])
    day = SessionDateField(_l("Date of the session"), validators=[Optional()])
    start_time = TimeField(_l("Time of the session"), validators=[Optional()])
    place = TrimmedStringField(_l("Place of the session"), validators=[Length(max=300), no_control_characters])

    def starts_at(self, zone_name: str | None) -> datetime | None:
        return local_to_utc(self.day.data, self.start_time.data, zone_name)
