"""Form helpers shared by every domain."""
from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from civic.core.errors import DomainError


class Form(FlaskForm):
    """A Flask-WTF form with a place for errors that belong to no single field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_errors: list = []

    def add_error(self, error: DomainError) -> None:
        field = getattr(self, error.field, None) if error.field else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [error.message]
        else:
            self.form_errors.append(error.message)

    @property
    def errors(self):  # include form-level errors so templates show the summary
        errors = dict(super().errors)
        if self.form_errors:
            errors[None] = self.form_errors
        return errors


def invalid(template: str, **context):
    """Re-render a form that failed validation: status 422 (htmx swaps it)."""
    return render_template(template, **context), 422


class TrimmedStringField(StringField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.strip()


def no_control_characters(form, field):
    if field.data and any(ord(c) < 32 and c not in "\t\r\n" for c in field.data):
        raise ValidationError(_l("This field contains characters that are not allowed."))
