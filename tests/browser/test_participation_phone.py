"""Participation on a phone (issue 16): answering a survey and following a live interview at 375 px.

The survey is answered the way a visitor does it and the same browser is then told it has answered. The
interview page is left open on the phone while the host office posts a line to the live stream from the
back office in another browser; the line appears on the phone without a reload. Each page fits the width
and axe finds no serious or critical WCAG 2.1 AA violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import run_axe

PHONE = 375
PASSWORD = "Demo@2026"


def _serious(violations):
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def _check(page, name, width=PHONE):
    if width == PHONE:
        over = page.evaluate("document.documentElement.scrollWidth") - PHONE
        assert over <= 0, f"{name} is {over}px wider than the phone"
    problems = _serious(run_axe(page))
    assert not problems, f"{name} @ {width}px:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", (PHONE, 1280))
def test_answering_a_survey(open_page, demo_site, width):
    page = open_page(demo_site["urls"]["SurveyPage"], width)
    assert "调查问卷" in page.locator("main, body").first.inner_text()
    _check(page, "survey form", width)
    names = page.eval_on_selector_all(
        "#survey-form input[type=radio]", "els => [...new Set(els.map(e => e.name))]"
    )
    for name in names:
        page.locator(f"#survey-form input[type=radio][name='{name}']").first.check()
    for box in page.locator("#survey-form fieldset").all():
        boxes = box.locator("input[type=checkbox]")
        if boxes.count():
            boxes.first.check()
    page.locator("#survey-form textarea").first.fill(f"希望增加体育活动（{width}）")
    page.get_by_role("button", name="提交答卷").click()
    page.wait_for_load_state("load")
    assert "答卷已提交" in page.locator("body").inner_text()
    _check(page, "survey answered", width)
    page.goto(demo_site["base"] + demo_site["urls"]["SurveyPage"])
    body = page.locator("body").inner_text()
    assert "您已参加过本次调查" in body and page.locator("#survey-form").count() == 0


def test_following_an_interview_on_a_phone(open_page, browser, demo_site):
    url = demo_site["urls"]["InterviewPage"]
    phone = open_page(url, PHONE)
    assert phone.locator("#live-status").inner_text() == "直播中"
    _check(phone, "interview")
    assert phone.locator("script[src*='participation/live.js']").count() == 1
    before = phone.locator("#live-stream li").count()
    phone.evaluate("window.__notReloaded = true")

    # The host office posts a line from the back office, in another browser.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        host = context.new_page()
        host.goto(demo_site["base"] + "/admin/login/")
        host.fill("input[name=username]", "host_office")
        host.fill("input[name=password]", PASSWORD)
        host.locator("button[type=submit], input[type=submit]").first.click()
        host.wait_for_load_state("load")
        assert "/admin/login/" not in host.url
        page_id = phone.locator("#live-stream").get_attribute("data-url").split("/")[3]
        host.goto(demo_site["base"] + f"/admin/participation/{page_id}/")
        form = host.locator("form:has(input[name=action][value=live])")
        form.locator("input[name=speaker]").fill("李明")
        form.locator("textarea[name=text]").fill("今年新增学位三千个，各校将于8月公布划片范围。")
        form.locator("button").click()
        host.wait_for_load_state("load")
        assert "已发布到直播" in host.locator("body").inner_text()
    finally:
        context.close()

    # Polled from the test, not by a string predicate inside the page: the page's CSP (script-src 'self')
    # rightly refuses Playwright's string evaluation.
    expect(phone.locator("#live-stream li")).to_have_count(before + 1, timeout=15_000)
    assert "今年新增学位三千个" in phone.locator("#live-stream").inner_text()
    assert phone.evaluate("window.__notReloaded === true"), "the page was reloaded"
    _check(phone, "interview after update")
