"""The one reading of a list page's `page` query argument."""

from __future__ import annotations

from flask import request

# Far beyond any real list, small enough that OFFSET stays a normal integer.
MAX_PAGE = 100_000


def requested_page() -> int:
    """The `page` query argument as a usable page number: 1 when missing or malformed."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)
