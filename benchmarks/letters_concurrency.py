"""500 letters submitted at once against the running server; then a crash in the middle of a burst.

What it shows: every letter accepted by the form is stored exactly once, each with its own query code, on
SQLite (the embedded default) and on PostgreSQL; and when the server is killed (SIGKILL, the whole process
group) while letters are in flight, re-sending the same forms after a restart neither loses nor duplicates
any of them.

    .venv/bin/python benchmarks/letters_concurrency.py                 # both databases, 500 + 200 letters
    .venv/bin/python benchmarks/letters_concurrency.py --db sqlite --letters 100 --crash-letters 50

PostgreSQL is reached at $BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432); a database
``govportal_bench_letters`` is created there and dropped at the end. Results go to
benchmarks/RESULTS-letters.md.

Each simulated citizen opens the form (GET), reads the CAPTCHA's text version as a screen-reader user
would, and posts the letter with its own address (X-Forwarded-For behind a trusted proxy, as behind nginx),
so the per-address flood limits do not hold the letters back.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CN = "零一二三四五六七八九"
RESULTS = ROOT / "benchmarks" / "RESULTS-letters.md"


# --- a citizen -----------------------------------------------------------------------------------------


def cn2int(s: str) -> int:
    if "十" in s:
        a, _, b = s.partition("十")
        return (CN.index(a) if a else 1) * 10 + (CN.index(b) if b else 0)
    return CN.index(s)


def solve(words: str) -> int:
    m = re.match(r"(.+?)([加减])(.+?)等于几", words)
    a, b = cn2int(m.group(1)), cn2int(m.group(3))
    return a + b if m.group(2) == "加" else a - b


@dataclass
class Citizen:
    n: int
    ip: str
    subject: str
    cookie: str = ""
    body: bytes = b""
    status: int | None = None
    code: str = ""
    latency: float = 0.0
    error: str = ""
    attempts: int = 0
    codes_seen: list[str] = field(default_factory=list)
    # Behind nginx (benchmarks/two_nodes.py): the citizen's own loopback address (127.x.y.z) to connect from,
    # since nginx replaces X-Forwarded-For, and the site's host name.
    source: str = ""
    host: str = ""

    def headers(self) -> dict:
        return {"X-Forwarded-For": self.ip, **({"Host": self.host} if self.host else {})}


def request(
    port: int,
    method: str,
    path: str,
    headers: dict,
    body: bytes | None = None,
    timeout: float = 180,
    source: str = "",
):
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


def open_form(port: int, c: Citizen) -> None:
    status, headers, body = request(port, "GET", "/xinjian/xie/", c.headers(), source=c.source)
    if status != 200:
        raise RuntimeError(f"form: HTTP {status}")
    html = body.decode()
    cookies = [v.split(";")[0] for k, v in headers if k.lower() == "set-cookie"]
    c.cookie = "; ".join(cookies)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    # The CAPTCHA is shown only once an address nears its limit (GOVPORTAL_CAPTCHA=near, the default).
    words = re.search(r'id="captcha-words">([^<]+)<', html)
    data = {
        "csrfmiddlewaretoken": csrf,
        "token": token,
        "captcha": str(solve(words.group(1))) if words else "",
        "type": ["consultation", "help", "suggestion", "complaint", "report"][c.n % 5],
        "subject": c.subject,
        "content": f"这是第{c.n}位市民的来信内容，用于并发压力测试，反映的事项各不相同（编号{c.n}）。",
        "writer_name": f"市民{c.n}",
        "writer_contact": f"139{c.n:08d}",
        "consent_publish": "on",
        "target_unit": "",
        "website": "",
    }
    c.body = urllib.parse.urlencode(data).encode()


def post(port: int, c: Citizen) -> None:
    c.attempts += 1
    started = time.perf_counter()
    try:
        status, _, body = request(
            port,
            "POST",
            "/xinjian/xie/",
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": c.cookie,
                "Referer": f"http://127.0.0.1:{port}/xinjian/xie/",
                **c.headers(),
            },
            c.body,
            source=c.source,
        )
    except (OSError, http.client.HTTPException) as exc:
        c.status, c.error = None, type(exc).__name__
        return
    finally:
        c.latency = time.perf_counter() - started
    c.status = status
    m = re.search(rb'id="query-code">([^<]+)<', body)
    if status == 200 and m:
        c.code = m.group(1).decode()
        c.codes_seen.append(c.code)
        c.error = ""
    else:
        c.error = f"HTTP {status}"


# --- the server ---------------------------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict, port: int):
        self.env, self.port, self.proc = env, port, None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "govportal.cli",
                "serve",
                "--port",
                str(self.port),
                "--host",
                "127.0.0.1",
                "--no-worker",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: gunicorn's master and workers die together
        )
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                status, _, _ = request(self.port, "GET", "/xinjian/xie/", {}, timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("server did not start")

    def warm_up(self) -> None:
        """Load jieba and the text checker in every worker (a fresh worker's first letter pays for it)."""
        q = urllib.parse.quote("孩子义务教育入学划片")
        with ThreadPoolExecutor(20) as pool:
            list(pool.map(lambda _: request(self.port, "GET", f"/xinjian/wenti/tishi/?q={q}", {}), range(60)))

    def kill(self) -> None:
        """SIGKILL to the whole process group: nothing gets to finish or clean up."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def manage(env: dict, *args: str, code: str | None = None) -> str:
    cmd = [PYTHON, "-m", "govportal.cli", *args]
    if code is not None:
        cmd += ["-c", code]
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout


CHECK = """
import json
from collections import Counter
from govportal.interaction.models import Letter
rows = list(Letter.objects.filter(subject__startswith="压测来信").values_list("subject", "query_code", "hold_reason"))
per_subject = Counter(s for s, _, _ in rows)
print(json.dumps({
    "stored": len(rows),
    "codes": sorted(c for _, c, _ in rows),
    "by_subject": {s: c for s, c, _ in rows},
    "duplicated_subjects": sorted(s for s, n in per_subject.items() if n > 1),
    "held": sum(1 for _, _, h in rows if h),
}))
"""


def db_state(env: dict) -> dict:
    return json.loads(manage(env, "shell", code=CHECK).strip().splitlines()[-1])


# --- one run ----------------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return 0.0
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def run(db: str, letters: int, crash_letters: int, port: int) -> dict:
    home = Path(tempfile.mkdtemp(prefix=f"govportal-bench-letters-{db}-"))
    env = {
        **os.environ,
        "GOVPORTAL_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "govportal.settings",
        "GOVPORTAL_TRUSTED_PROXIES": "127.0.0.1/32",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "*",
    }
    pg_admin = None
    if db == "postgres":
        import psycopg

        base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
        pg_admin = psycopg.connect(base + "/postgres", autocommit=True)
        pg_admin.execute("DROP DATABASE IF EXISTS govportal_bench_letters WITH (FORCE)")
        pg_admin.execute("CREATE DATABASE govportal_bench_letters")
        env["DATABASE_URL"] = base + "/govportal_bench_letters"
    else:
        env.pop("DATABASE_URL", None)
    print(f"[{db}] migrate and load the 钦州 profile …", flush=True)
    manage(env, "migrate", "-v", "0")
    manage(env, "load_profile", "qinzhou")
    server = Server(env, port)
    server.start()
    server.warm_up()
    result: dict = {"db": db}
    try:
        # --- phase 1: N letters at once -----------------------------------------------------------------
        citizens = [
            Citizen(i, f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256 + 1}", f"压测来信 第{i}号")
            for i in range(letters)
        ]
        with ThreadPoolExecutor(64) as pool:
            list(pool.map(lambda c: open_form(port, c), citizens))
        barrier = threading.Barrier(len(citizens))

        def burst(c: Citizen) -> None:
            barrier.wait()
            post(port, c)

        print(f"[{db}] {letters} letters at once …", flush=True)
        started = time.perf_counter()
        threads = [threading.Thread(target=burst, args=(c,)) for c in citizens]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        ok = [c for c in citizens if c.status == 200 and c.code]
        state = db_state(env)
        lat = [c.latency for c in ok]
        result["burst"] = {
            "letters": letters,
            "answered_ok": len(ok),
            "failed": [f"#{c.n}: {c.error}" for c in citizens if c not in ok][:10],
            "wall_s": round(wall, 2),
            "per_s": round(len(ok) / wall, 1) if wall else 0,
            "p50_s": round(percentile(lat, 50), 2),
            "p95_s": round(percentile(lat, 95), 2),
            "max_s": round(max(lat) if lat else 0, 2),
            "stored": state["stored"],
            "distinct_codes": len(set(state["codes"])),
            "duplicated_subjects": len(state["duplicated_subjects"]),
            "held": state["held"],
            "codes_match": all(state["by_subject"].get(c.subject) == c.code for c in ok),
        }
        print(f"[{db}] burst: {result['burst']}", flush=True)

        # --- phase 2: kill the server in the middle of a burst, restart, re-send the same forms ----------
        crashers = [
            Citizen(letters + i, f"10.200.{i // 256 % 256}.{i % 256 + 1}", f"压测来信 崩溃批 第{i}号")
            for i in range(crash_letters)
        ]
        with ThreadPoolExecutor(64) as pool:
            list(pool.map(lambda c: open_form(port, c), crashers))
        print(f"[{db}] {crash_letters} letters, server killed mid-burst …", flush=True)
        with ThreadPoolExecutor(len(crashers)) as pool:
            futures = [pool.submit(post, port, c) for c in crashers]
            # kill once a quarter of them have been answered: the rest are in flight or not yet sent
            while sum(1 for f in futures if f.done()) < crash_letters // 4:
                time.sleep(0.01)
            server.kill()
            for f in futures:
                f.result()
        answered_before_kill = sum(1 for c in crashers if c.status == 200 and c.code)
        stored_at_kill = db_state(env)["stored"] - state["stored"]
        server.start()
        server.warm_up()
        # every citizen who did not see "submitted" presses "submit" again (same form, same token) …
        retried = [c for c in crashers if not c.code]
        with ThreadPoolExecutor(64) as pool:
            list(pool.map(lambda c: post(port, c), retried))
        # … and every citizen re-sends once more (a double click, a reload): nothing may be stored twice
        with ThreadPoolExecutor(64) as pool:
            list(pool.map(lambda c: post(port, c), crashers))
        final = db_state(env)
        crash_rows = {s: c for s, c in final["by_subject"].items() if "崩溃批" in s}
        result["crash"] = {
            "letters": crash_letters,
            "answered_before_kill": answered_before_kill,
            "stored_before_restart": stored_at_kill,
            "unanswered_at_kill": crash_letters - answered_before_kill,
            "retried": len(retried),
            "stored": len(crash_rows),
            "lost": sum(1 for c in crashers if c.subject not in crash_rows),
            "duplicated_subjects": len(final["duplicated_subjects"]),
            "all_answers_same_code": all(
                len(set(c.codes_seen)) == 1 and crash_rows.get(c.subject) == c.code for c in crashers
            ),
            "total_stored": final["stored"],
            "total_distinct_codes": len(set(final["codes"])),
        }
        print(f"[{db}] crash: {result['crash']}", flush=True)
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
        if pg_admin is not None:
            pg_admin.execute("DROP DATABASE IF EXISTS govportal_bench_letters WITH (FORCE)")
            pg_admin.close()
    return result


def write_results(results: list[dict], args) -> None:
    lines = [
        "# Letters: concurrent submission and crash recovery",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} by `benchmarks/letters_concurrency.py"
        f" --letters {args.letters} --crash-letters {args.crash_letters}`"
        f" on {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()};"
        f" server `govportal serve` (gunicorn, {(os.cpu_count() or 1) * 2 + 1} workers × 4 threads), load average"
        f" {os.getloadavg()[0]:.1f} at the end (other work shares the machine).",
        "",
        "## All at once",
        "",
        "Every simulated citizen opened the form, solved the CAPTCHA from its text version, then all posted in the"
        " same instant (a thread barrier).",
        "",
        "| database | letters | answered “submitted” | stored | distinct query codes | stored twice | held back | code shown = code stored | wall time | letters/s | latency p50 / p95 / max |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        b = r["burst"]
        lines.append(
            f"| {r['db']} | {b['letters']} | {b['answered_ok']} | {b['stored']} | {b['distinct_codes']} | {b['duplicated_subjects']}"
            f" | {b['held']} | {'yes' if b['codes_match'] else 'NO'} | {b['wall_s']} s | {b['per_s']} | {b['p50_s']} / {b['p95_s']} / {b['max_s']} s |"
        )
    lines += [
        "",
        "## Killed in the middle",
        "",
        "A second burst; when a quarter of its letters had been answered the server's whole process group got SIGKILL."
        " After a restart, every citizen who had not seen “submitted” sent the same form again, and then every"
        " citizen sent it once more (a reload or a double click).",
        "",
        "| database | letters | answered before the kill | stored before the restart | retried | stored in the end | lost | stored twice | each citizen always shown one code | all letters | all distinct codes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        c = r["crash"]
        lines.append(
            f"| {r['db']} | {c['letters']} | {c['answered_before_kill']} | {c['stored_before_restart']} | {c['retried']}"
            f" | {c['stored']} | {c['lost']} | {c['duplicated_subjects']} | {'yes' if c['all_answers_same_code'] else 'NO'}"
            f" | {c['total_stored']} | {c['total_distinct_codes']} |"
        )
    lines += [
        "",
        "“Stored before the restart” is larger than “answered before the kill”: those letters were committed but their"
        " answers never reached the browser; the retry found them by their form token and showed the same code.",
        "",
        "Why it holds: the form carries a signed one-time token; the letter row has a unique constraint on it and is"
        " committed (one short write transaction) before the page saying “submitted” is rendered; a repeated token"
        " returns the stored letter, and the query password is derived from the token, so the retry shows the same"
        " code and password. Query codes are random with a unique constraint (a collision draws again).",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--crash-letters", type=int, default=200)
    parser.add_argument("--port", type=int, default=8471)
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS-letters.md")
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = [run(db, args.letters, args.crash_letters, args.port) for db in dbs]
    if not args.no_write:
        write_results(results, args)
    bad = [
        r["db"]
        for r in results
        if r["burst"]["stored"] != args.letters
        or r["burst"]["distinct_codes"] != args.letters
        or r["crash"]["lost"]
        or r["crash"]["duplicated_subjects"]
        or not r["crash"]["all_answers_same_code"]
    ]
    if bad:
        print("FAILED on: " + ", ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
