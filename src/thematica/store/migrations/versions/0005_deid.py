"""De-identification: the identifier register, allow-list, review queue, kept originals.

Revision ID: 0005_deid
Revises: 0004_consensus
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_deid"
down_revision = "0004_consensus"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("source", sa.Column("deidentified_at", sa.String(length=32), nullable=True))
    op.create_table(
        "identifier",
        sa.Column("id", ID, nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("variants", sa.Text(), nullable=False),
        sa.Column("replacement", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identifier")),
        sa.UniqueConstraint("guid", name=op.f("uq_identifier_guid")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "deid_allow",
        sa.Column("id", ID, nullable=False),
        sa.Column("term", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deid_allow")),
        sa.UniqueConstraint("term", name=op.f("uq_deid_allow_term")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "deid_candidate",
        sa.Column("id", ID, nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("detector", sa.String(length=32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("identifier_id", ID, nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_deid_candidate_source_id_source"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["identifier_id"],
            ["identifier.id"],
            name=op.f("fk_deid_candidate_identifier_id_identifier"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deid_candidate")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_deid_candidate_source_start", "deid_candidate", ["source_id", "start"], unique=False)
    op.create_table(
        "source_version",
        sa.Column("id", ID, nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_source_version_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_version")),
        sa.UniqueConstraint("source_id", "kind", name=op.f("uq_source_version_source_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "deid_fingerprint",
        sa.Column("id", ID, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deid_fingerprint")),
        sa.UniqueConstraint("digest", name=op.f("uq_deid_fingerprint_digest")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("deid_fingerprint")
    op.drop_table("source_version")
    op.drop_index("ix_deid_candidate_source_start", table_name="deid_candidate")
    op.drop_table("deid_candidate")
    op.drop_table("deid_allow")
    op.drop_table("identifier")
    with op.batch_alter_table("source") as batch:
        batch.drop_column("deidentified_at")
