"""The back office speaks Chinese (issue 19): each role signs in and walks every page its menu offers
(dashboard, page explorer, the menus' pages, a page edit form, workflow and task pages, our reports),
one more level of the links on them, and no visible text is English.

"Visible" is the text a user reads: tags, scripts, styles, attributes and hidden elements are left out;
addresses, e-mail addresses, codes with digits (XJ2026…, u12) and identifiers with underscores are data,
not words; a short allowlist keeps names such as Wagtail, URL, PDF, xlsx and ECharts.

The strings Wagtail's own zh_Hans catalogue lacks are in govportal/locale (README there).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ALLOWED = {
    w.lower()
    for w in """Wagtail GovPortal URL PDF xlsx xls csv tsv ID ECharts RSS Atom Excel WPS IP IPv SMS API JavaScript
    HTML XML JSON OFD doc docx zip txt jpg jpeg png gif webp avif svg webm mp MB KB GB ICP QR CA OK UTC
    localhost qinzhou xiangshan youyang weibin leader name titles outdated""".split()
}
# (the locality codes of the four profiles; the keys of the leaders' registry file its import screen explains)
SKIPPED_TAGS = {"script", "style", "template", "svg", "noscript", "code", "pre", "textarea"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
DATA = re.compile(
    r"https?://\S+|[\w.+-]+@[\w.-]+|\S*/\S*|[\w-]*\.[A-Za-z]\w*|govportal [\w-]+"
)  # addresses, files, commands
WORD = re.compile(r"[A-Za-z0-9_’'-]+")
# GETs that change something or leave the back office are not walked.
NOT_WALKED = re.compile(
    r"logout|/login/|delete|unpublish|/copy/|/move/|/lock/|/unlock/|revert|/cancel|approve|reject|/publish|"
    r"restart|/convert|/export|[?&]export=|/jsi18n/|/compare/|/preview/|/view_draft/|/bulk/|/usage/\d"
)
PER_ROLE = 45


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.chunks: list[str] = []

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        names = dict(attrs)
        hidden = "hidden" in names  # not drawn (aria-hidden is drawn: only screen readers skip it)
        self.stack.append((tag, self._skipped() or tag in SKIPPED_TAGS or hidden))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self._skipped() and data.strip():
            self.chunks.append(" ".join(data.split()))


def english_words(text: str) -> set[str]:
    out = set()
    for word in WORD.findall(DATA.sub(" ", text)):
        word = word.strip("-'’")
        if len(word) < 2 or re.search(r"[\d_]", word) or word.lower() in ALLOWED:
            continue
        out.add(word)
    return out


def english_in(html: str) -> list[str]:
    """The visible text pieces of ``html`` that hold English words, with those words."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for chunk in parser.chunks:
        words = english_words(chunk)
        if words:
            found.append(f"{chunk[:120]!r} → {', '.join(sorted(words))}")
    return found


def menu_items(html: str) -> list[tuple[str, str]]:
    """(label, url) of every item of the sidebar menu (Wagtail renders it from JSON)."""
    m = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    assert m, "no sidebar menu on the dashboard"
    items: list[tuple[str, str]] = []

    def walk(node):
        if isinstance(node, dict):
            if "label" in node:
                items.append((str(node["label"]), str(node.get("url") or "")))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(json.loads(m.group(1)))
    return items


def admin_links(html: str) -> list[str]:
    return sorted({u.split("#")[0] for u in re.findall(r'href="(/admin/[^"]*)"', html.replace("&amp;", "&"))})


