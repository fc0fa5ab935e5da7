"""The directory's rules: who may see and change which entries; validation of emails,
phones and languages; search; history and revert; the dated snapshot."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import phonenumbers
import sqlalchemy as sa
from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask import has_request_context
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager
from werkzeug.exceptions import Forbidden

from webapp.core.access import ADMIN, FOCAL_POINT, ORGANIZER, PARTICIPANT, SECRETARIAT
from webapp.core.audit import CREATE, REVERT, AuditEntry, audit_action, history
from webapp.core.forms import RuleError
from webapp.core.reference import MemberState
from webapp.core.timezones import in_zone, to_utc, utcnow
from webapp.directory.models import (
    ACTIVE,
    AGENCY_KINDS,
    ALL_MEMBER_STATES,
    ALTERNATE,
    CUSTOMS,
    DESIGNATIONS,
    IMMIGRATION,
    OTHER,
    POLICE,
    PRIMARY,
    PROSECUTOR,
    SECRETARIAT_ONLY,
    VISIBILITIES,
    WITHDRAWN,
    Agency,
    Area,
    PointOfContact,
    contact_areas,
    searchable,
)
from webapp.extensions import db

PAGE_SIZE = 50

KIND_LABELS = {
    CUSTOMS: _l("Customs administration"),
    POLICE: _l("Police"),
    IMMIGRATION: _l("Immigration"),
    PROSECUTOR: _l("Prosecutor's office"),
    OTHER: _l("Other"),
}
DESIGNATION_LABELS = {PRIMARY: _l("Primary"), ALTERNATE: _l("Alternate")}
VISIBILITY_LABELS = {
    ALL_MEMBER_STATES: _l("All member states"),
    SECRETARIAT_ONLY: _l("Secretariat only"),
}
STATUS_LABELS = {ACTIVE: _l("Active"), WITHDRAWN: _l("Withdrawn")}
FIELD_LABELS = {
    "name": _l("Name"),
    "title": _l("Title"),
    "agency_id": _l("Agency"),
    "email": _l("Email"),
    "phones": _l("Phones"),
    "languages": _l("Languages"),
    "areas": _l("Areas"),
    "designation": _l("Primary or alternate"),
    "source_reference": _l("Note verbale reference"),
    "source_date": _l("Note verbale date"),
    "visibility": _l("Visibility"),
    "status": _l("Status"),
    "last_verified_on": _l("Last verified"),
}


class InvalidEntry(RuleError):
    """Bad directory input, with a message for the person who typed it."""


# --- Who may see and change what ----------------------------------------------------


def _roles(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.role_names


def is_secretariat(user: Any) -> bool:
    return bool(_roles(user) & set(SECRETARIAT))


def can_edit_state(user: Any, member_state_id: int | None) -> bool:
    """Organizers and admins edit any state; focal points their own states only."""
    roles = _roles(user)
    if roles & {ADMIN, ORGANIZER}:
        return True
    return (
        FOCAL_POINT in roles
        and member_state_id is not None
        and member_state_id in user.member_state_ids
    )


def require_edit_state(user: Any, member_state_id: int | None) -> None:
    if not can_edit_state(user, member_state_id):
        raise Forbidden()


def editable_states(user: Any) -> list[MemberState]:
    query = sa.select(MemberState).order_by(MemberState.name_en)
    if not (_roles(user) & {ADMIN, ORGANIZER}):
        ids = user.member_state_ids if FOCAL_POINT in _roles(user) else frozenset()
        if not ids:
            return []
        query = query.where(MemberState.id.in_(ids))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Scope:
    """What a viewer may see of the active entries."""

    everything: bool = False
    shared: bool = False  # entries visible to all member states
    own_states: frozenset[int] = frozenset()

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.shared or self.own_states)

    def permits(self, member_state_id: int, visibility: str) -> bool:
        return (
            self.everything
            or (self.shared and visibility == ALL_MEMBER_STATES)
            or member_state_id in self.own_states
        )

    def clause(self) -> sa.ColumnElement[bool]:
        if self.everything:
            return sa.true()
        conditions: list[sa.ColumnElement[bool]] = []
        if self.shared:
            conditions.append(PointOfContact.visibility == ALL_MEMBER_STATES)
        if self.own_states:
            conditions.append(PointOfContact.member_state_id.in_(sorted(self.own_states)))
        return sa.or_(*conditions) if conditions else sa.false()


def viewer_scope(user: Any) -> Scope:
    roles = _roles(user)
    if roles & set(SECRETARIAT):
        return Scope(everything=True)
    own = user.member_state_ids if FOCAL_POINT in roles else frozenset()
    return Scope(shared=bool(roles & {FOCAL_POINT, PARTICIPANT}), own_states=frozenset(own))


def can_view_contact(user: Any, contact: PointOfContact) -> bool:
    """Active entries by the viewer's scope; withdrawn ones only to those who may edit
    them, for their history."""
    if contact.status != ACTIVE:
        return can_edit_state(user, contact.member_state_id)
    return viewer_scope(user).permits(contact.member_state_id, contact.visibility)


def can_revert(user: Any) -> bool:
    return ADMIN in _roles(user)


# --- Validation ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    """ISO 639-1: the two-letter language codes."""
    return frozenset(c for c in Locale("en").languages if len(c) == 2 and c.isalpha())


def viewer_language() -> str:
    locale = get_locale() if has_request_context() else None
    return locale.language if locale else "en"


def language_name(code: str, language: str | None = None) -> str:
    return _language_names(language or viewer_language()).get(code, code)


@lru_cache(maxsize=16)
def _language_names(language: str) -> dict[str, str]:
    return dict(Locale(language).languages)


# Offered first: the four official languages, then others spoken by officers in the
# member states (Dutch in Suriname, Haitian Creole, Quechua, Guarani, Aymara).
FIRST_LANGUAGES = ("en", "es", "fr", "pt", "nl", "ht", "qu", "gn", "ay")


def language_choices(language: str | None = None) -> list[tuple[str, str]]:
    return list(_language_choices(language or viewer_language()))


@lru_cache(maxsize=16)
def _language_choices(language: str) -> tuple[tuple[str, str], ...]:
    """Babel's names, sorted once per language (the data ships with the code)."""
    names = Locale(language).languages
    first = [(c, names.get(c, c)) for c in FIRST_LANGUAGES]
    rest = sorted(
        ((c, names.get(c, c)) for c in language_codes() - set(FIRST_LANGUAGES)),
        key=lambda pair: pair[1].casefold(),
    )
    return tuple(first + rest)


