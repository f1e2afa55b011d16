"""The information-disclosure section: index numbers by the profile's scheme, the catalogue and its filters,
the disclosure channel page."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.portal.index_numbers import IndexNumberError, scheme_for, scheme_from_section
from govportal.portal.models import ArticlePage, InterpretationPage, PolicyDocumentPage, Validity
from tests.conftest import column

from .kinds import publish

pytestmark = pytest.mark.django_db


def _unit(name):
    return Unit.objects.get(locality="qinzhou", name=name)


def _doc(qinzhou, title, **fields):
    values = {
        "document_number": "",
        "issuing_organ": "钦州市人民政府",
        "body": "<p>正文</p>",
        "unit": _unit("市人民政府办公室"),
    }
    values.update(fields)
    return publish(column(qinzhou, "政府信息公开", "政策文件"), PolicyDocumentPage, title, **values)


# --- index numbers ----------------------------------------------------------------------------------


def test_policy_documents_get_index_numbers_by_the_profile_pattern(qinzhou):
    first = _doc(qinzhou, "文件甲", date=timezone.make_aware(datetime(2026, 3, 1, 9)))
    second = _doc(qinzhou, "文件乙", date=timezone.make_aware(datetime(2026, 4, 1, 9)))
    # qinzhou: "{org}/{year}-{serial}", 5-digit serial; org = the unit's 统一社会信用代码 from the profile
    # (issue 19: never the English unit code).
    assert re.fullmatch(r"11450700D00000013D/2026-\d{5}", first.index_number)
    n1, n2 = int(first.index_number[-5:]), int(second.index_number[-5:])
    assert n2 == n1 + 1


def test_index_number_never_changes(qinzhou):
    doc = _doc(qinzhou, "不变的文件")
    number = doc.index_number
    doc.title = "不变的文件（修订标题）"
    doc.unit = _unit("市教育局")
    doc.save_revision().publish()
    doc.refresh_from_db()
    assert doc.index_number == number


def test_items_enter_the_catalogue_by_channel_or_by_kind(qinzhou):
    guide_col = column(qinzhou, "政府信息公开", "政府信息公开指南")
    in_channel = publish(guide_col, ArticlePage, "政府信息公开指南（2026年版）", body="<p>指南</p>")
    news = publish(column(qinzhou, "动态信息", "政务要闻"), ArticlePage, "一条新闻", body="<p>新闻</p>")
    interp = publish(
        column(qinzhou, "解读回应", "政策解读"), InterpretationPage, "一条解读", body="<p>解读</p>"
    )
    assert in_channel.index_number  # under the channel the profile lists
    assert news.index_number == ""  # news is not government information for the catalogue
    assert interp.index_number  # interpretations enter it wherever they are


def test_each_profile_defines_its_scheme():
    qinzhou, weibin = scheme_for("qinzhou"), scheme_for("weibin")
    assert not qinzhou.is_default and qinzhou.channels == ("政府信息公开",)
    assert weibin.format(org="WB01", topic="10", year=2026, serial=7) == "WB01-10-2026-0007"
    assert scheme_for("youyang").channels == ("信息公开",)
    custom = scheme_from_section(
        {"pattern": "{org}-{year}-{serial}", "org_codes": {"education": "11450700MB1234567X"}}
    )
    unit = Unit(code="education", name="市教育局")
    assert custom.org_code(unit) == "11450700MB1234567X"


def test_a_pattern_without_serial_is_refused():
    with pytest.raises(IndexNumberError) as exc:
        scheme_from_section({"pattern": "{org}/{year}"})
    assert "{serial}" in str(exc.value)


# --- the catalogue -----------------------------------------------------------------------------------


@pytest.fixture
def catalogue_items(qinzhou):
    office, edu = _unit("市人民政府办公室"), _unit("市教育局")
    a = _doc(
        qinzhou,
        "钦州市人民政府关于加强安全生产工作的通知",
        document_number="钦政发〔2026〕21号",
        topic="市场监管、安全生产监管",
        date=timezone.make_aware(datetime(2026, 2, 10, 9)),
    )
    b = _doc(
        qinzhou,
        "钦州市教育局关于做好中小学招生工作的通知",
        document_number="钦教发〔2026〕5号",
        topic="科技、教育",
        unit=edu,
        issuing_organ="钦州市教育局",
        date=timezone.make_aware(datetime(2026, 6, 1, 9)),
    )
    c = publish(
        column(qinzhou, "政府信息公开", "政府信息公开制度"),
        ArticlePage,
        "钦州市政府信息公开保密审查制度",
        body="<p>制度</p>",
        unit=office,
        topic="综合政务",
        date=timezone.make_aware(datetime(2026, 9, 1, 9)),
    )
    return a, b, c


def _rows(client, query=""):
    html = client.get("/gkml/" + query).content.decode()
    return html


def test_catalogue_lists_items_with_their_header_fields(client, catalogue_items):
    a, b, c = catalogue_items
    html = _rows(client)
    for item in (a, b, c):
        assert item.title in html and item.index_number in html
    assert (
        "钦政发〔2026〕21号" in html
        and "钦州市教育局" in html
        and "科技、教育" in html
        and "2026-06-01" in html
    )
    assert "索引号" in html and "发布机构" in html and "文号" in html and "主题分类" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?document_number=钦教发", {"b"}),
        ("?topic=科技、教育", {"b"}),
        ("?date_from=2026-05-01&date_to=2026-07-01", {"b"}),
        ("?date_from=2026-08-01", {"c"}),
        ("?kind=articlepage", {"c"}),
        ("?q=安全生产", {"a"}),
    ],
)
def test_catalogue_filters(client, catalogue_items, query, expected):
    names = dict(zip("abc", catalogue_items, strict=True))
    html = _rows(client, query)
    shown = {k for k, item in names.items() if item.title in html.split("</form>", 1)[1]}
    assert shown == expected


def test_catalogue_filters_by_unit_and_index_number(client, catalogue_items):
    a, b, c = catalogue_items
    edu = _unit("市教育局")
    html = _rows(client, f"?unit={edu.pk}").split("</form>", 1)[1]
    assert b.title in html and a.title not in html
    html = _rows(client, f"?index_number={a.index_number}").split("</form>", 1)[1]
    assert a.title in html and b.title not in html


def test_unit_filter_finds_documents_by_the_organ_the_list_shows(client, qinzhou, catalogue_items):
    """发布机构 shows the issuing organ (or the host office): filtering by it finds what the column shows,
    jointly issued documents and documents without a publishing unit included."""
    a, b, c = catalogue_items
    edu, office = _unit("市教育局"), _unit("市人民政府办公室")
    joint = _doc(
        qinzhou,
        "关于做好2026年学生资助工作的通知",
        document_number="钦财教〔2026〕3号",
        issuing_organ="钦州市财政局、钦州市教育局",
        unit=_unit("市财政局"),
    )
    unitless = publish(
        column(qinzhou, "政府信息公开", "政府信息公开制度"),
        ArticlePage,
        "钦州市政府信息公开工作考核制度",
        body="<p>制度</p>",
        unit=None,
    )
    listed = _rows(client).split("</form>", 1)[1]
    assert "钦州市财政局、钦州市教育局" in listed and unitless.title in listed

    html = _rows(client, f"?unit={edu.pk}").split("</form>", 1)[1]
    assert b.title in html and joint.title in html
    assert a.title not in html and unitless.title not in html
    html = _rows(client, f"?unit={_unit('市财政局').pk}").split("</form>", 1)[1]
    assert joint.title in html and b.title not in html
    host = Unit.objects.filter(locality="qinzhou", kind="host_office").first()
    if host is not None:
        html = _rows(client, f"?unit={host.pk}").split("</form>", 1)[1]
        assert unitless.title in html and b.title not in html
    html = _rows(client, f"?unit={office.pk}").split("</form>", 1)[1]
    assert a.title in html and c.title in html and joint.title not in html


def test_bad_date_is_explained_and_other_filters_still_apply(client, catalogue_items):
    a, b, c = catalogue_items
    html = _rows(client, "?date_from=2026年5月&topic=科技、教育")
    assert "日期格式应为 2026-01-31。" in html
    assert 'value="2026年5月"' in html  # what was typed is kept
    listing = html.split("</form>", 1)[1]
    assert b.title in listing and a.title not in listing


def test_catalogue_paginates_and_keeps_filters(client, qinzhou):
    for i in range(23):
        _doc(
            qinzhou,
            f"批量文件{i:02d}",
            topic="综合政务",
            date=timezone.make_aware(datetime(2026, 1, 1 + i, 9)),
        )
    html = _rows(client, "?topic=综合政务")
    assert "共 23 条" in html and "下一页" in html
    assert "topic=%E7%BB%BC%E5%90%88%E6%94%BF%E5%8A%A1&amp;page=2" in html
    page2 = _rows(client, "?topic=综合政务&page=2").split("</form>", 1)[1]
    assert page2.count("批量文件") == 3


def test_hostile_catalogue_queries_get_a_calm_page(client, catalogue_items):
    for query in ("?q=' OR 1=1 --", "?unit=abc", "?page=99999", "?kind=nothing", "?q=" + "长" * 500):
        assert client.get("/gkml/" + query).status_code == 200


def test_disclosure_channel_page_lays_out_the_section(client, qinzhou):
    publish(
        column(qinzhou, "政府信息公开", "政府信息公开指南"),
        ArticlePage,
        "政府信息公开指南正文",
        body="<p>x</p>",
    )
    html = client.get(column(qinzhou, "政府信息公开").url).content.decode()
    for text in (
        "政府信息公开指南",
        "政府信息公开制度",
        "政府信息公开目录",
        "政府信息公开工作年度报告",
        "法定主动公开内容",
    ):
        assert text in html, text
    assert "政府信息公开指南正文" in html and 'action="/gkml/"' in html
    # The statutory categories are laid out as the profile's table has them.
    for text in ("机构职能", "领导信息", "重点领域信息公开", "教育信息"):
        assert text in html, text


def test_catalogue_column_of_a_profile_renders_the_catalogue(client, qinzhou):
    from govportal.portal.models import ColumnPage

    col = column(qinzhou, "政府信息公开")
    catalogue = ColumnPage(title="政府信息公开目录", slug="gkml-col", show_in_menus=True)
    col.add_child(instance=catalogue)
    catalogue.save_revision().publish()
    _doc(qinzhou, "目录栏目中可见的文件", validity=Validity.VALID, date_written=date(2026, 1, 1))
    html = client.get(catalogue.url).content.decode()
    assert "目录栏目中可见的文件" in html and "索引号" in html
