"""Issue 19 as users meet it in a browser: the mailbox from the home page, the letter counter, the
favicon, and each role's own first screen in the back office (screenshots with GOVPORTAL_SCREENSHOTS)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PASSWORD = "Demo@2026"


def _shot(page, name: str) -> None:
    shots = os.environ.get("GOVPORTAL_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


def test_the_mailbox_from_the_home_page_and_the_counter(open_page, demo_site):
    page = open_page("/")
    page.get_by_role("link", name="我要写信").first.click()
    page.wait_for_url("**/xinjian/xie/")
    content = page.locator("textarea[name=content]")
    assert content.get_attribute("maxlength") is None  # nothing is cut silently
    content.fill("路灯不亮" * 1300)  # 5,200 characters
    counter = page.locator("#id_content_count")
    assert "已输入 5200 字，最多 5000 字，超出 200 字" in counter.inner_text()
    assert len(content.input_value()) == 5200
    _shot(page, "issue19_letter_counter")


def test_the_favicon_answers(open_page, demo_site):
    import urllib.request

    with urllib.request.urlopen(demo_site["base"] + "/favicon.ico", timeout=10) as r:
        assert r.status == 200 and r.headers["Content-Type"] == "image/x-icon"


@pytest.mark.parametrize(
    "account,heading",
    [
        ("edu_editor", "信息员工作台"),
        ("edu_leader", "市教育局的期限"),
        ("host_office", "主办单位工作台"),
        ("hotline", "热线中心工作台"),
    ],
)
def test_each_role_has_its_own_first_screen(open_page, account, heading):
    page = open_page("/admin/login/")
    page.fill("input[name=username]", account)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    if "/admin/login/" in page.url:
        pytest.fail(f"{account} could not log in: {page.locator('body').inner_text()[:300]}")
    page.goto(page.url.split("/admin/")[0] + "/admin/")
    body = page.locator("body").inner_text()
    assert heading in body
    assert "Pages created" not in body
    _shot(page, f"issue19_dashboard_{account}")
