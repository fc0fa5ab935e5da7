"""`flask demo load`: demo accounts and directory entries for `make run`. Idempotent:
running it again changes nothing that exists and prints the same logins."""

from __future__ import annotations

from datetime import date, timedelta

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password
from webapp.contributions import demo as contributions_demo
from webapp.core.audit import acting_as
from webapp.core.reference import MemberState
from webapp.directory.models import (
    ALTERNATE,
    PRIMARY,
    SECRETARIAT_ONLY,
    Agency,
    Area,
    PointOfContact,
)
from webapp.extensions import db

DEMO_PASSWORD = "puerto-demo-2026"

# email, name, roles, member states, language, time zone
PEOPLE = [
    ("admin@puerto.example.org", "Ana Admin", {"admin"}, [], "en", "America/New_York"),
    (
        "organizer@puerto.example.org",
        "Oscar Organizer",
        {"organizer"},
        [],
        "es",
        "America/New_York",
    ),
    ("finance@puerto.example.org", "Fiona Finance", {"finance"}, [], "en", "America/New_York"),
    (
        "focal.mx@puerto.example.org",
        "María Punto Focal",
        {"focal_point"},
        ["MX"],
        "es",
        "America/Mexico_City",
    ),
    (
        "focal.br@puerto.example.org",
        "João Ponto Focal",
        {"focal_point"},
        ["BR"],
        "pt",
        "America/Sao_Paulo",
    ),
    (
        "focal.jm@puerto.example.org",
        "Janet Focal Point",
        {"focal_point"},
        ["JM"],
        "en",
        "America/Jamaica",
    ),
    (
        "focal.ht@puerto.example.org",
        "Jean Point focal",
        {"focal_point"},
        ["HT"],
        "fr",
        "America/Port-au-Prince",
    ),
    (
        "participant@puerto.example.org",
        "Pablo Participant",
        {"participant"},
        [],
        "es",
        "America/Bogota",
    ),
]

# state, agency, acronym, kind, contacts: (name, title, email, phones, languages, areas,
# designation, visibility, days since verified)
DIRECTORY = [
    (
        "MX",
        "Agencia Nacional de Aduanas de México",
        "ANAM",
        "customs",
        [
            (
                "Lucía Hernández",
                "Directora de Cooperación Internacional",
                "lucia.hernandez@anam.example",
                "+52 55 5080 2000",
                "es,en",
                ["customs", "firearms"],
                PRIMARY,
                "member_states",
                20,
            ),
            (
                "Roberto Díaz",
                "Subdirector de Inteligencia Aduanera",
                "roberto.diaz@anam.example",
                "+52 55 1234 5678",
                "es",
                ["customs", "drugs"],
                ALTERNATE,
                SECRETARIAT_ONLY,
                200,
            ),
        ],
    ),
    (
        "BR",
        "Receita Federal do Brasil",
        "RFB",
        "customs",
        [
            (
                "Carla Souza",
                "Coordenadora de Cooperação Aduaneira",
                "carla.souza@rfb.example",
                "+55 61 2025 4000",
                "pt,es,en",
                ["customs"],
                PRIMARY,
                "member_states",
                40,
            ),
        ],
    ),
    (
        "BR",
        "Polícia Federal",
        "PF",
        "police",
        [
            (
                "Marcos Lima",
                "Delegado, Cooperação Internacional",
                "marcos.lima@pf.example",
                "+55 21 3555 1234",
                "pt,en",
                ["law_enforcement", "terrorism"],
                PRIMARY,
                "member_states",
                90,
            ),
        ],
    ),
    (
        "JM",
        "Jamaica Customs Agency",
        "JCA",
        "customs",
        [
            (
                "Andre Campbell",
                "Director, Border Protection",
                "andre.campbell@jca.example",
                "+1 876 922 0270",
                "en",
                ["customs", "firearms"],
                PRIMARY,
                "member_states",
                400,
            ),
        ],
    ),
    (
        "CA",
        "Canada Border Services Agency",
        "CBSA",
        "customs",
        [
            (
                "Émilie Tremblay",
                "Senior Program Advisor, International Affairs",
                "emilie.tremblay@cbsa.example",
                "+1 613 954 3000",
                "en,fr",
                ["customs", "immigration"],
                PRIMARY,
                "member_states",
                10,
            ),
            (
                "Daniel Wong",
                "Manager, Enforcement Cooperation",
                "daniel.wong@cbsa.example",
                "+1 613 990 1234",
                "en",
                ["law_enforcement"],
                ALTERNATE,
                "member_states",
                100,
            ),
        ],
    ),
]


