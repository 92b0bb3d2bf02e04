"""The tables of a project, as SQLAlchemy Core metadata.

This is the schema the newest migration produces; tests check that the two
agree. Timestamps are ISO-8601 text in UTC; offsets are code points.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BigInteger on PostgreSQL, INTEGER (rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

coder = Table(
    "coder",
    metadata,
    Column("id", Id, primary_key=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    # "person", or "consensus" for the agreed coding that resolution writes
    Column("kind", String(16), nullable=False, default="person", server_default="person"),
    # a blind coder sees only their own segments
    Column("blind", Integer, nullable=False, default=0, server_default="0"),
    # a re-coding of the same person's earlier work (intra-coder consistency)
    Column("recode_of", Id, ForeignKey("coder.id"), nullable=True),
    sqlite_autoincrement=True
)

participant = Table(
    "participant",
    metadata,
    Column("id", Id, primary_key=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    sqlite_autoincrement=True
)

attribute_def = Table(
    "attribute_def",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("type", String(16), nullable=False),
    Column("categories", Text, nullable=False, default="[]"),
    sqlite_autoincrement=True
)

attribute_value = Table(
    "attribute_value",
    metadata,
    Column("id", Id, primary_key=True),
    Column("participant_id", Id, ForeignKey("participant.id", ondelete="CASCADE"), nullable=False),
    Column("attribute_id", Id, ForeignKey("attribute_def.id", ondelete="CASCADE"), nullable=False),
    Column("value", Text, nullable=False),
    UniqueConstraint("participant_id", "attribute_id"),
    sqlite_autoincrement=True
)

source = Table(
    "source",
    metadata,
    Column("id", Id, primary_key=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("name", String(400), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("length", Integer, nullable=False),
    Column("participant_id", Id, ForeignKey("participant.id", ondelete="SET NULL"), nullable=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("encoding", String(32), nullable=True),
    Column("file_name", Text, nullable=False),
    Column("imported_at", String(32), nullable=False),
    # when the text was replaced by its de-identified version (NULL: never)
    Column("deidentified_at", String(32), nullable=True),
    sqlite_autoincrement=True
)

source_file = Table(
    "source_file",
    metadata,
    Column("id", Id, primary_key=True),
    Column("source_id", Id, ForeignKey("source.id", ondelete="CASCADE"), nullable=False, unique=True),
    # NULL when the file's bytes are exactly the UTF-8 encoding of the canonical text
    # (most .txt transcripts): the original is then rebuilt from the text, byte for byte.
    Column("data", LargeBinary, nullable=True),
    sqlite_autoincrement=True
)

turn = Table(
    "turn",
    metadata,
    Column("id", Id, primary_key=True),
    Column("source_id", Id, ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("speaker", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("participant_id", Id, ForeignKey("participant.id", ondelete="SET NULL"), nullable=True),
    Column("begin", Float, nullable=True),
    Column("end_time", Float, nullable=True),
    Index("ix_turn_source_start", "source_id", "start"),
    sqlite_autoincrement=True
)

code = Table(
    "code",
    metadata,
    Column("id", Id, primary_key=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("name", String(400), nullable=False),
    Column("parent_id", Id, ForeignKey("code.id"), nullable=True, index=True),
    Column("colour", String(16), nullable=False, default=""),
    Column("definition", Text, nullable=False, default=""),
    Column("inclusion", Text, nullable=False, default=""),
    Column("exclusion", Text, nullable=False, default=""),
    Column("example", Text, nullable=False, default=""),
    Column("origin", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("deleted", Integer, nullable=False, default=0),
    Column("created_at", String(32), nullable=False),
    sqlite_autoincrement=True
)

segment = Table(
    "segment",
    metadata,
    Column("id", Id, primary_key=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("source_id", Id, ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
    Column("code_id", Id, ForeignKey("code.id"), nullable=False, index=True),
    Column("coder_id", Id, ForeignKey("coder.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("memo", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    # JSON: who proposed this coding (the local assistant: model, method, parameters, time) and who accepted it
    Column("provenance", Text, nullable=True),
    Index("ix_segment_source_start", "source_id", "start"),
    sqlite_autoincrement=True
)

passage = Table(
    "passage",
    metadata,
    # A stretch of a source (a paragraph, or part of a long one) as indexed for
    # full-text search; the text itself is read from the source, never copied.
    Column("id", Id, primary_key=True),
    Column("source_id", Id, ForeignKey("source.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("length", Integer, nullable=False),
)

theme = Table(
    "theme",
    metadata,
    Column("id", Id, primary_key=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("name", String(400), nullable=False),
    Column("parent_id", Id, ForeignKey("theme.id"), nullable=True, index=True),
    Column("definition", Text, nullable=False, default=""),
    Column("concept", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("narrative", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False, default=0),
    Column("deleted", Integer, nullable=False, default=0),
    Column("created_at", String(32), nullable=False),
    sqlite_autoincrement=True,
)

theme_code = Table(
    "theme_code",
    metadata,
    Column("id", Id, primary_key=True),
    Column("theme_id", Id, ForeignKey("theme.id", ondelete="CASCADE"), nullable=False),
    Column("code_id", Id, ForeignKey("code.id", ondelete="CASCADE"), nullable=False, index=True),
    UniqueConstraint("theme_id", "code_id"),
    sqlite_autoincrement=True,
)

theme_quote = Table(
    "theme_quote",
    metadata,
    # A key extract the researcher chose to quote for a theme, in report order.
    Column("id", Id, primary_key=True),
    Column("theme_id", Id, ForeignKey("theme.id", ondelete="CASCADE"), nullable=False),
    Column("segment_id", Id, ForeignKey("segment.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False, default=0),
    UniqueConstraint("theme_id", "segment_id"),
    sqlite_autoincrement=True,
)

theme_name = Table(
    "theme_name",
    metadata,
    # Naming history: every name a theme has had (Braun & Clarke phase 5).
    Column("id", Id, primary_key=True),
    Column("theme_id", Id, ForeignKey("theme.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(400), nullable=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("phase", Integer, nullable=False),
    sqlite_autoincrement=True,
)

resolution = Table(
    "resolution",
    metadata,
    # One resolved disagreement: where, what was decided, why (the consensus
    # segments it wrote are in the same audit event).
    Column("id", Id, primary_key=True),
    Column("source_id", Id, ForeignKey("source.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("decision", String(16), nullable=False),
    Column("rationale", Text, nullable=False, default=""),
    Column("coders", Text, nullable=False, default="[]"),
    Column("actor", String(200), nullable=False),
    Column("created_at", String(32), nullable=False),
    sqlite_autoincrement=True,
)

identifier = Table(
    "identifier",
    metadata,
    # One real identifier in the de-identification register and its pseudonym.
    # ``value`` and ``variants`` are the re-identification key: NULL / "[]"
    # once the key has been exported and removed from the project.
    Column("id", Id, primary_key=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("category", String(32), nullable=False),
    Column("value", Text, nullable=True),
    Column("variants", Text, nullable=False, default="[]"),
    Column("replacement", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    sqlite_autoincrement=True,
)

deid_allow = Table(
    "deid_allow",
    metadata,
    # A term the researcher said is never an identifier (the "never" list).
    Column("id", Id, primary_key=True),
    Column("term", String(400), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    sqlite_autoincrement=True,
)

deid_candidate = Table(
    "deid_candidate",
    metadata,
    # A possible identifier found by a scan, waiting for (or given) a decision.
    Column("id", Id, primary_key=True),
    Column("source_id", Id, ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("category", String(32), nullable=False),
    Column("detector", String(32), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("status", String(16), nullable=False),
    Column("identifier_id", Id, ForeignKey("identifier.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", String(32), nullable=False),
    Index("ix_deid_candidate_source_start", "source_id", "start"),
    sqlite_autoincrement=True,
)

source_version = Table(
    "source_version",
    metadata,
    # An earlier text of a source, kept by choice (the original before de-identification).
    Column("id", Id, primary_key=True),
    Column("source_id", Id, ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    UniqueConstraint("source_id", "kind"),
    sqlite_autoincrement=True,
)

deid_fingerprint = Table(
    "deid_fingerprint",
    metadata,
    # Keyed hashes of removed identifiers, so outputs can still be checked without the key.
    Column("id", Id, primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),
    sqlite_autoincrement=True,
)

embedding = Table(
    "embedding",
    metadata,
    # A cached vector of one unit of text (derived data, like the full-text index: not audited).
    Column("id", Id, primary_key=True),
    Column("model", String(80), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("source_id", Id, ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text_sha", String(40), nullable=False),
    Column("vector", LargeBinary, nullable=False),
    Index("ix_embedding_model_kind", "model", "kind", "source_id", "start"),
    sqlite_autoincrement=True,
)

suggestion = Table(
    "suggestion",
    metadata,
    # A code the local assistant proposes for a unit, with its provenance and the researcher's decision.
    Column("id", Id, primary_key=True),
    Column("source_id", Id, ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("code_id", Id, ForeignKey("code.id", ondelete="CASCADE"), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("informativeness", Float, nullable=False),
    Column("examples", Text, nullable=False, default="[]"),
    Column("provenance", Text, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("segment_id", Id, ForeignKey("segment.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", String(32), nullable=False),
    sqlite_autoincrement=True,
)

memo = Table(
    "memo",
    metadata,
    Column("id", Id, primary_key=True),
    Column("target", String(16), nullable=False),
    Column("target_id", Id, nullable=True),
    Column("text", Text, nullable=False),
    Column("phase", Integer, nullable=False),
    Column("author", String(200), nullable=False),
    Column("created_at", String(32), nullable=False),
    Index("ix_memo_target", "target", "target_id"),
    sqlite_autoincrement=True
)

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Id, primary_key=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("phase", Integer, nullable=False),
    Column("operation", String(64), nullable=False),
    Column("summary", Text, nullable=False),
    Column("details", Text, nullable=False, default="{}"),
    Column("changes", Text, nullable=False, default="[]"),
    Column("undone_by", Id, nullable=True),
    Column("undo_of", Id, nullable=True),
    sqlite_autoincrement=True
)

#: Tables whose rows an audit event may insert, update or delete (by name).
TABLES: dict[str, Table] = {t.name: t for t in metadata.sorted_tables}
