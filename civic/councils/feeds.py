"""Feeds written by hand: iCalendar (RFC 5545) for sessions, Atom 1.0 (RFC 4287) for protocols.

Pure functions over plain values (no Flask, no database), so they are easy to test.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

CRLF = "\r\n"
MAX_OCTETS = 75


# --- iCalendar ---------------------------------------------------------------------------------

def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and newlines are escaped."""
    value = (value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are folded (CRLF + one space), never inside
    a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= MAX_OCTETS:
        return line
    parts, current, size, limit = [], [], 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1   # continuation lines start with a space
        current.append(char)
        size += width
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def ical_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class CalendarEvent:
    uid: str
    stamp: datetime                  # when this calendar was written (METHOD:PUBLISH, RFC 5545 §3.8.7.2)
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    url: str = ""
    description: str = ""
    sequence: int = 0
    status: str = "CONFIRMED"        # CONFIRMED | TENTATIVE | CANCELLED
    categories: list[str] = field(default_factory=list)
    modified: datetime | None = None   # LAST-MODIFIED: when the session last changed


def calendar(events: list[CalendarEvent], *, name: str, prodid: str = "-//Ortaq//Council sessions//EN") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", f"NAME:{escape_text(name)}"]
    for event in events:
        lines += ["BEGIN:VEVENT",
                  f"UID:{event.uid}",
                  f"DTSTAMP:{ical_utc(event.stamp)}",
                  f"DTSTART:{ical_utc(event.starts_at)}",
                  f"DTEND:{ical_utc(event.ends_at)}",
                  f"SEQUENCE:{int(event.sequence)}",
                  *([f"LAST-MODIFIED:{ical_utc(event.modified)}"] if event.modified else []),
                  f"SUMMARY:{escape_text(event.summary)}",
                  f"STATUS:{event.status}",
                  "CLASS:PUBLIC",
                  "TRANSP:OPAQUE"]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.categories:
            lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


# --- Atom --------------------------------------------------------------------------------------

ATOM_NS = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Drop the characters XML 1.0 does not allow (control characters in pasted text)."""
    return _NOT_XML.sub("", value or "")


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class AtomEntry:
    id: str
    title: str
    url: str
    updated: datetime
    published: datetime | None = None
    author: str = ""
    summary: str = ""
    content: str = ""
    enclosure_url: str = ""          # e.g. the PDF
    category: str = ""


def atom(entries: list[AtomEntry], *, feed_id: str, title: str, self_url: str, alternate_url: str,
         updated: datetime, author: str, lang: str = "kk") -> bytes:
    ET.register_namespace("", ATOM_NS)

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
        if text is not None:
            element.text = xml_text(text)
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "updated", rfc3339(updated))
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=alternate_url)
    sub(sub(feed, "author"), "name", author)
    sub(feed, "generator", "Ortaq")
    for item in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", item.id)
        sub(entry, "title", item.title)
        sub(entry, "updated", rfc3339(item.updated))
        if item.published:
            sub(entry, "published", rfc3339(item.published))
        sub(entry, "link", rel="alternate", type="text/html", href=item.url)
        if item.enclosure_url:
            sub(entry, "link", rel="enclosure", type="application/pdf", href=item.enclosure_url)
        if item.author:
            sub(sub(entry, "author"), "name", item.author)
        if item.category:
            sub(entry, "category", term=item.category)
        if item.summary:
            sub(entry, "summary", item.summary, type="text")
        if item.content:
            sub(entry, "content", item.content, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
