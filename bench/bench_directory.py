"""The Directory at scale: 10,000 points of contact across the 35 member states.

Measures, with the Flask test client signed in as an admin, the directory search page
(GET /directory/ without and with filters) and the coverage page: median and p95 time over
N requests, and the SQL queries each request issues. It then does the same at 1,000
contacts and prints the ratios, so that query counts not growing with the data is visible.

Run: `.venv/bin/python bench/bench_directory.py [--requests N] [--contacts 10000]`.
Uses a temporary SQLite database, or DATABASE_URL if set (a scratch database: its tables
are dropped and recreated; the benchmark refuses a database that holds users unless
--reset is given).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SMALL = 1_000
FIRST = ["Ana", "Bruno", "Carla", "Diego", "Elena", "Fernando", "Gabriela", "Hugo", "Inés",
         "João", "Karen", "Luis", "María", "Nicolás", "Olivia", "Pedro", "Renée", "Santiago",
         "Tatiana", "Victor"]  # fmt: skip
LAST = ["Alves", "Baptiste", "Castro", "Díaz", "Evans", "Fuentes", "García", "Henry",
        "Ibarra", "Johnson", "López", "Martin", "Núñez", "Ortiz", "Pereira", "Quispe",
        "Rodríguez", "Silva", "Thompson", "Vargas"]  # fmt: skip
TITLES = ["Inspector", "Director of Enforcement", "Customs Officer", "Superintendent",
          "Legal Adviser", "Head of Intelligence", "Port Security Officer"]  # fmt: skip
KINDS = ["customs", "police", "immigration", "prosecutor", "other"]
LANGUAGES = ["es", "en", "fr", "pt", "es,en", "en,fr", "pt,es"]


@dataclass
class Figures:
    label: str
    path: str
    median_ms: float
    p95_ms: float
    queries: int
    status: int


def make_app(database_url: str, work: Path):
    import config
    from webapp import create_app

    settings = {
        k: getattr(config.TestingConfig, k) for k in dir(config.TestingConfig) if k.isupper()
    }
    settings.update(
        SQLALCHEMY_DATABASE_URI=config.normalise_database_url(database_url),
        CELERY_BROKER_URL=None,
        CELERY_QUEUE_DIR=str(work / "celery-queue"),
    )
    return create_app(settings)


def reset_database(app, allow_existing: bool) -> None:
    import sqlalchemy as sa

    from webapp.extensions import db

    with app.app_context():
        inspector = sa.inspect(db.engine)
        if inspector.has_table("users") and not allow_existing:
            holds_users = db.session.scalar(sa.text("SELECT COUNT(*) FROM users"))
            db.session.rollback()
            if holds_users:
                raise SystemExit(
                    "DATABASE_URL holds users; point it at a scratch database or pass --reset."
                )
        db.drop_all()
        db.create_all()


def reference_rows() -> None:
    """The 35 member states and the areas: the reference loader when there is one, else
    minimal rows made here."""
    from webapp.extensions import db

    try:
        from webapp.reference.services import load_reference_data
    except ImportError:
        load_reference_data = None
    if load_reference_data is not None:
        load_reference_data()
        db.session.commit()
        return
    from webapp.core.reference import MemberState
    from webapp.directory.models import Area

    for n in range(35):
        code = f"{chr(65 + n // 26)}{chr(65 + n % 26)}"
        name = f"State {code}"
        db.session.add(
            MemberState(
                code=code, code3=code + "X", name_en=name, name_es=name, name_fr=name, name_pt=name
            )
        )
    for position, code in enumerate(["customs", "law_enforcement", "immigration", "firearms"]):
        db.session.add(
            Area(
                code=code,
                position=position,
                name_en=code,
                name_es=code,
                name_fr=code,
                name_pt=code,
            )
        )
    db.session.commit()


def build(app, contacts: int, seed: int = 7) -> int:
    """Fill the database with `contacts` entries across the states, focal points for most
    states, and some refresh requests. Returns the admin's id. Core inserts, so it is quick
    (and the audit log stays empty)."""
    import sqlalchemy as sa

    from webapp.accounts.models import User, user_states
    from webapp.core.reference import MemberState
    from webapp.directory.models import (
        Agency,
        Area,
        PointOfContact,
        RefreshRequest,
        contact_areas,
        searchable,
    )
    from webapp.extensions import db

    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = now.date()
    with app.app_context():
        reference_rows()
        states = list(db.session.scalars(sa.select(MemberState).order_by(MemberState.id)))
        areas = list(db.session.scalars(sa.select(Area).order_by(Area.id)))

        agency_rows, agency_ids = [], {}
        next_id = 1
        for state in states:
            for kind in KINDS[:4]:
                name = f"{kind.title()} authority of {state.name_en}"
                agency_rows.append(
                    {
                        "id": next_id,
                        "member_state_id": state.id,
                        "name": name,
                        "kind": kind,
                        "search_text": searchable(name),
                    }
                )
                agency_ids.setdefault(state.id, []).append(next_id)
                next_id += 1
        db.session.execute(sa.insert(Agency.__table__), agency_rows)

        contact_rows, area_rows = [], []
        for n in range(1, contacts + 1):
            state = states[n % len(states)]
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            title = rng.choice(TITLES)
            created = now - timedelta(days=rng.randint(30, 900))
            contact_rows.append(
                {
                    "id": n,
                    "member_state_id": state.id,
                    "agency_id": rng.choice(agency_ids[state.id]),
                    "name": name,
                    "title": title,
                    "email": f"officer{n}@{state.code.lower()}.example.org",
                    "phones": f"+1555{n:07d}",
                    "languages": rng.choice(LANGUAGES),
                    "designation": "primary" if n % 3 else "alternate",
                    "visibility": "secretariat" if n % 10 == 0 else "member_states",
                    "status": "withdrawn" if n % 20 == 0 else "active",
                    "last_verified_on": (
                        None if n % 15 == 0 else today - timedelta(days=rng.randint(0, 420))
                    ),
                    "created_at": created,
                    "updated_at": created,
                    "search_text": searchable(name, title),
                }
            )
            for area in rng.sample(areas, k=rng.choice((1, 1, 2, 3))):
                area_rows.append({"contact_id": n, "area_id": area.id})
        for start in range(0, len(contact_rows), 2000):
            db.session.execute(
                sa.insert(PointOfContact.__table__), contact_rows[start : start + 2000]
            )
        db.session.execute(sa.insert(contact_areas), area_rows)

        admin = User(email="admin@bench.example.org", name="Admin", password_hash="x")
        admin.role_names = {"admin"}
        db.session.add(admin)
        focal_points = []
        for state in states[:30]:  # five states without a focal point
            person = User(email=f"focal-{state.code.lower()}@bench.example.org", password_hash="x")
            person.role_names = {"focal_point"}
            db.session.add(person)
            focal_points.append((state, person))
        db.session.flush()
        db.session.execute(
            sa.insert(user_states),
            [{"user_id": p.id, "member_state_id": s.id} for s, p in focal_points],
        )
        for i, (state, person) in enumerate(focal_points[:20]):
            sent = now - timedelta(days=5 + i * 2)
            db.session.add(
                RefreshRequest(
                    member_state_id=state.id,
                    cycle=sent.date(),
                    focal_point_id=person.id,
                    sent_at=sent,
                    answered_at=sent + timedelta(days=3) if i % 2 else None,
                    answer="confirmed" if i % 2 else None,
                )
            )
        db.session.commit()
        return admin.id


def measure(app, admin_id: int, requests: int) -> list[Figures]:
    import sqlalchemy as sa

    from webapp.accounts.models import User
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
        admin = db.session.get(User, admin_id)
        user_key = admin.get_id()
        first_state = db.session.scalar(sa.text("SELECT code FROM member_states ORDER BY id"))

    pages = [("coverage", "/directory/coverage")]
    if "directory.search" in app.view_functions:
        pages = [
            ("search, no filter", "/directory/"),
            ("search, state", f"/directory/?state={first_state}"),
            ("search, area + language", "/directory/?area=customs&language=es"),
            ("search, text", "/directory/?q=maria"),
            ("search, page 5", "/directory/?page=5"),
            *pages,
        ]
    else:
        print("  (GET /directory/ is not there yet: measuring the coverage page only)")

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_key
        session["_fresh"] = True
    results = []
    try:
        for label, path in pages:
            client.get(path)  # warm: templates compiled, caches filled
            times, counts, status = [], set(), 200
            for _ in range(requests):
                statements.clear()
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                counts.add(len(statements))
                status = max(status, response.status_code)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            results.append(
                Figures(label, path, statistics.median(times), p95, max(counts), status)
            )
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return results


def run(database_url: str, work: Path, contacts: int, requests: int, reset: bool):
    app = make_app(database_url, work)
    reset_database(app, allow_existing=reset)
    started = time.perf_counter()
    admin_id = build(app, contacts)
    built = time.perf_counter() - started
    print(f"\n{contacts:,} contacts across 35 states (built in {built:.1f} s)")
    figures = measure(app, admin_id, requests)
    print(f"  {'page':<26}{'median ms':>10}{'p95 ms':>10}{'queries':>9}  status")
    for f in figures:
        print(f"  {f.label:<26}{f.median_ms:>10.1f}{f.p95_ms:>10.1f}{f.queries:>9}  {f.status}")
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=25, help="timed requests per page")
    parser.add_argument("--reset", action="store_true", help="allow wiping DATABASE_URL")
    args = parser.parse_args()

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="puerto-bench-") as folder:
        work = Path(folder)
        os.environ.setdefault("PUERTO_INSTANCE", str(work))
        url = os.environ.get("DATABASE_URL")
        large_url = url or f"sqlite:///{work / 'large.sqlite3'}"
        small_url = url or f"sqlite:///{work / 'small.sqlite3'}"
        print(f"Directory benchmark on {'DATABASE_URL' if url else 'a temporary SQLite file'}")
        large = run(large_url, work, args.contacts, args.requests, args.reset)
        small = run(small_url, work, SMALL, args.requests, True)

    print(f"\n{args.contacts:,} vs {SMALL:,} contacts")
    print(f"  {'page':<26}{'time ratio':>11}{'queries':>12}")
    growing = []
    for big, little in zip(large, small, strict=True):
        ratio = big.median_ms / little.median_ms if little.median_ms else float("nan")
        print(f"  {big.label:<26}{ratio:>10.2f}x{little.queries:>6} -> {big.queries:<4}")
        if big.queries != little.queries:
            growing.append(big.label)
    failed = [f.label for f in large + small if f.status != 200]
    print(f"\nTotal {time.perf_counter() - started:.1f} s.")
    if growing:
        print(f"Query counts grow with the data on: {', '.join(growing)}")
    if failed:
        print(f"Pages that did not answer 200: {', '.join(failed)}")
    return 1 if growing or failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
