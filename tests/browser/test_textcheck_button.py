"""The editor's “检查错敏信息” button end to end in a real browser: the demo's 市教育局 editor opens an item
with planted problems, types one more into the title without saving, clicks the action and sees every
finding marked in place with its Chinese rule — and what was typed is still in the form afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govportal.monitoring.demo import PLANTED_TITLE

pytestmark = pytest.mark.browser

TYPED = "（联系电话13911112222）"


def shot(page, name: str) -> None:
    shots = os.environ.get("GOVPORTAL_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}.png", full_page=False)


def login(page, base: str, username: str) -> None:
    page.goto(base + "/admin/login/", wait_until="load")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Demo@2026")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/admin/login/" not in url)


def open_planted_item_editor(page, base: str) -> None:
    """As the editor would after the daily scan: 错敏信息 → 全站扫描报告 → the item's “去修改”."""
    page.goto(base + "/admin/textcheck/scan/", wait_until="load")
    shot(page, "textcheck_scan_report")
    page.locator("a[href*='/findings/']").first.click()
    page.wait_for_load_state("load")
    shot(page, "textcheck_scan_findings")
    link = page.locator("a[href*='/edit/']", has_text="资助名单的公示").first
    link.click()
    page.wait_for_url("**/edit/")
    page.wait_for_selector("[data-textcheck-url]", state="attached")


def click_check(page) -> None:
    button = page.locator("[data-textcheck-url]")
    if not button.is_visible():  # in the action menu's “more actions” dropdown
        page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    button.click()


def test_editor_checks_an_item_and_sees_each_finding_marked_with_its_rule(browser, demo_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, demo_site["base"], "edu_editor")
        open_planted_item_editor(page, demo_site["base"])
        title = page.locator("#id_title")
        assert title.input_value() == PLANTED_TITLE
        title.fill(PLANTED_TITLE + TYPED)  # not saved: the check reads the form as it is now

        click_check(page)
        dialog = page.locator("#tc-dialog")
        result = dialog.locator(".tc-result")
        result.wait_for(timeout=30_000)
        shot(page, "textcheck_button_dialog")

        # every finding is listed with its kind and the rule (in Chinese) it comes from
        items = dialog.locator(".tc-list > li.tc-item")
        heads = items.locator(".tc-item__head").all_inner_texts()
        joined = "\n".join(heads)
        assert "个人信息·身份证号" in joined and "个人信息·手机号码" in joined and "错别字" in joined
        rules = "\n".join(items.locator(".tc-item__rule").all_inner_texts())
        assert "规则：公民身份号码（GB 11643-1999" in rules and "《政府信息公开条例》第十五条" in rules
        assert "建议：截至" in dialog.inner_text()
        assert "阻止发布" in dialog.locator(".tc-summary").inner_text()

        # each one is highlighted in place in the text, including what was just typed into the title
        marks = dialog.locator(".tc-part mark.tc-mark").all_inner_texts()
        assert "450702200805123413" in marks and "13877712345" in marks and "截止" in marks
        assert "13911112222" in marks
        blocking = dialog.locator(".tc-part mark.tc-blocking").all_inner_texts()
        assert "450702200805123413" in blocking
        dialog.locator(".tc-part mark.tc-blocking").first.scroll_into_view_if_needed()
        shot(page, "textcheck_button_marks")
        # the attachment's internal-material marker is reported with the file's title
        assert "2026年秋季学期资助工作会议材料" in dialog.locator(".tc-attachments").inner_text()
        assert "内部资料" in dialog.locator(".tc-attachments mark").all_inner_texts()

        # a link in the list jumps to its mark; closing the dialog leaves the typed title in place
        items.first.locator("a.tc-item__text").click()
        dialog.locator(".tc-close").click()
        assert not dialog.is_visible()
        assert title.input_value() == PLANTED_TITLE + TYPED
        shot(page, "textcheck_button_after_close")
    finally:
        context.close()