def normalise_languages(codes: Iterable[str]) -> str:
    """Comma-separated ISO 639-1 codes, in the order given, without repeats."""
    seen: list[str] = []
    for raw in codes:
        code = raw.strip().lower()
        if not code:
            continue
        if code not in language_codes():
            raise InvalidEntry(
                _(
                    "“%(code)s” is not a language code. Use two-letter ISO 639-1 codes "
                    "such as es, en, fr, pt.",
                    code=raw.strip(),
                ),
                "languages",
            )
        if code not in seen:
            seen.append(code)
    return ",".join(seen)


def normalise_email(raw: str) -> str:
    """The address as email-validator normalises it; no DNS lookups."""
    value = (raw or "").strip()
    if not value:
        raise InvalidEntry(_("Enter an email address."), "email")
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEntry(
            _("“%(value)s” is not a valid email address: %(reason)s", value=value, reason=error),
            "email",
        ) from None
    return result.normalized


def split_list(raw: str | None) -> list[str]:
    """Items typed one per line or separated by commas or semicolons."""
    text = (raw or "").replace(";", "\n").replace(",", "\n").replace("|", "\n")
    return [item.strip() for item in text.splitlines() if item.strip()]


def normalise_phones(raw: str | Iterable[str], region: str) -> str:
    """Comma-separated E.164 numbers; the state's ISO code is the default region."""
    items = split_list(raw) if isinstance(raw, str) else [p.strip() for p in raw if p.strip()]
    numbers: list[str] = []
    for item in items:
        try:
            parsed = phonenumbers.parse(item, region.upper())
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            raise InvalidEntry(
                _(
                    "“%(number)s” is not a valid phone number. Write it with the country "
                    "code (for example +%(prefix)s …), or as dialled in %(region)s.",
                    number=item,
                    prefix=phonenumbers.country_code_for_region(region.upper()) or "1",
                    region=region.upper(),
                ),
                "phones",
            )
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in numbers:
            numbers.append(e164)
    return ",".join(numbers)


