"""Errors: the one refusal type services raise (`RuleError`), and the error pages in the
viewer's language, inside the site's layout (navigation, language switch), so a visitor
who hits one can find their way on."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.core.deferred import Message
from webapp.extensions import db

log = logging.getLogger(__name__)


class RuleError(Exception):
    """A service refused a change; the message is for the person who typed it, and `field`
    names the form field it belongs to (None: the form as a whole). Given as a
    `core.deferred.Message`, the message is also kept as data in `deferred`, for a refusal
    stored and read later in another language (an import's rejected rows)."""

    def __init__(self, message: str | Message, field: str | None = None) -> None:
        self.deferred = message if isinstance(message, Message) else None
        text = message.render() if isinstance(message, Message) else message
        super().__init__(text)
        self.message = text
        self.field = field
        self.errors: list[RuleError] = [self]

    @classmethod
    def every(cls, errors: Sequence[RuleError]) -> RuleError:
        """One refusal carrying every field error of a record validated as a whole."""
        refusal = cls(errors[0].deferred or errors[0].message, errors[0].field)
        refusal.errors = list(errors)
        return refusal


class NotAllowed(RuleError):
    """The person may not do this. A service's last word on permissions; the views check
    first, and the app answers 403 if one gets through."""


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please try again.")),
        401: (_("Sign-in required"), _("Please sign in to continue.")),
        403: (_("Not allowed"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("The page you asked for does not exist.")),
        405: (_("Action not available"), _("This page cannot be used that way.")),
        413: (_("File too large"), _("The file you sent is larger than the limit.")),
        429: (_("Too many attempts"), _("Please wait a few minutes and try again.")),
        500: (_("Something went wrong"), _("An unexpected error occurred. It has been logged.")),
    }


def render_error(code: int, description: str | None = None) -> tuple[str, int]:
    title, text = _titles().get(code, (_("Error"), _("The request could not be completed.")))
    return render_template(
        "errors/error.html", code=code, title=title, text=description or text
    ), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            _(
                "The form expired or was sent from another page. "
                "Please go back, reload and try again."
            ),
        )

    @app.errorhandler(NotAllowed)
    def not_allowed(error: NotAllowed) -> tuple[str, int]:
        db.session.rollback()
        return render_error(403)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> object:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        log.error("unhandled error", exc_info=getattr(error, "original_exception", None))
        # The failed work may have left the session unusable; the layout may need it.
        db.session.rollback()
        return render_error(500)
