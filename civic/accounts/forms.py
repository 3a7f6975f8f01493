"""Forms of the accounts area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp

from civic.core.forms import Form, TrimmedStringField, no_control_characters

REQUIRED = _l("This field is required.")


def name_field(label, required=True):
    validators = [DataRequired(message=REQUIRED)] if required else []
    validators += [Length(max=100, message=_l("At most %(max)d characters.")), no_control_characters]
    return TrimmedStringField(label, validators=validators)


def email_field():
    return EmailField(_l("E-mail"), validators=[
        DataRequired(message=REQUIRED),
        Email(message=_l("Enter a valid e-mail address, e.g. name@example.kz."), check_deliverability=False),
        Length(max=254)])


class RegisterForm(Form):
    surname = name_field(_l("Surname"))
    given_name = name_field(_l("Name"))
    patronymic = name_field(_l("Patronymic (if any)"), required=False)
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(message=REQUIRED)])
    password_confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(message=REQUIRED), EqualTo("password", message=_l("The passwords do not match."))])


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(message=REQUIRED)])


class ForgotPasswordForm(Form):
    email = email_field()


class ResendConfirmationForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(message=REQUIRED)])
    password_confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(message=REQUIRED), EqualTo("password", message=_l("The passwords do not match."))])


class LanguageForm(Form):
    locale = SelectField(_l("Language of the site and of our e-mails"),
                         choices=[("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")])


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(message=REQUIRED)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(message=REQUIRED)])
    new_password_confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(message=REQUIRED), EqualTo("new_password", message=_l("The passwords do not match."))])


class DeleteAccountForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(message=REQUIRED)])
    confirm = BooleanField(_l("I understand that my account and personal data will be deleted for good."),
                           validators=[DataRequired(message=_l("Please tick the box to confirm."))])


class ResidencyClaimForm(Form):
    territory = SelectField(_l("Community"), coerce=int,
                            validators=[DataRequired(message=_l("Choose your community."))])
    iin = TrimmedStringField(_l("IIN"), validators=[
        DataRequired(message=REQUIRED),
        Regexp(r"^\s*\d{12}\s*$", message=_l("The IIN has exactly 12 digits."))])
    surname = name_field(_l("Surname as in the register"))


class GrantRoleForm(Form):
    email = email_field()
    kind = SelectField(_l("Role"), validators=[DataRequired(message=REQUIRED)])


class RegisterUploadForm(Form):
    file = FileField(_l("Register file (CSV)"), validators=[FileRequired(message=_l("Choose a file."))])


class OfficeVerifyForm(Form):
    email = email_field()
    iin = TrimmedStringField(_l("IIN from the identity card"), validators=[
        DataRequired(message=REQUIRED),
        Regexp(r"^\s*\d{12}\s*$", message=_l("The IIN has exactly 12 digits."))])
    note = TrimmedStringField(_l("Note (document shown, etc.)"), validators=[Length(max=300), no_control_characters])


class ReasonForm(Form):
    reason = TrimmedStringField(_l("Reason"), validators=[DataRequired(message=REQUIRED), Length(max=300), no_control_characters])
