"""Open API speed over generated items (SQLite FTS5 or PostgreSQL): cursor pages of /api/v1/items and
/api/v1/policy-documents, filtered and not, deep in the walk, and the site statistics uncached.

    .venv/bin/python benchmarks/api_speed.py --db sqlite --items 100000
    .venv/bin/python benchmarks/api_speed.py --db postgresql --items 100000 --write

The items are those of ``benchmarks/search_speed.py`` (written straight into the index table, spread over
the real 钦州 columns and units, ten years of dates, ten kinds); the database is made and removed by the
script (PostgreSQL: ``govportal_bench_search`` on 127.0.0.1 only). Each call goes through Django's test
client with a bearer token (authentication, rate-limit counting, the call counter included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS-public.md"
sys.path.insert(0, str(ROOT))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=60, help="pages walked per list")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--write", action="store_true", help=f"append to {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()

    home_dir = tempfile.mkdtemp(prefix="govportal-bench-api-")
    os.environ["GOVPORTAL_HOME"] = home_dir
    os.environ["GOVPORTAL_STATIC_PUBLISHING"] = "0"
    os.environ["GOVPORTAL_RATE_LIMITS"] = "api=1000000/m"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings")
    from benchmarks import search_speed

    if args.db == "postgresql":
        u = urlparse(args.pg_url)
        if u.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("只对本机（127.0.0.1）的 PostgreSQL 运行基准测试。")
        import psycopg

        admin = psycopg.connect(args.pg_url, autocommit=True)
        admin.execute(f"DROP DATABASE IF EXISTS {search_speed.BENCH_DB}")
        admin.execute(f"CREATE DATABASE {search_speed.BENCH_DB}")
        os.environ["DATABASE_URL"] = u._replace(path=f"/{search_speed.BENCH_DB}").geturl()
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from wagtail.models import Site

    from govportal.api.tokens import issue
    from govportal.portal.columns import load
    from govportal.search import fulltext

    try:
        t = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        load("qinzhou")
        print(f"migrated and loaded in {time.perf_counter() - t:.0f} s")
        gen_s = search_speed.generate(args.items)
        print(f"{args.items:,} items in {gen_s:.0f} s")
        home, columns, units = search_speed.site_structure()
        site = Site.objects.get(root_page=home)
        _, one_site = issue("基准（一个网站）", sites=[site])
        _, every = issue("基准（全部网站）", all_sites=True)
        client = Client()
        rng = random.Random(18)
        column = rng.choice(columns)[0]
        year = dt.date.today().year - 1

        def walk(token, path, params, pages):
            times, cursor, seen = [], None, 0
            for _ in range(pages):
                q = dict(params, limit=100, **({"cursor": cursor} if cursor else {}))
                start = time.perf_counter()
                r = client.get(path, q, HTTP_AUTHORIZATION=f"Bearer {token}")
                times.append((time.perf_counter() - start) * 1000)
                assert r.status_code == 200, r.content[:300]
                body = r.json()
                seen += len(body["items"])
                cursor = body["next_cursor"]
                if not cursor:
                    break
            return times, seen

        cases = [
            ("/items, token of one site (site implied)", one_site, "/api/v1/items", {}),
            ("/items, token of every site, no filter", every, "/api/v1/items", {}),
            ("/items?column= (a leaf column)", one_site, "/api/v1/items", {"column": column}),
            ("/items?kind=articlepage", one_site, "/api/v1/items", {"kind": "articlepage"}),
            (
                "/items?date_from&date_to (one year)",
                one_site,
                "/api/v1/items",
                {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"},
            ),
            ("/policy-documents", one_site, "/api/v1/policy-documents", {}),
            ("/policy-documents?validity=有效", one_site, "/api/v1/policy-documents", {"validity": "有效"}),
        ]
        walk(one_site, "/api/v1/items", {}, 3)  # warm-up
        rows = []
        for label, token, path, params in cases:
            times, seen = walk(token, path, params, args.pages)
            rows.append(
                f"| {label} | {len(times)} | {seen:,} | {pct(times, 50):.1f} | {pct(times, 95):.1f} | {max(times):.1f} |"
            )
            print(rows[-1], flush=True)
        from django.core.cache import cache

        stats = []
        for _ in range(3):
            cache.clear()
            start = time.perf_counter()
            r = client.get(
                f"/api/v1/sites/{site.pk}/statistics", {"year": year}, HTTP_AUTHORIZATION=f"Bearer {one_site}"
            )
            assert r.status_code == 200
            stats.append((time.perf_counter() - start) * 1000)
        engine = fulltext.engine(connections["default"])
        report = "\n".join(
            [
                f"### Open API over {args.items:,} generated items ({args.db}, engine {engine}) — "
                f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
                "",
                f"Machine: {search_speed.machine()}.",
                "",
                f"Command: `.venv/bin/python benchmarks/api_speed.py --db {args.db} --items {args.items}`. "
                f"Pages of 100 walked by cursor (up to {args.pages} per list), through Django's test client "
                "with a bearer token (authentication, rate-limit counting and the call counter included).",
                "",
                "| list | pages | items | p50 ms | p95 ms | max ms |",
                "|---|---|---|---|---|---|",
                *rows,
                "",
                f"Site statistics (`/sites/{{id}}/statistics`, cache cleared each time): "
                f"{', '.join(f'{s:.0f}' for s in stats)} ms.",
                "",
            ]
        )
        print()
        print(report)
        if args.write:
            with open(RESULTS, "a", encoding="utf-8") as f:
                f.write("\n" + report)
    finally:
        connections.close_all()
        shutil.rmtree(home_dir, ignore_errors=True)
        if args.db == "postgresql":
            admin.execute(f"DROP DATABASE IF EXISTS {search_speed.BENCH_DB}")


if __name__ == "__main__":
    main()
