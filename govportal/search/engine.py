"""Running a query against the index: the same question, asked of SQLite FTS5, PostgreSQL full text, or
(where neither exists) plain substring tests.

A question is a ``Match``: the query's word groups, which part of the item must contain them (title,
title or body, body but not title), the filters as facet tokens, a sort-key range for dates, and items
to leave out. Each engine answers two things: how many items match (counted up to a cap), and one page of
them ordered by relevance or by date.

User text never reaches an engine as syntax: tokens are letters, digits and CJK characters only, quoted
for FTS5 and passed as parameters to PostgreSQL's ``plainto_tsquery``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.models import Q

from .fulltext import FTS_TABLE, TABLE, TITLE_FTS_TABLE, engine
from .models import SearchEntry

# Title matches are ranked (service.title_score) while there are at most this many; more, and they are
# newest first. Body matches are always newest first: ranking them by BM25 / ts_rank needs the
# frequency of every query word over all the text, which costs more than the whole search.
RANK_LIMIT = 500
# PostgreSQL: when a count reaches the cap (service.COUNT_CAP, 1,000: at least 0.5 % of 200,000 items
# match), walk the date index and test each row; below, collect the matches from the GIN index and sort
# them. Measured on 200,000 items (benchmarks/search_speed.py): with a cap of 10,000 each count read ten
# times as many rows and the 95th percentile was 78 ms; with 1,000 it is about 42 ms.
WALK_MIN = 1_001
# A listing (filters only, no words) tests only the small facet column on each row, but asks for up to
# hundreds of items (a home page's scan): it walks only when the filter matches many items.
LISTING_WALK_MIN = 10_000


@dataclass
class Match:
    groups: list[list[list[str]]]  # AND of groups; group = OR of alternatives; alternative = AND of tokens
    part: str = "all"  # "all" (title or body), "title", "body" (in the body but not all in the title)
    facets: list[str] = field(default_factory=list)
    key_range: tuple[int | None, int | None] = (None, None)
    exclude_keys: list[int] = field(default_factory=list)

    def with_part(self, part: str) -> Match:
        return Match(self.groups, part, self.facets, self.key_range, self.exclude_keys)


class Engine:
    name = "fallback"

    def __init__(self, using: str = "default"):
        self.using = using

    def count(self, m: Match, cap: int) -> int:
        raise NotImplementedError

    def fetch(self, m: Match, order: str, limit: int, offset: int, hint: int) -> list[int]:
        """Sort keys of one page of matches; ``order`` is "rank" or "date"; ``hint`` = the count."""
        raise NotImplementedError

    def latest_keys(self, m: Match, limit: int) -> list[int]:
        """Sort keys of the ``limit`` newest matches (a listing)."""
        return self.fetch(m, "date", limit, 0, 0)


# --- SQLite FTS5 ------------------------------------------------------------------------------------------


def _fts_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_expression(groups) -> str:
    parts = []
    for alts in groups:
        ors = ["(" + " AND ".join(_fts_phrase(t) for t in alt) + ")" for alt in alts]
        parts.append("(" + " OR ".join(ors) + ")")
    return " AND ".join(parts)


class FTS5Engine(Engine):
    name = "fts5"

    def _where(self, m: Match) -> tuple[str, str, list]:
        """(table, WHERE clause, parameters): title questions go to the title index."""
        q = fts_expression(m.groups)
        facets = f"(facets : ({' AND '.join(_fts_phrase(f) for f in m.facets)}))" if m.facets else ""
        table = TITLE_FTS_TABLE if m.part == "title" and m.groups else FTS_TABLE
        if not m.groups:  # a listing: filters only
            expr = facets
        elif m.part == "title":
            expr = f"(title_seg : ({q}))"
        else:
            expr = f"({{title_seg body_seg}} : ({q}))"
        if m.groups and facets:
            expr = f"({expr} AND {facets})"
        if m.part == "body":
            expr = f"({expr} NOT (title_seg : ({q})))"
        sql = f"{table} MATCH %s"
        params: list = [expr]
        lo, hi = m.key_range
        if lo is not None:
            sql += " AND rowid >= %s"
            params.append(lo)
        if hi is not None:
            sql += " AND rowid <= %s"
            params.append(hi)
        if m.exclude_keys:
            sql += f" AND rowid NOT IN ({', '.join(['%s'] * len(m.exclude_keys))})"
            params += list(m.exclude_keys)
        return table, sql, params

    def count(self, m: Match, cap: int) -> int:
        table, where, params = self._where(m)
        with connections[self.using].cursor() as c:
            c.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT %s)", [*params, cap])
            return c.fetchone()[0]

    def fetch(self, m: Match, order: str, limit: int, offset: int, hint: int) -> list[int]:
        table, where, params = self._where(m)
        if order == "rank" and table == TITLE_FTS_TABLE:
            order_by = f"bm25({TITLE_FTS_TABLE}, 1.0, 0.0), rowid DESC"
        else:
            order_by = "rowid DESC"
        sql = f"SELECT rowid FROM {table} WHERE {where} ORDER BY {order_by} LIMIT %s OFFSET %s"
        with connections[self.using].cursor() as c:
            c.execute(sql, [*params, limit, offset])
            return [r[0] for r in c.fetchall()]


# --- PostgreSQL -------------------------------------------------------------------------------------------


def pg_tsquery(groups) -> tuple[str, list]:
    """``plainto_tsquery`` calls combined with && and ||; every token is a parameter."""
    sql_groups, params = [], []
    for alts in groups:
        ors = []
        for alt in alts:
            ors.append("plainto_tsquery('simple', %s)")
            params.append(" ".join(alt))
        sql_groups.append("(" + " || ".join(ors) + ")")
    return "(" + " && ".join(sql_groups) + ")", params


class PostgresEngine(Engine):
    name = "postgresql"

    def _where(self, m: Match) -> tuple[str, list, str, list]:
        tsq, tparams = pg_tsquery(m.groups) if m.groups else ("", [])
        clauses, params = [], []
        rank_vec = "doc_v"
        if not m.groups:  # a listing: filters only
            pass
        elif m.part == "title":
            clauses.append(f"title_v @@ {tsq}")
            params += tparams
            rank_vec = "title_v"
        else:
            clauses.append(f"doc_v @@ {tsq}")
            params += tparams
            rank_vec = "doc_v"
        if m.facets:
            clauses.append("facet_v @@ plainto_tsquery('simple', %s)")
            params.append(" ".join(m.facets))
        if m.part == "body":
            clauses.append(f"NOT (title_v @@ {tsq})")
            params += tparams
        lo, hi = m.key_range
        if lo is not None:
            clauses.append("sort_key >= %s")
            params.append(lo)
        if hi is not None:
            clauses.append("sort_key <= %s")
            params.append(hi)
        if m.exclude_keys:
            clauses.append("NOT (sort_key = ANY(%s))")
            params.append(list(m.exclude_keys))
        rank = f"ts_rank({rank_vec}, {tsq})" if m.groups else "0"
        return " AND ".join(clauses) or "TRUE", params, rank, tparams

    PLANS = {
        "walk": {"enable_bitmapscan": "off", "enable_seqscan": "off"},
        "bitmap": {"enable_indexscan": "off", "enable_seqscan": "off", "work_mem": "32MB"},
    }
    PLAN_SETTINGS = ("enable_bitmapscan", "enable_indexscan", "enable_seqscan", "work_mem")

    @contextmanager
    def _planned(self, plan: str):
        """A cursor running with the planner settings of ``plan`` (the planner's guess for segmented
        Chinese text is often wrong by orders of magnitude, so the plan is chosen from the real number
        of matches), and ``switch(plan)`` to change plan for the next statement.

        set_config(..., true) lasts until the end of the transaction: inside a savepoint of the caller's
        transaction, so the old values are read (in the same statement that sets the new ones) and put
        back afterwards. On PostgreSQL a lookup therefore costs savepoint, set, the statements, reset and
        release; several statements under one savepoint share that cost."""
        conn = connections[self.using]
        names = self.PLAN_SETTINGS
        with transaction.atomic(using=self.using), conn.cursor() as c:
            wanted = self.PLANS[plan]
            chosen = [n for n in names if n in wanted]
            c.execute(
                "SELECT "
                + ", ".join(f"current_setting('{n}')" for n in names)
                + ", "
                + ", ".join("set_config(%s, %s, true)" for _ in chosen),
                [x for n in chosen for x in (n, wanted[n])],
            )
            before = dict(zip(names, c.fetchone()[: len(names)], strict=True))

            def apply(values: dict) -> None:
                c.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
                    [x for n in names for x in (n, values.get(n, before[n]))],
                )

            try:
                yield c, lambda other: apply(self.PLANS[other])
            finally:
                apply({})

    def _run(self, sql: str, params: list, plan: str) -> list:
        """Run ``sql`` with the plan chosen from the real number of matches."""
        with self._planned(plan) as (c, _):
            c.execute(sql, params)
            return c.fetchall()

    def latest_keys(self, m: Match, limit: int) -> list[int]:
        """The count that chooses the plan and the fetch under one savepoint (6 statements, not 10)."""
        where, params, _, _ = self._where(m)
        with self._planned("bitmap") as (c, switch):
            c.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT %s) s",
                [*params, LISTING_WALK_MIN],
            )
            if c.fetchone()[0] >= LISTING_WALK_MIN:
                switch("walk")
            c.execute(
                f"SELECT sort_key FROM {TABLE} WHERE {where} ORDER BY sort_key DESC LIMIT %s OFFSET 0",
                [*params, limit],
            )
            return [r[0] for r in c.fetchall()]

    def count(self, m: Match, cap: int) -> int:
        where, params, _, _ = self._where(m)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT %s) s"
        return self._run(sql, [*params, cap], "bitmap")[0][0]

    def fetch(self, m: Match, order: str, limit: int, offset: int, hint: int) -> list[int]:
        where, params, rank, rparams = self._where(m)
        if order == "rank" and m.part == "title":
            sql = f"SELECT sort_key FROM {TABLE} WHERE {where} ORDER BY {rank} DESC, sort_key DESC LIMIT %s OFFSET %s"
            rows = self._run(sql, [*params, *rparams, limit, offset], "bitmap")
        else:
            sql = f"SELECT sort_key FROM {TABLE} WHERE {where} ORDER BY sort_key DESC LIMIT %s OFFSET %s"
            walk_min = WALK_MIN if m.groups else LISTING_WALK_MIN
            rows = self._run(sql, [*params, limit, offset], "walk" if hint >= walk_min else "bitmap")
        return [r[0] for r in rows]


# --- no full-text engine ------------------------------------------------------------------------------


def _token_q(fields: tuple[str, ...], token: str) -> Q:
    q = Q()
    for f in fields:
        q |= Q(**{f"{f}__contains": f" {token} "})
    return q


def _groups_q(groups, fields) -> Q:
    result = Q()
    for alts in groups:
        any_alt = Q()
        for alt in alts:
            all_tokens = Q()
            for t in alt:
                all_tokens &= _token_q(fields, t)
            any_alt |= all_tokens
        result &= any_alt
    return result


class FallbackEngine(Engine):
    """Substring tests on the segmented columns: correct everywhere, fast enough for small sites."""

    name = "fallback"

    def _qs(self, m: Match):
        if m.part == "title":
            cond = _groups_q(m.groups, ("title_seg",))
        else:
            cond = _groups_q(m.groups, ("title_seg", "body_seg"))
        if m.part == "body":
            cond &= ~_groups_q(m.groups, ("title_seg",))
        for f in m.facets:
            cond &= Q(facets__contains=f" {f} ")
        lo, hi = m.key_range
        if lo is not None:
            cond &= Q(sort_key__gte=lo)
        if hi is not None:
            cond &= Q(sort_key__lte=hi)
        qs = SearchEntry.objects.using(self.using).filter(cond)
        if m.exclude_keys:
            qs = qs.exclude(sort_key__in=m.exclude_keys)
        return qs

    def count(self, m: Match, cap: int) -> int:
        return len(self._qs(m).values_list("sort_key", flat=True)[:cap])

    def fetch(self, m: Match, order: str, limit: int, offset: int, hint: int) -> list[int]:
        qs = self._qs(m).order_by("-sort_key").values_list("sort_key", flat=True)
        return list(qs[offset : offset + limit])


ENGINES = {"fts5": FTS5Engine, "postgresql": PostgresEngine, "fallback": FallbackEngine}


def engine_for(using: str = "default") -> Engine:
    return ENGINES[engine(connections[using])](using)
