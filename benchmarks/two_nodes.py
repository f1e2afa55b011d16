"""Two app nodes behind the shipped nginx; one is killed (SIGKILL) during a burst of letters and publishes.

What it shows (issue 18, "two app nodes"): two gunicorns (``govportal serve --no-worker``: the project's
gunicorn config) on two ports of this machine, behind Debian's nginx running the shipped config
(``deploy/nginx/``, rendered by ``govportal.ops.nginx`` with an upstream of both nodes), sharing one
PostgreSQL database, one Redis (``REDIS_URL``: jobs go to RQ, rate-limit counters and the cache are
shared) and one publish directory (which nginx answers from); one RQ worker (``govportal jobs --worker``)
renders the published pages. Each node has its own ``GOVPORTAL_HOME``, as on its own machine; both get
the same ``SECRET_KEY`` (a form opened on one node is posted to the other).

During the burst N citizens write letters through nginx, each from its own loopback address (127.x.y.z:
nginx replaces X-Forwarded-For), and M items are published into three columns by a separate process (the
publish the review's last sign-off makes; an item cannot be published in the page editor around the
review), rendered to files by the RQ worker. When a third of the letters have been answered, node A's whole process group
gets SIGKILL. nginx passes new requests to node B (``proxy_next_upstream error timeout``); requests in
flight on node A get 502 or a closed connection, and the client sends the same form again, as a person
would press "submit" again (a POST is never re-sent by nginx). Afterwards every citizen sends the form
once more (a reload). Then the database and nginx are asked: every letter stored once, distinct codes,
each citizen always shown one code; every publish stored once, one revision, live, one published file,
visible through nginx from the file, its list entry and feed entry once.

    .venv/bin/python benchmarks/two_nodes.py --pg-db gp_h18nodes --redis redis://127.0.0.1:6379/14 --write

The PostgreSQL database (``--pg-db`` at $BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432) is
dropped and created; the Redis database given is flushed: use ones of your own. Everything listens on
127.0.0.1 only; every process started is stopped at the end, also on failure. Not a test: results go to
benchmarks/RESULTS-nodes.md with ``--write``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import letters_concurrency as lc  # noqa: E402  (the citizen, the server and the letter check)

ROOT = lc.ROOT
RESULTS = ROOT / "benchmarks" / "RESULTS-nodes.md"
HOST = "localhost"  # the 钦州 site's host name after load_profile on a fresh database
COLUMNS = [("动态信息", "政务要闻"), ("动态信息", "部门动态"), ("动态信息", "县区动态")]
RETRIES = 8  # sends of one form at most (the first and the retries after a 502 or a dropped connection)
STEP_TIMEOUT = 120  # seconds any one wait may take (a node start, a published page appearing)

SETUP = """
import json
from govportal.portal.columns import home_for, main_columns, with_paths
from govportal.publishing.static_site import site_url

home = home_for("qinzhou")
paths = dict(with_paths(home, main_columns(home)))
wanted = %r
columns = [{"id": paths[tuple(p)].pk, "url": site_url(paths[tuple(p)])[1]} for p in wanted]
print(json.dumps({"columns": columns, "root": home.url_path}))
"""

PUBLISH_CHECK = """
import json, os
from wagtail.models import Page
from govportal.publishing.models import PublishedFile
from govportal.publishing.static_site import file_for, site_dir, site_url

out = {}
for title in json.loads(os.environ["BENCH_TITLES"]):
    pages = list(Page.objects.filter(title=title))
    row = {"pages": len(pages)}
    if pages:
        page = pages[0]
        site, url = site_url(page)
        row.update(
            url=url,
            live=page.live,
            revisions=page.revisions.count(),
            files=PublishedFile.objects.filter(site=site, url=url).count(),
            on_disk=(site_dir(site) / file_for(url)).is_file(),
            column=page.get_parent().pk,
        )
    out[title] = row
