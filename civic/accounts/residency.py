"""Residency: the akimat's register (CSV import) and verification of residents.

Only verified residents of a community may vote or sign there (issue: residency).
Two ways: a person enters an IIN and surname matching the register, or staff
verify the person at the office. IINs are stored only as an HMAC.
"""
from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from civic.accounts.iin import iin_hmac, is_valid_iin, normalize_iin
from civic.accounts.models import RegisterEntry, RegisterImport, Residency, User
from civic.communities.models import Territory
from civic.core import audit
from civic.core.database import utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db

# Accepted column headings (case-insensitive), in English, Kazakh and Russian.
COLUMNS = {
    "iin": {"iin", "жсн", "иин"},
    "surname": {"surname", "тегі", "фамилия"},
    "given_name": {"name", "given_name", "аты", "имя"},
    "patronymic": {"patronymic", "әкесінің аты", "отчество"},
    "address": {"address", "мекенжай", "адрес"},
}
REQUIRED = ("iin", "surname", "given_name")
MAX_FIELD = {"surname": 100, "given_name": 100, "patronymic": 100, "address": 300}


def normalize_name(value: str) -> str:
    value = unicodedata.normalize("NFC", (value or "").strip()).casefold()
    return " ".join(value.replace("ё", "е").split())


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    imported: RegisterImport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def decode_register(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1251; anything else is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise DomainError(_l("The file is neither UTF-8 nor Windows-1251 text. Save it as CSV (UTF-8) and try again."))
    if "\x00" in text:
        raise DomainError(_l("The file is not a text CSV file."))
    return text


def _header_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = normalize_name(name)
        for column, names in COLUMNS.items():
            if key in names:
                if column in found:
                    raise DomainError(_l("The column “%(name)s” appears twice.", name=name.strip()))
                found[column] = index
    return found


def parse_register(data: bytes) -> tuple[list[dict], list[RowError]]:
    if b"\x00" in data:
        raise DomainError(_l("The file is not a text CSV file."))
    text = decode_register(data)
    if not text.strip():
        raise DomainError(_l("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error:
        raise DomainError(_l("The file could not be read as CSV."))
    columns = _header_map(header)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise DomainError(_l(
            "Wrong columns. The first line must name the columns: IIN, surname, name, patronymic, address "
            "(patronymic and address may be left out)."))
    rows: list[dict] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) < len(header):
                record = record + [""] * (len(header) - len(record))
            if len(record) > len(header):
                errors.append(RowError(line, _l("More values than columns.")))
                continue
            row = {c: record[i].strip() if i is not None else "" for c, i in
                   ((c, columns.get(c)) for c in COLUMNS)}
            iin = normalize_iin(row["iin"])
            if not is_valid_iin(iin):
                errors.append(RowError(line, _l("The IIN is not valid (12 digits with a correct control digit).")))
                continue
            if not row["surname"] or not row["given_name"]:
                errors.append(RowError(line, _l("Surname and name are required.")))
                continue
            too_long = [c for c, n in MAX_FIELD.items() if len(row[c]) > n]
            if too_long:
                errors.append(RowError(line, _l("A value is too long.")))
                continue
            if iin in seen:
                errors.append(RowError(line, _l("The same IIN is already on line %(line)d.", line=seen[iin])))
                continue
            seen[iin] = line
            row["iin"] = iin
            rows.append(row)
    except csv.Error:
        errors.append(RowError(reader.line_num, _l("The line could not be read as CSV (check the quotes).")))
    if not rows and not errors:
        raise DomainError(_l("The file has a header but no residents."))
    return rows, errors


def import_register(actor: User, territory: Territory, data: bytes, filename: str = "") -> ImportReport:
    """All or nothing: a file with any bad row imports none of its rows."""
    if not territory.can_verify_residents(actor):
        raise NotAllowed(_l("You may not manage the register of this community."))
    rows, errors = parse_register(data)
    report = ImportReport(errors=errors)
    if errors:
        return report
    existing = {e.iin_hmac: e for e in db.session.scalars(
        sa.select(RegisterEntry).where(RegisterEntry.territory_id == territory.id))}
    batch = RegisterImport(territory_id=territory.id, imported_by_id=actor.id, filename=filename[:200],
                           sha256=hashlib.sha256(data).hexdigest())
    db.session.add(batch)
    db.session.flush()
    for row in rows:
        key = iin_hmac(row["iin"])
        entry = existing.get(key)
        if entry is None:
            entry = RegisterEntry(territory_id=territory.id, iin_hmac=key)
            db.session.add(entry)
            report.added += 1
        else:
            report.updated += 1
        entry.surname = row["surname"]
        entry.given_name = row["given_name"]
        entry.patronymic = row["patronymic"]
        entry.address = row["address"]
        entry.import_id = batch.id
        entry.updated_at = utcnow()
    batch.rows_added, batch.rows_updated = report.added, report.updated
    audit.record("register.imported", actor=actor, obj=batch, territory=territory.id,
                 added=report.added, updated=report.updated, sha256=batch.sha256)
    report.imported = batch
    return report


def _ensure_free(user: User, territory: Territory, key: str) -> None:
    if user.residency_in(territory):
        raise DomainError(_l("You are already a verified resident of this community."))
    taken = db.session.scalar(sa.select(Residency).where(
        Residency.territory_id == territory.id, Residency.iin_hmac == key))
    if taken:
        raise DomainError(_l("This IIN is already verified for another account in this community. "
                             "If this is a mistake, please contact the akimat."))


def claim_residency(user: User, territory: Territory, iin: str, surname: str) -> Residency:
    """A person proves residency by an IIN and surname that match the register."""
    if not is_valid_iin(iin):
        raise DomainError(_l("The IIN must have 12 digits with a correct control digit."), field="iin")
    key = iin_hmac(iin)
    entry = db.session.scalar(sa.select(RegisterEntry).where(
        RegisterEntry.territory_id == territory.id, RegisterEntry.iin_hmac == key))
    if entry is None or normalize_name(entry.surname) != normalize_name(surname):
        raise DomainError(_l("We could not find this IIN and surname in the community's register. "
                             "Check them, or visit the akimat to be verified in person."))
    _ensure_free(user, territory, key)
    residency = Residency(user_id=user.id, territory_id=territory.id, iin_hmac=key, method="register")
    db.session.add(residency)
    db.session.flush()
    audit.record("residency.verified", actor=user, obj=residency, territory=territory.id, method="register")
    return residency


def verify_at_office(actor: User, user: User, territory: Territory, iin: str, note: str = "") -> Residency:
    """Staff verify a person who came to the akimat; the record says who and when."""
    if not territory.can_verify_residents(actor):
        raise NotAllowed(_l("You may not verify residents of this community."))
    if not is_valid_iin(iin):
        raise DomainError(_l("The IIN must have 12 digits with a correct control digit."), field="iin")
    key = iin_hmac(iin)
    _ensure_free(user, territory, key)
    residency = Residency(user_id=user.id, territory_id=territory.id, iin_hmac=key, method="office",
                          verified_by_id=actor.id, note=(note or "")[:300])
    db.session.add(residency)
    db.session.flush()
    audit.record("residency.verified", actor=actor, obj=residency, territory=territory.id,
                 method="office", user=user.id)
    return residency


def revoke_residency(actor: User, residency: Residency, reason: str) -> None:
    if not residency.territory.can_verify_residents(actor):
        raise NotAllowed(_l("You may not verify residents of this community."))
    if not (reason or "").strip():
        raise DomainError(_l("Please give a reason."), field="reason")
    audit.record("residency.revoked", actor=actor, obj=residency, user=residency.user_id,
                 territory=residency.territory_id, reason=reason.strip()[:300])
    db.session.delete(residency)
