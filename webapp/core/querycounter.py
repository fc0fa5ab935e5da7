"""SQL statements per request in an `X-Query-Count` response header, for `make bench`.

Off unless `QUERY_COUNT_HEADER` is set (the environment variable of the same name): the
count is for measuring, and costs a listener call per statement."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, g, has_app_context

HEADER = "X-Query-Count"


def _count(*_args: Any) -> None:
    if has_app_context() and "query_count" in g:
        g.query_count += 1


def init_app(app: Flask) -> None:
    if not app.config.get("QUERY_COUNT_HEADER"):
        return
    # On the Engine class: the app's engine is made lazily, and every engine counts.
    if not sa.event.contains(sa.engine.Engine, "before_cursor_execute", _count):
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", _count)

    @app.before_request
    def _start() -> None:
        g.query_count = 0

    @app.after_request
    def _report(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("query_count", 0))
        return response
