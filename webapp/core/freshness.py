"""Results kept between requests, and dropped after any change, made by any process.

A named group of tables ("directory": entries, agencies, areas, states, accounts, refresh
requests) has one row in `data_versions` holding a random token. A transaction that
wrote to one of its tables through the session (a flush of changed objects, or an
INSERT, UPDATE or DELETE statement run with `db.session.execute`) sets a new token just
before it commits, in the same transaction, so the token and the data it stands for
commit together. A reader takes the
token first and then computes: a result is reused only while the token it was computed
under is the current one, whichever web process or worker made the change since. Tokens
are random, never counters, so they do not repeat even when the table is emptied.

A column no kept result reads, written often (the time of a person's last sign-in), can
be declared `unseen`: an update that changes only such columns renews no token.

Writes that bypass the session (a raw connection, psql) are not seen: they must be
followed by `touch(name)` and a commit.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import g, has_app_context
from flask_babel import get_locale, get_timezone
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from webapp.extensions import db

T = TypeVar("T")
MAX_ENTRIES = 256
MAX_TEXT = 32_000_000  # characters of rendered HTML kept per process, about 32 MB


class DataVersion(db.Model):
    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))


# Built once, not on every read: most pages read a token.
_TOKEN_OF = sa.select(DataVersion.token).where(DataVersion.name == sa.bindparam("name"))
_WATCHED: dict[str, frozenset[str]] = {}
_UNSEEN: dict[str, frozenset[str]] = {}
_store: OrderedDict[tuple[str, Hashable], tuple[str, Any]] = OrderedDict()
_lock = threading.Lock()
_text_size = 0  # characters of the str results in `_store` (or in their tuples)
_PENDING = "freshness.pending"
_MEMO = "_freshness_tokens"
# Where a kept page's forms carry their CSRF token, the one thing in them that is per
# session: put there by the template (`CSRF_FIELD`) or by `without_csrf_token`.
CSRF_TOKEN = "__puerto_csrf_token__"
CSRF_FIELD = Markup(
    f'<input id="csrf_token" name="csrf_token" type="hidden" value="{CSRF_TOKEN}">'
)


def without_csrf_token(html: str) -> str:
    """A page about to be kept, its forms' CSRF token (one per session; none where CSRF
    protection is off) replaced by the placeholder."""
    return html.replace(generate_csrf(), CSRF_TOKEN)


def with_csrf_token(html: str) -> Markup:
    """A kept page with this session's CSRF token where the placeholder stands."""
    return Markup(html.replace(CSRF_TOKEN, str(escape(generate_csrf()))))


def language_and_zone() -> tuple[str, str]:
    """The reader's language and time zone: the part of a kept page's key that says whom
    it was written for.

    A rendered page reads in one language (its words, dates and numbers) and shows its
    instants in one zone; no write announces a reader's choice of either, so only the key
    keeps one reader's rendering from being served to another who reads in another
    language or zone. A page that shows no instant keys on the language alone, and so is
    kept once for every zone."""
    return str(get_locale()), str(get_timezone())


def watch(name: str, *tables: str) -> None:
    """Name a group of tables whose changes drop the results kept under `name`."""
    _WATCHED[name] = _WATCHED.get(name, frozenset()) | frozenset(tables)


def unseen(table: str, *columns: str) -> None:
    """Columns of a watched table that no kept result reads: bookkeeping written often,
    such as the time of a person's last sign-in. An update of a row that changes only
    these drops nothing (an insert or a delete of the row still does)."""
    _UNSEEN[table] = _UNSEEN.get(table, frozenset()) | frozenset(columns)


def watched_names() -> list[str]:
    """Every group of tables with results kept between requests."""
    return sorted(_WATCHED)


def touch(session: Session, name: str) -> None:
    """A new token for `name`, in the session's transaction."""
    token = secrets.token_hex(16)
    # On the session's connection: inside a flush, and unseen by the statement hook.
    connection = session.connection()
    changed = connection.execute(
        sa.update(DataVersion.__table__).where(DataVersion.name == name).values(token=token)
    )
    if not changed.rowcount:
        connection.execute(sa.insert(DataVersion.__table__).values(name=name, token=token))


