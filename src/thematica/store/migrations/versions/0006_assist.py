"""Local assistance: cached embeddings, code suggestions, provenance of segments.

Revision ID: 0006_assist
Revises: 0005_deid
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_assist"
down_revision = "0005_deid"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("segment", sa.Column("provenance", sa.Text(), nullable=True))
    op.create_table(
        "embedding",
        sa.Column("id", ID, nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text_sha", sa.String(length=40), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_embedding_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_embedding")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_embedding_model_kind", "embedding", ["model", "kind", "source_id", "start"], unique=False)
    op.create_table(
        "suggestion",
        sa.Column("id", ID, nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("code_id", ID, nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("informativeness", sa.Float(), nullable=False),
        sa.Column("examples", sa.Text(), nullable=False),
        sa.Column("provenance", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("segment_id", ID, nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_suggestion_source_id_source"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], name=op.f("fk_suggestion_code_id_code"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["segment_id"], ["segment.id"], name=op.f("fk_suggestion_segment_id_segment"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_suggestion_status"), "suggestion", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_suggestion_status"), table_name="suggestion")
    op.drop_table("suggestion")
    op.drop_index("ix_embedding_model_kind", table_name="embedding")
    op.drop_table("embedding")
    with op.batch_alter_table("segment") as batch:
        batch.drop_column("provenance")
