"""Acknowledgement letters: one per receipt or in-kind contribution, numbered without gaps
within a year (one sequence for both), written in the donor's language as HTML and PDF,
kept with what they acknowledge and emailed to the donor's contact through the outbox in
the same transaction."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from webapp.contributions.models import (
    AcknowledgementLetter,
    Donor,
    InKindContribution,
    LetterSequence,
    Receipt,
)
from webapp.core import mailer, outbox
from webapp.core.grammar import state_name
from webapp.core.mailer import reading_as, recipient_language
from webapp.extensions import db

ACKNOWLEDGEMENT = "contribution-acknowledgement"


def next_number(year: int) -> int:
    """The next number of `year`, taken inside the caller's transaction: the row update
    locks the year's counter until commit, and a rollback gives the number back."""
    bump = (
        sa.update(LetterSequence)
        .where(LetterSequence.year == year)
        .values(last_number=LetterSequence.last_number + 1)
        .returning(LetterSequence.last_number)
        .execution_options(synchronize_session=False)
    )
    number = db.session.execute(bump).scalar()
    if number is not None:
        return number
    try:
        with db.session.begin_nested():
            db.session.add(LetterSequence(year=year, last_number=1))
        return 1
    except IntegrityError:  # another transaction started the year first
        return db.session.execute(bump).scalar_one()


# "received from …": the "of" form of the glossary in es/fr/pt ("do Brasil", "du Mexique",
# "de México"); English says "from" before the subject form ("from the United States").
_FROM_OTHER = {"en": "from {}", "es": "de {}", "fr": "de {}", "pt": "de {}"}


def donor_names(donor: Donor, language: str) -> dict[str, str]:
    """The donor's name for a letter or mail in `language`: `donor_name` bare (the address
    line) and `from_donor`, the phrase that follows "received" (GLOSSARY.md)."""
    ref = donor.reference
    if ref is None:
        pattern = _FROM_OTHER.get(language, _FROM_OTHER["en"])
        return {"donor_name": donor.name, "from_donor": pattern.format(donor.name)}
    if language == "en":
        from_donor = "from " + state_name(ref, "subject", language)
    else:
        from_donor = state_name(ref, "of", language)
    return {"donor_name": state_name(ref, "bare", language), "from_donor": from_donor}


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango

    return HTML(string=html, base_url=None).write_pdf()


def acknowledge(entry: Receipt | InKindContribution, *, now: datetime) -> AcknowledgementLetter:
    """Write, keep and email the letter acknowledging a receipt or an in-kind contribution;
    both take their number from the same yearly sequence."""
    donor = entry.donor
    is_receipt = isinstance(entry, Receipt)
    language = recipient_language(donor.language)
    zone = current_app.config["DEFAULT_TIMEZONE"]
    year = now.year
    number = next_number(year)
    # Transient until complete: a posted letter is never updated.
    letter = AcknowledgementLetter(
        receipt_id=entry.id if is_receipt else None,
        in_kind_id=None if is_receipt else entry.id,
        year=year,
        number=number,
        language=language,
        html="",
        pdf=b"",
    )
    entries = {"receipt": entry, "gift": None} if is_receipt else {"receipt": None, "gift": entry}
    with reading_as(language, zone):
        letter.html = render_template(
            "contributions/letter.html",
            letter=letter,
            issued_on=now.date(),
            **entries,
            **donor_names(donor, language),
        )
    letter.pdf = render_pdf(letter.html)
    contact = donor.contacts[0] if donor.contacts else None
    if contact is not None:
        letter.sent_to = contact.email
    db.session.add(letter)
    db.session.flush()
    if contact is not None:
        reader = contact.language or language
        mailer.compose(
            ACKNOWLEDGEMENT,
            mailer.Recipient(contact.email, contact.name, reader),
            subject=lambda: _(
                "Acknowledgement of your contribution %(number)s", number=letter.reference
            ),
            template="contributions/mail/acknowledgement",
            key=(
                f"contributions-acknowledgement:{entry.id}"
                if is_receipt
                else f"contributions-acknowledgement:in-kind:{entry.id}"
            ),
            context=lambda: {
                "letter": letter,
                **entries,
                **donor_names(donor, recipient_language(reader)),
            },
            attachments=[
                outbox.Attachment(
                    f"acknowledgement-{year}-{number:04d}.pdf", "application/pdf", letter.pdf
                )
            ],
        )
    return letter
