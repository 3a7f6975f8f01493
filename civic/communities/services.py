"""Writes for territories: create and edit, with the audit trail."""
from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date
from zoneinfo import ZoneInfo, available_timezones

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from civic.communities.models import ALLOWED_PARENTS, Territory, TerritoryKind
from civic.core import audit, database
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db

EDITABLE = ("name_kk", "name_ru", "akimat_name_kk", "akimat_name_ru", "address", "phone", "email",
            "timezone", "population")

_TRANSLIT = str.maketrans({
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o",
    "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "h",
    "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
})


def local_today(territory: Territory | None = None) -> date:
    """Today's date where the community is (its time zone; else the site's, Asia/Almaty).

    Deadlines, due dates and "today" on forms are local dates: the server's own date (often UTC)
    is a day behind in Kazakhstan every evening from 19:00 UTC.
    """
    name = territory.timezone if territory is not None and territory.timezone else None
    if name is None and has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE")
    return database.utcnow().astimezone(ZoneInfo(name or "Asia/Almaty")).date()


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "community"


def _unique_slug(base: str) -> str:
    slug, n = base, 2
    while db.session.scalar(sa.select(Territory.id).where(Territory.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug


@functools.lru_cache(maxsize=1)
def _known_timezones() -> frozenset[str]:
    # available_timezones() walks the tz database on disk on every call: read it once.
    return frozenset(available_timezones())


def _check(kind: TerritoryKind, parent: Territory | None, values: dict) -> None:
    allowed = ALLOWED_PARENTS[kind]
    if (parent.kind if parent else None) not in allowed:
        raise DomainError(_l("A territory of this kind cannot be placed there."), field="parent")
    tz = values.get("timezone") or "Asia/Almaty"
    if tz not in _known_timezones():
        raise DomainError(_l("Unknown time zone."), field="timezone")
    ZoneInfo(tz)
    if values.get("population") is not None and values["population"] < 0:
        raise DomainError(_l("The number cannot be negative."), field="population")


def create_territory(actor, *, kind: TerritoryKind, parent: Territory | None, slug: str | None = None,
                     **values) -> Territory:
    if actor is not None and not (getattr(actor, "is_admin", False) or (parent and parent.can_manage(actor))):
        raise NotAllowed(_l("Only the administrator or the akimat above may add a territory."))
    _check(kind, parent, values)
    territory = Territory(kind=kind, parent=parent, slug=_unique_slug(slug or slugify(values["name_kk"])))
    for key in EDITABLE:
        if key in values and values[key] is not None:
            setattr(territory, key, values[key])
    db.session.add(territory)
    db.session.flush()
    audit.record("territory.created", actor=actor, obj=territory, kind=kind.value,
                 parent=parent.id if parent else None, name=territory.name_kk)
    return territory


def update_territory(actor, territory: Territory, **values) -> Territory:
    if not territory.can_manage(actor):
        raise NotAllowed(_l("You may not edit this community."))
    _check(territory.kind, territory.parent, values)
    changed = {}
    for key in EDITABLE:
        if key in values and getattr(territory, key) != values[key]:
            changed[key] = values[key]
            setattr(territory, key, values[key])
    if changed:
        audit.record("territory.updated", actor=actor, obj=territory, changed=sorted(changed))
    return territory
