"""How the public council pages show things: times in the community's time zone, file sizes,
a body's rules in words. Template filters are registered on the councils blueprint."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_time as babel_time
from babel.dates import get_timezone_gmt
from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from civic.councils import rules
from civic.councils.bodies import quorum_base_size
from civic.councils.rules import QuorumBase


def zone_of(territory_or_name) -> ZoneInfo:
    name = territory_or_name if isinstance(territory_or_name, str) or territory_or_name is None \
        else getattr(territory_or_name, "timezone", None)
    try:
        return ZoneInfo(name or current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Almaty")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Almaty")


def local(value: datetime | None, zone) -> datetime | None:
    return value.astimezone(zone_of(zone)) if value is not None else None


def local_datetime(value: datetime | None, zone=None, fmt: str = "medium") -> str:
    """A UTC moment as the community's wall-clock date and time, in the page's language."""
    if value is None:
        return ""
    return babel_datetime(value, fmt, tzinfo=zone_of(zone), locale=str(get_locale()))


def local_date(value: datetime | date | None, zone=None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(zone_of(zone)).date()
    return babel_date(value, fmt, locale=str(get_locale()))


def local_time(value: datetime | None, zone=None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return babel_time(value, fmt, tzinfo=zone_of(zone), locale=str(get_locale()))


def zone_label(zone=None, moment: datetime | None = None) -> str:
    """E.g. "GMT+05:00" — so a reader elsewhere knows what the time means."""
    tz = zone_of(zone)
    return get_timezone_gmt(moment.astimezone(tz) if moment else datetime.now(tz), "long", locale=str(get_locale()))


def file_size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(round(size / 1024, 1)))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))


QUORUM_BASE_WORDS = {
    QuorumBase.COMMUNITY: _l("of the members of the local community"),
    QuorumBase.REPRESENTATIVES: _l("of the elected representatives"),
    QuorumBase.MEMBERS: _l("of the members"),
    QuorumBase.TOTAL_MEMBERSHIP: _l("of the total membership"),
}
DECISION_WORDS = {
    "majority_present": _l("Adopted by a majority of the members present."),
    "majority_participants": _l("Adopted by more than half of the participants."),
    "none": _l("No decision is taken: the positions stated are recorded."),
}


def _fraction(value) -> str:
    named = {(1, 2): _("one half"), (2, 3): _("two thirds"), (1, 3): _("one third"), (1, 10): _("one tenth")}
    return named.get((value.numerator, value.denominator), f"{value.numerator}/{value.denominator}")


def rules_in_words(body, today: date) -> list[tuple[str, str]]:
    """The body's rules as (label, sentence) pairs for its public page."""
    body_rules = body.rules
    lines: list[tuple[str, str]] = []
    if body_rules.quorum is None or body_rules.quorum_base == QuorumBase.NONE:
        lines.append((_("Quorum"), _("No quorum is set.")))
    else:
        text = _("At least %(share)s %(base)s.", share=_fraction(body_rules.quorum),
                 base=QUORUM_BASE_WORDS[body_rules.quorum_base])
        needed = rules.quorum_needed(body_rules, quorum_base_size(body, today))
        if needed is not None:
            text += " " + ngettext("Today that is %(num)d person.", "Today that is %(num)d people.", needed)
        lines.append((_("Quorum"), text))
    lines.append((_("Decisions"), str(DECISION_WORDS.get(body_rules.decision, body_rules.decision))))
    if body_rules.chair_breaks_tie:
        lines.append((_("Tied vote"), _("The chair's vote decides.")))
    if body_rules.notice_days:
        lines.append((_("Notice"), ngettext("Members are notified at least %(num)d calendar day before the session.",
                                            "Members are notified at least %(num)d calendar days before the session.",
                                            body_rules.notice_days)))
    else:
        lines.append((_("Notice"), _("Not fixed by the rules.")))
    if body_rules.materials_days:
        lines.append((_("Materials"), ngettext("Sent to members and the akim at least %(num)d calendar day before.",
                                               "Sent to members and the akim at least %(num)d calendar days before.",
                                               body_rules.materials_days)))
    if body_rules.meetings_per_quarter:
        lines.append((_("Sessions"), ngettext("At least %(num)d session a quarter.",
                                              "At least %(num)d sessions a quarter.", body_rules.meetings_per_quarter)))
    return lines


CHOICE_LABELS = {"for": _l("For"), "against": _l("Against"), "abstain": _l("Abstained")}
SUBJECT_LABELS = {
    "chair": _l("Election of the chair"),
    "secretary": _l("Election of the secretary"),
    "agenda": _l("Approval of the agenda"),
    "add_item": _l("Adding an item to the agenda"),
    "remove_item": _l("Removing an item from the agenda"),
    "motion": _l("Motion"),
}
CAPACITY_LABELS = {"chair": _l("Chair"), "secretary": _l("Secretary")}
AKIM_STATUS_LABELS = {"pending": _l("Not yet considered by the akim"), "agreed": _l("The akim agreed"),
                      "disagreed": _l("The akim disagreed")}


def register_filters(bp) -> None:
    bp.add_app_template_filter(local_datetime, "local_datetime")
    bp.add_app_template_filter(local_date, "local_date")
    bp.add_app_template_filter(local_time, "local_time")
    bp.add_app_template_filter(file_size, "file_size")
