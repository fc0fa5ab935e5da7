"""The Secretariat's bulk import of points of contact from CSV, the form in which member
states send their lists.

The upload is checked at once (size, encoding, header, number of rows); the rows are then
validated and applied by a Celery task that updates an `ImportJob` for the progress bar.
Every row is validated before any is written; then all are written in one transaction,
or none. An entry is matched by state and email: a known address updates the entry, a new
one creates it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from webapp.accounts.models import User
from webapp.core import jobs
from webapp.core.audit import acting_as
from webapp.core.reference import MemberState
from webapp.core.timezones import in_zone, today_in, utcnow
from webapp.directory import import_file
from webapp.directory.entries import CleanContact, ContactData, validate_contact, write_contact
from webapp.directory.errors import ImportFileError
from webapp.directory.fields import split_list
from webapp.directory.history import audited_values
from webapp.directory.import_file import COLUMNS
from webapp.directory.models import (
    ACTIVE,
    AGENCY_KINDS,
    ALL_MEMBER_STATES,
    ALTERNATE,
    APPLYING,
    DONE,
    FAILED,
    PRIMARY,
    QUEUED,
    REJECTED,
    SECRETARIAT_ONLY,
    VALIDATING,
    Agency,
    Area,
    ImportJob,
    PointOfContact,
)
from webapp.extensions import db

log = logging.getLogger(__name__)

IMPORT_TASK = "tasks.directory_import.run_directory_import"
DESIGNATION_WORDS = {"primary": PRIMARY, "alternate": ALTERNATE, "": PRIMARY}
VISIBILITY_WORDS = {
    "": ALL_MEMBER_STATES,
    "member_states": ALL_MEMBER_STATES,
    "all": ALL_MEMBER_STATES,
    "all member states": ALL_MEMBER_STATES,
    "secretariat": SECRETARIAT_ONLY,
    "secretariat only": SECRETARIAT_ONLY,
    "secretariat_only": SECRETARIAT_ONLY,
}
# The contact validator's field names, as the file's columns.
FIELD_COLUMNS = {"source_reference": "note_verbale_reference", "source_date": "note_verbale_date"}


def start(user: User, upload: FileStorage, language: str) -> ImportJob:
    """Check the upload and record a queued job, to be run once the caller commits."""
    text = import_file.read_upload(upload)
    rows = import_file.parse(text)
    job = ImportJob(
        created_by_id=user.id,
        filename=(upload.filename or "")[:255],
        content=text,
        language=language,
        status=QUEUED,
        total_rows=len(rows),
    )
    db.session.add(job)
    db.session.flush()
    jobs.queue_after_commit(IMPORT_TASK, job.id)
    return job


# --- Validation ---------------------------------------------------------------------


@dataclass
class ValidRow:
    row: int
    state_id: int
    state_code: str
    agency_key: tuple[int, str]
    agency_name: str
    agency_kind: str | None
    name: str
    title: str
    email: str
    phones: str
    languages: str
    area_ids: list[int]
    designation: str
    source_reference: str
    source_date: date | None
    visibility: str


@dataclass
class Reference:
    """What the rows are checked against, as plain values (safe across commits)."""

    states: dict[str, tuple[int, str]]  # code -> (id, code)
    agencies: dict[tuple[int, str], str]  # (state id, lower name) -> kind
    areas: dict[str, int]  # lower code or name -> id
    new_agencies: dict[tuple[int, str], tuple[str, int]] = field(default_factory=dict)
    emails: dict[tuple[int, str], int] = field(default_factory=dict)


def load_reference() -> Reference:
    states = {
        code.upper(): (state_id, code.upper())
        for state_id, code in db.session.execute(sa.select(MemberState.id, MemberState.code))
    }
    agencies = {
        (state_id, name.lower()): kind
        for state_id, name, kind in db.session.execute(
            sa.select(Agency.member_state_id, Agency.name, Agency.kind)
        )
    }
    areas: dict[str, int] = {}
    for area in db.session.scalars(sa.select(Area).where(Area.is_active)):
        for label in (area.code, area.name_en, area.name_es, area.name_fr, area.name_pt):
            areas.setdefault(label.strip().lower(), area.id)
    return Reference(states, agencies, areas)


def _agency_errors(
    row: dict[str, str], ref: Reference, state: tuple[int, str] | None, number: int
) -> tuple[tuple[int, str], str, str | None, list[tuple[str, str]]]:
    """The row's agency: known, planned by an earlier row, or new (then it needs a kind)."""
    errors: list[tuple[str, str]] = []
    agency_name = " ".join(row["agency"].split())
    kind_raw = row["agency_kind"].strip().lower()
    kind = kind_raw or None
    if kind is not None and kind not in AGENCY_KINDS:
        errors.append(
            (
                "agency_kind",
                _(
                    "“%(kind)s” is not a kind of agency. Use one of: %(kinds)s.",
                    kind=row["agency_kind"],
                    kinds=", ".join(AGENCY_KINDS),
                ),
            )
        )
        kind = None
    agency_key = (state[0] if state else 0, agency_name.lower())
    if not agency_name:
        errors.append(("agency", _("Enter the agency's name.")))
    elif len(agency_name) > 300:
        errors.append(("agency", _("The agency's name is longer than 300 characters.")))
    elif state is not None:
        known = ref.agencies.get(agency_key)
        planned = ref.new_agencies.get(agency_key)
        if known is not None:
            if kind and kind != known:
                errors.append(
                    (
                        "agency_kind",
                        _(
                            "%(agency)s is recorded as “%(known)s”, not “%(kind)s”.",
                            agency=agency_name,
                            known=known,
                            kind=kind,
                        ),
                    )
                )
        elif planned is not None:
            if kind and kind != planned[0]:
                errors.append(
                    (
                        "agency_kind",
                        _(
                            "Row %(row)s gives %(agency)s the kind “%(known)s”.",
                            row=planned[1],
                            agency=agency_name,
                            known=planned[0],
                        ),
                    )
                )
        elif not kind_raw:
            errors.append(
                (
                    "agency_kind",
                    _(
                        "%(agency)s is a new agency: give its kind (%(kinds)s).",
                        agency=agency_name,
                        kinds=", ".join(AGENCY_KINDS),
                    ),
                )
            )
        elif kind:
            ref.new_agencies[agency_key] = (kind, number)
    return agency_key, agency_name, kind, errors


