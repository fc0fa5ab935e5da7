"""What the directory's codes are called on the page, in the viewer's language. The one
place templates get them from is `directory.init_app`, which registers them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from webapp.directory.models import (
    ACTIVE,
    ALL_MEMBER_STATES,
    ALTERNATE,
    CONFIRMED,
    CORRECTED,
    CUSTOMS,
    IMMIGRATION,
    OTHER,
    POLICE,
    PRIMARY,
    PROSECUTOR,
    SECRETARIAT_ONLY,
    WITHDRAWN,
)
from webapp.directory.standing import CURRENT, DUE, NO_CONTACTS, NO_FOCAL_POINT, STALE

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
STATUS_LABELS = {
    ACTIVE: lazy_pgettext("directory entry", "Active"),
    WITHDRAWN: lazy_pgettext("directory entry", "Withdrawn"),
}
# An entry's audited fields, as its history names them.
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
IMPORT_STATUS_LABELS = {
    "queued": _l("Waiting to start"),
    "validating": _l("Checking the rows"),
    "applying": _l("Saving the entries"),
    "done": lazy_pgettext("import status", "Imported"),
    "rejected": lazy_pgettext("import status", "Rejected"),
    "failed": _l("Failed"),
}
# Where a state stands in the refresh cycle (coverage page), and a focal point's answer.
STANDING_LABELS = {
    NO_CONTACTS: _l("no contacts"),
    NO_FOCAL_POINT: _l("no focal point"),
    STALE: _l("stale"),
    DUE: _l("due"),
    CURRENT: _l("current"),
}
ANSWER_LABELS = {CONFIRMED: _l("confirmed"), CORRECTED: _l("corrected")}


def label(labels: dict[str, object], code: str | None) -> str:
    """The code's label, or the code itself when it has none."""
    return str(labels.get(code, code)) if code is not None else ""
