"""After a meeting is held: who attended, the minutes, action items followed up until
closed, and the documents of any meeting (uploads within size and type limits)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import PurePath

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.core.errors import RuleError
from webapp.core.reference import MemberState
from webapp.extensions import db
from webapp.meetings.access import visible_series
from webapp.meetings.models import (
    ACTION_STATUS_LABELS,
    CLOSED,
    HELD,
    ActionItem,
    MeetingDocument,
    MeetingRecord,
    MeetingSeries,
    Occurrence,
    Participant,
    attendance,
)
from webapp.meetings.participants import active_query
from webapp.meetings.wallclock import check_line

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The follow-up page lists at most this many open action items.
OPEN_ACTIONS_LIMIT = 500
# What a document may be, by extension, with the type it is served as.
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
}
# The first bytes each type starts with (zip containers for the office formats).
SIGNATURES = {".pdf": b"%PDF-", ".docx": b"PK", ".xlsx": b"PK", ".pptx": b"PK", ".odt": b"PK"}


def _check_held(occurrence: Occurrence) -> None:
    if occurrence.status != HELD:
        raise RuleError(_("Mark the meeting as held first."))


def record_attendance(occurrence: Occurrence, present: list[int]) -> int:
    """Replace the attendance register with these participant ids (of this meeting)."""
    _check_held(occurrence)
    invited = {p.id for p in db.session.scalars(active_query(occurrence))}
    if set(present) - invited:
        raise RuleError(_("Only this meeting's participants can be marked present."))
    db.session.execute(attendance.delete().where(attendance.c.occurrence_id == occurrence.id))
    if present:
        db.session.execute(
            attendance.insert(),
            [{"occurrence_id": occurrence.id, "participant_id": pid} for pid in set(present)],
        )
    return len(set(present))


def present_ids(occurrence: Occurrence) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(attendance.c.participant_id).where(
                attendance.c.occurrence_id == occurrence.id
            )
        )
    )


def attendees(occurrence: Occurrence) -> list[Participant]:
    return list(
        db.session.scalars(
            active_query(occurrence).order_by(Participant.member_state_id, Participant.name)
        )
    )


def save_minutes(occurrence: Occurrence, text: str) -> MeetingRecord:
    _check_held(occurrence)
    record = db.session.get(MeetingRecord, occurrence.id) or MeetingRecord(
        occurrence_id=occurrence.id
    )
    record.minutes = (text or "").strip()
    db.session.add(record)
    db.session.flush()
    return record


def minutes_of(occurrence: Occurrence) -> str:
    record = db.session.get(MeetingRecord, occurrence.id)
    return record.minutes if record else ""


def add_action(
    occurrence: Occurrence,
    *,
    title: str,
    owner: str,
    member_state: MemberState | None,
    due_on: date | None,
) -> ActionItem:
    _check_held(occurrence)
    item = ActionItem(
        occurrence_id=occurrence.id,
        title=check_line(title, "title", required=True),
        owner=check_line(owner, "owner", limit=200),
        member_state=member_state,
        due_on=due_on,
    )
    db.session.add(item)
    db.session.flush()
    return item


def set_action_status(item: ActionItem, status: str, *, now: datetime) -> None:
    if status not in ACTION_STATUS_LABELS:
        raise RuleError(_("Choose a status."), "status")
    item.status = status
    item.closed_at = now if status == CLOSED else None


def actions_of(occurrence: Occurrence) -> list[ActionItem]:
    return list(
        db.session.scalars(
            sa.select(ActionItem)
            .where(ActionItem.occurrence_id == occurrence.id)
            .order_by(ActionItem.status == CLOSED, ActionItem.due_on, ActionItem.id)
        )
    )


def open_actions(user: User) -> list[tuple[ActionItem, Occurrence]]:
    """Every action item not yet closed, of the meetings `user` may see, soonest due first
    (those without a due date last), with its meeting: the follow-up until closed."""
    return [
        (item, occurrence)
        for item, occurrence in db.session.execute(
            sa.select(ActionItem, Occurrence)
            .join(Occurrence, Occurrence.id == ActionItem.occurrence_id)
            .where(
                ActionItem.status != CLOSED,
                Occurrence.series_id.in_(visible_series(user).with_only_columns(MeetingSeries.id)),
            )
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
            .limit(OPEN_ACTIONS_LIMIT)
        )
    ]


def add_document(
    occurrence: Occurrence, *, filename: str, data: bytes, uploaded_by: int | None
) -> MeetingDocument:
    """Refuses an empty, oversized or mistyped file (by extension and first bytes)."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    name = check_line(name, "file", required=True, limit=255)
    suffix = PurePath(name).suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise RuleError(
            _("Upload a PDF, Word, Excel, PowerPoint, OpenDocument or text file."), "file"
        )
    if not data:
        raise RuleError(_("The file is empty."), "file")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise RuleError(_("A document can be at most 10 MB."), "file")
    signature = SIGNATURES.get(suffix)
    if (signature and not data.startswith(signature)) or (suffix == ".txt" and b"\x00" in data):
        raise RuleError(_("The file's content does not match its type."), "file")
    document = MeetingDocument(
        occurrence_id=occurrence.id,
        filename=name,
        content_type=DOCUMENT_TYPES[suffix],
        size=len(data),
        content=data,
        uploaded_by_id=uploaded_by,
    )
    db.session.add(document)
    db.session.flush()
    return document


def documents_of(occurrence: Occurrence) -> list[MeetingDocument]:
    return list(
        db.session.scalars(
            sa.select(MeetingDocument)
            .where(MeetingDocument.occurrence_id == occurrence.id)
            .order_by(MeetingDocument.uploaded_at)
        )
    )
