"""Full-text search in the archive of published protocols, in Kazakh and Russian.

Decree 003 asks for protocols that are "current and accessible to all"; residents find them
by the words they remember ("жайылым", "освещение").

* SQLite: an FTS5 virtual table ``protocol_fts`` (rowid = protocol.id, columns title and
  text, tokenizer unicode61, which folds the case of Cyrillic including the Kazakh letters).
  It is kept by :func:`index_protocol`, which :func:`civic.councils.protocols.publish` calls.
* PostgreSQL: a GIN expression index on ``to_tsvector('simple', protocol.text)``; nothing to
  keep up to date. The 'simple' configuration does not stem (PostgreSQL has no Kazakh
  stemmer), so both databases get the same treatment of word forms: the query words are cut
  to a stem by a small suffix list (:func:`stem`) and matched as prefixes, so "жайылым" and
  "жайылымдарды" find each other, and so do "пастбище" and "пастбищах".

Migration 0004 creates both structures; a database made with ``db.create_all()`` (the tests)
gets them lazily at first use (:func:`ensure_index`, idempotent). They are not in the models'
metadata, so :func:`include_name` / :func:`include_object` keep them out of schema comparisons.

Only the latest published version of each session's protocol is searched; drafts, protocols
signed but not published, and superseded versions are not.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape

from civic.councils import queries
from civic.councils.models import Session
from civic.councils.record_models import Protocol
from civic.extensions import db

FTS_TABLE = "protocol_fts"
PG_INDEX = "ix_protocol_text_fts"
PER_PAGE = 20
MAX_TERMS = 8
MARK_START, MARK_END = "\ue000", "\ue001"   # private-use characters around a match in snippets

SQLITE_DDL = (f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
              "title, text, tokenize = 'unicode61 remove_diacritics 2')")
PG_DDL = f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON protocol USING gin (to_tsvector('simple', text))"
# For the lazy creation on SQLite: index what was published before the table existed.
SQLITE_BACKFILL = (
    f"INSERT INTO {FTS_TABLE}(rowid, title, text) "
    "SELECT p.id, b.name || ' № ' || s.number, p.text FROM protocol p "
    "JOIN council_session s ON s.id = p.session_id JOIN body b ON b.id = s.body_id "
    "WHERE p.published_at IS NOT NULL")

_WORD = re.compile(r"[^\W_]+")
# Endings cut from a query word before prefix matching. Kazakh stacks them in a fixed order
# (stem + plural + possessive + case: жайылым-дар-ы-н), so they are cut from the end one slot
# at a time: case, then 3rd-person possessive, then plural. A word with no Kazakh ending loses
# one Russian noun or adjective ending instead. A stem keeps at least MIN_STEM letters.
_KK_CASE = ("ның", "нің", "дың", "дің", "тың", "тің",           # genitive
            "ға", "ге", "қа", "ке", "на", "не",                 # dative
            "ны", "ні", "ды", "ді", "ты", "ті", "н",            # accusative
            "нда", "нде", "да", "де", "та", "те",               # locative
            "нан", "нен", "дан", "ден", "тан", "тен",           # ablative
            "мен", "бен", "пен")                                # instrumental
_KK_POSSESSIVE = ("сы", "сі", "ы", "і")
_KK_PLURAL = ("лар", "лер", "дар", "дер", "тар", "тер")
_RU = ("ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "иях", "ах", "ях", "ов", "ев", "ей", "ий",
       "ый", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ом", "ем", "ам", "ям", "ию", "ия", "ии", "ью",
       "а", "я", "ы", "и", "е", "у", "ю", "о")
MIN_STEM = 4


def _cut(word: str, endings) -> str:
    for ending in sorted(endings, key=len, reverse=True):
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def stem(word: str) -> str:
    word = word.lower()
    cut = word
    for slot in (_KK_CASE, _KK_POSSESSIVE, _KK_PLURAL):
        cut = _cut(cut, slot)
    return cut if cut != word else _cut(word, _RU)


def terms(query: str) -> list[str]:
    """The stems of the words of a query (letters and digits only: nothing reaches the
    database's query syntax unescaped)."""
    seen: list[str] = []
    for word in _WORD.findall(query or ""):
        term = stem(word)
        if term and term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def sqlite_match(words: list[str]) -> str:
    """FTS5: every word, as a prefix (``"стем" *``), all required."""
    return " ".join(f'"{w}" *' for w in words)


def pg_tsquery(words: list[str]) -> str:
    """to_tsquery('simple', ...): every word as a prefix (``'стем':*``), all required."""
    return " & ".join(f"'{w}':*" for w in words)


# --- keeping the index -------------------------------------------------------------------------

_ready: "weakref.WeakSet" = weakref.WeakSet()   # engines whose index is known to exist (committed)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def ensure_index() -> None:
    """Create the search structures if they are missing (idempotent, cheap after the first time).

    Runs in the current transaction: created inside a transaction that is rolled back, it is
    simply created again next time.
    """
    engine = db.session.get_bind()
    if engine in _ready:
        return
    dialect = engine.dialect.name
    if dialect == "sqlite":
        exists = db.session.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = :n"),
                                    {"n": FTS_TABLE}).first() is not None
        if not exists:
            db.session.execute(sa.text(SQLITE_DDL))
            db.session.execute(sa.text(SQLITE_BACKFILL))
    elif dialect == "postgresql":
        exists = db.session.scalar(sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": PG_INDEX})
        if not exists:
            db.session.execute(sa.text(PG_DDL))
    else:
        exists = True
    if exists:
        _ready.add(engine)


def _title(protocol: Protocol) -> str:
    session = protocol.session
    return f"{session.body.name} № {session.number}"


def index_protocol(protocol: Protocol) -> None:
    """Put a published protocol into the search index (replacing other versions of its session).

    On PostgreSQL the expression index follows the table by itself; only its existence is checked.
    """
    ensure_index()
    if _dialect() != "sqlite":
        return
    db.session.flush()
    db.session.execute(sa.text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id OR rowid IN "
                               "(SELECT id FROM protocol WHERE session_id = :sid)"),
                       {"id": protocol.id, "sid": protocol.session_id})
    if protocol.published_at is not None:
        db.session.execute(sa.text(f"INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (:id, :title, :text)"),
                           {"id": protocol.id, "title": _title(protocol), "text": protocol.text})