def current(name: str) -> str | None:
    """The token of `name`, read once per request (and again after the request commits)."""
    memo = g.setdefault(_MEMO, {}) if has_app_context() else {}
    if name not in memo:
        memo[name] = db.session.scalar(_TOKEN_OF, {"name": name})
    return memo[name]


def read_tokens(*names: str) -> tuple[str | None, ...]:
    """The tokens of several names in one query (for a result that depends on more than
    one group: the others' tokens go in its key), each then kept for the request as
    `current` keeps it."""
    memo = g.setdefault(_MEMO, {}) if has_app_context() else {}
    missing = [name for name in names if name not in memo]
    if missing:
        found = dict(
            db.session.execute(
                sa.select(DataVersion.name, DataVersion.token).where(DataVersion.name.in_(missing))
            ).all()
        )
        memo.update({name: found.get(name) for name in missing})
    return tuple(memo[name] for name in names)


def cached(
    name: str,
    key: Hashable,
    compute: Callable[[], T],
    *,
    stale: Callable[[T], bool] | None = None,
) -> T:
    """`compute()`, or what it returned before under the same key if nothing in `name`
    changed since and `stale` (if given) does not find it out of date: for a result that
    also depends on the clock ("the next meeting"), which no write announces. One small
    query per call (per request, for every call on one name)."""
    token = current(name)
    if token is None:  # never written since the tables were made or emptied
        return compute()
    with _lock:
        found = _store.get((name, key))
        if found is not None and found[0] == token and not (stale and stale(found[1])):
            _store.move_to_end((name, key))
            return found[1]
    value = compute()
    with _lock:
        old = _store.pop((name, key), None)
        global _text_size
        _text_size += _size(value) - (_size(old[1]) if old else 0)
        _store[(name, key)] = (token, value)
        # The oldest go first, past a number of results or of characters of rendered
        # pages (a participants table of a thousand rows is close to a megabyte).
        while len(_store) > MAX_ENTRIES or (_text_size > MAX_TEXT and len(_store) > 1):
            _key, (_token, dropped) = _store.popitem(last=False)
            _text_size -= _size(dropped)
    return value


def _size(value: object) -> int:
    """Characters of text in a result: a page, or a tuple holding one (with its title, say)."""
    if isinstance(value, tuple):
        return sum(_size(part) for part in value)
    return len(value) if isinstance(value, str) else 0


def _names_for(tables: set[str]) -> set[str]:
    return {name for name, watched in _WATCHED.items() if watched & tables}


def _mark(session: Session, names: set[str]) -> None:
    if names:
        session.info.setdefault(_PENDING, set()).update(names)


def _seen_change(state: Any) -> bool:
    """Whether an updated object changed anything but its table's unseen columns (in
    `after_flush`, attribute histories still hold the flush's changes)."""
    ignored = _UNSEEN.get(state.mapper.local_table.name)
    if not ignored:
        return True
    return any(
        attribute.history.has_changes()
        for attribute in state.attrs
        if attribute.key not in ignored
    )


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, context: Any) -> None:
    states = [sa.inspect(obj) for obj in (*session.new, *session.deleted)]
    states += [state for state in map(sa.inspect, session.dirty) if _seen_change(state)]
    tables = {table.name for state in states for table in state.mapper.tables}
    _mark(session, _names_for(tables))


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state: Any) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name is not None and name != DataVersion.__tablename__:
        _mark(state.session, _names_for({name}))


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # The token row is the last lock a transaction takes, held only while it commits: no
    # writer waits on another's data rows while holding it, so no deadlock through it.
    session.flush()
    for name in sorted(session.info.pop(_PENDING, set())):
        touch(session, name)
    if has_app_context():
        g.pop(_MEMO, None)  # read again: this commit, or others' since, may have renewed it


# Marks are not cleared on rollback (a savepoint's rollback would drop the outer
# transaction's too): a mark left over only renews the token once more, which is harmless.
