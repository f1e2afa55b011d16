"""The search page in a real browser (the demo site of tests/browser): axe-core finds no serious or
critical WCAG 2.1 A/AA violation in any of its states, at desktop and phone width; it fits a 375 px phone;
the header search box reaches it from the keyboard."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.conftest import run_axe

pytestmark = pytest.mark.browser

STATES = {
    "empty": "/search/",
    "results": "/search/?q=" + quote("教育 招生"),
    "document number": "/search/?q=" + quote("钦教规[2026]1号"),
    "no hits, did you mean": "/search/?q=" + quote("公基金"),
    "bad filters": "/search/?q=" + quote("教育") + "&date_from=2026-13-45&unit=abc&kind=nothing",
    "filtered by date": "/search/?q=" + quote("通知") + "&sort=date&date_from=2020-01-01",
    "punctuation only": "/search/?q=" + quote("！！？？"),
}


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("state", list(STATES))
def test_search_page_has_no_serious_accessibility_violations(open_page, state, width):  # noqa: F811
    page = open_page(STATES[state], width)
    assert "站内搜索" in page.title() or "搜索结果" in page.title()
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in run_axe(page)
        if v["impact"] in ("serious", "critical")
    ]
    assert not problems, f"{state} @ {width}px:\n" + "\n".join(problems)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{state} @ {width}px is {overflow}px wider than the window"


def test_header_search_box_leads_to_highlighted_results(open_page):  # noqa: F811
    page = open_page("/", 375)
    page.fill("#site-q", "招生")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert "找到" in page.inner_text("main")
    assert page.locator(".hit-title mark").first.inner_text() == "招生"
    # The filters open and close from the keyboard.
    page.focus(".search-filters summary")
    page.keyboard.press("Enter")
    assert page.locator(".search-filters").get_attribute("open") is not None
