"""List pages: the one reading of the `page` query argument, and a page of results."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask import request

# Far beyond any real list, small enough that OFFSET stays a normal integer.
MAX_PAGE = 100_000


def requested_page(argument: str = "page") -> int:
    """The `page` query argument (or another, for a second list on the page) as a usable
    page number: 1 when missing or malformed."""
    page = request.args.get(argument, 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` results fill; an empty list still has its one page."""
    return max(1, math.ceil(total / per_page))


@dataclass
class Page:
    """One page of results, shaped like Flask-SQLAlchemy's pagination for `_forms.html`."""

    items: list[Any]
    page: int
    per_page: int
    total: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