@lru_cache(maxsize=8192)
def format_phone(e164: str) -> str:
    """A stored number in international format: +55 11 2345-6789."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def today_for_viewer() -> date:
    zone = str(get_timezone()) if has_request_context() else "UTC"
    return in_zone(utcnow(), zone).date()


# --- Areas and agencies -------------------------------------------------------------


def active_areas() -> list[Area]:
    return list(
        db.session.scalars(
            sa.select(Area).where(Area.is_active).order_by(Area.position, Area.name_en)
        )
    )


def agencies_of(member_state_id: int, include_inactive: bool = False) -> list[Agency]:
    query = (
        sa.select(Agency).where(Agency.member_state_id == member_state_id).order_by(Agency.name)
    )
    if not include_inactive:
        query = query.where(Agency.is_active)
    return list(db.session.scalars(query))


def _check_agency_name(state: MemberState, name: str, agency_id: int | None) -> None:
    clash = db.session.scalar(
        sa.select(Agency.id).where(
            Agency.member_state_id == state.id,
            sa.func.lower(Agency.name) == name.lower(),
            Agency.id != (agency_id or 0),
        )
    )
    if clash is not None:
        raise InvalidEntry(
            _("%(state)s already has an agency named “%(name)s”.", state=state.name, name=name),
            "name",
        )


def save_agency(
    user: Any,
    state: MemberState,
    name: str,
    acronym: str | None,
    kind: str,
    agency: Agency | None = None,
) -> Agency:
    require_edit_state(user, state.id)
    if agency is not None and agency.member_state_id != state.id:
        raise Forbidden()
    name = name.strip()
    if not name:
        raise InvalidEntry(_("Enter the agency's name."), "name")
    if kind not in AGENCY_KINDS:
        raise InvalidEntry(_("Choose a kind of agency from the list."), "kind")
    _check_agency_name(state, name, agency.id if agency else None)
    if agency is None:
        agency = Agency(member_state=state)
        db.session.add(agency)
    agency.name = name
    agency.acronym = (acronym or "").strip() or None
    agency.kind = kind
    db.session.flush()
    return agency


# --- Entries ------------------------------------------------------------------------


@dataclass
class ContactData:
    """An entry's fields as typed, before validation."""

    name: str
    agency_id: int | None
    email: str
    title: str = ""
    phones: str = ""
    languages: Sequence[str] = ()
    area_ids: Sequence[int] = ()
    designation: str = PRIMARY
    source_reference: str = ""
    source_date: date | None = None
    visibility: str = ALL_MEMBER_STATES


@dataclass
class CleanContact:
    """Validated values, ready to be written on a PointOfContact."""

    name: str
    title: str
    agency: Agency
    email: str
    phones: str
    languages: str
    areas: list[Area]
    designation: str
    source_reference: str
    source_date: date | None
    visibility: str


def _is_id(value: object) -> bool:
    """A plausible primary key (the database refuses integers beyond its range)."""
    return isinstance(value, int) and 0 < value <= 2**31 - 1


def clean_contact(state: MemberState, data: ContactData) -> CleanContact:
    """Validate an entry for `state`; raise InvalidEntry naming the field at fault."""
    name = (data.name or "").strip()
    if not name:
        raise InvalidEntry(_("Enter the person's name."), "name")
    if len(name) > 200:
        raise InvalidEntry(_("The name is longer than 200 characters."), "name")
    title = (data.title or "").strip()
    if len(title) > 200:
        raise InvalidEntry(_("The title is longer than 200 characters."), "title")
    agency = db.session.get(Agency, data.agency_id) if _is_id(data.agency_id) else None
    if agency is None or agency.member_state_id != state.id:
        raise InvalidEntry(_("Choose an agency of %(state)s.", state=state.name), "agency_id")
    area_ids = sorted(set(data.area_ids))
    if not all(_is_id(i) for i in area_ids):
        raise InvalidEntry(_("Choose areas from the list."), "areas")
    areas = (
        list(db.session.scalars(sa.select(Area).where(Area.id.in_(area_ids)))) if area_ids else []
    )
    if len(areas) != len(area_ids):
        raise InvalidEntry(_("Choose areas from the list."), "areas")
    if data.designation not in DESIGNATIONS:
        raise InvalidEntry(_("Choose primary or alternate."), "designation")
    if data.visibility not in VISIBILITIES:
        raise InvalidEntry(_("Choose who may see this entry."), "visibility")
    reference = (data.source_reference or "").strip()
    if len(reference) > 200:
        raise InvalidEntry(_("The reference is longer than 200 characters."), "source_reference")
    if data.source_date and data.source_date > today_for_viewer():
        raise InvalidEntry(_("The note verbale's date cannot be in the future."), "source_date")
    phones = normalise_phones(data.phones, state.code)
    if len(phones) > 400:
        raise InvalidEntry(_("Too many phone numbers."), "phones")
    return CleanContact(
        name=name,
        title=title,
        agency=agency,
        email=normalise_email(data.email),
        phones=phones,
        languages=normalise_languages(data.languages),
        areas=sorted(areas, key=lambda a: (a.position, a.id)),
        designation=data.designation,
        source_reference=reference,
        source_date=data.source_date,
        visibility=data.visibility,
    )


