"""The statements a column list page, its count and a feed cost at 200,000 items, with their plans, on
SQLite and PostgreSQL (static publishing renders these for every publish; issue 13).

    .venv/bin/python benchmarks/listing_explain.py [--items 200000] [--db sqlite|postgresql] [--pg-url URL]

Method: a fresh database (SQLite in a temporary GOVPORTAL_HOME, or the PostgreSQL database of ``--pg-url``,
emptied first), migrated; ``--items`` entries of the search listing written in bulk, spread over 40 columns of
4 channels of one home page (the shapes of ``search.listing``: facets ``p<ancestor>``, ``c<column>``), dates
over ten years. Then the three lookups static publishing makes for one publish, each run 20 times after 3
warm-ups (median ms): a column's first list page (``Sequence``: count + one page of keys + their rows), a
later list page (page 50), a feed (``latest``: 20 newest below the home page, and below a column). Every
statement they send is captured and shown with its plan (``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN
(ANALYZE, BUFFERS)`` on PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COLUMNS = (
    "page_id, sort_key, path, url_path, title, title_seg, body, body_seg, facets, kind, unit_id, column_id, "
    "date, validity, document_number, document_key, indexed_at"
)


def fill(n: int) -> None:
    from django.db import connection, transaction

    from govportal.search import fulltext
    from govportal.search.models import sort_key

    home, channels = 900_001, [900_010 + i for i in range(4)]
    columns = [(900_100 + i, channels[i % 4]) for i in range(40)]
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)

    def row(i):
        col, ch = columns[i % len(columns)] if i % 10 else columns[i % 3]  # a few big columns, many small
        date = now - dt.timedelta(minutes=(i * 7919) % (3650 * 1440))
        pk = 10_000_000 + i
        path = f"00010001{ch:06d}{col:06d}{i:08d}"
        return (
            pk,
            sort_key(date, pk),
            path,
            f"/home/c{col}/item{i}/",
            f"信息{i}",
            f" 信息 {i} ",
            "正文",
            " 正文 ",
            f" p{home} p{ch} p{col} c{col} karticlepage ",
            "portal.articlepage",
            None,
            col,
            date,
            "",
            "",
            "",
            now,
        )

    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            for sql in fulltext.PG_DROP_INDEXES:
                c.execute(sql)
        raw = connection.connection
        with raw.cursor() as cur, cur.copy(f"COPY search_searchentry ({COLUMNS}) FROM STDIN") as copy:
            for i in range(n):
                copy.write_row(row(i))
        raw.commit()
        with connection.cursor() as c:
            for sql in fulltext.PG_INDEXES:
                c.execute(sql)
            c.execute("VACUUM ANALYZE search_searchentry")
    else:
        with connection.cursor() as c:
            for stmt in fulltext._SQLITE_DROP_TRIGGERS:
                c.execute(stmt)
        sql = f"INSERT INTO search_searchentry ({COLUMNS}) VALUES ({', '.join(['%s'] * 17)})"
        for start in range(0, n, 5000):
            rows = [
                [
                    connection.ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v
                    for v in row(i)
                ]
                for i in range(start, min(n, start + 5000))
            ]
            with transaction.atomic(), connection.cursor() as c:
                c.executemany(sql, rows)
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                f"INSERT INTO {fulltext.FTS_TABLE}(rowid, title_seg, body_seg, facets) "
                "SELECT sort_key, title_seg, body_seg, facets FROM search_searchentry"
            )
            c.execute(
                f"INSERT INTO {fulltext.TITLE_FTS_TABLE}(rowid, title_seg, facets) "
                "SELECT sort_key, title_seg, facets FROM search_searchentry"
            )
            for stmt in fulltext._SQLITE_TRIGGERS:
                c.execute(stmt)
            c.execute("ANALYZE")


class Parent:
    def __init__(self, pk):
        self.pk = pk


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=200_000)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/gp_h13b")
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="gp-listing-explain-")
    os.environ["GOVPORTAL_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    if args.db == "postgresql":
        os.environ["DATABASE_URL"] = args.pg_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from govportal.search.listing import Sequence, latest
    from govportal.search.models import SearchEntry

    call_command("migrate", verbosity=0)
    SearchEntry.objects.all().delete()
    t = time.perf_counter()
    fill(args.items)
    print(
        f"{connection.vendor}: {SearchEntry.objects.count():,} entries written in {time.perf_counter() - t:.0f} s"
    )
    big, small = Parent(900_100), Parent(900_113)
    lookups = {
        "column list, first page (count + page + rows), big column": lambda: Sequence(big)[0:20],
        "column list, first page, small column": lambda: Sequence(small)[0:20],
        "column list, page 50, big column": lambda: Sequence(big)[980:1000],
        "feed of the home page (20 newest below it)": lambda: latest(Parent(900_001), 20),
        "feed of a column (20 newest below it)": lambda: latest(big, 20),
    }
    print(f"counts: big column {Sequence(big).count():,}, small column {Sequence(small).count():,}")
    for name, run in lookups.items():
        for _ in range(3):
            run()
        times = []
        for _ in range(20):
            t = time.perf_counter()
            run()
            times.append((time.perf_counter() - t) * 1000)
        plans = []
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "

        def capture(execute, sql, params, many, context, plans=plans, explain=explain):
            # Explained in place: on PostgreSQL under the planner settings the engine chose for it.
            text = sql.lstrip().upper()
            if text.startswith("SELECT") and "CURRENT_SETTING" not in text and "SET_CONFIG(" not in text:
                execute(explain + sql, params, many, context)
                plans.append((sql, context["cursor"].fetchall()))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            run()
        print(f"\n## {name}: median {statistics.median(times):.1f} ms (max {max(times):.1f})")
        for sql, rows in plans:
            print(f"\n    {sql[:300]}")
            for r in rows:
                print("      " + " | ".join(str(x) for x in r))
    SearchEntry.objects.all().delete()


if __name__ == "__main__":
    main()
