"""Comparative coding: coder kind (person / consensus), blind coders, re-coding, resolutions.

Revision ID: 0004_consensus
Revises: 0003_themes
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_consensus"
down_revision = "0003_themes"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("coder", sa.Column("kind", sa.String(length=16), nullable=False, server_default="person"))
    op.add_column("coder", sa.Column("blind", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a column with its foreign key in one statement
        op.execute(
            "ALTER TABLE coder ADD COLUMN recode_of INTEGER "
            "CONSTRAINT fk_coder_recode_of_coder REFERENCES coder (id)"
        )
    else:
        op.add_column("coder", sa.Column("recode_of", ID, nullable=True))
        op.create_foreign_key(op.f("fk_coder_recode_of_coder"), "coder", "coder", ["recode_of"], ["id"])
    op.create_table(
        "resolution",
        sa.Column("id", ID, nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("coders", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_resolution_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_resolution_source_id"), "resolution", ["source_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_resolution_source_id"), table_name="resolution")
    op.drop_table("resolution")
    with op.batch_alter_table("coder") as batch:
        batch.drop_column("recode_of")
        batch.drop_column("blind")
        batch.drop_column("kind")
