"""The full-text structures beside ``search_searchentry``, per database (created by migration 0002).

Kept here so that the migration, the index rebuild and the benchmark use the same statements.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

TABLE = "search_searchentry"
FTS_TABLE = "search_fts"

TITLE_FTS_TABLE = "search_title_fts"

_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER search_entry_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title_seg, body_seg, facets)
        VALUES (new.sort_key, new.title_seg, new.body_seg, new.facets);
        INSERT INTO {TITLE_FTS_TABLE}(rowid, title_seg, facets) VALUES (new.sort_key, new.title_seg, new.facets);
    END""",
    f"""CREATE TRIGGER search_entry_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_seg, body_seg, facets)
        VALUES ('delete', old.sort_key, old.title_seg, old.body_seg, old.facets);
        INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}, rowid, title_seg, facets)
        VALUES ('delete', old.sort_key, old.title_seg, old.facets);
    END""",
    f"""CREATE TRIGGER search_entry_au AFTER UPDATE OF sort_key, title_seg, body_seg, facets ON {TABLE}
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_seg, body_seg, facets)
        VALUES ('delete', old.sort_key, old.title_seg, old.body_seg, old.facets);
        INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}, rowid, title_seg, facets)
        VALUES ('delete', old.sort_key, old.title_seg, old.facets);
        INSERT INTO {FTS_TABLE}(rowid, title_seg, body_seg, facets)
        VALUES (new.sort_key, new.title_seg, new.body_seg, new.facets);
        INSERT INTO {TITLE_FTS_TABLE}(rowid, title_seg, facets) VALUES (new.sort_key, new.title_seg, new.facets);
    END""",
]
_SQLITE_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_au",
]
# Contentless: the segmented text is stored once, in search_searchentry; rowid = sort_key. The titles
# also have an index of their own: ranking the title matches (BM25 needs every query word's document
# frequency) is cheap there, where in the whole text a common word's list is long.
_FTS_OPTIONS = "content='', tokenize='unicode61 remove_diacritics 2'"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title_seg, body_seg, facets, {_FTS_OPTIONS})",
    f"CREATE VIRTUAL TABLE {TITLE_FTS_TABLE} USING fts5(title_seg, facets, {_FTS_OPTIONS})",
    *_SQLITE_TRIGGERS,
]
SQLITE_DROP = [
    *_SQLITE_DROP_TRIGGERS,
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    f"DROP TABLE IF EXISTS {TITLE_FTS_TABLE}",
]

PG_COLUMNS = [
    f"""ALTER TABLE {TABLE}
        ADD COLUMN title_v tsvector
            GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title_seg)) STORED,
        ADD COLUMN doc_v tsvector
            GENERATED ALWAYS AS (setweight(to_tsvector('simple'::regconfig, title_seg), 'A')
                                 || to_tsvector('simple'::regconfig, body_seg)) STORED,
        ADD COLUMN facet_v tsvector
            GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, facets)) STORED""",
]
# The text indexes carry the filters (facets) as their second column: words and filters are then matched
# together inside one index. With separate indexes the planner took the filter's index and tested the
# words row by row, reading each item's whole text from TOAST (200 ms instead of 10 on 200,000 items).
PG_INDEXES = [
    f"CREATE INDEX search_entry_title_v ON {TABLE} USING gin (title_v, facet_v)",
    f"CREATE INDEX search_entry_doc_v ON {TABLE} USING gin (doc_v, facet_v)",
    f"CREATE INDEX search_entry_facet_v ON {TABLE} USING gin (facet_v)",
]
PG_DROP_INDEXES = [
    "DROP INDEX IF EXISTS search_entry_title_v",
    "DROP INDEX IF EXISTS search_entry_doc_v",
    "DROP INDEX IF EXISTS search_entry_facet_v",
]
PG_DROP = PG_DROP_INDEXES + [
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS title_v, DROP COLUMN IF EXISTS doc_v, "
    "DROP COLUMN IF EXISTS facet_v"
]


def create(connection) -> str:
    """Create the full-text structures for ``connection``; returns what was made."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            for sql in PG_COLUMNS + PG_INDEXES:
                cursor.execute(sql)
            return "postgresql"
        if vendor == "sqlite":
            try:
                cursor.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
                cursor.execute("DROP TABLE temp.fts5_probe")
            except Exception as exc:  # SQLite built without FTS5: searches use substring tests.
                logger.warning("SQLite 不支持 FTS5（%s），全文检索将使用较慢的兼容方式。", exc)
                return "fallback"
            for sql in SQLITE_CREATE:
                cursor.execute(sql)
            return "fts5"
    return "fallback"


def add_title_index(connection) -> None:
    """Migration 0003: the separate title index (and triggers that fill it) where 0002 made only the
    whole-text one; filled from the entries already there."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (%s, %s)",
            [FTS_TABLE, TITLE_FTS_TABLE],
        )
        present = {r[0] for r in cursor.fetchall()}
        if FTS_TABLE not in present or TITLE_FTS_TABLE in present:
            return
        cursor.execute(
            f"CREATE VIRTUAL TABLE {TITLE_FTS_TABLE} USING fts5(title_seg, facets, {_FTS_OPTIONS})"
        )
        for sql in _SQLITE_DROP_TRIGGERS + _SQLITE_TRIGGERS:
            cursor.execute(sql)
        cursor.execute(
            f"INSERT INTO {TITLE_FTS_TABLE}(rowid, title_seg, facets) SELECT sort_key, title_seg, facets FROM {TABLE}"
        )


def combine_pg_indexes(connection) -> None:
    """Migration 0004: the PostgreSQL text indexes rebuilt with the facets as second column."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'search_entry_doc_v'")
        if cursor.fetchone() is None:  # no full-text structures here
            return
        cursor.execute("DROP INDEX IF EXISTS search_entry_title_v")
        cursor.execute("DROP INDEX IF EXISTS search_entry_doc_v")
        for sql in PG_INDEXES[:2]:
            cursor.execute(sql)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in PG_DROP:
                cursor.execute(sql)
        elif connection.vendor == "sqlite":
            for sql in SQLITE_DROP:
                cursor.execute(sql)


_kind_cache: dict[tuple, str] = {}


def engine(connection) -> str:
    """Which full-text engine ``connection`` has: ``postgresql``, ``fts5`` or ``fallback``."""
    key = (connection.alias, str(connection.settings_dict.get("NAME")))
    kind = _kind_cache.get(key)
    if kind is None:
        kind = "fallback"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                    "AND table_name = %s AND column_name = 'doc_v'",
                    [TABLE],
                )
                if cursor.fetchone():
                    kind = "postgresql"
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE])
                if cursor.fetchone():
                    kind = "fts5"
        _kind_cache[key] = kind
    return kind


def forget_engine() -> None:
    _kind_cache.clear()
