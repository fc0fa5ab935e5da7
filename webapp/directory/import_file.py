"""Reading a CSV upload for the directory's import: size, encoding, delimiter, header and
rows, as text. What the rows must say is checked in `imports`."""

from __future__ import annotations

import csv
import io

from flask import current_app
from werkzeug.datastructures import FileStorage

from webapp.core.deferred import deferred_gettext, deferred_ngettext
from webapp.directory.errors import ImportFileError
from webapp.directory.exports import FORMULA_STARTS, IMPORT_COLUMNS

COLUMNS = IMPORT_COLUMNS


def max_bytes() -> int:
    return int(current_app.config["DIRECTORY_IMPORT_MAX_BYTES"])


def max_rows() -> int:
    return int(current_app.config["DIRECTORY_IMPORT_MAX_ROWS"])


def read_upload(upload: FileStorage) -> str:
    """The uploaded file's text; refuses files too large or not UTF-8."""
    limit = max_bytes()
    raw = upload.stream.read(limit + 1)
    if len(raw) > limit:
        raise ImportFileError(
            deferred_gettext(
                "The file is larger than %(size)s kB. Split it into smaller files.",
                size=limit // 1024,
            )
        )
    if not raw.strip():
        raise ImportFileError(deferred_gettext("The file is empty."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            deferred_gettext(
                "The file is not in UTF-8. In your spreadsheet, save it as "
                "“CSV UTF-8 (comma delimited)” and try again."
            )
        ) from None


def _header_key(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split()).replace(" ", "_")


def _delimiter(first_line: str) -> str:
    # Spreadsheets in Spanish, French and Portuguese save CSV with semicolons.
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _unprotect(value: str) -> str:
    """Undo our own export's protection against formulas ('+52... -> +52...)."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:].strip()
    return value


def parse(text: str) -> list[dict[str, str]]:
    """Rows as {column: value}; refuses a missing header column, no rows, too many rows."""
    first_line = text.splitlines()[0] if text.strip() else ""
    if not first_line.strip():
        raise ImportFileError(deferred_gettext("The file is empty."))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
        header = [_header_key(h) for h in next(reader)]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise ImportFileError(
                deferred_gettext(
                    "The first row must name the columns. Missing: %(missing)s. "
                    "Expected: %(expected)s.",
                    missing=", ".join(missing),
                    expected=", ".join(COLUMNS),
                )
            )
        rows: list[dict[str, str]] = []
        limit = max_rows()
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= limit:
                raise ImportFileError(
                    deferred_ngettext(
                        "The file has more than %(num)d row. Split it into smaller files.",
                        "The file has more than %(num)d rows. Split it into smaller files.",
                        limit,
                    )
                )
            cells = dict(zip(header, record, strict=False))
            row = {c: _unprotect(cells.get(c, "")) for c in COLUMNS}
            # A NUL byte is never meant and cannot be stored (PostgreSQL refuses it).
            for column in COLUMNS:
                if "\x00" in row[column]:
                    raise ImportFileError(
                        deferred_gettext(
                            "Row %(row)s, column %(column)s contains a NUL character, which "
                            "cannot be stored. Remove it and import the file again.",
                            row=reader.line_num,
                            column=column,
                        )
                    )
            row["_row"] = str(reader.line_num)
            rows.append(row)
    except csv.Error as error:
        raise ImportFileError(
            deferred_gettext("The file is not a readable CSV file: %(reason)s", reason=error)
        ) from None
    if not rows:
        raise ImportFileError(deferred_gettext("The file has a header but no rows to import."))
    return rows
