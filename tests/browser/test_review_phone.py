"""Leaders approve on their phones: the review inbox and the review page of the demo at 375 px (issue 4).

A demo leader logs in, opens "待我审核" and the item waiting for them: the page fits the phone (no
sideways scrolling), the checklist and the approve / return buttons are on screen, and axe finds no
serious or critical WCAG 2.1 AA violation.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import run_axe

PASSWORD = "Demo@2026"
PHONE = 375


def _serious(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def _shot(page, name: str) -> None:
    shots = os.environ.get("GOVPORTAL_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}_{PHONE}.png", full_page=True)
        # The admin scrolls inside its own container: also shoot the decision form wherever it is.
        decide = page.locator("#decide")
        if decide.count():
            decide.screenshot(path=f"{shots}/{name}_decide_{PHONE}.png")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth") - PHONE


def _log_in(open_page, demo_site, username: str):
    page = open_page("/admin/login/", PHONE)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    assert "/admin/login/" not in page.url, f"{username} could not log in"
    return page


@pytest.mark.parametrize(
    "username, stage",
    [("edu_leader", "部门负责人审批"), ("host_leader", "政府办审批")],
)
def test_a_leader_reviews_on_a_phone(open_page, demo_site, username, stage):
    page = _log_in(open_page, demo_site, username)
    page.goto(demo_site["base"] + "/admin/publishing/inbox/", wait_until="load")
    _shot(page, f"inbox_{username}")
    assert _overflow(page) <= 0, f"inbox is {_overflow(page)}px wider than the phone"
    assert not _serious(run_axe(page)), "\n".join(_serious(run_axe(page)))
    link = page.locator("a[href*='/admin/publishing/review/']").first
    assert link.is_visible(), "the inbox lists the item waiting for the leader"
    link.click()
    page.wait_for_load_state("load")
    assert "/admin/publishing/review/" in page.url
    _shot(page, f"review_{username}")

    assert stage in page.locator("main, body").first.inner_text()
    assert _overflow(page) <= 0, f"review page is {_overflow(page)}px wider than the phone"
    checks = page.locator("#approve-form input[type=checkbox]")
    assert checks.count() >= 4  # 钦州: the four checklist items
    for i in range(checks.count()):
        box = checks.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE, "checkbox off screen"
    approve = page.get_by_role("button", name="审核通过")
    reject = page.locator("#reject-form button[type=submit]")
    for button in (approve, reject):
        button.scroll_into_view_if_needed()
        assert button.is_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE and box["height"] >= 40, box
    problems = _serious(run_axe(page))
    assert not problems, "review page @ 375px:\n" + "\n".join(problems)


def test_ticking_the_checklist_and_approving_works_on_a_phone(open_page, demo_site):
    """Nothing is lost when a leader forgets an item; with every item ticked the approval goes through."""
    page = _log_in(open_page, demo_site, "edu_chief")
    page.goto(demo_site["base"] + "/admin/publishing/inbox/", wait_until="load")
    page.locator("a[href*='/admin/publishing/review/']").first.click()
    page.wait_for_load_state("load")
    boxes = page.locator("#approve-form input[type=checkbox]")
    boxes.first.check()
    page.fill("#approve-form textarea", "数据已核对")
    page.get_by_role("button", name="审核通过").click()
    page.wait_for_load_state("load")
    body = page.locator("body").inner_text()
    assert "审核通过前须逐项确认审核清单" in body
    assert page.input_value("#approve-form textarea") == "数据已核对"
    assert page.locator("#approve-form input[type=checkbox]").first.is_checked()
    _shot(page, "review_missing_ticks")
    assert _overflow(page) <= 0
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.get_by_role("button", name="审核通过").click()
    page.wait_for_load_state("load")
    assert "/admin/publishing/inbox/" in page.url
    assert "已审核通过" in page.locator("body").inner_text()
