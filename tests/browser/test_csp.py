"""The public site runs under its Content-Security-Policy (no inline script) without one violation: the
senior-mode switch, the data release chart, search and the letter form still work."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def visit(browser, demo_site, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: violations.append(str(e)))
    page.goto(demo_site["base"] + path, wait_until="load")
    return context, page, violations


def test_public_pages_work_under_the_csp(browser, demo_site):
    urls = demo_site["urls"]
    for path in ["/", urls["DataReleasePage"], "/xinjian/xie/", "/search/?q=通知", urls["ArticlePage"]]:
        context, page, violations = visit(browser, demo_site, path)
        try:
            header = page.evaluate(
                "async () => (await fetch(location.href)).headers.get('content-security-policy')"
            )
            directives = {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}
            assert directives["script-src"] == ["'self'"], path
            if path == "/":
                page.click("#senior-toggle")
                assert page.evaluate("document.documentElement.classList.contains('senior')")
                page.reload(wait_until="load")  # the early script (a file now) applies it before paint
                assert page.evaluate("document.documentElement.classList.contains('senior')")
            if path == urls["DataReleasePage"]:
                page.wait_for_selector("#data-chart svg", timeout=10_000)
            page.wait_for_timeout(300)
            assert violations == [], (path, violations)
        finally:
            context.close()