def write_contact(contact: PointOfContact, clean: CleanContact, verified_on: date) -> None:
    contact.name = clean.name
    contact.title = clean.title
    contact.agency = clean.agency
    contact.agency_id = clean.agency.id
    contact.email = clean.email
    contact.phones = clean.phones
    contact.languages = clean.languages
    if sorted(a.id for a in contact.areas) != sorted(a.id for a in clean.areas):
        contact.areas = clean.areas
    contact.designation = clean.designation
    contact.source_reference = clean.source_reference
    contact.source_date = clean.source_date
    contact.visibility = clean.visibility
    contact.last_verified_on = verified_on


def create_contact(user: Any, state: MemberState, data: ContactData) -> PointOfContact:
    require_edit_state(user, state.id)
    clean = clean_contact(state, data)
    contact = PointOfContact(member_state=state, status=ACTIVE)
    write_contact(contact, clean, today_for_viewer())
    db.session.add(contact)
    db.session.flush()
    return contact


def update_contact(user: Any, contact: PointOfContact, data: ContactData) -> PointOfContact:
    require_edit_state(user, contact.member_state_id)
    if contact.status != ACTIVE:
        raise InvalidEntry(_("A withdrawn entry cannot be edited."))
    clean = clean_contact(contact.member_state, data)
    write_contact(contact, clean, today_for_viewer())
    db.session.flush()
    return contact


def withdraw_contact(user: Any, contact: PointOfContact) -> None:
    require_edit_state(user, contact.member_state_id)
    if contact.status == WITHDRAWN:
        return
    contact.status = WITHDRAWN
    contact.withdrawn_at = utcnow()
    db.session.flush()


# --- Search -------------------------------------------------------------------------


@dataclass
class Filters:
    state_id: int | None = None
    kind: str | None = None
    area_id: int | None = None
    language: str | None = None
    text: str = ""

    def as_args(self, states: dict[int, str], areas: dict[int, str]) -> dict[str, str]:
        """The filters as query-string arguments (codes, not ids), for links."""
        args = {
            "state": states.get(self.state_id or 0, ""),
            "kind": self.kind or "",
            "area": areas.get(self.area_id or 0, ""),
            "language": self.language or "",
            "q": self.text,
        }
        return {k: v for k, v in args.items() if v}


def _filtered(query: sa.Select[Any], scope: Scope, filters: Filters) -> sa.Select[Any]:
    query = query.where(PointOfContact.status == ACTIVE, scope.clause())
    if filters.state_id:
        query = query.where(PointOfContact.member_state_id == filters.state_id)
    if filters.kind:
        query = query.where(Agency.kind == filters.kind)
    if filters.area_id:
        query = query.where(
            PointOfContact.id.in_(
                sa.select(contact_areas.c.contact_id).where(
                    contact_areas.c.area_id == filters.area_id
                )
            )
        )
    if filters.language:
        padded = "," + PointOfContact.languages + ","
        query = query.where(padded.contains(f",{filters.language},", autoescape=True))
    text = searchable(filters.text.strip())
    if text:
        query = query.where(
            sa.or_(
                PointOfContact.search_text.contains(text, autoescape=True),
                Agency.search_text.contains(text, autoescape=True),
            )
        )
    return query


