"""The refresh cycle's mail and links: the request (and its reminder) to a focal point,
and the flags and escalations to the Secretariat. Every message goes through
`core.mailer`, in the reader's language, with an idempotency key per request or cycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.accounts.models import User
from webapp.core import grammar, mailer, tokens
from webapp.core.links import external_url
from webapp.core.reference import MemberState
from webapp.directory.models import RefreshRequest
from webapp.directory.standing import Standing

# The kinds of mail (outbox `kind`; also the first part of each idempotency key).
REQUEST_MAIL = "directory-refresh-request"
REMINDER_MAIL = "directory-refresh-reminder"
NO_FOCAL_POINT_MAIL = "directory-refresh-no-focal-point"
ESCALATION_MAIL = "directory-refresh-escalation"

TOKEN_PURPOSE = "directory-refresh"


def review_token(request: RefreshRequest) -> str:
    return tokens.sign(TOKEN_PURPOSE, {"request": request.id})


def review_link(request: RefreshRequest) -> str:
    return external_url("refresh.review", token=review_token(request))


def link_max_age() -> int:
    return int(current_app.config["REFRESH_LINK_MAX_AGE_SECONDS"])


def _compose(
    kind: str,
    recipient: mailer.Recipient,
    key: str,
    subject: Callable[[], str],
    template: str,
    **context: object,
) -> int | None:
    return mailer.compose(
        kind,
        recipient,
        subject=subject,
        template=f"directory/{template}",
        key=key,
        context=context,
    )


def mail_request(
    request: RefreshRequest, person: User, standing: Standing, now: datetime, reminder: bool
) -> int | None:
    """The request (or its reminder) to one focal point, with their review link."""
    language = mailer.recipient_language(person.language)
    if reminder:
        kind = REMINDER_MAIL

        def subject() -> str:
            return _(
                "Reminder: please review the directory entries %(of_state)s",
                of_state=grammar.state_name(request.member_state, "of"),
            )
    else:
        kind = REQUEST_MAIL

        def subject() -> str:
            return _(
                "Please review the directory entries %(of_state)s",
                of_state=grammar.state_name(request.member_state, "of"),
            )

    return _compose(
        kind,
        mailer.Recipient(person.email, person.name, language, person.timezone),
        f"{kind}:{request.id}",
        subject,
        "refresh_mail_request",
        person=person,
        state=request.member_state,
        refresh_request=request,
        standing=standing,
        reminder=reminder,
        link=review_link(request),
        valid_until=(now + timedelta(seconds=link_max_age())).date(),
    )


def _secretariat() -> mailer.Recipient:
    """The Secretariat's shared address, written to in the Secretariat's language."""
    return mailer.Recipient(
        current_app.config["SECRETARIAT_EMAIL"],
        language=mailer.recipient_language(current_app.config["SECRETARIAT_LANGUAGE"]),
    )


def flag_no_focal_point(standing: Standing, cycle: date) -> int | None:
    """Tell the Secretariat, once per cycle, that a due state has nobody to ask."""
    return _compose(
        NO_FOCAL_POINT_MAIL,
        _secretariat(),
        f"{NO_FOCAL_POINT_MAIL}:{standing.state.id}:{cycle.isoformat()}",
        lambda: _(
            "No focal point to review the directory entries %(of_state)s",
            of_state=grammar.state_name(standing.state, "of"),
        ),
        "refresh_mail_no_focal_point",
        state=standing.state,
        standing=standing,
        cycle=cycle,
        coverage_link=external_url("refresh.coverage"),
    )


def mail_escalation(
    state: MemberState, cycle: date, members: list[tuple[RefreshRequest, User]]
) -> int | None:
    """Tell the Secretariat, once per state and cycle, who was asked and has not answered."""
    return _compose(
        ESCALATION_MAIL,
        _secretariat(),
        f"{ESCALATION_MAIL}:{state.id}:{cycle.isoformat()}",
        lambda: ngettext(
            "%(state)s has not answered the directory refresh request",
            "%(state)s have not answered the directory refresh request",
            grammar.state_number(state),
            state=grammar.state_name(state, "subject", start=True),
        ),
        "refresh_mail_escalation",
        state=state,
        cycle=cycle,
        members=members,
        sent_at=min(r.sent_at for r, _p in members),
        coverage_link=external_url("refresh.coverage"),
    )
