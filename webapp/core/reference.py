"""Reference data: member states, permanent observers and organizations, named in the
four official languages. Loaded by `flask reference load` (idempotent) from
`webapp/core/data/reference.json`, maintained by admins afterwards."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import TypeVar

import sqlalchemy as sa
from babel.core import get_global
from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.audit import Audited
from webapp.extensions import db

ACTIVE, SUSPENDED, WITHDRAWN = "active", "suspended", "withdrawn"
MEMBERSHIP_STATUSES = (ACTIVE, SUSPENDED, WITHDRAWN)

INTERNATIONAL, REGIONAL, SUBREGIONAL = "international", "regional", "subregional"
ORGANIZATION_SCOPES = (INTERNATIONAL, REGIONAL, SUBREGIONAL)

MEMBERSHIP_STATUS_LABELS = {
    ACTIVE: lazy_pgettext("member state", "Active"),
    SUSPENDED: lazy_pgettext("member state", "Suspended"),
    WITHDRAWN: lazy_pgettext("member state", "Withdrawn"),
}
ORGANIZATION_SCOPE_LABELS = {
    INTERNATIONAL: _l("International"),
    REGIONAL: _l("Regional"),
    SUBREGIONAL: _l("Subregional"),
}

# The European Union holds observer status; ISO 3166 reserves "EU" for it.
EUROPEAN_UNION = "EU"


def _user_assigned(code: str) -> bool:
    """ISO 3166 leaves AA, QM-QZ, XA-XZ and ZZ (and their alpha-3 forms) to private use."""
    return code.startswith(("AA", "X", "ZZ")) or (code[0] == "Q" and code[1] >= "M")


@lru_cache(maxsize=1)
def _alpha3_to_alpha2() -> dict[str, str]:
    """ISO 3166-1 alpha-3 to alpha-2, from the CLDR data Babel ships."""
    aliases = get_global("territory_aliases")
    return {
        alpha3: targets[0]
        for alpha3, targets in aliases.items()
        if len(alpha3) == 3
        and alpha3.isalpha()
        and len(targets) == 1
        and not _user_assigned(alpha3)
        and not _user_assigned(targets[0])
    }


def is_country_code(code: str) -> bool:
    """An assigned ISO 3166-1 alpha-2 code ("BR")."""
    return code in set(_alpha3_to_alpha2().values())


def alpha2_for(code3: str) -> str | None:
    """The alpha-2 code of an ISO 3166-1 alpha-3 code ("BRA" -> "BR"), or None."""
    return _alpha3_to_alpha2().get(code3)


class Named:
    """Names in English, Spanish, French and Portuguese; `name` follows the viewer."""

    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_es: Mapped[str] = mapped_column(sa.String(200))
    name_fr: Mapped[str] = mapped_column(sa.String(200))
    name_pt: Mapped[str] = mapped_column(sa.String(200))

    def name_in(self, language: str) -> str:
        return getattr(self, f"name_{language}", None) or self.name_en

    @property
    def name(self) -> str:
        locale = get_locale()
        return self.name_in(locale.language if locale else "en")


class MemberState(Named, Audited, db.Model):
    __audit_label__ = _l("Member state")
    __tablename__ = "member_states"
    __audit_fields__ = (
        "code",
        "name_en",
        "name_es",
        "name_fr",
        "name_pt",
        "status",
        "status_since",
        "joined_on",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(2), unique=True)  # ISO 3166-1 alpha-2
    code3: Mapped[str] = mapped_column(sa.String(3), unique=True)  # ISO 3166-1 alpha-3
    status: Mapped[str] = mapped_column(sa.String(12), default=ACTIVE)
    status_since: Mapped[date | None] = mapped_column()
    joined_on: Mapped[date | None] = mapped_column()

    def __repr__(self) -> str:
        return f"<MemberState {self.code}>"


class PermanentObserver(Named, Audited, db.Model):
    __audit_label__ = _l("Permanent observer")
    __tablename__ = "permanent_observers"
    __audit_fields__ = ("code", "name_en", "name_es", "name_fr", "name_pt", "is_active")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(3), unique=True)  # ISO 3166-1 alpha-2, or EU
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<PermanentObserver {self.code}>"


class Organization(Named, Audited, db.Model):
    """International, regional and subregional organizations."""

    __audit_label__ = _l("International organization")

    __tablename__ = "organizations"
    __audit_fields__ = (
        "acronym",
        "name_en",
        "name_es",
        "name_fr",
        "name_pt",
        "scope",
        "is_active",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    acronym: Mapped[str] = mapped_column(sa.String(30), unique=True)
    scope: Mapped[str] = mapped_column(sa.String(20), default=INTERNATIONAL)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Organization {self.acronym}>"


def member_states(include_withdrawn: bool = False) -> list[MemberState]:
    query = sa.select(MemberState).order_by(MemberState.name_en)
    if not include_withdrawn:
        query = query.where(MemberState.status != WITHDRAWN)
    return list(db.session.scalars(query))


N = TypeVar("N", bound=Named)


def sort_key(text: str) -> str:
    """Case- and accent-insensitive, so "États-Unis" sorts among the E's."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def by_name(rows: Iterable[N]) -> list[N]:
    """Rows sorted by their name in the viewer's language."""
    return sorted(rows, key=lambda row: sort_key(row.name))
