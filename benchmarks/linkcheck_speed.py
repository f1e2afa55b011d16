"""Link checker speed and memory: 100,000 external links against a local server.

    .venv/bin/python benchmarks/linkcheck_speed.py [--links 100000] [--hosts 10] [--port 8610] [--write]

Method:

1. A fresh SQLite database in ``$GOVPORTAL_HOME`` (default ``/tmp/govportal-bench-linkcheck``), migrated.
2. A local HTTP server in a separate process (asyncio, stdlib) listening on ``--hosts`` loopback addresses
   127.0.0.1 … 127.0.0.N (default 20) at ``--port`` — so the checker sees N distinct hosts and its per-host bound
   applies to each. Of the links: 85 % answer 200, 5 % 404 (dead), 5 % redirect once (301 → a 200 page),
   5 % answer 200 after 300 ms (slow). Every host serves a robots.txt (allowing all), fetched once per host.
3. ``--links`` distinct ``LinkTarget`` rows of one ``LinkCheckRun`` inserted in bulk (what ``collect``
   writes for a site with that many distinct links), then timed: ``linkcheck.check_pending`` end to end —
   batches of 2,000 read from the database, checked concurrently (200 at once, 16 per host, 5 s timeout,
   1 retry), results written back — in wall-clock time on this shared machine.
4. Memory: peak resident set of the checker process (``ru_maxrss``), and its growth during the check.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import multiprocessing
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks/RESULTS-monitoring.md"


def serve(hosts: list[str], port: int) -> None:
    async def handle(reader, writer):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode()
            if path == "/robots.txt":
                body = b"User-agent: *\nAllow: /\n"
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body
                )
            elif path.startswith("/dead/"):
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            elif path.startswith("/moved/"):
                n = path.rsplit("/", 1)[1]
                writer.write(
                    f"HTTP/1.1 301 Moved\r\nLocation: /ok/{n}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
                )
            else:
                if path.startswith("/slow/"):
                    await asyncio.sleep(0.3)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except Exception:
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, hosts, port, backlog=4096)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", type=int, default=100_000)
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--port", type=int, default=8610)
    ap.add_argument("--per-host", type=int, default=16)
    ap.add_argument("--reuse", action="store_true", help="keep the migrated database of an earlier run")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()

    home = Path(os.environ.get("GOVPORTAL_HOME", "/tmp/govportal-bench-linkcheck"))
    home.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm") if not args.reuse else ():
        (home / f"govportal.sqlite3{suffix}").unlink(missing_ok=True)
    os.environ["GOVPORTAL_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from govportal.monitoring.linkcheck import check_pending
    from govportal.monitoring.models import LinkCheckRun, LinkState, LinkTarget

    hosts = [f"127.0.0.{i}" for i in range(1, args.hosts + 1)]
    proc = multiprocessing.Process(target=serve, args=(hosts, args.port), daemon=True)
    proc.start()
    time.sleep(1.0)

    LinkCheckRun.objects.filter(locality="bench").delete()
    run = LinkCheckRun.objects.create(locality="bench")
    kinds = ["ok"] * 17 + ["dead", "moved", "slow"]
    rows = []
    for n in range(args.links):
        host = hosts[n % len(hosts)]
        kind = kinds[n % len(kinds)]
        rows.append(
            LinkTarget(run=run, url=f"http://{host}:{args.port}/{kind}/{n}", host=host, internal=False)
        )
    LinkTarget.objects.bulk_create(rows, batch_size=5000)
    del rows
    before = rss_mb()
    started = time.monotonic()
    check_pending(run, None, {"concurrency": 200, "per_host": args.per_host, "timeout": 5.0, "retries": 1})
    elapsed = time.monotonic() - started
    peak = rss_mb()
    proc.terminate()
    run.refresh_from_db()
    states = {s: LinkTarget.objects.filter(run=run, state=s).count() for s in LinkState.values}
    redirected = LinkTarget.objects.filter(run=run).exclude(final_url="").count()
    line = (
        f"| {datetime.date.today()} | {args.links:,} | {args.hosts} | {elapsed:.1f} s | {args.links / elapsed:,.0f} |"
        f" {before:.0f} → {peak:.0f} MB | ok {states['ok']:,}, dead {states['dead']:,}, redirected {redirected:,},"
        f" skipped {states['skipped']:,}, pending {states['pending']:,} |"
    )
    print(line)
    if args.write:
        header = (
            "# Monitoring benchmarks\n\n## Link checker (`benchmarks/linkcheck_speed.py`)\n\n"
            + (__doc__ or "").split("Method:", 1)[1].strip()
            + f"\n\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores shared with other "
            "engineers' work (load average well above the core count while measuring), Python "
            f"{platform.python_version()}, SQLite.\n\n"
            "| date | links | hosts | wall time | links/s | peak RSS (before → after) | outcome |\n|---|---|---|---|---|---|---|\n"
        )
        old = RESULTS.read_text() if RESULTS.exists() else ""
        rows_old = [ln for ln in old.splitlines() if ln.startswith("| 20")]
        RESULTS.write_text(header + "\n".join([*rows_old, line]) + "\n")


if __name__ == "__main__":
    main()
