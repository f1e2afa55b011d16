"""Public pages on the shipped front: nginx serving published files vs nginx serving a plain file, the time
from a publish to the public page, files re-rendered per publish at 10k and 200k items, pages with the app
stopped, and the embedded default (``govportal serve`` without nginx).

    apt-get install -y wrk nginx                         # Debian packages, used only here
    .venv/bin/python benchmarks/public_speed.py          # about 6-10 minutes (200k items: most of it)
    .venv/bin/python benchmarks/public_speed.py --write  # also append the figures to RESULTS-public.md
    .venv/bin/python benchmarks/public_speed.py --items 10000,50000   # other site sizes

Everything runs on 127.0.0.1 (ports from 8500 unless ``--port-base``), in a temporary GOVPORTAL_HOME
(removed afterwards), with the 钦州 demo (``govportal demo --no-serve``) on SQLite.

Method
------
1. Setup: the demo, then ``publish-site`` writes every page (timed: a full rebuild).
2. Throughput: the shipped front (``deploy/nginx/test.conf`` + the included files, rendered by
   ``govportal.ops.nginx``; gunicorn behind it with the shipped config) against a plain nginx (same
   ``worker_processes``, sendfile, keep-alive, access log off; one ``location /`` with a ``root``) serving
   the very bytes of the published file. For the home page, a column list (政务要闻) and an item: wrk
   (``-t2 -c32``, 5 s) against the plain nginx, then the shipped front, then the other way round, three
   rounds; the figure is the median of the rounds and the ratio of the medians. wrk shares the two CPUs.
   Beside it, two figures that other work on the machine hardly moves: the CPU time nginx's workers spend
   per request (from /proc, over the same wrk runs) and the system calls they make per request (strace -c
   over 2 s of wrk, where strace is installed: ``apt-get install -y strace``), and the instructions they
   execute in user space per request (valgrind's callgrind on a one-worker copy of each server, where
   valgrind is installed): counts, the same whatever else the machine does.
3. Publish-to-visible: this process publishes an item in 政务要闻 (Wagtail publish, as the review's last
   approval does) while threads poll the item URL, the column and the home page through the front every
   10 ms; the delay runs from the start of the publish call to the first response showing the item (and
   for a withdrawal, to the first 404 / list without it). It includes the writing of every affected file.
4. Files per publish vs site size: items are added in bulk (rows of ``wagtailcore_page`` and
   ``portal_articlepage`` spread over the leaf columns: real pages the column lists, feeds and sitemap
   count; not in the search listing, so the home page's blocks are unchanged) to reach each size; then
   one item is published and one withdrawn, counting the files written, removed and left alone.
5. App stopped: gunicorn is stopped; every published URL is requested through the front.
6. Embedded default: ``govportal serve --host 127.0.0.1`` (gunicorn; published pages from the publish
   directory by ``PublishedPageMiddleware``), wrk on the same three pages. Recorded, no target.
"""

# ruff: noqa: B023  (the polling closures run and are joined within their loop iteration)
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS-public.md"
PY = sys.executable


def machine() -> str:
    import platform

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU ({cpu}), Python {platform.python_version()}, load {load:.1f} at start"


def get(port: int, path: str, host: str = "localhost", timeout: float = 10.0):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def nginx_workers(master_pid: int) -> list[int]:
    """The worker processes of an nginx master (its children, not the cache manager and loader)."""
    path = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    pids = [int(p) for p in path.read_text().split()] if path.exists() else []
    return [p for p in pids if b"worker process" in Path(f"/proc/{p}/cmdline").read_bytes()]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # gone: counts nothing more
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, duration: int, connections: int, host: str = "localhost", pids: list[int] = ()) -> dict:
    """wrk against ``url``; with ``pids`` (the server's workers) also their CPU time per request: unlike the
    requests per second, it hardly moves when other work shares the machine."""
    before = cpu_seconds(pids) if pids else 0.0
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H", f"Host: {host}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    used = cpu_seconds(pids) - before if pids else 0.0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "bad": int(non2xx.group(1)) if non2xx else 0, "cpu_us": used / max(total, 1) * 1e6}


