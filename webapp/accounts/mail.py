"""The kinds of mail accounts sends: the outbox `kind`, also the name of the templates
under `accounts/email/`."""

from __future__ import annotations

INVITATION_MAIL = "invitation"
PASSWORD_RESET_MAIL = "password_reset"
# To an address no account uses, so that both answers cost the same work.
PASSWORD_RESET_NO_ACCOUNT_MAIL = "password_reset_no_account"
