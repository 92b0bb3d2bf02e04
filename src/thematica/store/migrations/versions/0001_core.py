"""The core tables: coders, participants, sources, turns, codes, segments, memos, audit trail.

Revision ID: 0001_core
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

# Frozen here on purpose: a migration must not change when schema.py does.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table('attribute_def',
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('categories', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribute_def')),
    sa.UniqueConstraint('name', name=op.f('uq_attribute_def_name')),
    sqlite_autoincrement=True
    )
    op.create_table('audit_event',
    sa.Column('id', ID, nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('phase', sa.Integer(), nullable=False),
    sa.Column('operation', sa.String(length=64), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('undone_by', ID, nullable=True),
    sa.Column('undo_of', ID, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    sqlite_autoincrement=True
    )
    op.create_table('code',
    sa.Column('id', ID, nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('parent_id', ID, nullable=True),
    sa.Column('colour', sa.String(length=16), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('inclusion', sa.Text(), nullable=False),
    sa.Column('exclusion', sa.Text(), nullable=False),
    sa.Column('example', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('deleted', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['code.id'], name=op.f('fk_code_parent_id_code')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code')),
    sa.UniqueConstraint('guid', name=op.f('uq_code_guid')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_code_parent_id'), 'code', ['parent_id'], unique=False)
    op.create_table('coder',
    sa.Column('id', ID, nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coder')),
    sa.UniqueConstraint('guid', name=op.f('uq_coder_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_coder_name')),
    sqlite_autoincrement=True
    )
    op.create_table('memo',
    sa.Column('id', ID, nullable=False),
    sa.Column('target', sa.String(length=16), nullable=False),
    sa.Column('target_id', ID, nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('phase', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo')),
    sqlite_autoincrement=True
    )
    op.create_index('ix_memo_target', 'memo', ['target', 'target_id'], unique=False)
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )
    op.create_table('participant',
    sa.Column('id', ID, nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('guid', name=op.f('uq_participant_guid')),
    sa.UniqueConstraint('key', name=op.f('uq_participant_key')),
    sqlite_autoincrement=True
    )
    op.create_table('attribute_value',
    sa.Column('id', ID, nullable=False),
    sa.Column('participant_id', ID, nullable=False),
    sa.Column('attribute_id', ID, nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attribute_id'], ['attribute_def.id'], name=op.f('fk_attribute_value_attribute_id_attribute_def'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_attribute_value_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribute_value')),
    sa.UniqueConstraint('participant_id', 'attribute_id', name=op.f('uq_attribute_value_participant_id')),
    sqlite_autoincrement=True
    )
    op.create_table('source',
    sa.Column('id', ID, nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('participant_id', ID, nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('encoding', sa.String(length=32), nullable=True),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_source_participant_id_participant'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('guid', name=op.f('uq_source_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_source_name')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_source_sha256'), 'source', ['sha256'], unique=False)
    op.create_table('segment',
    sa.Column('id', ID, nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('source_id', ID, nullable=False),
    sa.Column('code_id', ID, nullable=False),
    sa.Column('coder_id', ID, nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_segment_code_id_code')),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_segment_coder_id_coder')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_segment_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment')),
    sa.UniqueConstraint('guid', name=op.f('uq_segment_guid')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_segment_code_id'), 'segment', ['code_id'], unique=False)
    op.create_index(op.f('ix_segment_coder_id'), 'segment', ['coder_id'], unique=False)
    op.create_index('ix_segment_source_start', 'segment', ['source_id', 'start'], unique=False)
    op.create_table('source_file',
    sa.Column('id', ID, nullable=False),
    sa.Column('source_id', ID, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_source_file_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_file')),
    sa.UniqueConstraint('source_id', name=op.f('uq_source_file_source_id')),
    sqlite_autoincrement=True
    )
    op.create_table('turn',
    sa.Column('id', ID, nullable=False),
    sa.Column('source_id', ID, nullable=False),
    sa.Column('idx', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('participant_id', ID, nullable=True),
    sa.Column('begin', sa.Float(), nullable=True),
    sa.Column('end_time', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_turn_participant_id_participant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_turn_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turn')),
    sqlite_autoincrement=True
    )
    op.create_index('ix_turn_source_start', 'turn', ['source_id', 'start'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_turn_source_start', table_name='turn')
    op.drop_table('turn')
    op.drop_table('source_file')
    op.drop_index('ix_segment_source_start', table_name='segment')
    op.drop_index(op.f('ix_segment_coder_id'), table_name='segment')
    op.drop_index(op.f('ix_segment_code_id'), table_name='segment')
    op.drop_table('segment')
    op.drop_index(op.f('ix_source_sha256'), table_name='source')
    op.drop_table('source')
    op.drop_table('attribute_value')
    op.drop_table('participant')
    op.drop_table('meta')
    op.drop_index('ix_memo_target', table_name='memo')
    op.drop_table('memo')
    op.drop_table('coder')
    op.drop_index(op.f('ix_code_parent_id'), table_name='code')
    op.drop_table('code')
    op.drop_table('audit_event')
    op.drop_table('attribute_def')
