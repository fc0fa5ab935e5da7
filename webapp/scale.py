"""`flask demo scale --seed N`: a database at the Secretariat's volume after years of use,
for measuring pages as users see them (`make bench`).

The same seed and day give the same rows. Rows go in with bulk Core inserts (one statement
per few thousand rows), so 10,000 contacts and a year of audit and outbox rows take
seconds. Each part of the platform fills its own rows in one function registered in
`PARTS`; a part that lands later (meetings, training, contributions) adds its function
with `@part("name")` in its own module and imports it in `load_parts`.

Over 400 lines because it is data generation for the directory and the core (states,
agencies, contacts, audit and outbox rows), flat and without rules; the other parts'
fillers belong in their own modules.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import click
import sqlalchemy as sa

from webapp.extensions import db

BATCH = 2_000
SCALE_PASSWORD = "puerto-scale-2026"


@dataclass(frozen=True)
class Volumes:
    """How much of each kind of row to make; parts that land later add their own."""

    agencies: int = 2_000
    contacts: int = 10_000
    audit_entries: int = 40_000
    outbox_messages: int = 20_000
    focal_points_per_state: int = 2
    states_without_focal_point: int = 5
    refresh_cycles: int = 4
    meeting_series: int = 500
    occurrences: int = 10_000
    participants: int = 100_000
    busiest_series_participants: int = 1_000  # series-wide, in the first series
    pledges: int = 1_000
    receipts: int = 20_000
    extra: dict[str, int] = field(default_factory=dict)


@dataclass
class Scale:
    """What one fill knows: the random source, the day, the volumes, and the ids made so
    far by earlier parts (`ids["contacts"]`...), so later parts can refer to them."""

    rng: random.Random
    today: date
    volumes: Volumes
    ids: dict[str, Any] = field(default_factory=dict)

    @property
    def now(self) -> datetime:
        return datetime.combine(self.today, time(12, 0), tzinfo=UTC)

    def moment_in_last_year(self) -> datetime:
        return self.now - timedelta(seconds=self.rng.randint(0, 365 * 86_400))


Filler = Callable[[Scale], int]
PARTS: list[tuple[str, Filler]] = []


def part(name: str) -> Callable[[Filler], Filler]:
    """Register a function that fills one part's rows and returns how many it made.
    Parts run in registration order; a later part may read `scale.ids` of earlier ones."""

    def register(filler: Filler) -> Filler:
        PARTS.append((name, filler))
        return filler

    return register


def insert(table: sa.Table, rows: list[dict[str, Any]], returning: bool = False) -> list[int]:
    """Bulk insert in batches; with `returning`, the new ids in the order of `rows`."""
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        if returning:
            statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids.extend(db.session.execute(statement, chunk).scalars())
        else:
            db.session.execute(sa.insert(table), chunk)
    return ids


# --- Names --------------------------------------------------------------------------

FIRST = ["Ana", "Bruno", "Carla", "Diego", "Elena", "Fernando", "Gabriela", "Hugo", "Inés",
         "João", "Karen", "Luis", "María", "Nicolás", "Olivia", "Pedro", "Renée", "Santiago",
         "Tatiana", "Victor", "Aaliyah", "Jean-Baptiste", "Marie-Claire", "Kwame", "Sofía",
         "Andrés", "Camila", "Rafael", "Dwayne", "Beatriz"]  # fmt: skip
LAST = ["Alves", "Baptiste", "Castro", "Díaz", "Evans", "Fuentes", "García", "Henry",
        "Ibarra", "Johnson", "López", "Martin", "Núñez", "Ortiz", "Pereira", "Quispe",
        "Rodríguez", "Silva", "Thompson", "Vargas", "Pierre-Louis", "Campbell", "Mendoza",
        "Gonçalves", "Williams", "Herrera", "Joseph", "Romero", "Santos", "Brown"]  # fmt: skip
TITLES = ["Inspector", "Director of Enforcement", "Customs Officer", "Superintendent",
          "Legal Adviser", "Head of Intelligence", "Port Security Officer",
          "Jefe de Cooperación Internacional", "Coordenador de Fronteiras",
          "Conseiller juridique", "Analyst, Risk Management", "Deputy Commissioner"]  # fmt: skip
AGENCY_WORDS = {
    "customs": ["Customs Service", "Dirección de Aduanas", "Receita Federal", "Douanes"],
    "police": ["National Police", "Policía Nacional", "Polícia Federal", "Police nationale"],
    "immigration": ["Immigration Department", "Migración", "Imigração", "Immigration"],
    "prosecutor": ["Public Prosecutor", "Fiscalía General", "Ministério Público", "Parquet"],
    "other": ["Coast Guard", "Port Authority", "Financial Intelligence Unit", "Army"],
}
PLACES = ["Central", "North", "South", "East", "West", "Port", "Airport", "Border",
          "Capital", "Coast", "Island", "Valley", "Highlands", "Harbour", "Region"]  # fmt: skip
LANGUAGES = ["es", "en", "fr", "pt", "es,en", "en,fr", "pt,es", "en", "es", "nl,en", "ht,fr"]
AUDITED_FIELDS = ["title", "email", "phones", "languages", "last_verified_on", "designation"]
MAIL_KINDS = ["directory.refresh_request", "directory.refresh_reminder", "accounts.invitation",
              "accounts.password_reset", "directory.refresh_escalation"]  # fmt: skip


def _weights(rng: random.Random, count: int) -> list[float]:
    """Unequal shares: a few large states hold many entries, small ones few."""
    return [rng.paretovariate(1.2) for _ in range(count)]


# --- The parts that exist today -----------------------------------------------------


@part("reference")
def fill_reference(scale: Scale) -> int:
    """The 35 member states, observers, organizations and areas: the reference loader."""
    from webapp.core.reference import MemberState
    from webapp.directory.models import Area
    from webapp.reference.services import load_reference_data

    load_reference_data()
    db.session.flush()
    scale.ids["states"] = list(
        db.session.execute(sa.select(MemberState.id, MemberState.code).order_by(MemberState.id))
    )
    scale.ids["areas"] = list(db.session.scalars(sa.select(Area.id).order_by(Area.id)))
    return len(scale.ids["states"])


@part("accounts")
def fill_accounts(scale: Scale) -> int:
    """One account per role (admin, organizer, finance, participant) and focal points for
    all but a few states, all with `SCALE_PASSWORD` (hashed once)."""
    from webapp.accounts.models import User, user_states
    from webapp.accounts.passwords import hash_password

    password = hash_password(SCALE_PASSWORD)
    rows = [
        {"email": f"{role}@scale.example.org", "name": f"{role.title()} Scale", "roles": role}
        for role in ("admin", "organizer", "finance", "participant")
    ]
    states = scale.ids["states"][: -scale.volumes.states_without_focal_point or None]
    focal = []
    for state_id, code in states:
        for n in range(1, scale.volumes.focal_points_per_state + 1):
            rows.append(
                {
                    "email": f"focal{n}.{code.lower()}@scale.example.org",
                    "name": f"{scale.rng.choice(FIRST)} {scale.rng.choice(LAST)}",
                    "roles": "focal_point",
                }
            )
            focal.append(state_id)
    for row in rows:
        row.update(
            password_hash=password,
            language=scale.rng.choice(["en", "es", "fr", "pt"]),
            timezone="America/New_York",
            is_active_account=True,
            session_token="".join(scale.rng.choices(string.hexdigits.lower(), k=32)),
            activated_at=scale.now - timedelta(days=400),
            created_at=scale.now - timedelta(days=400),
        )
    ids = insert(User.__table__, rows, returning=True)
    scale.ids["users"] = dict(zip((r["roles"] for r in rows[:4]), ids[:4], strict=True))
    scale.ids["focal_points"] = list(zip(ids[4:], focal, strict=True))
    insert(
        user_states,
        [{"user_id": u, "member_state_id": s} for u, s in zip(ids[4:], focal, strict=True)],
    )
    return len(rows)


@part("agencies")
def fill_agencies(scale: Scale) -> int:
    from webapp.directory.models import AGENCY_KINDS, Agency, searchable

    states = scale.ids["states"]
    weights = _weights(scale.rng, len(states))
    per_state: dict[int, int] = {}
    rows = []
    for n in range(scale.volumes.agencies):
        # Every state has at least one agency of each of the first kinds.
        if n < len(states) * 2:
            state_id, code = states[n % len(states)]
        else:
            state_id, code = scale.rng.choices(states, weights)[0]
        number = per_state[state_id] = per_state.get(state_id, 0) + 1
        kind = AGENCY_KINDS[n % len(AGENCY_KINDS)] if n < len(states) * 2 else None
        kind = kind or scale.rng.choice(AGENCY_KINDS)
        place = f"{scale.rng.choice(PLACES)} {number}"
        name = f"{scale.rng.choice(AGENCY_WORDS[kind])} — {place} ({code})"
        acronym = "".join(w[0] for w in name.split() if w[:1].isupper())[:8]
        rows.append(
            {
                "member_state_id": state_id,
                "name": name,
                "acronym": acronym,
                "kind": kind,
                "is_active": n % 40 != 39,
                "search_text": searchable(name, acronym),
            }
        )
    ids = insert(Agency.__table__, rows, returning=True)
    scale.ids["agencies"] = [
        (agency_id, row["member_state_id"])
        for agency_id, row in zip(ids, rows, strict=True)
        if row["is_active"]
    ]
    return len(rows)


@part("contacts")
def fill_contacts(scale: Scale) -> int:
    """Contacts spread unequally over the states' agencies, with areas; most verified in
    the last year and a half, some never; a few withdrawn or for the Secretariat only."""
    from webapp.directory.models import PointOfContact, contact_areas, searchable

    rng = scale.rng
    by_state: dict[int, list[int]] = {}
    for agency_id, state_id in scale.ids["agencies"]:
        by_state.setdefault(state_id, []).append(agency_id)
    states = [s for s, _code in scale.ids["states"] if s in by_state]
    codes = dict(scale.ids["states"])
    weights = [len(by_state[s]) for s in states]
    rows = []
    for n in range(1, scale.volumes.contacts + 1):
        state_id = states[n % len(states)] if n <= len(states) else rng.choices(states, weights)[0]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        title = rng.choice(TITLES)
        created = scale.now - timedelta(days=rng.randint(30, 1500))
        phones = ",".join(f"+1{rng.randint(200, 989)}555{rng.randint(1000, 9999)}" for _ in
                          range(rng.choice((1, 1, 2))))  # fmt: skip
        rows.append(
            {
                "member_state_id": state_id,
                "agency_id": rng.choice(by_state[state_id]),
                "name": name,
                "title": title,
                "email": f"officer{n}@{codes[state_id].lower()}.scale.example.org",
                "phones": phones,
                "languages": rng.choice(LANGUAGES),
                "designation": "alternate" if n % 3 == 0 else "primary",
                "source_reference": f"NV-{codes[state_id]}-{n:05d}",
                "source_date": (created - timedelta(days=7)).date(),
                "visibility": "secretariat" if n % 10 == 0 else "member_states",
                "status": "withdrawn" if n % 25 == 0 else "active",
                "withdrawn_at": created + timedelta(days=20) if n % 25 == 0 else None,
                "last_verified_on": (
                    None if n % 17 == 0 else scale.today - timedelta(days=rng.randint(0, 540))
                ),
                "search_text": searchable(name, title),
                "created_at": created,
                "updated_at": created,
            }
        )
    ids = insert(PointOfContact.__table__, rows, returning=True)
    areas = scale.ids["areas"]
    insert(
        contact_areas,
        [
            {"contact_id": contact_id, "area_id": area_id}
            for contact_id in ids
            for area_id in rng.sample(areas, k=min(len(areas), rng.choice((1, 1, 2, 3))))
        ],
    )
    scale.ids["contacts"] = ids
    scale.ids["contact_details"] = {
        contact_id: (row["member_state_id"], row["email"], row["name"])
        for contact_id, row in zip(ids, rows, strict=True)
    }
    return len(rows)


@part("refresh requests")
def fill_refresh_requests(scale: Scale) -> int:
    """A cycle each quarter of the last year to every focal point; most answered."""
    from webapp.directory.models import RefreshRequest

    rows = []
    for cycle in range(scale.volumes.refresh_cycles):
        sent = scale.now - timedelta(days=5 + cycle * 91)
        for user_id, state_id in scale.ids["focal_points"]:
            answered = cycle > 0 or scale.rng.random() < 0.4
            rows.append(
                {
                    "member_state_id": state_id,
                    "cycle": sent.date(),
                    "focal_point_id": user_id,
                    "manual": False,
                    "sent_at": sent,
                    "reminded_at": sent + timedelta(days=14) if cycle else None,
                    "answered_at": sent + timedelta(days=scale.rng.randint(1, 20))
                    if answered
                    else None,
                    "answer": scale.rng.choice(("confirmed", "corrected")) if answered else None,
                    "answered_by_id": user_id if answered else None,
                }
            )
    insert(RefreshRequest.__table__, rows)
    return len(rows)


def _change(rng: random.Random, name: str, day: date) -> list[Any]:
    """An [old, new] pair of the field's own kind, as the audit log records it."""
    if name == "last_verified_on":
        return [(day - timedelta(days=rng.randint(90, 400))).isoformat(), day.isoformat()]
    if name == "designation":
        return ["alternate", "primary"] if rng.random() < 0.5 else ["primary", "alternate"]
    if name == "languages":
        return [rng.choice(LANGUAGES), rng.choice(LANGUAGES)]
    if name == "phones":
        return [f"+1555{rng.randint(1000000, 9999999)}", f"+1555{rng.randint(1000000, 9999999)}"]
    if name == "email":
        return [f"old{rng.randint(1, 9999)}@scale.example.org", "new@scale.example.org"]
    return [rng.choice(TITLES), rng.choice(TITLES)]


