"""Exports of the directory: CSV for spreadsheets and vCard 4.0 (RFC 6350) for address
books. Both take the entries the viewer may see; the caller applies the rules."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from webapp.core.links import external_url
from webapp.directory.fields import format_phone

# The columns the import reads; an export has them first, so it imports back.
IMPORT_COLUMNS = (
    "state_code",
    "agency",
    "agency_kind",
    "name",
    "title",
    "email",
    "phones",
    "languages",
    "areas",
    "designation",
    "note_verbale_reference",
    "note_verbale_date",
    "visibility",
)
CSV_COLUMNS = (*IMPORT_COLUMNS, "state", "agency_acronym", "last_verified")

# Spreadsheets run a cell starting with these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_row(contact: Any) -> list[str]:
    return [
        contact.member_state.code,
        contact.agency.name,
        contact.agency.kind,
        contact.name,
        contact.title,
        contact.email,
        "; ".join(format_phone(p) for p in contact.phone_list),
        "; ".join(contact.language_list),
        "; ".join(a.code for a in contact.areas),
        contact.designation,
        contact.source_reference,
        contact.source_date.isoformat() if contact.source_date else "",
        contact.visibility,
        contact.member_state.name_en,
        contact.agency.acronym or "",
        contact.last_verified_on.isoformat() if contact.last_verified_on else "",
    ]


def contacts_csv(contacts: Iterable[Any]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accents correctly; CRLF rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for contact in contacts:
        writer.writerow([safe_cell(v) for v in csv_row(contact)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- vCard 4.0 ----------------------------------------------------------------------


def escape_text(value: str) -> str:
    """RFC 6350 3.4: backslash, comma, semicolon and newlines in text values."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str, limit: int = 75) -> str:
    """RFC 6350 3.2: lines longer than 75 octets continue on the next line after CRLF
    and a space, never splitting a UTF-8 character."""
    if len(line.encode("utf-8")) <= limit:
        return line
    pieces: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        # Continuation lines start with a space, which counts towards the limit.
        room = limit if not pieces else limit - 1
        if size + width > room:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _uid(contact_id: int) -> str:
    """Stable per entry, so a re-imported card updates the address-book entry it made."""
    url = external_url("directory.contact", contact_id=contact_id)
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, url))


def vcard(contact: Any, note: str = "") -> str:
    lines: list[str] = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "KIND:individual",
        "FN:" + escape_text(contact.name),
        # Names are not split into given and family parts here: the whole name is the
        # family component, which address books then show as typed.
        "N:" + escape_text(contact.name) + ";;;;",
        "ORG:" + escape_text(contact.agency.name),
    ]
    if contact.title:
        lines.append("TITLE:" + escape_text(contact.title))
    lines.append("EMAIL;TYPE=work:" + escape_text(contact.email))
    for number in contact.phone_list:
        lines.append("TEL;VALUE=uri:tel:" + number)
    for rank, code in enumerate(contact.language_list, start=1):
        lines.append(f"LANG;PREF={rank}:{code}")
    if note:
        lines.append("NOTE:" + escape_text(note))
    lines.append("UID:" + _uid(contact.id))
    if getattr(contact, "updated_at", None):
        lines.append("REV:" + contact.updated_at.strftime("%Y%m%dT%H%M%SZ"))
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def vcards(contacts: Sequence[Any], notes: dict[int, str]) -> bytes:
    return "".join(vcard(c, notes.get(c.id, "")) for c in contacts).encode("utf-8")