def _ordered_contacts(scope: Scope, filters: Filters, language: str) -> sa.Select[Any]:
    state_name = getattr(MemberState, f"name_{language}", MemberState.name_en)
    query = (
        sa.select(PointOfContact)
        .join(PointOfContact.agency)
        .join(PointOfContact.member_state)
        .options(
            # The agency's state is the entry's, already in the identity map: no second join.
            contains_eager(PointOfContact.agency).lazyload(Agency.member_state),
            contains_eager(PointOfContact.member_state),
        )
    )
    return _filtered(query, scope, filters).order_by(
        state_name, MemberState.id, Agency.name, Agency.id, PointOfContact.name, PointOfContact.id
    )


@dataclass
class Page:
    """One page of results, shaped like Flask-SQLAlchemy's pagination for `_forms.html`."""

    items: list[Any]
    page: int
    per_page: int
    total: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.per_page))

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


def count_contacts(user: Any, filters: Filters) -> int:
    scope = viewer_scope(user)
    if scope.nothing:
        return 0
    query = sa.select(sa.func.count(PointOfContact.id)).select_from(PointOfContact)
    if filters.kind or filters.text.strip():
        query = query.join(Agency)  # only these filters look at the agency
    query = _filtered(query, scope, filters)
    return db.session.scalar(query) or 0


def search(user: Any, filters: Filters, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """A page of the active entries the viewer may see, in a stable order: three queries
    (count, rows, areas) whatever the number of entries."""
    scope = viewer_scope(user)
    if scope.nothing:
        return Page([], 1, per_page, 0)
    total = count_contacts(user, filters)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    query = _ordered_contacts(scope, filters, viewer_language())
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items, page, per_page, total)


def visible_contacts(user: Any, filters: Filters) -> list[PointOfContact]:
    """Every active entry the viewer may see under the filters, for exports."""
    scope = viewer_scope(user)
    if scope.nothing:
        return []
    return list(db.session.scalars(_ordered_contacts(scope, filters, viewer_language())).unique())


# --- History and revert -------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    entry: AuditEntry
    changes: list[FieldChange]


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _readable(
    name: str, value: Any, agencies: dict[int, str], areas: dict[int, str], day: Any
) -> str:
    if value in (None, "", []):
        return "—"
    if name == "agency_id":
        return agencies.get(value, _("agency #%(id)s", id=value))
    if name == "areas":
        return ", ".join(areas.get(i, _("area #%(id)s", id=i)) for i in value)
    if name == "languages":
        return ", ".join(language_name(c) for c in str(value).split(",") if c)
    if name == "phones":
        return ", ".join(format_phone(p) for p in str(value).split(",") if p)
    if name == "designation":
        return str(DESIGNATION_LABELS.get(value, value))
    if name == "visibility":
        return str(VISIBILITY_LABELS.get(value, value))
    if name == "status":
        return str(STATUS_LABELS.get(value, value))
    if name in ("source_date", "last_verified_on"):
        return day(_as_date(value))
    return str(value)


def readable_history(contact: PointOfContact) -> list[HistoryRow]:
    """The entry's audit log, oldest first, with agency and area ids shown as names."""
    from webapp.core.i18n import day

    entries = history("PointOfContact", contact.id)
    agency_ids: set[int] = set()
    area_ids: set[int] = set()
    for entry in entries:
        if "agency_id" in entry.changes:
            agency_ids.update(i for i in entry.changes["agency_id"] if i)
        for ids in entry.changes.get("areas", []):
            area_ids.update(ids or [])
    agencies: dict[int, str] = {}
    if agency_ids:
        query = sa.select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))
        agencies = {row[0]: row[1] for row in db.session.execute(query)}
    areas = (
        {a.id: a.name for a in db.session.scalars(sa.select(Area).where(Area.id.in_(area_ids)))}
        if area_ids
        else {}
    )
    rows = []
    for entry in entries:
        changes = [
            FieldChange(
                str(FIELD_LABELS.get(name, name)),
                _readable(name, old, agencies, areas, day),
                _readable(name, new, agencies, areas, day),
            )
            for name, (old, new) in entry.changes.items()
            if name in FIELD_LABELS
        ]
        rows.append(HistoryRow(entry, changes))
    return rows


def audited_values(contact: PointOfContact) -> dict[str, Any]:
    from webapp.core.audit import audited_value

    return {name: audited_value(contact, name) for name in PointOfContact.__audit_fields__}


