"""The kept acknowledgement letters of receipts and in-kind contributions, as HTML and
PDF, for those who read the contributions. Routes on the contributions blueprint."""

from __future__ import annotations

from flask import Response, abort

from webapp.contributions import receipts
from webapp.contributions.models import AcknowledgementLetter
from webapp.contributions.views import READERS, bp
from webapp.core.access import allow


def _as_html(letter: AcknowledgementLetter | None) -> Response:
    if letter is None:
        abort(404)
    # The letter carries its own print styles; nothing else may run in it.
    return Response(
        letter.html,
        mimetype="text/html",
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )


def _as_pdf(letter: AcknowledgementLetter | None) -> Response:
    if letter is None:
        abort(404)
    name = f"acknowledgement-{letter.year}-{letter.number:04d}.pdf"
    return Response(
        letter.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename={name}"},
    )


@bp.get("/receipts/<int:receipt_id>/letter")
@allow(*READERS)
def letter(receipt_id: int) -> Response:
    found = receipts.get_receipt(receipt_id) or abort(404)
    return _as_html(found.letter)


@bp.get("/receipts/<int:receipt_id>/letter.pdf")
@allow(*READERS)
def letter_pdf(receipt_id: int) -> Response:
    found = receipts.get_receipt(receipt_id) or abort(404)
    return _as_pdf(found.letter)


@bp.get("/in-kind/<int:gift_id>/letter")
@allow(*READERS)
def in_kind_letter(gift_id: int) -> Response:
    found = receipts.get_in_kind(gift_id) or abort(404)
    return _as_html(found.letter)


@bp.get("/in-kind/<int:gift_id>/letter.pdf")
@allow(*READERS)
def in_kind_letter_pdf(gift_id: int) -> Response:
    found = receipts.get_in_kind(gift_id) or abort(404)
    return _as_pdf(found.letter)
