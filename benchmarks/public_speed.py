"""Public pages: `govportal serve` against nginx serving the same bytes, uncached rendering, freshness.

    .venv/bin/python benchmarks/public_speed.py            # about 4 minutes
    .venv/bin/python benchmarks/public_speed.py --write    # also append the figures to RESULTS-public.md

Needs the Debian packages wrk and nginx (``apt-get install -y wrk nginx``); they are only used here,
never by the application. Everything runs on 127.0.0.1, in a temporary GOVPORTAL_HOME (removed
afterwards), with the 钦州 demo (``govportal demo --no-serve``).

Method
------
1. Uncached rendering: with the public-page cache off, Django's test client renders the home page, a
   column list (政务要闻) and an item page 40 times each after 5 warm-up renders, in three processes
   one after the other; the median of the three medians (and of the p95s) of the whole request
   (middleware, view, template) and the number of database queries. This runs before
   ``govportal serve`` starts, so the job runner's first round (the daily text scan and the rest) does
   not share the two CPUs with it.
2. Throughput: ``govportal serve --host 127.0.0.1`` (front processes + gunicorn + job worker, the
   production setup, default process counts) and nginx (``worker_processes auto``, sendfile,
   keep-alive, access log off) serving the bytes ``govportal serve`` returned for each page, saved as
   static files. For each page, wrk (``-t2 -c32``, 5 s) against nginx, then against govportal, then
   the other way round, three rounds; the figure is the median of the rounds and the ratio of medians.
   wrk runs on the same machine and takes its share of the CPU from both servers alike.
3. Freshness: while a thread requests the home page and the column page every 20 ms through
   ``govportal serve``, another process publishes an item (Wagtail publish, as the back office does)
   and notes when the call started; then withdraws it (unpublish). The delay is from the start of the
   call (the editor's click) to the first response after which every response (from whichever front
   process) shows (or no longer shows) the item, watched for 3 s on end, so it
   includes the publishing work itself (revision, search index, cache generation). The item is created
   as a draft beforehand, so the click is only the publish, and the publishing process has published
   and withdrawn another item first, as a running back-office worker has (the first publish of a
   process loads the checks, about 1 s). On SQLite a write can meet "database is locked"
   while the job worker holds its lock; the publisher then retries (printed as RETRY), and the delay
   is counted from the first attempt (the editor's wait includes the retries).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from search_speed import machine  # noqa: E402

RENDER = r"""
import json, re, statistics, time, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
out = {}
urls = json.loads(URLS)
column_html = client.get(urls["column list"], HTTP_HOST="127.0.0.1").content.decode()
urls["item"] = re.search(r'<a href="(%s[^"]+/)"' % re.escape(urls["column list"]), column_html).group(1)
for name, url in urls.items():
    for _ in range(5):
        assert client.get(url, HTTP_HOST="127.0.0.1").status_code == 200
    times = []
    for _ in range(40):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            r = client.get(url, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out[name] = {"median": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1],
                 "queries": len(ctx), "bytes": len(r.content), "cache": r.get("X-Cache", ""), "url": url}
print("RESULT " + json.dumps(out))
"""

PUBLISH = r"""
import sys, time, django
django.setup()
from django.db import OperationalError
from govportal.portal.models import ArticlePage, ColumnPage
from govportal.portal.columns import home_for


def retried(action):
    for attempt in range(20):
        try:
            return action()
        except OperationalError as exc:
            print("RETRY", exc, flush=True)
            time.sleep(0.5)


home = home_for("qinzhou")
column = ColumnPage.objects.descendant_of(home).get(title="政务要闻")
title = sys.argv[1]
# warm up as a back-office worker is: the first publish of a process loads the checks (about 1 s)
warm = retried(lambda: column.add_child(instance=ArticlePage(title="基准测试预热稿件", live=False, body="<p>预热。</p>")))
retried(lambda: ArticlePage.objects.get(pk=warm.pk).save_revision().publish())
retried(lambda: ArticlePage.objects.get(pk=warm.pk).unpublish())
page = retried(lambda: column.add_child(instance=ArticlePage(title=title, live=False, body="<p>基准测试：发布后多久可见。</p>")))
print("READY", flush=True)
sys.stdin.readline()
clicked = time.time()
retried(lambda: ArticlePage.objects.get(pk=page.pk).save_revision().publish())
print("PUBLISHED %.6f %.6f" % (clicked, time.time()), flush=True)
sys.stdin.readline()
clicked = time.time()
retried(lambda: ArticlePage.objects.get(pk=page.pk).unpublish())
state = "WITHDRAWN" if not ArticlePage.objects.get(pk=page.pk).live else "FAILED"
print(state + " %.6f %.6f" % (clicked, time.time()), flush=True)
"""


NGINX_CONF = """worker_processes auto;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 65; keepalive_requests 1000000;
  client_body_temp_path {run}/b; proxy_temp_path {run}/p; fastcgi_temp_path {run}/f;
  uwsgi_temp_path {run}/u; scgi_temp_path {run}/s;
  default_type text/html;
  server {{ listen 127.0.0.1:{port}; root {root}; charset utf-8; }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 60.0) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def wait_for(url: str, seconds: float = 90.0) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if get(url, 2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"服务没有在 {seconds:.0f} 秒内启动：{url}")