def _undo(values: dict[str, Any], entries: Iterable[AuditEntry]) -> bool:
    """Walk `entries` newest first, putting back each old value. False if one of them
    created the object (it did not exist before)."""
    for entry in sorted(entries, key=lambda e: e.id, reverse=True):
        if entry.action == CREATE:
            return False
        for name, (old, _new) in entry.changes.items():
            if name in values:
                values[name] = old
    return True


def version_after(contact: PointOfContact, entry_id: int) -> dict[str, Any]:
    """The audited fields as they were right after audit entry `entry_id`."""
    values = audited_values(contact)
    later = [e for e in history("PointOfContact", contact.id) if e.id > entry_id]
    _undo(values, later)
    return values


def revert_contact(user: Any, contact: PointOfContact, entry_id: int) -> list[str]:
    """Put back the fields as they were after an audit entry; audited as "revert".
    Returns the names of the fields that changed."""
    if not can_revert(user):
        raise Forbidden()
    entry = db.session.get(AuditEntry, entry_id) if _is_id(entry_id) else None
    if entry is None or entry.entity_type != "PointOfContact" or entry.entity_id != contact.id:
        raise InvalidEntry(_("Choose a version from this entry's history."))
    values = version_after(contact, entry_id)
    current = audited_values(contact)
    changed = [name for name in values if values[name] != current[name]]
    if not changed:
        return []
    agency = db.session.get(Agency, values["agency_id"]) if values["agency_id"] else None
    if agency is None or agency.member_state_id != contact.member_state_id:
        raise InvalidEntry(_("That version's agency no longer exists."))
    with audit_action(REVERT):
        for name in changed:
            value = values[name]
            if name == "agency_id":
                contact.agency = agency
            elif name == "areas":
                ids = value or []
                contact.areas = (
                    list(db.session.scalars(sa.select(Area).where(Area.id.in_(ids))))
                    if ids
                    else []
                )
            elif name in ("source_date", "last_verified_on"):
                setattr(contact, name, _as_date(value))
            elif name == "status":
                contact.status = value or ACTIVE
                contact.withdrawn_at = utcnow() if contact.status == WITHDRAWN else None
            elif name in ("title", "phones", "languages", "source_reference"):
                setattr(contact, name, value or "")
            else:
                setattr(contact, name, value)
        db.session.flush()
    return changed


# --- The dated snapshot -------------------------------------------------------------


@dataclass
class SnapshotContact:
    """An entry as it was at the end of a day."""

    id: int
    member_state: MemberState
    agency_id: int
    agency_name: str
    agency_acronym: str | None
    agency_kind: str
    name: str
    title: str
    email: str
    phones: str
    languages: str
    area_ids: list[int]
    area_names: list[str]
    designation: str
    source_reference: str
    source_date: date | None
    visibility: str
    last_verified_on: date | None

    @property
    def phone_list(self) -> list[str]:
        return [p for p in self.phones.split(",") if p]

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(",") if c]


def end_of_day(day: date, zone: str) -> datetime:
    return to_utc(datetime.combine(day + timedelta(days=1), time()), zone)