@pytest.fixture
def office(qinzhou, make_person, settings):
    """One person per role of the demo, an item in review in 市教育局's column, a letter at the hotline."""
    from govportal.portal.columns import main_columns

    people = {
        "editor": make_person("市教育局", "editor"),
        "section_chief": make_person("市教育局", "section_chief"),
        "deputy_leader": make_person("市教育局", "deputy_leader"),
        "site_admin": make_person("市人民政府办公室电子政务中心", "site_admin"),
        "hotline": make_person("市12345热线管理中心", "hotline"),
        "host_office": make_person("市人民政府办公室", "host_office"),
    }
    column = main_columns(qinzhou).filter(units=factories.unit("市教育局")).first()
    item = factories.item(
        column,
        "市教育局部署寒假安全工作",
        "<p>会议要求各学校做好寒假安全教育。</p>",
        publish=False,
        user=people["editor"],
    )
    draft = factories.item(
        column,
        "市教育局开展校园食品安全检查",
        "<p>检查覆盖全市中小学。</p>",
        publish=False,
        user=people["editor"],
    )
    workflow = item.get_workflow()
    if workflow is not None:
        workflow.start(item, people["editor"])
    factories.submitted_letter(
        "complaint", "小区门口路灯不亮", "小区门口路灯坏了两周，晚上出行不便。", token="zh-walk"
    )
    return {"people": people, "column": column, "item": item, "draft": draft}


@pytest.mark.parametrize(
    "role", ["editor", "section_chief", "deputy_leader", "site_admin", "hotline", "host_office"]
)
def test_every_page_a_role_meets_is_chinese(client, office, role):
    client.force_login(office["people"][role])
    home = client.get("/admin/")
    assert home.status_code == 200
    html = home.content.decode()
    problems: list[str] = []
    menu = menu_items(html)
    assert len(menu) >= 3, menu
    for label, _url in menu:
        for w in english_words(label):
            problems.append(f"菜单「{label}」: {w}")
    # The menus' pages, the explorer of the unit's column and the item's edit form, then what they link to.
    item, column = office["item"], office["column"]
    first = [u for _, u in menu if u.startswith("/admin/")]
    first += [
        "/admin/",
        f"/admin/pages/{column.pk}/",
        f"/admin/pages/{item.pk}/edit/",
        f"/admin/pages/{office['draft'].pk}/edit/",
        f"/admin/pages/{item.pk}/history/",
        f"/admin/pages/{item.pk}/workflow_history/",
        f"/admin/pages/add/portal/articlepage/{column.pk}/",
        "/admin/account/",
    ]
    todo, seen, walked = list(dict.fromkeys(first)), set(), []
    while todo and len(walked) < PER_ROLE:
        url = todo.pop(0)
        if url in seen or NOT_WALKED.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (302, 403, 404, 405) or "text/html" not in response.get(
            "Content-Type", ""
        ):
            continue
        assert response.status_code == 200, f"{url}: {response.status_code}"
        walked.append(url)
        page_html = response.content.decode()
        problems += [f"{url}: {p}" for p in english_in(page_html)]
        if url in first:
            todo += [u for u in admin_links(page_html) if u not in seen]
    assert len(walked) >= 8, walked
    assert not problems, f"{role} 在后台看到英文（共 {len(problems)} 处）：\n" + "\n".join(
        dict.fromkeys(problems)
    )


def test_the_editor_scripts_speak_chinese(client, office):
    """Strings drawn by Wagtail's scripts come from the script catalogue, ours included."""
    client.force_login(office["people"]["editor"])
    js = client.get("/admin/jsi18n/").content.decode()

    def has(text: str) -> bool:
        return text in js or json.dumps(text)[1:-1] in js

    assert has("输入内容，或输入“/”插入区块")  # "Write something or type ‘/’ to insert a block"
    assert has("正在自动保存…")
    edit = client.get(f"/admin/pages/{office['draft'].pk}/edit/").content.decode()
    assert "自动保存已暂停" in edit and "Autosave is paused" not in edit


def test_the_walk_catches_english(client):
    """The check itself: English in visible text is found; hidden elements, scripts, attributes, addresses
    and codes are not words."""
    html = (
        '<title>浏览 - Wagtail</title><p title="Page">Search all pages…</p><div hidden>None</div>'
        "<script>var a = 'Pages';</script><p>信件 XJ20261203MAGEN9，地址 /bm/education/gzdt/，u12，edu_editor</p>"
        "<p>导出 Excel</p>"
    )
    found = english_in(html)
    assert len(found) == 1 and "Search, all, pages" in found[0]