def validate_row(
    row: dict[str, str], ref: Reference, today: date
) -> tuple[ValidRow | None, list[dict]]:
    """A row's values, or every problem of the row. The file's words (state codes, agency
    and area names, "primary", "secretariat", dates as text) are read here; the entry's
    own fields are checked by the one contact validator, `entries.validate_contact`."""
    number = int(row["_row"])
    errors: list[dict[str, Any]] = []

    def error(column: str, message: str) -> None:
        errors.append({"row": number, "column": column, "message": message})

    # A NUL byte cannot be stored (PostgreSQL refuses it) and is never meant.
    for column in COLUMNS:
        if "\x00" in row[column]:
            error(column, _("This value contains a NUL character. Remove it and try again."))
            row = {**row, column: row[column].replace("\x00", "")}

    code = row["state_code"].upper()
    state = ref.states.get(code)
    if not code:
        error("state_code", _("Enter the member state's two-letter ISO code."))
    elif state is None:
        error("state_code", _("“%(code)s” is not a member state's code.", code=row["state_code"]))

    agency_key, agency_name, kind, agency_errors = _agency_errors(row, ref, state, number)
    for column, message in agency_errors:
        error(column, message)

    area_ids: list[int] = []
    for label in split_list(row["areas"]):
        area_id = ref.areas.get(label.lower())
        if area_id is None:
            error("areas", _("“%(area)s” is not an area of the directory.", area=label))
        elif area_id not in area_ids:
            area_ids.append(area_id)

    designation = DESIGNATION_WORDS.get(row["designation"].strip().lower())
    if designation is None:
        error("designation", _("Write “primary” or “alternate”."))
    source_date = None
    if row["note_verbale_date"].strip():
        try:
            source_date = date.fromisoformat(row["note_verbale_date"].strip())
        except ValueError:
            error(
                "note_verbale_date",
                _(
                    "“%(value)s” is not a date. Write it as YYYY-MM-DD.",
                    value=row["note_verbale_date"],
                ),
            )
    visibility = VISIBILITY_WORDS.get(" ".join(row["visibility"].lower().split()))
    if visibility is None:
        error("visibility", _("Write “member_states” or “secretariat”."))

    values, invalid = validate_contact(
        ContactData(
            name=" ".join(row["name"].split()),
            title=" ".join(row["title"].split()),
            agency_id=None,
            email=row["email"],
            phones=row["phones"],
            languages=split_list(row["languages"]),
            designation=designation or PRIMARY,
            source_reference=row["note_verbale_reference"],
            source_date=source_date,
            visibility=visibility or ALL_MEMBER_STATES,
        ),
        state[1] if state else None,
        today,
    )
    for problem in invalid:
        field_name = problem.field or "name"
        error(FIELD_COLUMNS.get(field_name, field_name), problem.message)

    email = values.get("email", "")
    if email and state is not None:
        first = ref.emails.get((state[0], email.lower()))
        if first is not None:
            error(
                "email",
                _("%(email)s appears already in row %(row)s.", email=email, row=first),
            )
        else:
            ref.emails[(state[0], email.lower())] = number

    if errors or state is None or designation is None or visibility is None:
        return None, errors
    return (
        ValidRow(
            row=number,
            state_id=state[0],
            state_code=state[1],
            agency_key=agency_key,
            agency_name=agency_name,
            agency_kind=kind,
            name=values["name"],
            title=values["title"],
            email=email,
            phones=values["phones"],
            languages=values["languages"],
            area_ids=area_ids,
            designation=designation,
            source_reference=values["source_reference"],
            source_date=source_date,
            visibility=visibility,
        ),
        [],
    )


