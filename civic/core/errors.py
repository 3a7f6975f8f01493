"""Domain errors and translated error pages."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused the action; ``message`` is shown to the user."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The user may not do this (maps to 403)."""


ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you entered and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to open this page or do this action.")),
    404: (_l("Page not found"), _l("There is no such page. It may have been moved or removed.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("File too large"), _l("What you sent is larger than this site accepts. Please send a smaller file.")),
    422: (_l("Cannot process"), _l("What you sent could not be processed. Please check the form and try again.")),
    429: (_l("Too many attempts"), _l("You have tried too many times. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. Nothing you entered was saved. Please try again later.")),
}


def render_error(code: int, detail=None):
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template("errors/error.html", code=code, title=title, text=text, detail=detail), code


def register_error_handlers(app):
    def handle_http(error: HTTPException):
        code = error.code or 500
        if code not in ERROR_TEXTS:
            return error
        return render_error(code)

    def handle_csrf(error: CSRFError):
        return render_error(400, detail=_l("The form has expired or was sent from another page. Please reload the page and try again."))

    def handle_not_allowed(error: NotAllowed):
        return render_error(403, detail=error.message)

    def handle_500(error):
        from civic.extensions import db
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(NotAllowed, handle_not_allowed)
    app.register_error_handler(500, handle_500)
