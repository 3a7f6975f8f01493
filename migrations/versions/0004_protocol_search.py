"""protocol search: SQLite FTS5 table / PostgreSQL GIN full-text index

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:00:00

The search structures are not in the models' metadata (a virtual table, an expression
index); civic.councils.archive keeps them out of schema comparisons and creates them
lazily when a database was made with db.create_all(). The DDL is repeated here on purpose:
a migration must not change when the application code does.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS protocol_fts USING fts5("
                   "title, text, tokenize = 'unicode61 remove_diacritics 2')")
        # Index what is already published (rowid = protocol.id).
        op.execute("INSERT INTO protocol_fts(rowid, title, text) "
                   "SELECT p.id, b.name || ' № ' || s.number, p.text FROM protocol p "
                   "JOIN council_session s ON s.id = p.session_id JOIN body b ON b.id = s.body_id "
                   "WHERE p.published_at IS NOT NULL")
    elif dialect == "postgresql":
        op.execute("CREATE INDEX IF NOT EXISTS ix_protocol_text_fts ON protocol "
                   "USING gin (to_tsvector('simple', text))")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS protocol_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_protocol_text_fts")
