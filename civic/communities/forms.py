"""Forms for territories."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, SelectField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from civic.communities.models import KIND_LABELS, TerritoryKind
from civic.core.forms import Form, TrimmedStringField, no_control_characters

REQUIRED = _l("This field is required.")


class TerritoryDetailsForm(Form):
    name_kk = TrimmedStringField(_l("Name in Kazakh"), validators=[DataRequired(message=REQUIRED), Length(max=200), no_control_characters])
    name_ru = TrimmedStringField(_l("Name in Russian"), validators=[DataRequired(message=REQUIRED), Length(max=200), no_control_characters])
    akimat_name_kk = TrimmedStringField(_l("Akimat's name in Kazakh"), validators=[Length(max=300), no_control_characters])
    akimat_name_ru = TrimmedStringField(_l("Akimat's name in Russian"), validators=[Length(max=300), no_control_characters])
    address = TrimmedStringField(_l("Akimat's address"), validators=[Length(max=300), no_control_characters])
    phone = TrimmedStringField(_l("Phone"), validators=[Length(max=60), no_control_characters])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(message=_l("Enter a valid e-mail address, e.g. name@example.kz."), check_deliverability=False), Length(max=200)])
    timezone = TrimmedStringField(_l("Time zone"), default="Asia/Almaty", validators=[DataRequired(message=REQUIRED), Length(max=60)])
    population = IntegerField(_l("Number of community members (if known)"), validators=[
        Optional(), NumberRange(min=0, message=_l("The number cannot be negative."))])


class NewTerritoryForm(TerritoryDetailsForm):
    kind = SelectField(_l("Kind"), choices=[(k.value, KIND_LABELS[k]) for k in TerritoryKind],
                       validators=[DataRequired(message=REQUIRED)])
    parent = SelectField(_l("Part of"), coerce=int)
