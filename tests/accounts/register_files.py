"""Helpers that build resident-register CSV files (all data generated here)."""
from __future__ import annotations

import contextlib
import csv
import io
import random

import sqlalchemy as sa

from civic.core.audit import AuditEntry
from civic.extensions import db
from tests.factories import valid_iin

ENGLISH = ("IIN", "Surname", "Name", "Patronymic", "Address")
KAZAKH = ("ЖСН", "Тегі", "Аты", "Әкесінің аты", "Мекенжай")
RUSSIAN = ("ИИН", "Фамилия", "Имя", "Отчество", "Адрес")

SURNAMES = ["Сейітов", "Оспанова", "Жұмабаев", "Ёлкина", "Қасымов", "Үсенова", "Ахметов"]
NAMES = ["Самат", "Әсел", "Ерлан", "Гүлнар", "Нұрлан", "Мөлдір", "Арман"]


def people(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    seen, out = set(), []
    while len(out) < n:
        iin = valid_iin(rng)
        if iin in seen:
            continue
        seen.add(iin)
        k = len(out)
        out.append({"iin": iin, "surname": SURNAMES[k % len(SURNAMES)], "given_name": NAMES[k % len(NAMES)],
                    "patronymic": "Нұрланұлы" if k % 2 else "", "address": f"Абай көшесі, {k + 1}"})
    return out


def csv_text(rows, header=ENGLISH, delimiter=",", newline="\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        if isinstance(row, dict):
            values = [row["iin"], row["surname"], row["given_name"], row["patronymic"], row["address"]]
            values = values[:len(header)]
        else:
            values = list(row)
        writer.writerow(values)
    return out.getvalue()


def csv_bytes(rows, header=ENGLISH, delimiter=",", encoding="utf-8", bom=False, newline="\n") -> bytes:
    data = csv_text(rows, header, delimiter, newline).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def upload(client, slug: str, data: bytes, filename: str = "register.csv"):
    return client.post(f"/manage/c/{slug}/register", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def audit_actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def audit_entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


@contextlib.contextmanager
def in_english():
    """Service messages outside a request come in the default language (Kazakh); read them in English."""
    from flask_babel import force_locale
    with force_locale("en"):
        yield