def reindex_all() -> int:
    """Rebuild the SQLite index from the published protocols (e.g. after a restore)."""
    ensure_index()
    if _dialect() != "sqlite":
        return 0
    db.session.execute(sa.text(f"DELETE FROM {FTS_TABLE}"))
    db.session.execute(sa.text(SQLITE_BACKFILL))
    return db.session.scalar(sa.text(f"SELECT count(*) FROM {FTS_TABLE}")) or 0


# --- searching ---------------------------------------------------------------------------------

@dataclass
class Hit:
    protocol: Protocol
    snippet: Markup | None


def highlight(snippet: str | None) -> Markup | None:
    """Escape the snippet, then turn the match markers into <mark>."""
    if not snippet:
        return None
    return Markup(str(escape(snippet)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _latest_join(query, protocol_id_column):
    latest = queries.latest_published()
    return (query.join(Protocol, Protocol.id == protocol_id_column)
            .join(latest, sa.and_(Protocol.session_id == latest.c.session_id, Protocol.version == latest.c.version))
            .join(Session, Session.id == Protocol.session_id))


def _load(ids: list[int]) -> dict[int, Protocol]:
    if not ids:
        return {}
    rows = db.session.scalars(queries.published_protocols_query().where(Protocol.id.in_(ids))).all()
    return {p.id: p for p in rows}


def search(query: str, page: int = 1, *, body=None, per_page: int = PER_PAGE) -> queries.Page:
    """Published protocols matching every word of ``query`` (as prefixes of their stems), best
    first, with a highlighted snippet; without words, the whole archive, newest first."""
    words = terms(query)
    if not words:
        listing = queries.paginate(queries.published_protocols_query(body), page, per_page)
        listing.items = [Hit(p, None) for p in listing.items]
        return listing
    ensure_index()
    if _dialect() == "sqlite":
        return _search_sqlite(words, page, body, per_page)
    return _search_postgresql(words, page, body, per_page)


def _search_sqlite(words, page, body, per_page) -> queries.Page:
    fts = sa.table(FTS_TABLE, sa.column("rowid"))
    table = sa.literal_column(FTS_TABLE)
    match = table.op("MATCH")(sqlite_match(words))
    # "+ 0" keeps SQLite from putting the full-text table in the inner loop (it would re-run the
    # prefix match once per protocol); the match runs once and drives the join.
    base = _latest_join(sa.select(fts.c.rowid.label("id")).select_from(fts), fts.c.rowid + 0).where(match)
    if body is not None:
        base = base.where(Session.body_id == body.id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    ranked = base.add_columns(sa.func.bm25(table, 2.0, 1.0).label("rank")).order_by(sa.text("rank"), fts.c.rowid.desc())
    ids = [row.id for row in db.session.execute(ranked.limit(per_page).offset((page - 1) * per_page))]
    snippets = {}
    if ids:
        rows = db.session.execute(
            sa.select(fts.c.rowid, sa.func.snippet(table, 1, MARK_START, MARK_END, "…", 24))
            .select_from(fts).where(match, fts.c.rowid.in_(ids)))
        snippets = {row[0]: row[1] for row in rows}
    protocols = _load(ids)
    hits = [Hit(protocols[i], highlight(snippets.get(i))) for i in ids if i in protocols]
    return queries.Page(hits, page, per_page, total)


def _search_postgresql(words, page, body, per_page) -> queries.Page:
    config = sa.literal_column("'simple'::regconfig")
    vector = sa.func.to_tsvector(config, Protocol.text)        # the same expression as the GIN index
    tsquery = sa.func.to_tsquery(config, sa.bindparam("q", pg_tsquery(words)))
    latest = queries.latest_published()
    base = (sa.select(Protocol.id)
            .join(latest, sa.and_(Protocol.session_id == latest.c.session_id, Protocol.version == latest.c.version))
            .join(Session, Session.id == Protocol.session_id)
            .where(vector.op("@@")(tsquery)))
    if body is not None:
        base = base.where(Session.body_id == body.id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    ranked = base.add_columns(sa.func.ts_rank(vector, tsquery).label("rank")) \
        .order_by(sa.text("rank DESC"), Session.starts_at.desc(), Protocol.id.desc())
    ids = [row.id for row in db.session.execute(ranked.limit(per_page).offset((page - 1) * per_page))]
    snippets = {}
    if ids:
        options = (f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=35, MinWords=15, '
                   'MaxFragments=2, FragmentDelimiter=" … "')
        rows = db.session.execute(sa.select(Protocol.id, sa.func.ts_headline(config, Protocol.text, tsquery, options))
                                  .where(Protocol.id.in_(ids)))
        snippets = {row[0]: row[1] for row in rows}
    protocols = _load(ids)
    hits = [Hit(protocols[i], highlight(snippets.get(i))) for i in ids if i in protocols]
    return queries.Page(hits, page, per_page, total)


# --- schema comparisons (migrations/env.py, tests/core/test_migrations.py) -----------------------

def _is_search_object(name: str | None) -> bool:
    return bool(name) and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_") or name == PG_INDEX)


def include_name(name, type_, parent_names) -> bool:
    """Alembic hook: leave the search structures (not in the models) out of autogenerate."""
    return not _is_search_object(name)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not _is_search_object(name)