def recent_jobs(limit: int = 20) -> list[ImportJob]:
    return list(
        db.session.scalars(sa.select(ImportJob).order_by(ImportJob.id.desc()).limit(limit))
    )


# --- Running the job ----------------------------------------------------------------


def _claim(job_id: int) -> bool:
    """Move a queued job to validating; False if another run has it (tasks may run twice)."""
    claimed = db.session.execute(
        sa.update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.status == QUEUED)
        .values(status=VALIDATING, started_at=utcnow(), processed_rows=0)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def _progress(job_id: int, processed: int) -> None:
    db.session.execute(
        sa.update(ImportJob)
        .where(ImportJob.id == job_id)
        .values(processed_rows=processed)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run(job_id: int) -> str:
    """Validate every row, then apply all or none. Returns the job's final status."""
    if not _claim(job_id):
        job = db.session.get(ImportJob, job_id)
        return job.status if job else "missing"
    job = db.session.get(ImportJob, job_id)
    assert job is not None
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    label = user.email if user else "import"
    zone = (user.timezone if user else None) or current_app.config["DEFAULT_TIMEZONE"]
    try:
        with force_locale(job.language or "en"), acting_as(job.created_by_id, label):
            return _run(job_id, zone)
    except Exception:
        log.exception("directory import %s failed", job_id)
        db.session.rollback()
        job = db.session.get(ImportJob, job_id)
        if job is not None:
            with force_locale(job.language or "en"):
                job.message = _(
                    "The import failed and nothing was changed. Please try again; "
                    "if it fails again, tell the Secretariat's IT staff."
                )
            job.status = FAILED
            job.finished_at = utcnow()
            db.session.commit()
        return FAILED


def _run(job_id: int, zone: str) -> str:
    job = db.session.get(ImportJob, job_id)
    assert job is not None
    try:
        rows = import_file.parse(job.content)
    except ImportFileError as problem:
        job.status = REJECTED
        job.message = problem.message
        job.finished_at = utcnow()
        db.session.commit()
        return REJECTED
    total = len(rows)
    job.total_rows = total
    db.session.commit()

    ref = load_reference()
    today = today_in("UTC")  # a note verbale's date may not be later than this
    valid: list[ValidRow] = []
    errors: list[dict[str, Any]] = []
    step = max(1, total // 50)
    for index, row in enumerate(rows, start=1):
        good, row_errors = validate_row(row, ref, today)
        errors.extend(row_errors)
        if good is not None:
            valid.append(good)
        if index % step == 0 or index == total:
            _progress(job_id, index)

    job = db.session.get(ImportJob, job_id)
    assert job is not None
    if errors:
        job.status = REJECTED
        job.errors = errors
        job.message = _(
            "%(rejected)s of %(total)s rows were rejected, so nothing was imported. "
            "Correct them and import the whole file again.",
            rejected=len({e["row"] for e in errors}),
            total=total,
        )
        job.finished_at = utcnow()
        db.session.commit()
        return REJECTED

    job.status = APPLYING
    db.session.commit()
    created, updated, unchanged = apply(valid, in_zone(utcnow(), zone).date())
    job = db.session.get(ImportJob, job_id)
    assert job is not None
    job.status = DONE
    job.processed_rows = total
    job.created_count, job.updated_count, job.unchanged_count = created, updated, unchanged
    job.message = _(
        "%(total)s rows imported: %(created)s new entries, %(updated)s updated, "
        "%(unchanged)s unchanged.",
        total=total,
        created=created,
        updated=updated,
        unchanged=unchanged,
    )
    job.finished_at = utcnow()
    # One commit: the entries and the job's outcome together, or neither.
    db.session.commit()
    return DONE


def apply(rows: list[ValidRow], verified_on: date) -> tuple[int, int, int]:
    """Write validated rows (not committed). Returns (created, updated, unchanged)."""
    state_ids = sorted({r.state_id for r in rows})
    states = {
        s.id: s
        for s in db.session.scalars(sa.select(MemberState).where(MemberState.id.in_(state_ids)))
    }
    agencies = {
        (a.member_state_id, a.name.lower()): a
        for a in db.session.scalars(sa.select(Agency).where(Agency.member_state_id.in_(state_ids)))
    }
    areas = {a.id: a for a in db.session.scalars(sa.select(Area))}
    contacts: dict[tuple[int, str], PointOfContact] = {}
    for contact in db.session.scalars(
        sa.select(PointOfContact)
        .where(PointOfContact.member_state_id.in_(state_ids), PointOfContact.status == ACTIVE)
        .order_by(PointOfContact.id)
    ):
        contacts.setdefault((contact.member_state_id, contact.email.lower()), contact)

    created = updated = unchanged = 0
    for row in rows:
        agency = agencies.get(row.agency_key)
        if agency is None:
            agency = Agency(
                member_state=states[row.state_id],
                name=row.agency_name,
                kind=row.agency_kind or "other",
            )
            db.session.add(agency)
            db.session.flush()
            agencies[row.agency_key] = agency
        clean = CleanContact(
            name=row.name,
            title=row.title,
            agency=agency,
            email=row.email,
            phones=row.phones,
            languages=row.languages,
            areas=sorted((areas[i] for i in row.area_ids), key=lambda a: (a.position, a.id)),
            designation=row.designation,
            source_reference=row.source_reference,
            source_date=row.source_date,
            visibility=row.visibility,
        )
        contact = contacts.get((row.state_id, row.email.lower()))
        if contact is None:
            contact = PointOfContact(member_state=states[row.state_id], status=ACTIVE)
            write_contact(contact, clean, verified_on)
            db.session.add(contact)
            created += 1
            continue
        before = audited_values(contact)
        write_contact(contact, clean, verified_on)
        after = audited_values(contact)
        before.pop("last_verified_on"), after.pop("last_verified_on")
        if before == after:
            unchanged += 1
        else:
            updated += 1
    db.session.flush()
    return created, updated, unchanged
