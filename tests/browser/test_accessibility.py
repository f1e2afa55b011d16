"""Every page type of the public site, checked in a real browser: axe-core finds no serious or critical
WCAG 2.1 A/AA violation at desktop and phone width; the keyboard reaches the content; senior mode persists;
nothing is wider than a 375 px phone."""

from __future__ import annotations

import pytest

from .conftest import run_axe

pytestmark = pytest.mark.browser

FIXED_PAGES = {
    "home": "/",
    "site map": "/sitemap/",
    "catalogue": "/gkml/",
    "catalogue with a bad date": "/gkml/?date_from=2026年&topic=科技、教育",
}
KINDS = [
    "ArticlePage",
    "PolicyDocumentPage",
    "PolicyDocumentPage (repealed)",
    "InterpretationPage",
    "ServiceGuidePage",
    "LeaderProfilePage",
    "OrganisationPage",
    "DataReleasePage",
    "PressConferencePage",
    "SpecialTopicPage",
    "RepostPage",
    "SurveyPage",
    "ConsultationPage",
    "InterviewPage",
    "VisitPage",
    "channel with sub-columns",
    "column list",
    "disclosure channel",
    "service guides",
    "sub-site",
]


def _path(demo_site, name: str) -> str:
    return FIXED_PAGES.get(name) or demo_site["urls"][name]


def _serious(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", list(FIXED_PAGES) + KINDS)
def test_no_serious_accessibility_violations(open_page, demo_site, name, width):
    page = open_page(_path(demo_site, name), width)
    assert page.title(), "every page has a title"
    problems = _serious(run_axe(page))
    assert not problems, f"{name} @ {width}px:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "name", ["home", "ServiceGuidePage", "DataReleasePage", "catalogue", "channel with sub-columns"]
)
def test_fits_a_375px_phone(open_page, demo_site, name):
    page = open_page(_path(demo_site, name), 375)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name}: page is {overflow}px wider than the phone"


def test_senior_mode_and_print_version_pass_too(open_page, demo_site):
    page = open_page(demo_site["urls"]["PolicyDocumentPage (repealed)"])
    page.click("#senior-toggle")
    assert not _serious(run_axe(page))
    printed = open_page(demo_site["urls"]["PolicyDocumentPage (repealed)"] + "?print=1")
    assert not _serious(run_axe(printed))


def test_keyboard_skip_link_reaches_the_main_content(open_page):
    page = open_page("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    assert page.evaluate("getComputedStyle(document.activeElement).left") != "-9999px"  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # The next Tab goes into the page content, not back to the header.
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside_main


def test_keyboard_reaches_search_senior_mode_and_navigation(open_page):
    page = open_page("/")
    reached = []
    for _ in range(8):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
        )
    assert "site-q" in reached and "senior-toggle" in reached and "首页" in reached
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focused element shows a focus outline"


def test_senior_mode_enlarges_text_and_persists(open_page, demo_site):
    page = open_page("/")
    before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    toggle = page.locator("#senior-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert after >= before * 1.25
    assert toggle.get_attribute("aria-pressed") == "true" and toggle.inner_text() == "退出长者模式"
    # Another page in the same browser keeps senior mode.
    page.goto(demo_site["base"] + demo_site["urls"]["ServiceGuidePage"])
    assert page.evaluate("document.documentElement.classList.contains('senior')")
    page.click("#senior-toggle")
    page.reload()
    assert not page.evaluate("document.documentElement.classList.contains('senior')")


def test_data_release_draws_its_chart_with_the_local_library(open_page, demo_site):
    requests = []
    page = open_page(demo_site["urls"]["DataReleasePage"])
    page.on("request", lambda r: requests.append(r.url))
    page.reload(wait_until="networkidle")
    assert page.locator("#data-chart svg").count() >= 1, "ECharts drew the chart"
    assert all(u.startswith(demo_site["base"]) for u in requests), "every asset comes from the site itself"


def test_public_pages_load_nothing_from_elsewhere(open_page, demo_site):
    for name in ("home", "ServiceGuidePage", "SpecialTopicPage"):
        requests = []
        page = open_page(_path(demo_site, name))
        page.on("request", lambda r, sink=requests: sink.append(r.url))
        page.reload(wait_until="networkidle")
        foreign = [u for u in requests if not u.startswith(demo_site["base"])]
        assert not foreign, f"{name} loads {foreign}"


def test_axe_really_checks(open_page):
    """Guard against a silent checker: a page with a known serious violation is caught."""
    page = open_page("/sitemap/")
    page.evaluate(
        """() => { const a = document.createElement('a'); a.href = '/x/';
                   a.innerHTML = '<img src="/static/none.png">'; document.querySelector('main').append(a); }"""
    )
    ids = [v["id"] for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert "link-name" in ids or "image-alt" in ids
