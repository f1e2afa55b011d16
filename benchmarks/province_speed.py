"""A province on one platform, measured: the data set of ``province_data.py`` (1,000 sites, 1M items).

    export GOVPORTAL_HOME=/tmp/gp-scale DATABASE_URL=postgres://postgres@127.0.0.1:5432/gp_scale
    .venv/bin/python benchmarks/province_speed.py            # about 15-25 minutes on this shared machine
    .venv/bin/python benchmarks/province_speed.py --write    # also append the figures to RESULTS-province.md
    .venv/bin/python benchmarks/province_speed.py --only admin,search    # some parts (admin, search, scan, publish, scope)

Method
------
(a) Back office, logged in (Django's test client, the whole middleware stack) as an editor (信息员) of
    the busiest column's unit of one site: the Wagtail explorer of that column (300+ items), of the
    site's home page, the explorer's second page of the column, the back-office item search
    (全站信息检索 ``/admin/search/items/``, empty and with a word) and the review inbox; each
    ``--requests`` times (first request per URL not counted), p50/p95.
(b) Search: ``search.service.search`` (what /search/ calls) for a mix of 25 searches (words, several
    words, a whole title, column, unit and date filters, sorted by date, later pages, no hits) within
    one site and over all sites, ``--passes`` passes; the whole /search/ page for the same mix.
(c) The freshness and inspection scan of every site: the periodic jobs ``column_freshness``
    (``monitoring.freshness.scheduled_reminders``) and ``self_inspection``
    (``monitoring.inspection.scheduled_inspection``), run as the job runner runs them, wall time.
(d) Publish to visible: the site is first published in full (``static_site.rebuild_site``); then the
    publish worker (``govportal publish_worker``, a separate process, as in production) runs while this
    process publishes an item in the busiest column (Wagtail publish, as the review's last approval
    does); the time runs from the publish call to the item's file, and the column's first page, on disk
    showing it (what nginx serves). Then the files changed anywhere under ``PUBLISH_ROOT`` are counted
    per site folder: only the item's site may change.
(e) Scope: the editor's page permissions reach every column of their site and none of another; the
    explorer of another site's column answers with no page of it; the back-office item list's unit
    choices. Asserted, not timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import search_speed  # noqa: E402  (benchmarks/ on the path above)

RESULTS = ROOT / "benchmarks" / "RESULTS-province.md"
PASSWORD = "Bench@2026pw"


def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


# --- the site measured ---------------------------------------------------------------------------------------


def subject(code: str):
    """(site, home, busiest column, its unit) of site ``code``."""
    from django.db.models import Count
    from wagtail.models import Site

    from govportal.portal.columns import home_for, main_columns

    home = home_for(code)
    site = Site.objects.get(root_page=home)
    column = (
        main_columns(home).annotate(n=Count("units")).order_by("-numchild").first()
    )  # the busiest column: its items are its children
    unit = column.units.order_by("sort_order", "pk").first()
    return site, home, column, unit


def editor_for(unit):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from govportal.accounts.models import AccountSecurity, Staff

    User = get_user_model()
    user, created = User.objects.get_or_create(username=f"bench-{unit.locality}-editor")
    if created:
        user.set_password(PASSWORD)
        user.save()
        Staff.objects.create(user=user, unit=unit, roles=["editor"])
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now(), "two_factor_exempt": "基准测试账号"}
    )
    return user


def timed_get(client, url, host, n, params=None):
    times = []
    r = client.get(url, params or {}, HTTP_HOST=host)  # warm-up
    status = r.status_code
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(url, params or {}, HTTP_HOST=host)
        times.append((time.perf_counter() - t) * 1000)
        status = r.status_code
    return times, status, r


# --- (a) back office -----------------------------------------------------------------------------------------


def measure_admin(code: str, n: int, say) -> list[tuple]:
    from django.test import Client

    site, home, column, unit = subject(code)
    user = editor_for(unit)
    client = Client()
    client.force_login(user)
    host = site.hostname
    word = column.title[:2]
    urls = [
        (f"explorer of the busiest column ({column.numchild} items)", f"/admin/pages/{column.pk}/", None),
        ("explorer, 2nd page of that column", f"/admin/pages/{column.pk}/", {"p": 2}),
        (
            "explorer, that column by date",
            f"/admin/pages/{column.pk}/",
            {"ordering": "-latest_revision_created_at"},
        ),
        (f"explorer of the site root ({home.numchild} children)", f"/admin/pages/{home.pk}/", None),
        ("item search (全站信息检索), empty", "/admin/search/items/", None),
        (f"item search (全站信息检索), 「{word}」", "/admin/search/items/", {"q": word}),
        ("review inbox (待审核)", "/admin/publishing/inbox/", None),
        ("dashboard (/admin/)", "/admin/", None),
    ]
    out = []
    for label, url, params in urls:
        times, status, _ = timed_get(client, url, host, n, params)
        say(f"  {label}: HTTP {status}, p50 {pct(times, 50):.0f} ms, p95 {pct(times, 95):.0f} ms")
        out.append((label, url, status, len(times), pct(times, 50), pct(times, 95), max(times)))
    return out


# --- (b) search ----------------------------------------------------------------------------------------------


def query_mix(home, column, unit):
    from govportal.search.models import SearchEntry

    title = (
        SearchEntry.objects.filter(path__startswith=home.path)
        .order_by("-sort_key")
        .values_list("title", flat=True)[0]
    )
    mix = [
        ("word", w, {}, 1, "relevance")
        for w in ["通知", "工作", "教育", "公积金", "营商环境", "防汛", "乡村振兴", "招聘"]
    ]
    mix += [
        ("several words", q, {}, 1, "relevance")
        for q in ["公积金 提取", "义务教育 招生", "养老保险 补贴 标准", "关于做好防汛工作的通知"]
    ]
    mix.append(("whole title", title, {}, 1, "relevance"))
    mix += [("column filter", w, {"column_id": column.pk}, 1, "relevance") for w in ["通知", "工作"]]
    mix += [("unit filter", w, {"unit_id": unit.pk}, 1, "relevance") for w in ["通知", "教育"]]
    mix += [
        (
            "date range",
            w,
            {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)},
            1,
            "relevance",
        )
        for w in ["通知", "公积金"]
    ]
    mix += [("sorted by date", w, {}, 1, "date") for w in ["通知", "公积金"]]
    mix += [("later page", w, {}, p, "relevance") for w, p in [("通知", 3), ("工作", 5)]]
    mix += [("no hits + did you mean", w, {}, 1, "relevance") for w in ["公基金", "钦州港口岸物流 火星探测"]]
    return mix


def measure_search(code: str, passes: int, say) -> list[tuple]:
    from django.test import Client

    from govportal.search.service import Filters, search

    site, home, column, unit = subject(code)
    mix = query_mix(home, column, unit)
    rows = []
    for scope, root in ((f"one site ({code})", home.pk), ("all sites", None)):
        for _label, text, f, page, sort in mix:  # warm-up
            search(text, Filters(site_root_id=root, **f), page=page, sort=sort)
        runs = [m for _ in range(passes) for m in mix]
        random.Random(5).shuffle(runs)
        times, totals = [], []
        for _label, text, f, page, sort in runs:
            t = time.perf_counter()
            r = search(text, Filters(site_root_id=root, **f), page=page, sort=sort)
            times.append((time.perf_counter() - t) * 1000)
            totals.append(r.total)
        say(
            f"  service.search, {scope}: {len(times)} searches, p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms"
        )
        rows.append(
            (
                f"`service.search`, {scope}",
                len(times),
                pct(times, 50),
                pct(times, 95),
                max(times),
                max(totals),
            )
        )
    client = Client()
    times = []
    for _ in range(max(1, passes // 2)):
        for _label, text, f, page, sort in mix:
            params = {"q": text, "page": page, "sort": sort}
            for k, v in f.items():
                params[{"column_id": "column", "unit_id": "unit"}.get(k, k)] = (
                    v.isoformat() if hasattr(v, "isoformat") else v
                )
            t = time.perf_counter()
            r = client.get("/search/", params, HTTP_HOST=site.hostname)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.status_code
    say(
        f"  /search/ page of {site.hostname}: {len(times)} requests, p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms"
    )
    rows.append(
        (
            f"the /search/ page of {site.hostname}",
            len(times),
            pct(times, 50),
            pct(times, 95),
            max(times),
            None,
        )
    )
    return rows


# --- (c) scans -----------------------------------------------------------------------------------------------


def measure_scans(say) -> list[tuple]:
    from govportal.monitoring import freshness, inspection
    from govportal.portal.models import HomePage

    n = HomePage.objects.live().count()
    rows = []
    for name, func in (
        ("column_freshness (freshness.scheduled_reminders)", freshness.scheduled_reminders),
        ("self_inspection (inspection.scheduled_inspection)", inspection.scheduled_inspection),
    ):
        t = time.perf_counter()
        text = func()
        s = time.perf_counter() - t
        say(f"  {name}: {n} sites in {s:.0f} s — {text[:160]}…")
        rows.append((name, n, s))
    return rows


# --- (d) publish to visible ----------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            try:
                st = os.stat(p)
            except OSError:
                continue
            out[os.path.relpath(p, root)] = (st.st_mtime_ns, st.st_size)
    return out


def measure_publish(code: str, runs: int, say, limit: float | None = None) -> dict:
    from django.conf import settings

    from govportal.portal.models import ArticlePage
    from govportal.publishing import static_site
    from govportal.publishing.models import PublishedFile

    site, home, column, unit = subject(code)
    root = static_site.publish_root()
    t = time.perf_counter()
    settings.STATIC_PUBLISHING_SYNC = True
    out = static_site.rebuild_site(site, resume=True, limit_seconds=limit)
    settings.STATIC_PUBLISHING_SYNC = False
    rebuild_s = time.perf_counter() - t
    n_files = PublishedFile.objects.filter(site=site).count()
    say(
        f"  full publish of {site.hostname}: {len(out.written):,} files written in {rebuild_s:.0f} s ({n_files:,} published files)"
    )
    col_url = static_site.site_url(column)[1]
    worker = subprocess.Popen(
        [sys.executable, "-m", "govportal.cli", "publish_worker", "-v", "0"], cwd=ROOT, env=dict(os.environ)
    )
    results = []
    try:
        time.sleep(3)
        for k in range(runs):
            title = f"基准测试发布可见性{code}第{k}号通知{int(time.time())}"
            page = ArticlePage(title=title, body="<p>正文：关于做好有关工作的通知。</p>", unit=unit)
            column.add_child(instance=page)
            revision = page.save_revision()
            before = snapshot(root)
            t0 = time.perf_counter()
            revision.publish()
            url = static_site.site_url(page)[1]
            item_file = _disk_file(site, url)
            col_file = _disk_file(site, col_url)
            seen = {}
            deadline = t0 + 60
            while time.perf_counter() < deadline and len(seen) < 2:
                for key, path in (("item", item_file), ("column", col_file)):
                    if key not in seen and path.is_file() and title.encode() in path.read_bytes():
                        seen[key] = time.perf_counter() - t0
                time.sleep(0.01)
            # let the worker finish the publish's other files (feeds, home, sitemap), then count them
            quiet, last = time.perf_counter(), before
            while time.perf_counter() - quiet < 3 and time.perf_counter() < deadline + 30:
                time.sleep(0.5)
                now = snapshot(root)
                if now != last:
                    quiet, last = time.perf_counter(), now
            changed = [p for p, v in last.items() if before.get(p) != v]
            removed = [p for p in before if p not in last]
            by_site: dict[str, int] = {}
            for p in changed + removed:
                by_site[p.split(os.sep, 1)[0]] = by_site.get(p.split(os.sep, 1)[0], 0) + 1
            say(
                f"  publish {k + 1}: item on disk after {seen.get('item', float('inf')):.2f} s, column list after "
                f"{seen.get('column', float('inf')):.2f} s; files changed per site folder: {by_site}"
            )
            results.append((seen.get("item", float("inf")), seen.get("column", float("inf")), by_site))
            ArticlePage.objects.get(pk=page.pk).unpublish()
            time.sleep(2)
    finally:
        worker.terminate()
        worker.wait(20)
    return {
        "rebuild_s": rebuild_s,
        "files": n_files,
        "written": len(out.written),
        "runs": results,
        "host": site.hostname,
    }


def _disk_file(site, url: str) -> Path:
    from govportal.publishing import static_site

    d = static_site.site_dir(site)
    rel = static_site.file_for(url)
    return d / rel


# --- (e) scope -----------------------------------------------------------------------------------------------


def check_scope(code: str, other: str, say) -> list[str]:
    from django.test import Client
    from wagtail.models import Page

    from govportal.portal.columns import home_for, main_columns

    site, home, column, unit = subject(code)
    user = editor_for(unit)
    ohome = home_for(other)
    own = list(main_columns(home))
    foreign = list(main_columns(ohome))
    can_own = [
        c
        for c in own
        if c.permissions_for_user(user).can_add_subpage() or c.permissions_for_user(user).can_edit()
    ]
    can_foreign = [
        c
        for c in foreign
        if c.permissions_for_user(user).can_add_subpage() or c.permissions_for_user(user).can_edit()
    ]
    lines = []
    assert column in can_own, "the editor cannot add to their own unit's column"
    assert not can_foreign, f"the editor of {code} has rights on {len(can_foreign)} columns of {other}"
    lines.append(
        f"editor of {unit.name} ({code}): rights on {len(can_own)} of {len(own)} columns of their site, "
        f"on 0 of {len(foreign)} columns of {other}"
    )
    client = Client()
    client.force_login(user)
    ocol = max(foreign, key=lambda c: c.numchild)
    r = client.get(f"/admin/pages/{ocol.pk}/", HTTP_HOST=site.hostname)
    shown = 0
    if r.status_code == 200:
        body = r.content.decode()
        shown = sum(1 for p in Page.objects.child_of(ocol)[:50] if f"/admin/pages/{p.pk}/edit/" in body)
    assert shown == 0, f"the explorer shows {shown} editable pages of {other}"
    lines.append(
        f"explorer of a column of {other} as that editor: HTTP {r.status_code}, 0 of its pages editable"
    )
    r = client.get("/admin/pages/", HTTP_HOST=site.hostname)
    lines.append(
        f"explorer root for that editor: HTTP {r.status_code} → {r.get('Location', r.request['PATH_INFO'])}"
    )
    for line in lines:
        say("  " + line)
    return lines


# --- main ----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--site", default="s0007", help="the site measured (a youyang copy: small tree, busy column)"
    )
    parser.add_argument("--other", default="s0008", help="another site, for the scope checks")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--passes", type=int, default=4)
    parser.add_argument("--publishes", type=int, default=5)
    parser.add_argument(
        "--rebuild-seconds", type=float, help="stop the site's first full publish after this long (resumable)"
    )
    parser.add_argument("--only", default="admin,search,scope,publish,scan")
    parser.add_argument("--write", action="store_true", help=f"append the results to {RESULTS.name}")
    args = parser.parse_args()
    from province_data import BOOK, env

    env()
    os.environ["GOVPORTAL_STATIC_PUBLISHING"] = "1"
    os.environ.setdefault("ALLOWED_HOSTS", ".bench.gov.cn,localhost,127.0.0.1,testserver")
    os.environ["GOVPORTAL_TWO_FACTOR"] = "0"
    import django

    django.setup()
    from django.db import connection

    parts = set(args.only.split(","))
    started = dt.datetime.now(dt.UTC)
    load_start = load()

    def say(s=""):
        print(s, flush=True)

    with connection.cursor() as c:
        c.execute(f"SELECT count(*), coalesce(sum(items), 0) FROM {BOOK}")
        n_sites, n_items = c.fetchone()
        c.execute("SELECT count(*) FROM search_searchentry")
        n_entries = c.fetchone()[0]
        c.execute("SELECT count(*) FROM wagtailcore_site")
        n_hosts = c.fetchone()[0]
        c.execute("SELECT count(*) FROM accounts_unit")
        n_units = c.fetchone()[0]
        c.execute("SELECT count(*) FROM portal_columnpage")
        n_columns = c.fetchone()[0]
        c.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = c.fetchone()[0]
    say(
        f"data set: {n_sites} sites ({n_hosts} host names), {n_units:,} units, {n_columns:,} columns, {n_items:,} items, {n_entries:,} search entries, database {size}"
    )
    res = {}
    if "admin" in parts:
        say("== (a) back office")
        res["admin"] = measure_admin(args.site, args.requests, say)
    if "search" in parts:
        say("== (b) search")
        res["search"] = measure_search(args.site, args.passes, say)
    if "scope" in parts:
        say("== (e) scope")
        res["scope"] = check_scope(args.site, args.other, say)
    if "publish" in parts:
        say("== (d) publish to visible")
        res["publish"] = measure_publish(args.site, args.publishes, say, args.rebuild_seconds)
    if "scan" in parts:
        say("== (c) freshness and inspection of every site")
        res["scan"] = measure_scans(say)
    load_end = load()
    report = render_report(
        args,
        started,
        load_start,
        load_end,
        (n_sites, n_hosts, n_units, n_columns, n_items, n_entries, size),
        res,
    )
    say()
    say(report)
    if args.write:
        with open(RESULTS, "a", encoding="utf-8") as f:
            f.write("\n" + report)
        say(f"written to {RESULTS}")


def render_report(args, started, load_start, load_end, counts, res) -> str:
    n_sites, n_hosts, n_units, n_columns, n_items, n_entries, size = counts
    cmd = "`.venv/bin/python benchmarks/province_speed.py"
    for k, d in (("site", "s0007"), ("requests", 50), ("passes", 4), ("publishes", 5)):
        v = getattr(args, k)
        if v != d:
            cmd += f" --{k} {v}"
    if args.only != "admin,search,scope,publish,scan":
        cmd += f" --only {args.only}"
    cmd += "`"
    L = [
        f"## {started:%Y-%m-%d %H:%M} UTC — {n_sites:,} sites, {n_items:,} items",
        "",
        f"Machine: {search_speed.machine(with_load=False)}; PostgreSQL {_pg_version()}. Load average (1/5/15 min) at start {load_start}, at end {load_end} "
        "(2 cores shared with other engineers' test runs).",
        "",
        f"Command: {cmd}",
        "",
        f"Data set: {n_sites:,} sites ({n_hosts:,} host names), {n_units:,} units, {n_columns:,} columns, "
        f"{n_items:,} items ({n_entries:,} search entries); database {size}.",
        "",
    ]
    if "admin" in res:
        L += [
            f"**(a) Back office**, as an editor of site {args.site} (Django test client, whole middleware stack), "
            f"{args.requests} requests each after one warm-up — target p95 ≤ 300 ms:",
            "",
            "| page | HTTP | requests | p50 ms | p95 ms | max ms | target |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for label, _url, status, n, p50, p95, mx in res["admin"]:
            L.append(
                f"| {label} | {status} | {n} | {p50:.0f} | {p95:.0f} | {mx:.0f} | {'met' if p95 <= 300 else '**missed**'} |"
            )
        L.append("")
    if "search" in res:
        L += [
            f"**(b) Search**, {args.passes} passes of a 25-search mix — target p95 ≤ 50 ms:",
            "",
            "| what | searches | p50 ms | p95 ms | max ms | target |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for label, n, p50, p95, mx, _tot in res["search"]:
            L.append(
                f"| {label} | {n} | {p50:.1f} | {p95:.1f} | {mx:.0f} | {'met' if p95 <= 50 else '**missed**'} |"
            )
        L.append("")
    if "scan" in res:
        L += [
            "**(c) Freshness and inspection scan of every site** (the periodic jobs) — target ≤ 10 min:",
            "",
        ]
        total = 0.0
        for name, n, s in res["scan"]:
            L.append(f"- `{name}`: {n:,} sites in {s:.0f} s")
            total += s
        L += [f"- together: **{total / 60:.1f} min** — {'met' if total <= 600 else '**missed**'}", ""]
    if "publish" in res:
        p = res["publish"]
        item = [r[0] for r in p["runs"]]
        col = [r[1] for r in p["runs"]]
        sites = {k for r in p["runs"] for k in r[2]}
        L += [
            f"**(d) Publish to visible** on {p['host']} (first its full publish: {p['written']:,} files in {p['rebuild_s']:.0f} s, "
            f"{p['files']:,} published files) — the publish worker a separate process; from the publish call to the file on "
            "disk that nginx serves — target ≤ 1 s:",
            "",
            f"- the item's page: median {statistics.median(item):.2f} s, max {max(item):.2f} s ({', '.join(f'{x:.2f}' for x in item)})",
            f"- the column's first page: median {statistics.median(col):.2f} s, max {max(col):.2f} s",
            f"- files changed per publish: {', '.join(str(sum(r[2].values())) for r in p['runs'])}; site folders touched: "
            f"{', '.join(sorted(sites)) or 'none'} — {'only its own' if sites <= {p['host']} else '**others too**'}",
            f"- reading: {'met' if max(col) <= 1 else '**missed**'}",
            "",
        ]
    if "scope" in res:
        L += (
            ["**(e) A unit's staff see only their site** (asserted):", ""]
            + [f"- {x}" for x in res["scope"]]
            + [""]
        )
    return "\n".join(L)


def _pg_version() -> str:
    from django.db import connection

    v = connection.pg_version
    return f"{v // 10000}.{v % 10000}"


if __name__ == "__main__":
    main()
