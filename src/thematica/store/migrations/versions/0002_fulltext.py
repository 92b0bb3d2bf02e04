"""Full-text search: passages of sources and their FTS5 index (SQLite).

Revision ID: 0002_fulltext
Revises: 0001_core

A passage is a paragraph (or part of a long one) of a source, stored as
(source, start, length). On SQLite an FTS5 index without its own copy of the
text (content='') indexes each passage under the passage's id; a trigger
takes a source's passages out of the index (FTS5's 'delete' command needs
the indexed text, cut again from the source) before the source row goes.
PostgreSQL gets its own index in the migration that brings PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_fulltext"
down_revision = "0001_core"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "passage",
        sa.Column("id", ID, nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_passage_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passage")),
    )
    op.create_index(op.f("ix_passage_source_id"), "passage", ["source_id"], unique=False)
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE passage_fts USING fts5("
        "body, content = '', tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER source_drops_passages BEFORE DELETE ON source BEGIN "
        "INSERT INTO passage_fts (passage_fts, rowid, body) "
        "SELECT 'delete', p.id, substr(old.text, p.start + 1, p.length) FROM passage p WHERE p.source_id = old.id; "
        "DELETE FROM passage WHERE source_id = old.id; "
        "END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER source_drops_passages")
        op.execute("DROP TABLE passage_fts")
    op.drop_index(op.f("ix_passage_source_id"), table_name="passage")
    op.drop_table("passage")
