"""initial schema

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-27 18:25:02.248173

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('corporations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('plan', sa.Enum('free', 'paid', name='plan', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('plan_expires_at', sa.Date(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("plan <> 'paid' OR plan_expires_at IS NOT NULL", name=op.f('ck_corporations_paid_plan_has_expiry')),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_corporations_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corporations'))
    )
    op.create_index('uq_corporations_lower_name', 'corporations', [sa.literal_column('lower(name)')], unique=True)
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('corporation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.Enum('admin', 'guest', name='role', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('points', sa.Integer(), server_default='0', nullable=False),
    sa.Column('session_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.CheckConstraint('points >= 0', name=op.f('ck_users_points_not_negative')),
    sa.ForeignKeyConstraint(['corporation_id'], ['corporations.id'], name=op.f('fk_users_corporation_id_corporations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_index('ix_users_corporation_id_email', 'users', ['corporation_id', 'email'], unique=False)
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('corporation_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['corporation_id'], ['corporations.id'], name=op.f('fk_audit_events_corporation_id_corporations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    op.create_index(op.f('ix_audit_events_action'), 'audit_events', ['action'], unique=False)
    op.create_index('ix_audit_events_corporation_id_created_at', 'audit_events', ['corporation_id', 'created_at'], unique=False)
    op.create_table('plan_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('corporation_id', sa.Integer(), nullable=False),
    sa.Column('from_plan', sa.Enum('free', 'paid', name='from_plan', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('to_plan', sa.Enum('free', 'paid', name='to_plan', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('from_expires_at', sa.Date(), nullable=True),
    sa.Column('to_expires_at', sa.Date(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_plan_changes_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['corporation_id'], ['corporations.id'], name=op.f('fk_plan_changes_corporation_id_corporations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_changes'))
    )
    op.create_index('ix_plan_changes_corporation_id_created_at', 'plan_changes', ['corporation_id', 'created_at'], unique=False)
    op.create_table('refresh_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=128), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['refresh_tokens.id'], name=op.f('fk_refresh_tokens_replaced_by_id_refresh_tokens'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_refresh_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_refresh_tokens_token_hash'))
    )
    op.create_index(op.f('ix_refresh_tokens_family_id'), 'refresh_tokens', ['family_id'], unique=False)
    op.create_index('ix_refresh_tokens_user_id_revoked_at', 'refresh_tokens', ['user_id', 'revoked_at'], unique=False)
    op.create_table('videos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('corporation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('source_url', sa.String(length=2048), nullable=True),
    sa.Column('file_key', sa.String(length=255), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(deleted_at IS NULL) OR (deleted_by_id IS NOT NULL)', name=op.f('ck_videos_deleted_has_actor')),
    sa.CheckConstraint('(source_url IS NULL) <> (file_key IS NULL)', name=op.f('ck_videos_exactly_one_source')),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_videos_title_not_blank')),
    sa.CheckConstraint('size_bytes IS NULL OR size_bytes >= 0', name=op.f('ck_videos_size_not_negative')),
    sa.ForeignKeyConstraint(['corporation_id'], ['corporations.id'], name=op.f('fk_videos_corporation_id_corporations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_videos_deleted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_videos'))
    )
    op.create_index('ix_videos_corporation_id_deleted_at_created_at', 'videos', ['corporation_id', 'deleted_at', 'created_at'], unique=False)
    op.create_table('video_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('video_id', sa.Integer(), nullable=False),
    sa.Column('points_awarded', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('points_awarded >= 0', name=op.f('ck_video_views_points_awarded_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_video_views_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['video_id'], ['videos.id'], name=op.f('fk_video_views_video_id_videos'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_video_views')),
    sa.UniqueConstraint('user_id', 'video_id', name=op.f('uq_video_views_user_id_video_id'))
    )
    op.create_index('ix_video_views_user_id_created_at', 'video_views', ['user_id', 'created_at'], unique=False)
    op.create_index('ix_video_views_video_id_created_at', 'video_views', ['video_id', 'created_at'], unique=False)
    


def downgrade():
    
    op.drop_index('ix_video_views_video_id_created_at', table_name='video_views')
    op.drop_index('ix_video_views_user_id_created_at', table_name='video_views')
    op.drop_table('video_views')
    op.drop_index('ix_videos_corporation_id_deleted_at_created_at', table_name='videos')
    op.drop_table('videos')
    op.drop_index('ix_refresh_tokens_user_id_revoked_at', table_name='refresh_tokens')
    op.drop_index(op.f('ix_refresh_tokens_family_id'), table_name='refresh_tokens')
    op.drop_table('refresh_tokens')
    op.drop_index('ix_plan_changes_corporation_id_created_at', table_name='plan_changes')
    op.drop_table('plan_changes')
    op.drop_index('ix_audit_events_corporation_id_created_at', table_name='audit_events')
    op.drop_index(op.f('ix_audit_events_action'), table_name='audit_events')
    op.drop_table('audit_events')
    op.drop_index('ix_users_corporation_id_email', table_name='users')
    op.drop_table('users')
    op.drop_index('uq_corporations_lower_name', table_name='corporations')
    op.drop_table('corporations')
    
