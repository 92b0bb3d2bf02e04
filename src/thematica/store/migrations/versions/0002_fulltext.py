"""Full-text search: an FTS5 index of source passages (SQLite).

Revision ID: 0002_fulltext
Revises: 0001_core

Passages (paragraphs, at most a few hundred words) are indexed with the
source id and their start offset; a trigger drops a source's passages when
the source row goes. PostgreSQL will get its own (tsvector) index in the
migration that brings PostgreSQL support.
"""

from alembic import op

revision = "0002_fulltext"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE passage_fts USING fts5("
        "body, source_id UNINDEXED, start UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER source_drops_passages AFTER DELETE ON source BEGIN "
        "DELETE FROM passage_fts WHERE source_id = old.id; END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER source_drops_passages")
    op.execute("DROP TABLE passage_fts")