@part("audit")
def fill_audit(scale: Scale) -> int:
    """A year of changes to entries, by focal points and the Secretariat."""
    from webapp.core.audit import AuditEntry

    contacts = scale.ids["contacts"]
    actors = [(u, f"focal point {u}") for u, _s in scale.ids["focal_points"]]
    actors.append((scale.ids["users"]["admin"], "admin@scale.example.org"))
    rows = []
    for _ in range(scale.volumes.audit_entries):
        actor_id, label = scale.rng.choice(actors)
        changed = scale.rng.choice(AUDITED_FIELDS)
        at = scale.moment_in_last_year()
        rows.append(
            {
                "at": at,
                "actor_id": actor_id,
                "actor_label": label,
                "entity_type": "PointOfContact",
                "entity_id": scale.rng.choice(contacts),
                "action": "update",
                "changes": {changed: _change(scale.rng, changed, at.date())},
            }
        )
    rows.sort(key=lambda r: r["at"])
    insert(AuditEntry.__table__, rows)
    return len(rows)


@part("outbox")
def fill_outbox(scale: Scale) -> int:
    """A year of mail: nearly all sent, a few failed, none waiting (the sweep finds none)."""
    from webapp.core.outbox import FAILED, SENT, OutboxMessage

    rows = []
    for n in range(scale.volumes.outbox_messages):
        created = scale.moment_in_last_year()
        failed = n % 200 == 0
        rows.append(
            {
                "idempotency_key": f"scale:{n}",
                "kind": scale.rng.choice(MAIL_KINDS),
                "recipient": f"officer{scale.rng.randint(1, 99999)}@scale.example.org",
                "language": scale.rng.choice(["en", "es", "fr", "pt"]),
                "subject": "Please confirm your state's directory entries",
                "body_text": "Dear colleague,\n\n" + "Lorem ipsum dolor sit amet. " * 20,
                "body_html": "<p>Dear colleague,</p><p>" + "Lorem ipsum dolor sit amet. " * 20,
                "status": FAILED if failed else SENT,
                "attempts": 8 if failed else 1,
                "last_error": "550 mailbox unavailable" if failed else None,
                "transport": "smtp",
                "created_at": created,
                "updated_at": created + timedelta(seconds=5),
                "next_attempt_at": created,
                "sent_at": None if failed else created + timedelta(seconds=5),
            }
        )
    insert(OutboxMessage.__table__, rows)
    return len(rows)


