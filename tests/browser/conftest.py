"""Browser tests: headless Debian Chromium (never a downloaded browser) driving the demo site.

The demo is prepared in a fresh SQLite database of its own (``govportal demo --no-serve`` in a temporary
GOVPORTAL_HOME) and served by ``govportal runserver`` on a free local port, so these tests see exactly
what a visitor of the demo sees and never touch the test database. Skipped, with the reason, when
/usr/bin/chromium or Python Playwright is missing.

``demo_site["shell"](code)`` runs Python in the demo's database (``govportal shell -c``) for the few
steps a browser cannot take (an account for a second editor, a draft started two hours ago) and returns
what it printed. To rerun browser tests without preparing the demo again, point GOVPORTAL_BROWSER_DEMO
at a GOVPORTAL_HOME prepared by ``govportal demo --no-serve``: it is copied, never changed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GOVPORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

URLS_SCRIPT = """
import json
from govportal.portal.listing import item_models
from govportal.portal.models import ColumnPage, SubsiteHomePage, PolicyDocumentPage
out = {m.__name__: m.objects.live().filter(depth__gt=3).order_by("-date").first().url for m in item_models()}
repealed = PolicyDocumentPage.objects.live().filter(validity="已废止").first()
out["PolicyDocumentPage (repealed)"] = repealed.url
def col(title):
    return ColumnPage.objects.live().filter(title=title).order_by("depth").first().url
out["channel with sub-columns"] = col("动态信息")
out["column list"] = col("政务要闻")
out["disclosure channel"] = col("政府信息公开")
out["service guides"] = col("办事指南")
out["sub-site"] = SubsiteHomePage.objects.live().first().url
print("URLS=" + json.dumps(out, ensure_ascii=False))
"""


def _skip_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} 不存在：浏览器测试需要 Debian 的 chromium 软件包（apt-get install chromium）。"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "未安装 Python Playwright：浏览器测试已跳过。"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("govportal-browser")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"GOVPORTAL_HOME": str(home), "DEBUG": "1", "PYTHONPATH": str(ROOT)})
    cli = [sys.executable, "-m", "govportal.cli"]
    ready = os.environ.get("GOVPORTAL_BROWSER_DEMO")
    if ready:
        shutil.copytree(ready, home, dirs_exist_ok=True)
    else:
        prepared = subprocess.run(
            [*cli, "demo", "--no-serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert prepared.returncode == 0, prepared.stderr[-3000:]

    def shell(code: str) -> str:
        done = subprocess.run(
            [*cli, "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    line = next(ln for ln in shell(URLS_SCRIPT).splitlines() if ln.startswith("URLS="))
    urls = json.loads(line[5:])
    port = _free_port()
    server = subprocess.Popen(
        [*cli, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/sitemap/", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield {"base": base, "urls": urls, "shell": shell}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(demo_site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser, demo_site):
    """open_page(path, width=1280) -> a Playwright page showing ``path`` of the demo site."""
    contexts = []

    def open_(path: str, width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(demo_site["base"] + path, wait_until="load")
        shots = os.environ.get("GOVPORTAL_SCREENSHOTS")
        if shots:
            name = (path.strip("/").replace("/", "_").replace("?", "_") or "home")[:80]
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/{name}_{width}.png", full_page=True)
        return page

    yield open_
    for context in contexts:
        context.close()


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page (GB/T 37668-2019 follows WCAG 2.x)."""
    # evaluated, not injected as an inline <script>: the public site's CSP allows no inline script
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations']
        })"""
    )
    return result["violations"]