def wrk(url: str, duration: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=duration + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock_err = re.search(r"Socket errors: (.*)", out)

    def ms(m):
        if not m:
            return None
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v

    return {
        "rps": rps,
        "p50": ms(p50),
        "p99": ms(p99),
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sock_err.group(1) if sock_err else "",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--write", action="store_true", help=f"append the results to {RESULTS.relative_to(ROOT)}"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary GOVPORTAL_HOME")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            raise SystemExit(f"需要 {tool}：apt-get install -y wrk nginx（仅基准测试使用）")
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"

    started = dt.datetime.now().astimezone()
    the_machine = machine()
    home = Path(tempfile.mkdtemp(prefix="govportal-bench-public-"))
    env = {
        **os.environ,
        "GOVPORTAL_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "govportal.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    env.pop("GOVPORTAL_PUBLIC_CACHE", None)
    serve = nginx = None
    port, nginx_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        t = time.time()
        subprocess.run(
            [PY, "-m", "govportal.cli", "demo", "--no-serve"],
            env=env,
            check=True,
            timeout=900,
            stdout=subprocess.DEVNULL,
        )
        print(f"demo prepared in {time.time() - t:.0f} s", flush=True)

        # 1. uncached rendering
        render_env = {
            **env,
            "GOVPORTAL_PUBLIC_CACHE": "0",
            "URLS": json.dumps({"home": "/", "column list": "/dtxx/zwyw/"}),
        }
        # three processes of 40 renders each: this machine is a VM whose speed differs from one process to
        # the next by a quarter; the figure is the median of the three medians, the three are printed.
        runs_render = []
        for _ in range(3):
            out = subprocess.run(
                [PY, "-c", "import os; URLS = os.environ['URLS']\n" + RENDER],
                env=render_env,
                capture_output=True,
                text=True,
                timeout=600,
            ).stdout
            runs_render.append(json.loads(out.split("RESULT ", 1)[1]))
        render = {}
        for name in runs_render[0]:
            each = [r[name] for r in runs_render]
            render[name] = {
                **each[0],
                "median": statistics.median(r["median"] for r in each),
                "p95": statistics.median(r["p95"] for r in each),
                "medians": [r["median"] for r in each],
            }
        for name, r in render.items():
            print(
                f"uncached {name}: median {r['median']:.1f} ms (runs {', '.join(f'{m:.1f}' for m in r['medians'])}),"
                f" p95 {r['p95']:.1f} ms, {r['queries']} queries",
                flush=True,
            )

        pages = {name: r["url"] for name, r in render.items()}

        serve = subprocess.Popen(
            [PY, "-m", "govportal.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(base + "/")

        # 2. throughput: the same bytes from nginx
        # nginx's workers run as an unprivileged user: its files go where that user can read them.
        root = Path(tempfile.mkdtemp(prefix="govportal-bench-nginx-"))
        os.chmod(root, 0o755)
        run = home / "nginx-run"
        run.mkdir()
        static_paths = {}
        for name, path in pages.items():
            get(base + path)
            status, headers, body = get(base + path)
            assert status == 200 and headers.get("X-Cache") == "HIT", (name, status, headers.get("X-Cache"))
            file = root / f"{name.replace(' ', '-')}.html"
            file.write_bytes(body)
            os.chmod(file, 0o644)
            static_paths[name] = "/" + file.name
        conf = home / "nginx.conf"
        conf.write_text(NGINX_CONF.format(run=run, port=nginx_port, root=root))
        nginx = subprocess.Popen(
            [nginx_bin, "-c", str(conf), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(f"http://127.0.0.1:{nginx_port}{static_paths['home']}")
        for name in pages:
            a = get(base + pages[name])[2]
            b = get(f"http://127.0.0.1:{nginx_port}{static_paths[name]}")[2]
            assert a == b, f"{name}: different bytes"
        runs: dict[tuple[str, str], list[dict]] = {}
        for rnd in range(args.rounds):
            for name in pages:
                order = ["nginx", "govportal"] if rnd % 2 == 0 else ["govportal", "nginx"]
                for server in order:
                    url = (
                        f"http://127.0.0.1:{nginx_port}{static_paths[name]}"
                        if server == "nginx"
                        else base + pages[name]
                    )
                    r = wrk(url, args.duration, args.connections)
                    runs.setdefault((name, server), []).append(r)
                    print(
                        f"round {rnd + 1} {name:12} {server:9} {r['rps']:9.0f} req/s  p50 {r['p50']} ms"
                        + (f"  non-2xx {r['non2xx']}" if r["non2xx"] else ""),
                        flush=True,
                    )

        # 3. freshness
        title = f"基准测试新闻{int(time.time())}"
        pub = subprocess.Popen(
            [PY, "-c", PUBLISH, title], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert pub.stdout.readline().strip() == "READY"
        # every response: (time it came back, page, shows the item); the delay is to the first response
        # after which every response, from whichever front process, shows the new state
        seen: list[tuple[float, str, bool]] = []
        stop = threading.Event()

        def poll(path, key):
            while not stop.is_set():
                try:
                    body = get(base + path, 5)[2].decode()
                except OSError:
                    continue
                seen.append((time.time(), key, title in body))
                time.sleep(0.02)

        def settled(key, since, shows, until=float("inf")):
            """Seconds from ``since`` to the first response of ``key`` after which all (up to ``until``)
            show ``shows``."""
            rows = [(t, v) for t, k, v in list(seen) if k == key and since <= t < until]
            last_old = max((t for t, v in rows if v != shows), default=since)
            first_new = [t for t, v in rows if v == shows and t >= last_old]
            return (first_new[0] - since) if first_new else None

        def wait_settled(since, shows, calm=3.0):
            """Until both pages have shown ``shows`` for ``calm`` seconds on end (at most 20 s)."""
            deadline = time.time() + 20
            while time.time() < deadline:
                done = [settled(k, since, shows) for k in ("home", "column list")]
                if all(d is not None and time.time() - since - d >= calm for d in done):
                    return
                time.sleep(0.1)

        threads = [
            threading.Thread(target=poll, args=(pages[k], k), daemon=True) for k in ("home", "column list")
        ]
        for th in threads:
            th.start()
        time.sleep(0.5)
        pub.stdin.write("\n")
        pub.stdin.flush()
        line = pub.stdout.readline()
        while line.startswith("RETRY"):
            print(line.strip())
            line = pub.stdout.readline()
        published, published_done = map(float, line.split()[1:3])
        wait_settled(published, True)
        pub.stdin.write("\n")
        pub.stdin.flush()
        line = pub.stdout.readline()
        while line.startswith("RETRY"):
            print(line.strip())
            line = pub.stdout.readline()
        if line.startswith("FAILED"):
            print(
                "the withdrawal could not be written (database is locked); freshness of withdrawal not measured"
            )
        withdrawn, withdrawn_done = map(float, line.split()[1:3])
        wait_settled(withdrawn, False)
        stop.set()
        pub.wait(30)
        fresh = {k: settled(k, published, True, withdrawn) for k in ("home", "column list")}
        stale = {k: settled(k, withdrawn, False) for k in ("home", "column list")}
        took = {"publish": published_done - published, "withdrawal": withdrawn_done - withdrawn}
        print(
            f"visible after publish: {fresh}; gone after withdrawal: {stale}; calls took {took}", flush=True
        )
    finally:
        if serve is not None:
            try:
                os.killpg(serve.pid, signal.SIGTERM)
                serve.wait(30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(serve.pid, signal.SIGKILL)
        if nginx is not None:
            try:
                os.killpg(nginx.pid, signal.SIGTERM)
                nginx.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
            if "root" in locals():
                shutil.rmtree(root, ignore_errors=True)

    def med(name, server, key="rps"):
        return statistics.median(r[key] for r in runs[(name, server)])

    lines = [
        f"### Public pages — {started:%Y-%m-%d %H:%M %Z}",
        "",
        f"Machine: {the_machine}.",
        "",
        "Command: `.venv/bin/python benchmarks/public_speed.py` (wrk -t2 "
        f"-c{args.connections}, {args.duration} s × {args.rounds} rounds per page and server, alternating order).",
        "",
        "| page | bytes | nginx req/s | govportal serve req/s | ratio | govportal p50 / p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in pages:
        n, g = med(name, "nginx"), med(name, "govportal")
        lines.append(
            f"| {name} | {render[name]['bytes']:,} | {n:,.0f} | {g:,.0f} | **{g / n:.0%}** | "
            f"{med(name, 'govportal', 'p50'):.2f} / {med(name, 'govportal', 'p99'):.2f} |"
        )
    lines += [
        "",
        "Uncached rendering (cache off, Django test client, 40 renders after 5 warm-up, in each of three processes;"
        " median of the three medians, the three in brackets):",
        "",
        "| page | median ms | p95 ms | queries |",
        "|---|---:|---:|---:|",
    ]
    for name, r in render.items():
        each = ", ".join(f"{m:.1f}" for m in r["medians"])
        lines.append(f"| {name} | **{r['median']:.1f}** ({each}) | {r['p95']:.1f} | {r['queries']} |")
    fmt = lambda v: f"{v:.2f} s" if v is not None else "not within 15 s"  # noqa: E731
    lines += [
        "",
        "Freshness through `govportal serve` (start of the publish / unpublish call, as when the editor clicks, "
        "→ first response after which every response shows it / no longer shows it): "
        + "; ".join(f"{k}: published {fmt(fresh[k])}, withdrawn {fmt(stale[k])}" for k in fresh)
        + f" (the publish call itself took {took['publish']:.2f} s, the unpublish {took['withdrawal']:.2f} s).",
        "",
    ]
    report = "\n".join(lines)
    print()
    print(report)
    if args.write:
        with open(RESULTS, "a", encoding="utf-8") as f:
            f.write("\n" + report + "\n")
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
