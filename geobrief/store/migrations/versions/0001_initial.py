"""The store as it was before migrations: articles, mentions, events, event_actors, predictions, and the
feeds, feed_items and stories of ``geobrief.store.feeds`` and the digests of ``geobrief.digest``.

Revision ID: 0001
Revises:
Create Date: 2026-11-01

A store made by ``metadata.create_all`` before migrations existed may lack tables added later
(predictions came after articles and events; feeds.py and digest.py made their own tables on first use): this revision creates only the tables that are missing,
so it adopts such a store. A store with all of them is stamped instead (``geobrief.store.migrate``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = ("articles", "mentions", "events", "event_actors", "predictions", "feeds", "feed_items", "stories", "digests")


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "articles" not in existing:
        op.create_table(
            "articles",
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("title", sa.Text()),
            sa.Column("source", sa.Text()),
            sa.Column("url", sa.Text()),
            sa.Column("published", sa.String(10)),
            sa.Column("license", sa.Text()),
            sa.Column("body", sa.Text(), nullable=False),
            sa.Column("ingested_at", sa.String(32), nullable=False),
        )
        op.create_index("ix_articles_published", "articles", ["published"])
    if "mentions" not in existing:
        op.create_table(
            "mentions",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
            sa.Column("actor", sa.String(16), nullable=False),
            sa.Column("entity", sa.String(32), nullable=False),
            sa.Column("start", sa.Integer(), nullable=False),
            sa.Column("end", sa.Integer(), nullable=False),
            sa.Column("how", sa.String(16), nullable=False),
            sa.Column("role", sa.String(8)),
        )
        op.create_index("ix_mentions_actor", "mentions", ["actor"])
    if "events" not in existing:
        op.create_table(
            "events",
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
            sa.Column("type", sa.String(16), nullable=False),
            sa.Column("mode", sa.String(32)),
            sa.Column("actors", sa.Text(), nullable=False),
            sa.Column("recipients", sa.Text(), nullable=False),
            sa.Column("date", sa.String(10)),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("start", sa.Integer(), nullable=False),
            sa.Column("end", sa.Integer(), nullable=False),
            sa.Column("confidence", sa.Float()),
            sa.Column("payload", sa.Text(), nullable=False),
        )
        op.create_index("ix_events_type_date", "events", ["type", "date"])
    if "event_actors" not in existing:
        op.create_table(
            "event_actors",
            sa.Column("event_id", sa.String(32), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
            sa.Column("actor", sa.String(16), nullable=False),
            sa.Column("side", sa.String(1), nullable=False),
        )
        op.create_index("ix_event_actors_actor", "event_actors", ["actor", "side"])
    if "predictions" not in existing:
        op.create_table(
            "predictions",
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("created_at", sa.String(32), nullable=False),
            sa.Column("country", sa.String(8), nullable=False),
            sa.Column("horizon", sa.String(8), nullable=False),
            sa.Column("period", sa.String(32), nullable=False),
            sa.Column("rule", sa.String(64), nullable=False),
            sa.Column("actors", sa.Text(), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("likelihood", sa.Float(), nullable=False),
            sa.Column("signposts", sa.Text(), nullable=False),
            sa.Column("events", sa.Text(), nullable=False),
        )
        op.create_index("ix_predictions_country", "predictions", ["country"])
    if "feeds" not in existing:
        op.create_table(
            "feeds",
            sa.Column("url", sa.String(2048), primary_key=True),
            sa.Column("title", sa.Text()),
            sa.Column("etag", sa.Text()),
            sa.Column("last_modified", sa.Text()),
            sa.Column("added_at", sa.String(32), nullable=False),
            sa.Column("last_checked", sa.String(32)),
            sa.Column("last_error", sa.Text()),
        )
    if "feed_items" not in existing:
        op.create_table(
            "feed_items",
            sa.Column("feed_url", sa.String(2048), sa.ForeignKey("feeds.url", ondelete="CASCADE"), primary_key=True),
            sa.Column("item_id", sa.String(2048), primary_key=True),
            sa.Column("seen_at", sa.String(32), nullable=False),
            sa.Column("article_id", sa.String(32)),
        )
    if "stories" not in existing:
        op.create_table(
            "stories",
            sa.Column("article_id", sa.String(32), primary_key=True),
            sa.Column("story_id", sa.String(32), nullable=False),
            sa.Column("simhash", sa.String(16), nullable=False),
        )
        op.create_index("ix_stories_story_id", "stories", ["story_id"])
    if "digests" not in existing:
        op.create_table(
            "digests",
            sa.Column("id", sa.String(40), primary_key=True),
            sa.Column("country", sa.String(8), nullable=False),
            sa.Column("created_at", sa.String(40), nullable=False),
            sa.Column("top", sa.Text(), nullable=False),
        )
        op.create_index("ix_digests_country", "digests", ["country"])


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