print(json.dumps(out, ensure_ascii=False))
"""


def through_nginx(port: int, method: str, path: str, headers: dict | None = None, body=None, source=""):
    return lc.request(port, method, path, {"Host": HOST, **(headers or {})}, body, timeout=60, source=source)


def answered(status: int | None) -> bool:
    """An answer the app gave (not nginx's 502/504 for a dead node, nor a dropped connection)."""
    return status is not None and status < 500


# --- citizens ----------------------------------------------------------------------------------------------


def citizen(port: int, c: lc.Citizen, tally: dict) -> None:
    """Open the form, then send it until the app answers; a 502 or a dropped connection is sent again."""
    for _ in range(RETRIES):
        try:
            lc.open_form(port, c)
            break
        except (OSError, http.client.HTTPException, RuntimeError, AttributeError):
            tally["form_retries"] += 1
            time.sleep(0.3)
    else:
        c.error = "表单始终未能打开"
        return
    for attempt in range(RETRIES):
        lc.post(port, c)
        if c.code or answered(c.status):
            break
        tally["post_retries"] += 1
        tally["post_errors"][c.error] = tally["post_errors"].get(c.error, 0) + 1
        time.sleep(0.3 * (attempt + 1))


# --- the publisher ---------------------------------------------------------------------------------------

# An item cannot be published in the page editor (only through the three-stage review, whose last sign-off
# publishes it: ``publishing/finish.py``); this is that publish, in its own process, as the review's does.
PUBLISHER = """
import json, os, time
from wagtail.models import Page
from govportal.portal.models import ArticlePage

columns = json.loads(os.environ["BENCH_COLUMNS"])
for i, title in enumerate(json.loads(os.environ["BENCH_TITLES"])):
    parent = Page.objects.get(pk=columns[i % len(columns)])
    page = ArticlePage(title=title, body=f"<p>{title}。会议要求各单位压实责任，抓好落实（双节点压测）。</p>",
                       info_category="unit")
    parent.add_child(instance=page)
    page.save_revision().publish()
    print(json.dumps({"title": title}), flush=True)
    time.sleep(float(os.environ["BENCH_GAP"]))
"""


# --- watching a publish become visible -------------------------------------------------------------------


def visible_after(port: int, pg_url: str, root: str, entry: dict, source: str) -> None:
    """Seconds from the publish's commit to the item's file answered by nginx."""
    import psycopg

    deadline = time.monotonic() + STEP_TIMEOUT
    url = None
    with psycopg.connect(pg_url, autocommit=True) as conn:
        while url is None and time.monotonic() < deadline:
            row = conn.execute(
                "SELECT url_path FROM wagtailcore_page WHERE title = %s AND live", (entry["title"],)
            ).fetchone()
            if row:
                url = "/" + row[0][len(root) :]
            else:
                time.sleep(0.1)
    if url is None:
        return
    while time.monotonic() < deadline:
        try:
            status, headers, _ = through_nginx(port, "GET", url, source=source)
        except (OSError, http.client.HTTPException):
            status, headers = None, []
        if status == 200 and any(k.lower() == "x-published" for k, _ in headers):
            entry["visible_s"] = time.perf_counter() - entry["answered"]
            return
        time.sleep(0.1)


# --- processes -------------------------------------------------------------------------------------------------


class Processes:
    """Everything started, stopped in reverse order whatever happens."""

    def __init__(self):
        self.stoppers = []

    def add(self, stop) -> None:
        self.stoppers.append(stop)

    def stop_all(self) -> None:
        for stop in reversed(self.stoppers):
            try:
                stop()
            except BaseException as exc:  # noqa: BLE001 - a Ctrl-C while stopping too: stop the others
                print(f"stopping: {exc}", file=sys.stderr)


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    out = open(log, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [lc.PYTHON, "-m", "govportal.cli", "jobs", "--worker"],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    proc.log = out
    return proc


def stop_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if getattr(proc, "log", None):
        proc.log.close()


# --- one run -----------------------------------------------------------------------------------------------------


def run(args) -> dict:
    base = Path(tempfile.mkdtemp(prefix="govportal-bench-two-nodes-"))
    shared = base / "shared"  # what a real deployment shares: the publish directory (NFS), media, static
    pg_base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    pg_url = f"{pg_base}/{args.pg_db}"
    common = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "govportal.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": pg_url,
        "REDIS_URL": args.redis,
        "DEBUG": "0",
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "GOVPORTAL_TRUSTED_PROXIES": "127.0.0.1/32",  # nginx only
        "GOVPORTAL_STATIC_PUBLISHING": "1",
        "GOVPORTAL_STATIC_PUBLISHING_SYNC": "0",
        "GOVPORTAL_X_ACCEL": "1",
        "PUBLISH_ROOT": str(shared / "publish"),
        "MEDIA_ROOT": str(shared / "media"),
        "STATIC_ROOT": str(shared / "static"),
        "WEB_CONCURRENCY": str(args.workers),
    }
    node_env = [{**common, "GOVPORTAL_HOME": str(base / f"node-{n}")} for n in "ab"]
    os.environ.update(node_env[0])  # this process renders the nginx config from the same settings
    import psycopg
    import redis

    from govportal.ops import nginx

    procs = Processes()
    result: dict = {"load_before": os.getloadavg()[0]}
    admin = psycopg.connect(f"{pg_base}/postgres", autocommit=True)
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{args.pg_db}"')
        redis.Redis.from_url(args.redis).flushdb()
        print("migrate and load the 钦州 profile …", flush=True)
        lc.manage(node_env[0], "migrate", "-v", "0")
        lc.manage(node_env[0], "load_profile", "qinzhou")
        setup = json.loads(lc.manage(node_env[0], "shell", code=SETUP % (COLUMNS,)).strip().splitlines()[-1])

        ports = [nginx.free_port(), nginx.free_port()]
        nodes = [lc.Server(env, port) for env, port in zip(node_env, ports, strict=True)]
        for node in nodes:  # one after the other: each collects the static files into the shared folder
            procs.add(node.stop)
            node.start()
            node.warm_up()
        worker = start_worker(node_env[1], base / "worker.log")
        procs.add(lambda: stop_group(worker))
        front = nginx.start_test_nginx(
            base / "nginx", app=[f"127.0.0.1:{p}" for p in ports], server_names=[HOST], workers=2
        )
        procs.add(front.stop)
        print(f"nodes on {ports}, nginx on {front.port}, worker pid {worker.pid}", flush=True)

        # --- the burst ------------------------------------------------------------------------------------
        citizens = [
            lc.Citizen(
                i,
                f"127.10.{i // 250}.{i % 250 + 1}",
                f"压测来信 双节点 第{i}号",
                source=f"127.10.{i // 250}.{i % 250 + 1}",
                host=HOST,
            )
            for i in range(args.letters)
        ]
        tally = {"form_retries": 0, "post_retries": 0, "post_errors": {}}
        titles = [f"双节点压测发布第{j + 1}号：全市安全生产工作部署" for j in range(args.publishes)]
        publisher = subprocess.Popen(
            [lc.PYTHON, "-m", "govportal.cli", "shell", "-c", PUBLISHER],
            env={
                **node_env[1],
                "BENCH_TITLES": json.dumps(titles),
                "BENCH_COLUMNS": json.dumps([c["id"] for c in setup["columns"]]),
                "BENCH_GAP": str(args.publish_gap),
            },
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=open(base / "publisher.log", "wb"),  # noqa: SIM115
            text=True,
            start_new_session=True,
        )
        procs.add(lambda: stop_group(publisher))
        log: list[dict] = []
        watchers = ThreadPoolExecutor(16)
        watching = []

        def on_published(
            entry: dict,
        ) -> None:  # from the publish's commit on: when does nginx answer the file?
            source = f"127.20.0.{len(watching) % 250 + 1}"  # its own address: nginx's per-address limits
            watching.append(watchers.submit(visible_after, front.port, pg_url, setup["root"], entry, source))

        print(f"{args.letters} letters ({args.clients} clients) and {len(titles)} publishes …", flush=True)
        started = time.perf_counter()

        def read_publisher() -> None:
            for line in publisher.stdout:
                if line.startswith("{"):
                    entry = {**json.loads(line), "answered": time.perf_counter(), "status": 302}
                    log.append(entry)
                    on_published(entry)

        reader = threading.Thread(target=read_publisher)
        reader.start()
        last_note = time.perf_counter()
        kill_at = None
        with ThreadPoolExecutor(args.clients) as pool:
            futures = [pool.submit(citizen, front.port, c, tally) for c in citizens]
            while sum(1 for c in citizens if c.code) < args.letters // 3 and not all(
                f.done() for f in futures
            ):
                if time.perf_counter() - started > STEP_TIMEOUT * 3:
                    raise RuntimeError("the burst made no progress")
                if time.perf_counter() - last_note > 10:
                    last_note = time.perf_counter()
                    seen = Counter((c.status, c.error) for c in citizens)
                    print(f"  {sum(1 for c in citizens if c.code)} answered; {dict(seen)}", flush=True)
                time.sleep(0.01)
            nodes[0].kill()  # SIGKILL to node A's whole process group
            kill_at = time.perf_counter() - started
            result["at_kill"] = {
                "answered": sum(1 for c in citizens if c.code),
                "published": sum(1 for e in log if e.get("status") == 302),
            }
            print(f"node A killed at {kill_at:.1f} s: {result['at_kill']}", flush=True)
            for f in futures:
                f.result()
        letters_done = time.perf_counter() - started
        reader.join(STEP_TIMEOUT * 5)
        publisher.wait(STEP_TIMEOUT)
        publishes_done = time.perf_counter() - started
        for f in list(watching):
            f.result()
        watchers.shutdown()
        ok = [c for c in citizens if c.code]
        latencies = [c.latency for c in ok]
        # every citizen sends the same form once more (a reload, a double click): nothing may be stored twice
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(lambda c: lc.post(front.port, c), citizens))

        # --- the checks --------------------------------------------------------------------------------------
        state = lc.db_state(node_env[1])
        rows = {s: code for s, code in state["by_subject"].items() if "双节点" in s}
        result["letters"] = {
            "letters": args.letters,
            "clients": args.clients,
            "answered": len(ok),
            "wall_s": round(letters_done, 1),
            "per_s": round(len(ok) / letters_done, 1),
            "p50_s": round(lc.percentile(latencies, 50), 2),
            "p95_s": round(lc.percentile(latencies, 95), 2),
            "form_retries": tally["form_retries"],
            "post_retries": tally["post_retries"],
            "post_errors": tally["post_errors"],
            "stored": len(rows),
            "lost": sum(1 for c in citizens if c.subject not in rows),
            "doubled": len(state["duplicated_subjects"]),
            "distinct_codes": len(set(rows.values())),
            "one_code_each": all(
                len(set(c.codes_seen)) == 1 and rows.get(c.subject) == c.code for c in citizens
            ),
            "failed": [f"#{c.n}: {c.error}" for c in citizens if not c.code][:10],
        }
        checked = json.loads(
            lc.manage({**node_env[1], "BENCH_TITLES": json.dumps(titles)}, "shell", code=PUBLISH_CHECK)
            .strip()
            .splitlines()[-1]
        )
        lists, feeds = {}, {}
        for col in setup["columns"]:
            lists[col["id"]] = through_nginx(front.port, "GET", col["url"])
            feeds[col["id"]] = through_nginx(front.port, "GET", f"/feeds/{col['id']}.xml")
        pubs = []
        for entry in log:
            row = checked.get(entry["title"], {"pages": 0})
            item = {"title": entry["title"], "pages": row["pages"], "error": entry.get("error", "")}
            if row["pages"]:
                status, headers, body = through_nginx(front.port, "GET", row["url"])
                from_file = any(k.lower() == "x-published" for k, _ in headers)
                _, lheaders, lbody = lists[row["column"]]
                _, _, fbody = feeds[row["column"]]
                item.update(
                    live=row["live"],
                    revisions=row["revisions"],
                    files=row["files"],
                    on_disk=row["on_disk"],
                    page_ok=status == 200 and from_file and entry["title"] in body.decode(),
                    list_entries=lbody.decode().count(f'href="{row["url"]}"'),
                    list_from_file=any(k.lower() == "x-published" for k, _ in lheaders),
                    feed_entries=fbody.decode().count(f"<title>{entry['title']}</title>"),
                    visible_s=entry.get("visible_s"),
                )
            pubs.append(item)
        good = [
            p
            for p in pubs
            if p["pages"] == 1
            and p.get("live")
            and p.get("revisions") == 1
            and p.get("files") == 1
            and p.get("on_disk")
            and p.get("page_ok")
            and p.get("list_entries") == 1
            and p.get("feed_entries") == 1
        ]
        vis = [p["visible_s"] for p in pubs if p.get("visible_s") is not None]
        result["publishes"] = {
            "publishes": len(titles),
            "wall_s": round(publishes_done, 1),
            "all_checks_ok": len(good),
            "lost": sum(1 for p in pubs if p["pages"] == 0),
            "doubled": sum(1 for p in pubs if p["pages"] > 1),
            "not_right": [p for p in pubs if p not in good][:5],
            "visible_p50_s": round(lc.percentile(vis, 50), 2) if vis else None,
            "visible_p95_s": round(lc.percentile(vis, 95), 2) if vis else None,
            "visible_max_s": round(max(vis), 2) if vis else None,
        }
        errors = front.error_log()
        result["nginx"] = {
            "kill_at_s": round(kill_at, 1),
            "connect_refused": errors.count("Connection refused"),
            "upstream_closed": errors.count("prematurely closed") + errors.count("reset by peer"),
        }
        result["load_after"] = os.getloadavg()[0]
        print(json.dumps(result, ensure_ascii=False, indent=1), flush=True)
        return result
    except subprocess.CalledProcessError as exc:
        print(exc.stderr[-3000:] if exc.stderr else exc, file=sys.stderr)
        raise
    finally:
        procs.stop_all()
        if not args.keep:
            admin.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')
            shutil.rmtree(base, ignore_errors=True)
        else:
            print(f"kept {base} and database {args.pg_db}")
        admin.close()


