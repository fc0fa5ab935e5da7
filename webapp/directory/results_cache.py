"""The search page's results (count, rows and numbered pages), rendered once per page of
results, language and what the viewer may see, and kept until anything in the directory
changes, in any process (see `webapp.core.freshness`). Everything else on the page (the
filters, the actions) is rendered per request."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from webapp.core import freshness
from webapp.directory import listing
from webapp.directory.permissions import viewer_scope
from webapp.directory.search import Filters
from webapp.directory.standings_cache import DIRECTORY


def results(
    user: Any, filters: Filters, page: int, sort: str, language: str, args: dict[str, str]
) -> Markup:
    scope = viewer_scope(user)
    key = (
        "search",
        language,
        (scope.everything, scope.shared, tuple(sorted(scope.own_states))),
        tuple(sorted(args.items())),
        sort,
        page,
    )

    def render() -> Markup:
        found = listing.search(user, filters, page, sort, language)
        return Markup(
            render_template(
                "directory/_results.html",
                page=found,
                page_numbers=listing.page_numbers(found),
                page_args={**args, "sort": sort} if sort != listing.DEFAULT_SORT else args,
            )
        )

    return freshness.cached(DIRECTORY, key, render)
