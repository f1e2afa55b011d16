"""Issue 19 as users meet it in a browser, one item of the issue per test: the mailbox from the home page
and its counter, the internal 派单说明, an editor's new items (addresses, emoji titles, English), the road
of an item from draft to public (初审初校 by someone else, the publication time shown), the column table
round trip, 文号 and 低保 in the catalogue and site search, the refused column, the secret marker in the
check button, the policy document page (索引号, favicon) and each role's own first screen (screenshots
with GOVPORTAL_SCREENSHOTS, at 1280 and 375 px)."""

from __future__ import annotations

import io
import os
import re
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.portal.test_admin_chinese import english_words

from .test_textcheck_button import click_check

PASSWORD = "Demo@2026"
EDU_NEWS = "/admin/pages/add/portal/articlepage/{}/"  # 市教育局 sub-site → 工作动态


def _shot(page, name: str) -> None:
    shots = os.environ.get("GOVPORTAL_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


def _tall_shot(page, name: str, width: int) -> None:
    """The back office scrolls inside its own container: grow the window to the content, then shoot."""
    if os.environ.get("GOVPORTAL_SCREENSHOTS"):
        height = page.evaluate("Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
        page.set_viewport_size({"width": width, "height": min(int(height), 8000)})
        _shot(page, name)


def _log_in(open_page, account: str, width: int = 1280):
    page = open_page("/admin/login/", width)
    page.fill("input[name=username]", account)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    if "/admin/login/" in page.url:
        pytest.fail(f"{account} could not log in: {page.locator('body').inner_text()[:300]}")
    return page


def _go(page, demo_site, path: str) -> str:
    page.goto(demo_site["base"] + path, wait_until="load")
    return page.locator("body").inner_text()


def _english(page) -> list[str]:
    """Lines of the text the user sees (CSS-visible, after the scripts ran) that hold English words."""
    lines = page.locator("body").inner_text().splitlines()
    return [f"{ln[:80]!r}: {sorted(english_words(ln))}" for ln in lines if english_words(ln)]


def _footer_action(page, selector: str) -> None:
    """Click an action of Wagtail's editor footer, opening its “more actions” dropdown if needed."""
    button = page.locator(selector).first
    if not button.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    button.click()
    page.wait_for_load_state("load")


def _shell_value(demo_site, code: str, key: str) -> str:
    out = demo_site["shell"](code)
    return next(ln for ln in out.splitlines() if ln.startswith(key + "="))[len(key) + 1 :]


def _edu_news_column(demo_site) -> str:
    return _shell_value(
        demo_site,
        "from govportal.portal.models import ColumnPage\n"
        "c = ColumnPage.objects.get(url_path__endswith='/education/gzdt/')\n"
        "print(f'COL={c.pk}')",
        "COL",
    )


def _new_item(page, demo_site, column: str, title: str) -> str:
    """The editor writes an item in the back office and saves the draft; returns the page text after."""
    _go(page, demo_site, EDU_NEWS.format(column))
    page.fill("#id_title", title)
    page.locator(".Draftail-Editor [contenteditable=true]").first.click()
    page.keyboard.type("会议部署寒假期间学生安全教育工作。")
    _footer_action(page, "button.action-save")
    return page.locator("body").inner_text()


# --- the public mailbox ------------------------------------------------------------------------------


def test_the_mailbox_from_the_home_page_and_a_too_long_letter(open_page, demo_site):
    page = open_page("/")
    page.get_by_role("link", name="我要写信").first.click()
    page.wait_for_url("**/xinjian/xie/")
    content = page.locator("textarea[name=content]")
    assert content.get_attribute("maxlength") is None  # nothing is cut silently
    letter = "路灯不亮" * 2500  # 10,000 characters
    content.fill(letter)
    counter = page.locator("#id_content_count")
    assert "已输入 10000 字，最多 5000 字，超出 5000 字" in counter.inner_text()
    _shot(page, "issue19_letter_counter")
    page.locator("input[name=type]").first.check()
    page.fill("input[name=subject]", "😡😡😡😡")  # emoji only
    page.fill("input[name=writer_name]", "李明")
    page.fill("input[name=writer_contact]", "13877701919")
    page.get_by_role("button", name="提交来信").click()
    page.wait_for_load_state("load")
    body = page.locator("body").inner_text()
    assert "内容最多5000个字（您写了10000个字）" in body
    assert "标题须含有汉字或字母" in body
    assert page.locator("textarea[name=content]").input_value() == letter  # nothing lost
    _shot(page, "issue19_letter_refused")


def test_the_dispatch_note_stays_inside(open_page, demo_site):
    page = open_page("/xinjian/xie/")
    page.locator("input[name=type]").first.check()
    page.fill("input[name=subject]", "学校门口早高峰拥堵")
    page.fill("textarea[name=content]", "每天早上七点半学校门口车辆拥堵，希望安排交警疏导。")
    page.fill("input[name=writer_name]", "王芳")
    page.fill("input[name=writer_contact]", "13877702020")
    page.get_by_role("button", name="提交来信").click()
    page.wait_for_load_state("load")
    code, password = page.inner_text("#query-code").strip(), page.inner_text("#query-password").strip()
    pk = _shell_value(
        demo_site,
        "from govportal.interaction.models import Letter\n"
        f"print('PK=%s' % Letter.objects.get(query_code={code!r}).pk)",
        "PK",
    )

    centre = _log_in(open_page, "hotline")
    text = _go(centre, demo_site, f"/admin/letters/letter/{pk}/")
    assert "仅承办单位和热线中心可见，不在来信人的办理过程中显示" in text  # the field says who reads it
    centre.select_option("#lead-other", label="市教育局")
    centre.fill("#note", "来信人情绪激动，请先电话沟通")
    centre.get_by_role("button", name="派单", exact=True).click()
    centre.wait_for_load_state("load")
    assert "派单说明（内部）：来信人情绪激动" in centre.locator("body").inner_text()

    _go(page, demo_site, "/xinjian/chaxun/")
    page.fill("input[name=code]", code)
    page.fill("input[name=password]", password)
    page.locator("button.ix-button[type=submit]", has_text="查询").click()
    page.wait_for_load_state("load")
    body = page.locator("body").inner_text()
    assert "已转交市教育局办理" in body
    assert "情绪激动" not in body and "派单说明" not in body
    _shot(page, "issue19_lookup_without_note")


# --- an editor's items -------------------------------------------------------------------------------


def test_an_editors_new_items_get_gov_addresses_and_refuse_emoji_titles(open_page, demo_site):
    column = _edu_news_column(demo_site)
    page = _log_in(open_page, "edu_editor")
    _go(page, demo_site, EDU_NEWS.format(column))
    assert not _english(page), _english(page)  # the new item form, the rich-text editor included
    for title in ("市教育局召开2027年寒假安全工作会议", "市教育局部署2027年寒假作业减负工作"):
        body = _new_item(page, demo_site, column, title)
        assert re.search(r"/admin/pages/\d+/edit/", page.url), body[:500]
        assert "already in use" not in body and "未能创建" not in body
    paths = _shell_value(
        demo_site,
        "from govportal.portal.models import ArticlePage\n"
        "print('PATHS=' + ' '.join(p.url_path for p in ArticlePage.objects.filter(title__contains='2027年寒假')))",
        "PATHS",
    ).split()
    assert len(paths) == 2 and len(set(paths)) == 2
    assert all(re.search(r"/gzdt/\d{6}/t\d{8}_\d+\.html$", p) for p in paths), paths

    body = _new_item(page, demo_site, column, "🎉🎉🎉")
    assert "标题须含有汉字或字母" in body
    _shot(page, "issue19_emoji_title")


SECOND_EDITOR_AND_TWO_HOURS = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from govportal.accounts.demo import mark_demo_accounts
from govportal.accounts.models import Role, Staff
from govportal.portal.models import ArticlePage
User = get_user_model()
edu = User.objects.get(username="edu_editor").staff.unit
u, _ = User.objects.get_or_create(username="edu_editor2", defaults={{"first_name": "信息员二", "is_staff": True}})
u.set_password("{password}")
u.is_active = True
u.save()
staff, _ = Staff.objects.get_or_create(user=u, defaults={{"unit": edu, "roles": [Role.EDITOR]}})
staff.save()
mark_demo_accounts()
# the draft was started two hours ago
page = ArticlePage.objects.get(title="{title}")
earlier = page.date - timedelta(hours=2)
ArticlePage.objects.filter(pk=page.pk).update(date=earlier)
for r in page.revisions.all():
    r.content["date"] = earlier.isoformat()
    r.save(update_fields=["content"])
print("DRAFTED=" + timezone.localtime(earlier).strftime("%Y-%m-%d %H:%M"))
"""


def _approve(open_page, demo_site, account: str, title: str) -> None:
    page = _log_in(open_page, account)
    _go(page, demo_site, "/admin/publishing/inbox/")
    page.locator("a[href*='/admin/publishing/review/']", has_text=title).first.click()
    page.wait_for_load_state("load")
    boxes = page.locator("#approve-form input[type=checkbox]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.locator("#approve-form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "/admin/publishing/inbox/" in page.url, page.locator("body").inner_text()[:800]


def test_an_item_is_checked_by_a_colleague_and_shows_when_it_went_public(open_page, demo_site):
    title = "市教育局开展寒假前校园安全大检查"
    column = _edu_news_column(demo_site)
    editor = _log_in(open_page, "edu_editor")
    _new_item(editor, demo_site, column, title)
    _footer_action(editor, "button[name=action-submit]")
    drafted = _shell_value(
        demo_site, SECOND_EDITOR_AND_TWO_HOURS.format(password=PASSWORD, title=title), "DRAFTED"
    )
    try:
        # the author opens the first review of their own item: someone else signs it
        _go(editor, demo_site, "/admin/publishing/inbox/")
        editor.locator("a[href*='/admin/publishing/review/']", has_text=title).first.click()
        editor.wait_for_load_state("load")
        text = editor.locator("body").inner_text()
        assert "须由作者以外的信息员办理" in text and "还有 1 名信息员" in text
        assert editor.get_by_role("button", name="审核通过").count() == 0
        _shot(editor, "issue19_first_review_refused")
        for account in ("edu_editor2", "edu_chief", "edu_leader"):
            _approve(open_page, demo_site, account, title)
    finally:
        demo_site["shell"](
            "from django.contrib.auth import get_user_model\n"
            "get_user_model().objects.filter(username='edu_editor2').update(is_active=False)"
        )
    url, published = _shell_value(
        demo_site,
        "from django.utils import timezone\nfrom govportal.portal.models import ArticlePage\n"
        f"p = ArticlePage.objects.get(title={title!r})\n"
        "print(f'LIVE={p.url} {timezone.localtime(p.first_published_at):%Y-%m-%d %H:%M}' if p.live else 'LIVE=-')",
        "LIVE",
    ).split(" ", 1)
    assert url != "-", "the item went live after the third approval"
    page = open_page(urlsplit(url).path)
    meta = page.locator(".meta").first.inner_text()
    assert f"发布日期：{published}" in meta and drafted not in meta
    _shot(page, "issue19_publish_date")


def test_a_refused_column_names_the_unit_that_keeps_it(open_page, demo_site):
    page = _log_in(open_page, "edu_editor")
    col = _shell_value(
        demo_site,
        "from govportal.accounts.models import Unit\nfrom govportal.portal.models import ColumnPage\n"
        "fin, edu = Unit.objects.get(name='市财政局'), Unit.objects.get(name='市教育局')\n"
        "c = ColumnPage.objects.filter(units=fin).exclude(units=edu).first()\nprint(f'COL={c.pk} {c.title}')",
        "COL",
    )
    pk, title = col.split(" ", 1)
    text = _go(page, demo_site, f"/admin/pages/{pk}/add_subpage/")
    assert f"不能在栏目「{title}」新建信息" in text
    assert "市财政局" in text and "您所在的市教育局不是其保障单位" in text
    assert "对不起，你没有权限访问" not in text
    _shot(page, "issue19_refused_column")


def test_the_check_button_catches_a_secret_marker_in_prose(open_page, demo_site):
    column = _edu_news_column(demo_site)
    page = _log_in(open_page, "edu_editor")
    _go(page, demo_site, EDU_NEWS.format(column))
    page.fill("#id_title", "关于寒假值班安排的说明")
    page.locator(".Draftail-Editor [contenteditable=true]").first.click()
    page.keyboard.type("本文件为机密文件，请妥善保管。寒假期间各校安排专人值班。")
    click_check(page)
    dialog = page.locator("#tc-dialog")
    dialog.locator(".tc-result").wait_for(timeout=30_000)
    assert "本文件为机密文件" in dialog.locator(".tc-part mark.tc-blocking").all_inner_texts()
    assert "阻止发布" in dialog.locator(".tc-summary").inner_text()
    _shot(page, "issue19_secret_marker")


# --- the column table --------------------------------------------------------------------------------


def test_the_column_table_goes_out_and_comes_back(open_page, demo_site, tmp_path):
    from openpyxl import load_workbook

    from tests.portal.test_column_table import _row_of

    page = _log_in(open_page, "site_admin")
    _go(page, demo_site, "/admin/column-table/")
    with page.expect_download() as got:
        page.locator("a", has_text="的栏目责任表（.xlsx）").first.click()
    sheet = tmp_path / "columns.xlsx"
    got.value.save_as(sheet)

    page.set_input_files("input[type=file]", str(sheet))  # exactly as exported
    page.get_by_role("button", name="上传并应用").click()
    page.wait_for_load_state("load")
    body = page.locator("body").inner_text()
    assert "已应用" in body and "表格未被应用" not in body, body[:1500]

    wb = load_workbook(io.BytesIO(sheet.read_bytes()))
    _row_of(wb.active, "概览钦州", "建置沿革")[6].value = "市低空经济发展局"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    page.set_input_files("input[type=file]", str(edited))
    page.get_by_role("button", name="上传并应用").click()
    page.wait_for_load_state("load")
    body = page.locator("body").inner_text()
    assert "本网站尚未登记：市低空经济发展局" in body and "profile.toml" not in body
    _shot(page, "issue19_column_table_unknown_unit")
    page.get_by_role("button", name="新增这 1 个单位并应用本表").click()
    page.wait_for_load_state("load")
    assert "单位：新增 1" in page.locator("body").inner_text()


# --- 文号 and synonyms -------------------------------------------------------------------------------


def test_a_document_number_with_square_brackets_finds_the_document(open_page, demo_site):
    title = "钦州市人民政府办公室关于印发钦州市最低生活保障审核确认办法的通知"
    page = open_page("/gkml/")
    page.fill("input[name=document_number]", "钦政办规[2026]2号")
    page.locator("input[name=document_number]").press("Enter")
    page.wait_for_load_state("load")
    assert title in page.locator("main").inner_text()
    _go(page, demo_site, "/search/")
    page.fill("#id_q", "钦政办规[2026]2号")
    page.locator("#id_q").press("Enter")
    page.wait_for_load_state("load")
    assert title in page.locator("main").inner_text()


def test_dibao_finds_the_minimum_living_allowance(open_page, demo_site):
    page = open_page("/search/?q=低保")
    results = page.locator("main").inner_text()
    assert "最低生活保障" in results
    assert "最低生活保障" in page.locator("main mark").all_inner_texts()
    _shot(page, "issue19_search_dibao")


def test_the_back_office_normalises_a_typed_document_number(open_page, demo_site):
    pk = _shell_value(
        demo_site,
        "from govportal.portal.models import PolicyDocumentPage\n"
        "print(f'PK={PolicyDocumentPage.objects.get(url_path__contains=\"/education/zcwj/\").pk}')",
        "PK",
    )
    page = _log_in(open_page, "edu_editor")
    _go(page, demo_site, f"/admin/pages/{pk}/edit/")
    page.fill("#id_document_number", "钦教发[2026]12号")
    _footer_action(page, "button.action-save")
    _go(page, demo_site, f"/admin/pages/{pk}/edit/")
    assert page.input_value("#id_document_number") == "钦教发〔2026〕12号"


# --- a policy document page ----------------------------------------------------------------------------


def test_a_policy_document_page_has_the_national_index_number_and_a_favicon(open_page, demo_site):
    page = open_page(demo_site["urls"]["PolicyDocumentPage"])
    index = page.locator("th", has_text="索引号").locator("xpath=following-sibling::td[1]").inner_text()
    # 统一社会信用代码 (18 characters, GB 32100-2015) / year - serial
    assert re.fullmatch(r"[0-9A-HJ-NP-RT-UW-Y]{18}/\d{4}-\d{5}", index.strip()), index
    icon = page.locator("link[rel~=icon]").first.get_attribute("href") or "/favicon.ico"
    for path in {icon, "/favicon.ico"}:
        with urllib.request.urlopen(demo_site["base"] + path, timeout=10) as r:
            assert r.status == 200 and r.headers["Content-Type"].startswith("image/")


# --- each role's first screen ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "account,heading",
    [
        ("edu_editor", "信息员工作台"),
        ("edu_chief", "市教育局的期限"),
        ("edu_leader", "市教育局的期限"),
        ("host_office", "主办单位工作台"),
        ("hotline", "热线中心工作台"),
        ("site_admin", "待我审核"),
    ],
)
@pytest.mark.parametrize("width", [1280, 375])
def test_each_role_has_its_own_first_screen_in_chinese(open_page, demo_site, account, heading, width):
    page = _log_in(open_page, account, width)
    _go(page, demo_site, "/admin/")
    body = page.locator("body").inner_text()
    assert heading in body
    assert "Pages created" not in body and "Search all pages" not in body
    assert not _english(page), _english(page)
    _tall_shot(page, f"issue19_dashboard_{account}_{width}", width)