def load_demo_data() -> list[tuple[str, str, str]]:
    """Create what is missing; return (email, name, roles) for the printed logins."""
    states = {s.code: s for s in db.session.scalars(sa.select(MemberState))}
    if not states:
        raise click.ClickException("Load the reference data first: flask reference load")
    logins = []
    with acting_as(None, "demo data"):
        for email, name, roles, codes, language, zone in PEOPLE:
            person = db.session.scalar(sa.select(User).where(User.email == email))
            if person is None:
                person = User(
                    email=email,
                    name=name,
                    password_hash=hash_password(DEMO_PASSWORD),
                    language=language,
                    timezone=zone,
                )
                person.role_names = roles
                person.member_states = [states[c] for c in codes if c in states]
                db.session.add(person)
            logins.append((email, name, ", ".join(sorted(roles))))
        areas = {a.code: a for a in db.session.scalars(sa.select(Area))}
        today = date.today()
        for code, agency_name, acronym, kind, contacts in DIRECTORY:
            state = states.get(code)
            if state is None:
                continue
            agency = db.session.scalar(
                sa.select(Agency).where(
                    Agency.member_state_id == state.id, Agency.name == agency_name
                )
            )
            if agency is None:
                agency = Agency(member_state=state, name=agency_name, acronym=acronym, kind=kind)
                db.session.add(agency)
                db.session.flush()
            for (
                contact_name,
                title,
                email,
                phone,
                languages,
                area_codes,
                designation,
                visibility,
                age,
            ) in contacts:
                exists = db.session.scalar(
                    sa.select(PointOfContact.id).where(PointOfContact.email == email)
                )
                if exists:
                    continue
                db.session.add(
                    PointOfContact(
                        member_state=state,
                        agency=agency,
                        name=contact_name,
                        title=title,
                        email=email,
                        phones=_e164(phone, code),
                        languages=languages,
                        areas=[areas[a] for a in area_codes if a in areas],
                        designation=designation,
                        source_reference=f"Note verbale {code}/{today.year}/{len(email)}",
                        source_date=today - timedelta(days=age + 5),
                        visibility=visibility,
                        last_verified_on=today - timedelta(days=age),
                    )
                )
        db.session.flush()
        people = {u.email: u for u in db.session.scalars(sa.select(User))}
        contributions_demo.load(
            people["finance@puerto.example.org"],
            people.get("organizer@puerto.example.org"),
            states,
            today,
        )
        from webapp.meetings import demo as meetings_demo

        meetings_demo.load("organizer@puerto.example.org", today)
        db.session.commit()
    return logins


def _e164(number: str, region: str) -> str:
    import phonenumbers

    parsed = phonenumbers.parse(number, region)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


demo_cli = AppGroup("demo", help="Demo data for trying Puerto out.")


@demo_cli.command("load")
def load_command() -> None:
    """Create the demo accounts and directory entries (idempotent) and print the logins."""
    logins = load_demo_data()
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    for email, name, roles in logins:
        click.echo(f"  {email:<28} {roles:<14} {name}")
    click.echo("")


def init_app(app: Flask) -> None:
    from webapp.scale import scale_command

    demo_cli.add_command(scale_command)
    app.cli.add_command(demo_cli)
