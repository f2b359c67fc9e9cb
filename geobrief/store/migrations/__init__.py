"""Alembic migrations of the store's schema; run by ``open_store`` and ``geobrief.store.migrate.upgrade``.

A new revision, from the repository root (``open_store`` on a scratch store first, so it is at head)::

    python -c "from geobrief.store.migrate import revision; revision('what changed', 'scratch.db')"
"""