# --- Running ------------------------------------------------------------------------


# Modules whose import registers a part's filler, in the order they run.
LATER_PARTS = ("webapp.meetings.scale", "webapp.contributions.scale")


def load_parts() -> None:
    """Import the modules of parts that register their own fillers, in the order they run
    (contributions earmark meeting series). Training has none yet."""
    import importlib

    for module in LATER_PARTS:
        importlib.import_module(module)


def empty_tables() -> None:
    """Every table's rows removed (the schema stays, with its migration version): those of
    every part, meetings and contributions included, whether or not it is filled."""
    import webapp.models  # noqa: F401 - every part's tables in the metadata

    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(sa.text(f"DELETE FROM {name}"))
    db.session.commit()


def fill(seed: int, today: date, volumes: Volumes | None = None) -> Iterator[tuple[str, int]]:
    """Run every part in order; yields (part, rows made). The caller commits."""
    from webapp.core.audit import acting_as

    load_parts()
    scale = Scale(random.Random(seed), today, volumes or Volumes())
    with acting_as(None, "scale data"):
        for name, filler in PARTS:
            yield name, filler(scale)
    if db.engine.dialect.name == "postgresql":
        db.session.flush()
        # Fresh statistics, so the planner sees the volumes at once.
        db.session.execute(sa.text("ANALYZE"))


@click.command("scale")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--contacts", type=int, default=Volumes.contacts, show_default=True)
@click.option("--agencies", type=int, default=Volumes.agencies, show_default=True)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="default: today")
@click.option("--reset", is_flag=True, help="empty every table first")
def scale_command(
    seed: int, contacts: int, agencies: int, today: datetime | None, reset: bool
) -> None:
    """Fill the database at production volume, deterministically from SEED."""
    import time as clock

    from webapp.accounts.models import User

    if reset:
        empty_tables()
    elif db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        raise click.ClickException("The database already holds accounts; pass --reset.")
    day = today.date() if today else date.today()
    volumes = Volumes(contacts=contacts, agencies=agencies)
    started = clock.perf_counter()
    for name, count in fill(seed, day, volumes):
        click.echo(f"  {name:<18} {count:>7,} rows  ({clock.perf_counter() - started:5.1f} s)")
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # As autovacuum would leave a live database: statistics and the visibility map,
        # so that index-only scans serve the counts at once.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    click.echo(f"Accounts: <role>@scale.example.org, password {SCALE_PASSWORD}")
