"""Email addresses as people type them: normalised by email-validator (no DNS lookup), or
refused with the reason in the reader's language.

email-validator's own reasons are English sentences, and a focal point reading the
directory's form in Portuguese was shown "An email address must have an @-sign." So the
mistakes people make (no @, two of them, a space, a domain without a period...) are
named here, in the catalogs; anything rarer gets one plain sentence. The refusal is a
`core.deferred.Message`, so an import's rejected row can say it later in another language.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from webapp.core.deferred import Message, deferred_gettext
from webapp.core.errors import RuleError


def email_address(raw: str | None, field: str = "email") -> str:
    """The address, normalised; `RuleError` naming `field` with the reason if it is not one."""
    value = (raw or "").strip()
    if not value:
        raise RuleError(deferred_gettext("Enter an email address."), field)
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise RuleError(why_not_an_address(value), field) from None


def why_not_an_address(value: str) -> Message:
    """What is wrong with a typed address that email-validator refused, said plainly."""
    local, _at, domain = value.partition("@")
    if "@" not in value:
        return deferred_gettext(
            "“%(value)s” is not an email address: it has no @ sign.", value=value
        )
    if "@" in domain:
        return deferred_gettext(
            "“%(value)s” is not an email address: it has more than one @ sign.", value=value
        )
    if not local:
        return deferred_gettext(
            "“%(value)s” is not an email address: nothing comes before the @ sign.", value=value
        )
    if not domain:
        return deferred_gettext(
            "“%(value)s” is not an email address: nothing comes after the @ sign.", value=value
        )
    if any(character.isspace() for character in value):
        return deferred_gettext(
            "“%(value)s” is not an email address: it contains a space.", value=value
        )
    if ".." in value:
        return deferred_gettext(
            "“%(value)s” is not an email address: it has two periods in a row.", value=value
        )
    if "." not in domain:
        return deferred_gettext(
            "“%(value)s” is not an email address: the part after the @ sign needs a period,"
            " as in example.org.",
            value=value,
        )
    return deferred_gettext(
        "“%(value)s” is not a valid email address: please check it for a typing mistake.",
        value=value,
    )