def syscalls_per_request(url: str, pids: list[int], host: str = "localhost") -> dict[str, float] | None:
    """System calls the server's workers make per request (strace -c during 2 s of wrk with 4 connections):
    a count, the same whatever else the machine does. None where strace is missing or not allowed."""
    if not shutil.which("strace") or not pids:
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        tracer = subprocess.Popen(
            ["strace", "-c", "-f", "-o", out.name, *[a for p in pids for a in ("-p", str(p))]],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        result = subprocess.run(
            ["wrk", "-t1", "-c4", "-d2s", "-H", f"Host: {host}", url], capture_output=True, text=True
        ).stdout
        time.sleep(0.2)
        tracer.send_signal(signal.SIGINT)
        tracer.wait(10)
        found = re.search(r"(\d+) requests in", result)
        if tracer.returncode not in (0, -signal.SIGINT) or not found:
            return None
        requests = int(found.group(1))
        counts = {}
        for line in Path(out.name).read_text().splitlines():
            cols = line.split()
            if len(cols) >= 5 and cols[3].isdigit() and cols[-1] not in ("total", "syscall"):
                counts[cols[-1]] = int(cols[3]) / requests
    # Calls made for fewer than one request in 20 (epoll_wait batching, accept of the 4 connections) are noise.
    return {k: round(v, 2) for k, v in sorted(counts.items()) if v >= 0.05 and k != "epoll_wait"}


def _keepalive_gets(port: int, path: str, n: int, host: str) -> None:
    """``n`` GETs of ``path`` as wrk sends them, 500 per keep-alive connection (nginx's keepalive_requests is
    1,000), each answer read to its end."""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    while n > 0:
        batch, n = min(n, 500), n - min(n, 500)
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            buf = b""
            for _ in range(batch):
                s.sendall(request)
                while True:
                    end = buf.find(b"\r\n\r\n")
                    if end >= 0:
                        head = buf[:end].decode("latin-1")
                        assert head.startswith("HTTP/1.1 200"), head
                        size = int(re.search(r"content-length: (\d+)", head, re.I).group(1))
                        if len(buf) >= end + 4 + size:
                            buf = buf[end + 4 + size :]
                            break
                    data = s.recv(65536)
                    assert data, "connection closed"
                    buf += data


def instructions_per_request(
    binary: str, conf: Path, port: int, path: str, host: str = "localhost"
) -> float | None:
    """Instructions nginx executes in user space per request: valgrind's callgrind on one nginx process
    (``conf`` with one worker, run without a master), 200 and then 1,200 requests over keep-alive
    connections, the difference of the two totals ÷ 1,000 (start-up and shut-down cancel out). A count, the
    same whatever else the machine does; the system calls (``syscalls_per_request``) are the rest of the
    work. None where valgrind is missing (``apt-get install -y valgrind``)."""
    if not shutil.which("valgrind"):
        return None
    totals = []
    for n in (200, 1200):
        with tempfile.NamedTemporaryFile("r", suffix=".callgrind") as out:
            proc = subprocess.Popen(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}", binary]
                + ["-p", str(conf.parent), "-c", str(conf), "-g", "daemon off; master_process off;"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_port(port)
                _keepalive_gets(port, path, n, host)
            finally:
                # Under valgrind a signal can wait for the next event: send it again and knock until it ends.
                for _ in range(30):
                    proc.send_signal(signal.SIGTERM)
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    except OSError:
                        pass
                    try:
                        proc.wait(2)
                        break
                    except subprocess.TimeoutExpired:
                        continue
                else:
                    proc.kill()
                    proc.wait()
            found = re.search(
                r"^(?:summary|totals):\s+(\d+)", Path(out.name).read_text(errors="replace"), re.M
            )
            if not found:
                return None
            totals.append(int(found.group(1)))
    return (totals[1] - totals[0]) / 1000


def wait_port(port: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.3):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"127.0.0.1:{port} 未开始监听")


PLAIN_CONF = """worker_processes {workers};
{user}
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 30s;
    client_body_temp_path {prefix}/tmp; proxy_temp_path {prefix}/tmp; fastcgi_temp_path {prefix}/tmp;
    uwsgi_temp_path {prefix}/tmp; scgi_temp_path {prefix}/tmp;
    server {{
        listen 127.0.0.1:{port};
        location / {{ root {root}; }}
    }}
}}
"""


def bulk_items(target: int, out=print) -> float:
    """Add ArticlePage rows in bulk until the site has ``target`` items (real pages of the tree)."""
    import uuid

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from govportal.portal.columns import home_for, main_columns
    from govportal.portal.listing import item_models
    from govportal.portal.models import ArticlePage

    started = time.perf_counter()
    have = sum(m.objects.count() for m in item_models())
    need = target - have
    if need <= 0:
        return 0.0
    home = home_for("qinzhou")
    leaves = [c for c in main_columns(home).live().filter(numchild__lt=5000) if c.supply_method != "跳转链接"]
    leaves = [c for c in leaves if not c.get_children().exclude(content_type__model="articlepage").exists()]
    ct = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def step(n):
        s = ""
        for _ in range(4):
            n, r = divmod(n, 36)
            s = alphabet[r] + s
        return s

    from govportal.search import analysis, fulltext
    from govportal.search.models import sort_key

    now = timezone.now()
    first_new = (Page.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    with connection.cursor() as cur:  # the full-text index is filled once at the end, not row by row
        for stmt in fulltext._SQLITE_DROP_TRIGGERS:
            cur.execute(stmt)
    entry_sql = (
        "INSERT INTO search_searchentry (page_id, sort_key, path, url_path, title, title_seg, body, body_seg,"
        " facets, kind, unit_id, column_id, date, validity, document_number, document_key, indexed_at)"
        " VALUES (" + ", ".join(["%s"] * 17) + ")"
    )
    item_fields = [
        f for f in ArticlePage._meta.concrete_fields if f.model is not Page and f.name != "page_ptr"
    ]
    tables: dict[str, list] = {}
    for f in item_fields:
        tables.setdefault(f.model._meta.db_table, []).append(f)
    per = need // len(leaves) + 1
    made = 0
    qn = connection.ops.quote_name
    for c in leaves:
        if made >= need:
            break
        count = min(per, need - made)
        base = c.numchild
        pages = []
        dates = {}
        above = [c.path[:i] for i in range(2 * Page.steplen, len(c.path) + 1, Page.steplen)]
        ancestors = list(Page.objects.filter(path__in=above).order_by("path").values_list("pk", flat=True))
        facets = " ".join(
            [analysis.facet_ancestor(a) for a in ancestors]
            + [analysis.facet_parent(c.pk), analysis.facet_kind("articlepage")]
        )
        for i in range(count):
            n = base + i + 1
            slug = f"bulk{c.pk}x{n}"
            date = now - dt.timedelta(days=1 + (made + i) % 3650, minutes=i % 600)
            dates[c.path + step(n)] = date
            pages.append(
                Page(
                    path=c.path + step(n),
                    depth=c.depth + 1,
                    numchild=0,
                    title=f"{c.title}批量信息{n}",
                    draft_title=f"{c.title}批量信息{n}",
                    slug=slug,
                    content_type=ct,
                    live=True,
                    has_unpublished_changes=False,
                    url_path=f"{c.url_path}{slug}/",
                    first_published_at=date,
                    last_published_at=date,
                    translation_key=uuid.uuid4(),
                    locale=locale,
                )
            )
        with transaction.atomic():
            Page.objects.bulk_create(pages, batch_size=2000)
            ids = list(
                Page.objects.filter(path__in=[p.path for p in pages])
                .order_by("path")
                .values_list("pk", "path")
            )
            for table, tfields in tables.items():
                # The parent table of ArticlePage's chain (ItemPage is abstract: one table, portal_articlepage).
                cols = ["page_ptr_id"] + [f.column for f in tfields]
                sql = f"INSERT INTO {qn(table)} ({', '.join(qn(x) for x in cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
                rows = []
                for pk, path in ids:
                    row = [pk]
                    for f in tfields:
                        value = dates[path] if f.name == "date" else f.get_default()
                        if f.name == "body":
                            value = "<p>批量生成的正文。</p>"
                        row.append(f.get_db_prep_save(value, connection))
                    rows.append(row)
                with connection.cursor() as cur:
                    cur.executemany(sql, rows)
            # The search listing's entries (what column lists, counts, sections and feeds read).
            by_path = {p.path: p for p in pages}
            entries = []
            for pk, path in ids:
                pg, date = by_path[path], dates[path]
                entries.append(
                    [
                        pk,
                        sort_key(date, pk),
                        path,
                        pg.url_path,
                        pg.title,
                        analysis.segment(pg.title, unigrams=True),
                    ]
                    + [
                        "批量生成的正文。",
                        " 批量 生成 正文 ",
                        f" {facets} ",
                        "portal.articlepage",
                        None,
                        c.pk,
                    ]
                    + [date, "", "", "", now]
                )
            entries = [
                [connection.ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v for v in e]
                for e in entries
            ]
            with connection.cursor() as cur:
                cur.executemany(entry_sql, entries)
            Page.objects.filter(pk=c.pk).update(numchild=base + count)
        made += count
        if made and made % 20000 < count:
            out(f"    {have + made:,} items …")
    with transaction.atomic(), connection.cursor() as cur:
        for table, cols in (
            (fulltext.FTS_TABLE, "title_seg, body_seg, facets"),
            (fulltext.TITLE_FTS_TABLE, "title_seg, facets"),
        ):
            cur.execute(
                f"INSERT INTO {table}(rowid, {cols}) SELECT sort_key, {cols} FROM search_searchentry"
                " WHERE page_id >= %s",
                [first_new],
            )
        for stmt in fulltext._SQLITE_TRIGGERS:
            cur.execute(stmt)
    from govportal.publishing.schedule import database_statistics

    database_statistics()  # what the daily database_statistics job does after an import like this
    from govportal.portal.listing import forget_kinds

    for c in leaves:
        forget_kinds(c.path)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--items", default="10000,200000", help="site sizes for the files-per-publish count")
    parser.add_argument("--port-base", type=int, default=8500)
    parser.add_argument("--visible-runs", type=int, default=10, help="publishes timed per site size")
    parser.add_argument("--write", action="store_true", help=f"append the results to {RESULTS.name}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary GOVPORTAL_HOME")
    parser.add_argument(
        "--from",
        dest="from_home",
        help="start from a copy of this GOVPORTAL_HOME (demo already prepared; an unfinished rebuild resumes)",
    )
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"需要 {tool}：apt-get install -y wrk nginx（仅基准测试使用）")
    home_dir = Path(tempfile.mkdtemp(prefix="gp-bench-public-"))
    if args.from_home:
        shutil.copytree(args.from_home, home_dir, dirs_exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    env.update(
        {
            "GOVPORTAL_HOME": str(home_dir),
            "GOVPORTAL_STATIC_PUBLISHING": "1",
            "GOVPORTAL_TRUSTED_PROXIES": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "govportal.settings",
            "DEBUG": "0",
        }
    )
    os.environ.update(env)
    for k in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(k, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from wagtail.models import Site

    from govportal.ops import nginx
    from govportal.ops.management.commands.serve import PUBLISH_WORKER
    from govportal.publishing import static_site

    lines: list[str] = []

    def say(text=""):
        print(text, flush=True)

    procs: list[subprocess.Popen] = []
    fronts = []
    started_at = dt.datetime.now(dt.UTC)
    mach = machine()
    try:
        say("== demo data")
        t = time.perf_counter()
        if not args.from_home:
            call_command("demo", no_serve=True, verbosity=0, stdout=open(os.devnull, "w"))
        say(f"  {time.perf_counter() - t:.0f} s")
        site = Site.objects.get(is_default_site=True)
        say("== full rebuild (publish-site" + (", resumed" if args.from_home else "") + ")")
        t = time.perf_counter()
        out = static_site.rebuild_site(site, resume=bool(args.from_home))
        rebuild_s = time.perf_counter() - t
        n_files = len(out.written) + len(out.unchanged)
        from govportal.publishing.models import PublishedFile

        n_total = PublishedFile.objects.filter(site=site).count()
        rebuild_note = (
            f"{n_files:,} files rendered in {rebuild_s:.0f} s ({n_total:,} published files in all; "
            f"{len(out.skipped)} pages not written: forms, redirects)"
        )
        say("  " + rebuild_note)

        from govportal.portal.models import ArticlePage
        from tests.conftest import column as column_at

        home = site.root_page.specific
        news = column_at(home, "动态信息", "政务要闻")
        item = ArticlePage.objects.child_of(news).live().order_by("-date").first()
        pages = {
            "home": "/",
            "column list": static_site.site_url(news)[1],
            "item": static_site.site_url(item)[1],
        }

        app_port, front_port, plain_port, serve_port, vg_front_port, vg_plain_port = (
            args.port_base + i for i in (1, 2, 3, 4, 5, 6)
        )
        gunicorn = subprocess.Popen(
            [
                PY,
                "-m",
                "gunicorn",
                "govportal.wsgi:application",
                "--config",
                "python:govportal.ops.gunicorn_conf",
            ]
            + ["--bind", f"127.0.0.1:{app_port}", "--workers", "2", "--access-logfile", "/dev/null"],
            cwd=ROOT,
            env={**env, "GOVPORTAL_WARM": "0"},
        )
        procs.append(gunicorn)
        front = nginx.start_test_nginx(
            home_dir / "front",
            app=f"127.0.0.1:{app_port}",
            server_names=nginx.site_names(),
            port=front_port,
            workers=2,
        )
        fronts.append(front)
        plain_root = home_dir / "plain"
        plain_root.mkdir()
        for name, url in pages.items():
            src = static_site.site_dir(site) / static_site.file_for(url)
            shutil.copy(src, plain_root / f"{name.replace(' ', '-')}.html")
        (home_dir / "plain-nginx" / "tmp").mkdir(parents=True)
        conf = home_dir / "plain-nginx" / "nginx.conf"
        conf.write_text(
            PLAIN_CONF.format(
                workers=2,
                user="user root root;" if os.geteuid() == 0 else "",
                prefix=home_dir / "plain-nginx",
                port=plain_port,
                root=plain_root,
            )
        )
        plain = subprocess.Popen([nginx.NGINX, "-p", str(conf.parent), "-c", str(conf), "-g", "daemon off;"])
        procs.append(plain)
        wait_port(app_port)
        wait_port(plain_port)
        for name, url in pages.items():
            s1, h1, b1 = get(front_port, url)
            s2, _, b2 = get(plain_port, f"/{name.replace(' ', '-')}.html")
            assert s1 == 200 and h1.get("X-Published") == "file" and b1 == b2, (name, s1, h1)

        # The same two servers with one worker and no master, for the instruction counts (run under valgrind).
        vg_front = nginx.render(
            home_dir / "front-vg",
            app=f"127.0.0.1:{app_port}",
            server_names=nginx.site_names(),
            test=True,
            port=vg_front_port,
            workers=1,
        )
        (home_dir / "plain-vg" / "tmp").mkdir(parents=True)
        vg_plain = home_dir / "plain-vg" / "nginx.conf"
        vg_plain.write_text(
            PLAIN_CONF.format(workers=1, user="", prefix=vg_plain.parent, port=vg_plain_port, root=plain_root)
        )

        say("== throughput (wrk)")
        results: dict = {}
        workers = {"plain": nginx_workers(plain.pid), "front": nginx_workers(front.process.pid)}
        for name, url in pages.items():
            plain_url = f"http://127.0.0.1:{plain_port}/{name.replace(' ', '-')}.html"
            front_url = f"http://127.0.0.1:{front_port}{url}"
            runs = {"plain": [], "front": []}
            cpu = {"plain": [], "front": []}
            for r in range(args.rounds):
                order = ("plain", "front") if r % 2 == 0 else ("front", "plain")
                for which in order:
                    target = plain_url if which == "plain" else front_url
                    res = wrk(target, args.duration, args.connections, pids=workers[which])
                    assert res["bad"] == 0, (which, res)
                    runs[which].append(res["rps"])
                    cpu[which].append(res["cpu_us"])
            p, f = statistics.median(runs["plain"]), statistics.median(runs["front"])
            pc, fc = statistics.median(cpu["plain"]), statistics.median(cpu["front"])
            calls = (
                syscalls_per_request(plain_url, workers["plain"]),
                syscalls_per_request(front_url, workers["front"]),
            )
            instr = (
                instructions_per_request(
                    nginx.NGINX, vg_plain, vg_plain_port, f"/{name.replace(' ', '-')}.html"
                ),
                instructions_per_request(nginx.NGINX, vg_front, vg_front_port, url),
            )
            results[name] = (len(get(front_port, url)[2]), p, f, pc, fc, calls, instr)
            say(
                f"  {name}: plain {p:,.0f} req/s, shipped front {f:,.0f} req/s ({f / p:.0%}); nginx CPU per request "
                f"{pc:.1f} / {fc:.1f} µs ({pc / fc:.0%}); system calls per request {calls[0]} / {calls[1]}; "
                f"user-space instructions per request {instr[0]} / {instr[1]}"
            )

        say("== files per publish and publish to visible vs site size")
        worker = subprocess.Popen([PY, "-m", "govportal.cli", *PUBLISH_WORKER], cwd=ROOT, env=env)
        procs.append(worker)
        sizes, visible = [], {}
        for target in [int(x) for x in args.items.split(",") if x]:
            gen_s = bulk_items(target, say)
            static_site.forget_sites()
            row = files_per_publish(site, news, target)
            row["generated_s"] = gen_s
            sizes.append(row)
            say(f"  {row}")
            visible[row["items"]] = measure_visible(front_port, news, pages, args.visible_runs, str(target))
            say(f"  visible: {visible_text(visible[row['items']])}")
            say(
                "  runs (s): "
                + "; ".join(
                    f"{k} " + ", ".join(f"{x:.2f}" for x in v) for k, v in visible[row["items"]].items()
                )
            )

        say("== app stopped")
        gunicorn.kill()  # stopped hard, as a crash would
        gunicorn.wait(20)
        urls = list(PublishedFile.objects.filter(site=site).values_list("url", flat=True))
        ok = sum(1 for u in urls if get(front_port, u)[0] == 200)
        say(f"  {ok} of {len(urls)} published pages answered with the app stopped")

        say("== embedded default: govportal serve (no nginx)")
        serve = subprocess.Popen(
            [
                PY,
                "-m",
                "govportal.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(serve_port),
                "--workers",
                "2",
                "--no-worker",
            ],
            cwd=ROOT,
            env={**env, "GOVPORTAL_WARM": "0"},
            stdout=subprocess.DEVNULL,
        )
        procs.append(serve)
        wait_port(serve_port, 120)
        time.sleep(2)
        embedded = {}
        for name, url in pages.items():
            if name == "item":
                url = static_site.site_url(ArticlePage.objects.get(pk=item.pk))[1]
            status, headers, _ = get(serve_port, url, timeout=120)  # a worker's first request loads Django
            runs = [
                wrk(f"http://127.0.0.1:{serve_port}{url}", args.duration, args.connections)["rps"]
                for _ in range(max(1, args.rounds - 2))
            ]
            embedded[name] = (statistics.median(runs), headers.get("X-Published", ""))
            say(f"  {name}: {embedded[name][0]:,.0f} req/s (X-Published: {embedded[name][1] or '-'})")
        serve.send_signal(signal.SIGINT)
        serve.wait(30)

        lines += [
            f"### Public pages on the shipped nginx front — {started_at:%Y-%m-%d %H:%M} UTC",
            "",
            f"Machine: {mach}.",
            "",
            f"Command: `.venv/bin/python benchmarks/public_speed.py --items {args.items}` (wrk -t2 -c{args.connections}, "
            f"{args.duration} s × {args.rounds} rounds per page and server, alternating order; both nginx with 2 workers).",
            "",
            "| page | bytes | plain nginx req/s | shipped front req/s | ratio | nginx CPU µs per request, plain / "
            "front | plain ÷ front | system calls per request, plain / front | user-space instructions per "
            "request, plain / front |",
            "|---|---:|---:|---:|---:|---:|---:|---|---:|",
        ]
        for name, (size, p, f, pc, fc, calls, instr) in results.items():
            same = "same" if calls[0] is not None and calls[0] == calls[1] else ""
            lines.append(
                f"| {name} | {size:,} | {p:,.0f} | {f:,.0f} | **{f / p:.0%}** | {pc:.1f} / {fc:.1f} | **{pc / fc:.0%}** "
                f"| {same or (sum(calls[0].values()) if calls[0] else '–')} / "
                f"{'same' if same else (sum(calls[1].values()) if calls[1] else '–')} "
                f"| {f'{instr[0]:,.0f} / {instr[1]:,.0f}' if None not in instr else '–'} |"
            )
        lines += [
            "",
            "System calls per request, each server: "
            + "; ".join(
                f"{name} plain {calls[0]}, front {calls[1]}"
                for name, (*_, calls, _instr) in results.items()
                if calls[0]
            )
            + ".",
            "",
            "Reading: requests per second move with whatever else the machine does; the nginx CPU time per "
            "request less so (the CPU ratio tracks the req/s ratio on a quiet machine), the system calls and the "
            "user-space instructions per request (valgrind callgrind, one worker) not at all.",
        ]
        lines += [
            "",
            f"Rebuild of the demo site (`publish-site`{', resumed after an interruption' if args.from_home else ''}): {rebuild_note}.",
            "",
            "Publish to visible through the front (the editor's commit only enqueues; the publish worker, "
            "`govportal publish_worker`, renders and writes): seconds, median / p95 / max "
            "over the runs.",
            "",
            "| site items | runs | item shown | item, column and home show it | withdrawn: item 404 "
            "| withdrawn: gone from column and home |",
            "|---:|---:|---:|---:|---:|---:|",
            *[f"| {n:,} " + visible_text(v) for n, v in visible.items()],
            "",
            "Files per publish (rendered in this process, synchronously, to count and time them: what the worker "
            "does for one publish):",
            "",
            "| site items | bulk insert s | files rendered by a publish | of them changed | left alone | publish s "
            "| files removed by a withdrawal | rewritten by it | withdrawal s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in sizes:
            lines.append(
                f"| {r['items']:,} | {r['generated_s']:.0f} | {r['rendered']} | {r['written']} | {r['untouched']:,} | "
                f"{r['publish_s']:.2f} | {r['removed']} | {r['w_written']} | {r['withdraw_s']:.2f} |"
            )
        lines += [
            "",
            f"App stopped (gunicorn killed): {ok} of {len(urls)} published pages answered by nginx.",
            "",
            "Embedded default (`govportal serve`, gunicorn 2 workers, no nginx; no target): "
            + ", ".join(f"{n} {v[0]:,.0f} req/s" for n, v in embedded.items())
            + ".",
            "",
        ]
        text = "\n".join(lines)
        print("\n" + text)
        if args.write:
            with RESULTS.open("a") as f:
                f.write("\n" + text + "\n")
    finally:
        for f in fronts:
            f.stop()
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
        if not args.keep:
            shutil.rmtree(home_dir, ignore_errors=True)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))]


def measure_visible(port: int, news, pages: dict, runs: int, tag: str) -> dict:
    """Publish and withdraw ``runs`` items (the job worker renders; this process only commits), timing
    from the start of the publish call to the first response through the front that shows the item on the
    item, column and home page; and from the start of the withdrawal to the item's 404 and to the lists
    without it."""
    from govportal.portal.models import ArticlePage
    from govportal.publishing import static_site

    got = {"item": [], "all": [], "gone_item": [], "gone_all": []}
    for attempt in range(runs):
        title = f"基准测试发布可见性{tag}第{attempt}号通知"
        page = ArticlePage(title=title, body="<p>正文</p>")
        news.add_child(instance=page)
        revision = page.save_revision()
        url = static_site.site_url(page)[1]
        seen = {}
        stop = threading.Event()

        def poll(key, path, shows):
            deadline = time.perf_counter() + 30
            while not stop.is_set() and time.perf_counter() < deadline:
                try:
                    status, _, body = get(port, path, timeout=30)
                except OSError:
                    continue
                if shows(status, body):
                    seen.setdefault(key, time.perf_counter())
                    return
                time.sleep(0.01)

        checks = {
            "item": (url, lambda s, b: s == 200 and title.encode() in b),
            "column": (pages["column list"], lambda s, b: title.encode() in b),
            "home": ("/", lambda s, b: title.encode() in b),
        }
        threads = [threading.Thread(target=poll, args=(k, p, f), daemon=True) for k, (p, f) in checks.items()]
        for t in threads:
            t.start()
        t0 = time.perf_counter()
        revision.publish()
        for t in threads:
            t.join(30)
        stop.set()
        got["item"].append(seen.get("item", float("inf")) - t0)
        got["all"].append(max(seen.get(k, float("inf")) for k in checks) - t0)
        time.sleep(0.3)  # let the worker finish the publish's last files (feeds) before withdrawing
        seen.clear()
        stop.clear()
        checks = {
            "item": (url, lambda s, b: s == 404),
            "column": (pages["column list"], lambda s, b: title.encode() not in b),
            "home": ("/", lambda s, b: title.encode() not in b),
        }
        threads = [threading.Thread(target=poll, args=(k, p, f), daemon=True) for k, (p, f) in checks.items()]
        for t in threads:
            t.start()
        t0 = time.perf_counter()
        ArticlePage.objects.get(pk=page.pk).unpublish()
        for t in threads:
            t.join(30)
        stop.set()
        got["gone_item"].append(seen.get("item", float("inf")) - t0)
        got["gone_all"].append(max(seen.get(k, float("inf")) for k in checks) - t0)
        time.sleep(0.3)
    return got


def visible_text(got: dict) -> str:
    def f(key):
        v = got[key]
        return f"{statistics.median(v):.2f} / {pct(v, 95):.2f} / {max(v):.2f}"

    return f"| {len(got['all'])} | {f('item')} | {f('all')} | {f('gone_item')} | {f('gone_all')} |"


def files_per_publish(site, news, target: int) -> dict:
    """Publish one item and withdraw it, counting what static publishing wrote, removed and left alone."""
    from govportal.portal.listing import item_models
    from govportal.portal.models import ArticlePage
    from govportal.publishing import static_site
    from govportal.publishing.models import PublishedFile

    log = []
    real = static_site.publish_url, static_site.unpublish_url

    def publish_url(*a, **k):
        out = real[0](*a, **k)
        log.append(out)
        return out

    def unpublish_url(*a, **k):
        out = real[1](*a, **k)
        log.append(out)
        return out

    from django.conf import settings

    static_site.publish_url, static_site.unpublish_url = publish_url, unpublish_url
    settings.STATIC_PUBLISHING_SYNC = True  # rendered here, to count and time what one publish costs
    try:
        items = sum(m.objects.count() for m in item_models())
        total = PublishedFile.objects.filter(site=site).count()
        page = ArticlePage(title=f"规模测试信息{target}", body="<p>正文</p>")
        news.add_child(instance=page)
        revision = page.save_revision()
        log.clear()
        t = time.perf_counter()
        revision.publish()  # autocommit, synchronous: the files are written before this returns
        publish_s = time.perf_counter() - t
        rendered = sum(len(o.written) + len(o.unchanged) for o in log)
        written = sum(len(o.written) for o in log)
        log.clear()
        t = time.perf_counter()
        ArticlePage.objects.get(pk=page.pk).unpublish()
        withdraw_s = time.perf_counter() - t
        removed = sum(len(o.removed) for o in log)
        w_written = sum(len(o.written) for o in log)
    finally:
        static_site.publish_url, static_site.unpublish_url = real
        settings.STATIC_PUBLISHING_SYNC = False
    return {
        "items": items,
        "rendered": rendered,
        "written": written,
        "removed": removed,
        "w_written": w_written,
        "untouched": total - written,
        "publish_s": publish_s,
        "withdraw_s": withdraw_s,
    }


if __name__ == "__main__":
    main()
