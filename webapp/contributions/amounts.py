"""Reading amounts and currencies typed by finance staff, with the refusal each deserves."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.core.errors import RuleError
from webapp.core.money import Money, MoneyError, parse_money, precision


def parse_amount(text: str | None, currency: str | None, field: str = "amount") -> Money:
    """A positive amount in `currency`, exactly as typed (never rounded)."""
    code = (currency or "").strip().upper()
    try:
        money = parse_money(text or "", code)
    except MoneyError as error:
        if error.reason == MoneyError.UNKNOWN_CURRENCY:
            raise RuleError(
                _("%(code)s is not an ISO 4217 currency code.", code=code[:10] or "?"),
                "currency",
            ) from error
        if error.reason == MoneyError.TOO_PRECISE:
            places = precision(code)
            if places == 0:
                message = _("Amounts in %(code)s have no decimals.", code=code)
            else:
                message = ngettext(
                    "Amounts in %(code)s have at most %(num)d decimal.",
                    "Amounts in %(code)s have at most %(num)d decimals.",
                    places,
                    code=code,
                )
            raise RuleError(message, field) from error
        raise RuleError(_("Enter the amount as a number, such as 1250.50."), field) from error
    if money.amount <= 0:
        raise RuleError(_("Enter an amount greater than zero."), field)
    if money.minor_units >= 10**15:
        raise RuleError(_("This amount is too large."), field)
    return money


def parse_currency(text: str | None, field: str = "currency") -> str:
    code = (text or "").strip().upper()
    try:
        parse_money("0", code)
    except MoneyError as error:
        raise RuleError(
            _("%(code)s is not an ISO 4217 currency code.", code=code[:10] or "?"), field
        ) from error
    return code