def write_results(r: dict, args) -> None:
    L, P, N = r["letters"], r["publishes"], r["nginx"]
    lines = [
        "# Two app nodes behind nginx, one killed mid-burst",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} by `benchmarks/two_nodes.py --letters {args.letters}"
        f" --publishes {args.publishes} --clients {args.clients} --workers {args.workers}` on {platform.machine()},"
        f" {os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL; load average"
        f" {r['load_before']:.1f} before and {r['load_after']:.1f} after (the machine is shared with other work).",
        "",
        "Setup: Debian's nginx with the shipped config (`deploy/nginx/`, upstream of two servers) on 127.0.0.1; two"
        f" app nodes (`govportal serve --no-worker`: gunicorn with `govportal/ops/gunicorn_conf.py`, {args.workers}"
        " workers × 4 threads each), each with its own `GOVPORTAL_HOME` and the same `SECRET_KEY`, one PostgreSQL"
        " database, one Redis (`REDIS_URL`: RQ jobs, cache, rate-limit counters), one shared publish directory"
        " answered by nginx, one RQ worker (`govportal jobs --worker`) doing the static publishing.",
        "",
        f"The burst: {L['letters']} citizens ({L['clients']} at a time, each from its own address 127.10.x.y) open"
        f" the letter form and send it; a separate process publishes {P['publishes']} items into three columns"
        f" ({args.publish_gap} s apart; the publish the review's last sign-off makes), which the RQ worker renders to"
        " files. When a third of the letters had been answered, node A's process group got"
        f" SIGKILL ({N['kill_at_s']} s in; {r['at_kill']['answered']} letters answered and"
        f" {r['at_kill']['published']} items published by then). A client whose request got 502 or a dropped"
        " connection sent the same form again; at the end every citizen sent the form once more (a reload).",
        "",
        "## Letters",
        "",
        "| letters | answered “submitted” | stored | lost | stored twice | distinct codes | each citizen shown one code"
        " | form opens retried | sends retried (502 / dropped) | wall time | letters/s | latency p50 / p95 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {L['letters']} | {L['answered']} | {L['stored']} | {L['lost']} | {L['doubled']} | {L['distinct_codes']}"
        f" | {'yes' if L['one_code_each'] else 'NO'} | {L['form_retries']} | {L['post_retries']}"
        f" ({', '.join(f'{k}: {v}' for k, v in L['post_errors'].items()) or '—'}) | {L['wall_s']} s"
        f" | {L['per_s']} | {L['p50_s']} / {L['p95_s']} s |",
        "",
        "## Publishes",
        "",
        "| publishes | right in every check | lost | stored twice | wall time"
        " | publish → visible from the file p50 / p95 / max |",
        "|---|---|---|---|---|---|",
        f"| {P['publishes']} | {P['all_checks_ok']} | {P['lost']} | {P['doubled']} | {P['wall_s']} s"
        f" | {P['visible_p50_s']} / {P['visible_p95_s']} / {P['visible_max_s']} s |",
        "",
        "“Right in every check”: one page with that title, live, one revision, one published-file record and its"
        " file on disk, answered by nginx from the file, one entry in its column's list page and one in the"
        " column's RSS feed. “Publish → visible”: from the publish's commit to nginx answering the item's file.",
        "",
        f"nginx's error log: {N['connect_refused']} connections refused by the dead node (passed on to node B),"
        f" {N['upstream_closed']} requests whose connection node A dropped (502 to the client, sent again).",
        "",
    ]
    if P["not_right"]:
        lines += ["Not right:", "", *[f"- `{json.dumps(p, ensure_ascii=False)}`" for p in P["not_right"]], ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=300)
    parser.add_argument("--publishes", type=int, default=30)
    parser.add_argument("--clients", type=int, default=32, help="citizens sending at the same time")
    parser.add_argument("--publish-gap", type=float, default=0.3, help="seconds between two publishes")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per node")
    parser.add_argument("--pg-db", default="govportal_bench_two_nodes", help="dropped and created")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="this database is flushed")
    parser.add_argument("--keep", action="store_true", help="keep the database and the folders")
    parser.add_argument("--write", action="store_true", help="write benchmarks/RESULTS-nodes.md")
    args = parser.parse_args()
    r = run(args)
    if args.write:
        write_results(r, args)
    L, P = r["letters"], r["publishes"]
    bad = L["lost"] or L["doubled"] or not L["one_code_each"] or P["all_checks_ok"] != P["publishes"]
    if bad:
        print("FAILED: something was lost, doubled or not published right (see above)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