def snapshot(user: Any, day: date, filters: Filters) -> list[SnapshotContact]:
    """The entries the viewer may see as they were at the end of `day` (in the viewer's
    time zone), rebuilt from the audit log: later changes are undone, entries created
    later left out, entries withdrawn later put back."""
    scope = viewer_scope(user)
    if scope.nothing:
        return []
    zone = str(get_timezone()) if has_request_context() else "UTC"
    cutoff = end_of_day(day, zone)

    # Plain rows, not ORM objects: the snapshot may hold every entry of the directory.
    columns = [name for name in PointOfContact.__audit_fields__ if name != "areas"]
    conditions = [PointOfContact.created_at < cutoff]
    if filters.state_id:
        conditions.append(PointOfContact.member_state_id == filters.state_id)
    if not (scope.everything or scope.shared):
        conditions.append(PointOfContact.member_state_id.in_(sorted(scope.own_states)))
    # Visibility and status may have changed since: they are checked on the rebuilt values.
    rows = db.session.execute(
        sa.select(
            PointOfContact.id,
            PointOfContact.member_state_id,
            *(getattr(PointOfContact, name) for name in columns),
        ).where(*conditions)
    ).all()
    area_links: dict[int, list[int]] = {}
    for contact_id, area_id in db.session.execute(
        sa.select(contact_areas.c.contact_id, contact_areas.c.area_id)
        .join(PointOfContact, PointOfContact.id == contact_areas.c.contact_id)
        .where(*conditions)
    ):
        area_links.setdefault(contact_id, []).append(area_id)
    later = list(
        db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.entity_type.in_(("PointOfContact", "Agency")), AuditEntry.at >= cutoff
            )
        )
    )
    by_contact: dict[int, list[AuditEntry]] = {}
    by_agency: dict[int, list[AuditEntry]] = {}
    for entry in later:
        target = by_contact if entry.entity_type == "PointOfContact" else by_agency
        target.setdefault(entry.entity_id, []).append(entry)

    agency_then: dict[int, dict[str, Any]] = {}
    for agency_id, name, acronym, kind in db.session.execute(
        sa.select(Agency.id, Agency.name, Agency.acronym, Agency.kind)
    ):
        values = {"name": name, "acronym": acronym, "kind": kind}
        _undo(values, by_agency.get(agency_id, []))
        agency_then[agency_id] = values
    states = {state.id: state for state in db.session.scalars(sa.select(MemberState))}
    area_names = {a.id: a.name for a in db.session.scalars(sa.select(Area))}
    language = viewer_language()

    result = []
    for contact_id, member_state_id, *current in rows:
        values: dict[str, Any] = dict(zip(columns, current, strict=True))
        values["areas"] = sorted(area_links.get(contact_id, []))
        changes = by_contact.get(contact_id)
        if changes:
            # Undo in the audit log's own terms (dates as ISO text), then read back.
            for name in ("source_date", "last_verified_on"):
                values[name] = values[name].isoformat() if values[name] else None
            if not _undo(values, changes):
                continue
            for name in ("source_date", "last_verified_on"):
                values[name] = _as_date(values[name])
        if values["status"] != ACTIVE:
            continue
        if not scope.permits(member_state_id, values["visibility"]):
            continue
        agency = agency_then.get(values["agency_id"])
        if agency is None:
            continue
        snap = SnapshotContact(
            id=contact_id,
            member_state=states[member_state_id],
            agency_id=values["agency_id"],
            agency_name=agency["name"],
            agency_acronym=agency["acronym"],
            agency_kind=agency["kind"],
            name=values["name"],
            title=values["title"] or "",
            email=values["email"],
            phones=values["phones"] or "",
            languages=values["languages"] or "",
            area_ids=list(values["areas"] or []),
            area_names=[area_names[i] for i in values["areas"] or [] if i in area_names],
            designation=values["designation"],
            source_reference=values["source_reference"] or "",
            source_date=values["source_date"],
            visibility=values["visibility"],
            last_verified_on=values["last_verified_on"],
        )
        if _matches(snap, filters):
            result.append(snap)
    result.sort(
        key=lambda s: (
            s.member_state.name_in(language).casefold(),
            s.agency_name.casefold(),
            s.name.casefold(),
            s.id,
        )
    )
    return result


def _matches(contact: SnapshotContact, filters: Filters) -> bool:
    if filters.kind and contact.agency_kind != filters.kind:
        return False
    if filters.area_id and filters.area_id not in contact.area_ids:
        return False
    if filters.language and filters.language not in contact.language_list:
        return False
    text = searchable(filters.text.strip())
    if text:
        haystack = searchable(contact.name, contact.title, contact.agency_name)
        haystack += " " + searchable(contact.agency_acronym)
        if text not in haystack:
            return False
    return True


def grouped(contacts: Iterable[Any]) -> list[tuple[Any, list[tuple[str, list[Any]]]]]:
    """[(state, [(agency name, [contacts])])], keeping the given order."""
    groups: list[tuple[Any, list[tuple[str, list[Any]]]]] = []
    for contact in contacts:
        state = contact.member_state
        agency_name = getattr(contact, "agency_name", None) or contact.agency.name
        if not groups or groups[-1][0].id != state.id:
            groups.append((state, []))
        agencies = groups[-1][1]
        if not agencies or agencies[-1][0] != agency_name:
            agencies.append((agency_name, []))
        agencies[-1][1].append(contact)
    return groups
