"""Themes: the theme tree, codes per theme, chosen quotes, naming history.

Revision ID: 0003_themes
Revises: 0002_fulltext
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_themes"
down_revision = "0002_fulltext"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "theme",
        sa.Column("id", ID, nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("concept", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["theme.id"], name=op.f("fk_theme_parent_id_theme")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint("guid", name=op.f("uq_theme_guid")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_theme_parent_id"), "theme", ["parent_id"], unique=False)
    op.create_table(
        "theme_code",
        sa.Column("id", ID, nullable=False),
        sa.Column("theme_id", ID, nullable=False),
        sa.Column("code_id", ID, nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], name=op.f("fk_theme_code_code_id_code"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["theme.id"], name=op.f("fk_theme_code_theme_id_theme"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_code")),
        sa.UniqueConstraint("theme_id", "code_id", name=op.f("uq_theme_code_theme_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_theme_code_code_id"), "theme_code", ["code_id"], unique=False)
    op.create_table(
        "theme_quote",
        sa.Column("id", ID, nullable=False),
        sa.Column("theme_id", ID, nullable=False),
        sa.Column("segment_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id"], ["segment.id"], name=op.f("fk_theme_quote_segment_id_segment"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["theme.id"], name=op.f("fk_theme_quote_theme_id_theme"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_quote")),
        sa.UniqueConstraint("theme_id", "segment_id", name=op.f("uq_theme_quote_theme_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "theme_name",
        sa.Column("id", ID, nullable=False),
        sa.Column("theme_id", ID, nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("phase", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["theme.id"], name=op.f("fk_theme_name_theme_id_theme"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_name")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_theme_name_theme_id"), "theme_name", ["theme_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_theme_name_theme_id"), table_name="theme_name")
    op.drop_table("theme_name")
    op.drop_table("theme_quote")
    op.drop_index(op.f("ix_theme_code_code_id"), table_name="theme_code")
    op.drop_table("theme_code")
    op.drop_index(op.f("ix_theme_parent_id"), table_name="theme")
    op.drop_table("theme")
