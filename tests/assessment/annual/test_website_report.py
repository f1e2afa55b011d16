"""政府网站工作年度报表: the figures the platform holds, checked against counts made by hand here; the
input form (validated in Chinese, nothing typed lost); the national table in xlsx (formulas neutralised);
the public page once published."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from govportal.assessment.annual import figures
from govportal.assessment.annual.models import WebsiteReport
from tests import factories

from .conftest import at

pytestmark = pytest.mark.django_db

NEWS = ("动态信息", "政务要闻")
OVERVIEW = ("概览钦州", "钦州概况")
POLICY = ("政府信息公开", "政策文件")
INTERP = ("解读回应", "政策解读")


def letter(n, *, received, unit, concluded=None, start=None, published=False):
    from govportal.interaction.models import LetterState

    return factories.letter(
        unit,
        type="complaint",
        type_name="投诉",
        subject=f"来信{n}",
        query_code=f"Q{n:08d}",
        received_at=at(received),
        state=LetterState.CONCLUDED if concluded else LetterState.DISPATCHED,
        clock_start=start,
        due_date=date(2026, 12, 31),
        concluded_at=at(concluded) if concluded else None,
        publication="published" if published else "undecided",
    )


@pytest.fixture
def the_year(qinzhou, put, units):
    """What happened on the platform in 2026 (and a little before and after, which must not count)."""
    from govportal.portal.columns import create_subsite
    from govportal.portal.models import (
        ArticlePage,
        InterpretationKind,
        InterpretationPage,
        PolicyDocumentPage,
        ServiceGuidePage,
        SpecialTopicPage,
    )

    edu = units("市教育局")
    for d in (date(2026, 1, 5), date(2026, 6, 1), date(2026, 12, 31)):
        put(ArticlePage, NEWS, d)
    put(ArticlePage, NEWS, date(2025, 12, 31))  # the year before
    put(ArticlePage, NEWS, date(2027, 1, 1))  # the year after
    put(ArticlePage, NEWS, date(2026, 3, 3), live=False)  # never published
    put(ArticlePage, OVERVIEW, date(2026, 2, 1))
    put(ArticlePage, OVERVIEW, date(2026, 2, 2))
    for _ in range(2):
        put(
            PolicyDocumentPage,
            POLICY,
            date(2026, 4, 1),
            issuing_organ="钦州市人民政府",
            body="<p>正文</p>",
            unit=edu,
        )
    for form in (InterpretationKind.TEXT, InterpretationKind.GRAPHIC, InterpretationKind.COMMENTARY):
        extra = (
            {"source": "钦州日报", "original_url": "https://news.example.cn/1"}
            if form == InterpretationKind.COMMENTARY
            else {}
        )
        put(InterpretationPage, INTERP, date(2026, 5, 1), form=form, **extra)
    put(SpecialTopicPage, NEWS, date(2024, 5, 1))
    put(SpecialTopicPage, NEWS, date(2026, 5, 1))
    put(ServiceGuidePage, NEWS, date(2026, 7, 1))
    put(ServiceGuidePage, NEWS, date(2025, 7, 1), online_url="https://zwfw.example.gov.cn/1")

    sub = create_subsite(edu)
    first_column = sub.get_children().first()
    put(ArticlePage, first_column, date(2026, 8, 8))
    put(ArticlePage, first_column, date(2026, 8, 9))

    health = units("市卫生健康委")
    letter(
        1,
        received=date(2026, 3, 2),
        unit=edu,
        start=date(2026, 3, 2),
        concluded=date(2026, 3, 6),
        published=True,
    )
    letter(2, received=date(2026, 3, 2), unit=edu, start=date(2026, 3, 2), concluded=date(2026, 3, 4))
    letter(3, received=date(2026, 9, 1), unit=health)
    letter(4, received=date(2025, 9, 1), unit=health)  # the year before
    return {"sub": sub, "edu": edu}


def values(sections):
    return {f.key: f.value for s in sections for f in s.figures}


def test_the_portals_figures_are_the_counts_made_by_hand(the_year, qinzhou):
    got = values(figures.site_figures(qinzhou, 2026))
    # by hand: 3 news + 2 overview + 2 policy documents + 3 interpretations + 1 topic + 1 guide, all dated 2026
    assert got["info_total"] == 3 + 2 + 2 + 3 + 1 + 1
    assert got["info_news"] == 3 + 1 + 1  # the topic and the guide were put in the news column too
    assert got["info_overview"] == 2
    assert got["info_catalogue"] == 2 + 3  # policy documents and interpretations always have an index number
    assert got["topics_kept"] == 2 and got["topics_new"] == 1
    assert got["interp_total"] == 3
    assert got["interp_material"] == 1 and got["interp_product"] == 1 and got["interp_media"] == 1
    assert got["service_items"] == 2 and got["service_online"] == 1 and got["service_catalogue"] == "是"
    # letters of the whole locality received in 2026: 3; concluded 2; published 1;
    # working days: 3月2日→6日 = 4, 3月2日→4日 = 2 → 3.0
    assert got["letters_received"] == 3
    assert got["letters_concluded"] == 2
    assert got["letters_published"] == 1
    assert got["letters_avg_days"] == "3.0"


def test_a_subsite_counts_only_its_own_items_and_its_units_letters(the_year):
    got = values(figures.site_figures(the_year["sub"], 2026))
    assert got["info_total"] == 2
    assert got["letters_received"] == 2 and got["letters_concluded"] == 2
    # and the portal does not count the sub-site's items
    sites = figures.sites_of("qinzhou")
    assert [s.title for s in sites][1:] == ["市教育局"]


def test_participation_and_security_figures(qinzhou, put, units):
    from govportal.accounts.models import EventKind, SecurityEvent
    from govportal.monitoring.models import Alert, AlertState, InspectionRun
    from govportal.participation.models import InterviewPage, InterviewQuestion, QuestionState

    edu = units("市教育局")
    page = put(
        InterviewPage,
        ("互动交流", "在线访谈"),
        date(2026, 6, 1),
        unit=edu,
        topic="招生",
        guests="李明 副局长",
        starts_at=at(date(2026, 6, 1)),
        ends_at=at(date(2026, 6, 2)),
    )
    for n, state in enumerate(
        [QuestionState.ANSWERED_LIVE, QuestionState.ANSWERED_AFTER, QuestionState.PENDING]
    ):
        InterviewQuestion.objects.create(page=page, text=f"问题{n}", status=state)
    InspectionRun.objects.create(
        locality="qinzhou", site="x", at=date(2026, 5, 1), verdict="合格", score=90, result={}
    )
    InspectionRun.objects.create(
        locality="qinzhou", site="x", at=date(2025, 5, 1), verdict="合格", score=90, result={}
    )
    Alert.objects.create(
        key="t1",
        kind="tampering",
        severity="critical",
        subject="篡改",
        locality="qinzhou",
        first_seen=at(date(2026, 2, 1)),
        state=AlertState.RESOLVED,
    )
    Alert.objects.create(
        key="o1",
        kind="outage",
        severity="high",
        subject="无法访问",
        locality="qinzhou",
        first_seen=at(date(2026, 3, 1)),
    )
    Alert.objects.create(
        key="f1",
        kind="freshness",
        severity="warning",
        subject="栏目超期",
        locality="qinzhou",
        first_seen=at(date(2026, 3, 1)),
    )
    SecurityEvent.objects.create(kind=EventKind.LOCKOUT, locality="qinzhou", at=at(date(2026, 4, 1)))
    got = values(figures.site_figures(qinzhou, 2026))
    assert got["interviews"] == 1 and got["interview_questions"] == 3 and got["interview_answers"] == 2
    assert got["security_checks"] == 1
    assert got["security_found"] == 2 and got["security_fixed"] == 1  # the freshness alert is not security
    assert got["audit_lockouts"] == 1


def test_the_input_form_says_what_is_wrong_in_chinese_and_keeps_what_was_typed(client, people, qinzhou):
    client.force_login(people.site_admin)
    url = f"/admin/annual/website/{qinzhou.pk}/2026/"
    html = client.get(url).content.decode()
    assert "信息发布总数" in html and "2027年1月31日前" in html and "国办函〔2018〕12号" in html
    html = client.post(
        url,
        {
            "visitors_unique": "5000",
            "visits_total": "300",
            "handled_total": "10",
            "handled_person": "8",
            "handled_legal": "5",
            "weibo_posts": "abc",
            "wechat_followers": "-3",
            "innovation": "开通无障碍浏览",
        },
    ).content.decode()
    assert "独立用户访问总量（5000）不能大于网站总访问量（300）" in html
    assert "自然人办件量与法人办件量之和（13）不能大于办件量总数（10）" in html
    assert "「微博信息发布量（条）」请填写整数" in html
    assert "「微信订阅数（个）」不能小于 0" in html
    assert "开通无障碍浏览" in html and 'value="5000"' in html  # nothing typed is lost
    assert not WebsiteReport.objects.exists()
    response = client.post(
        url,
        {
            "visitors_unique": "300",
            "visits_total": "5000",
            "wechat_name": "钦州发布",
            "wechat_posts": "120",
            "weibo_name": '=HYPERLINK("http://x","点")',
        },
    )
    assert response.status_code == 302
    report = WebsiteReport.objects.get()
    assert report.visits_total == 5000 and report.wechat_name == "钦州发布"


def test_the_xlsx_is_the_national_table_and_neutralises_formulas(client, people, qinzhou, the_year):
    client.force_login(people.site_admin)
    client.post(
        f"/admin/annual/website/{qinzhou.pk}/2026/",
        {"weibo_name": '=HYPERLINK("http://x","点")', "weibo_posts": "3"},
    )
    response = client.get(f"/admin/annual/website/{qinzhou.pk}/2026/xlsx/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = {r[1]: r[2] for r in ws.iter_rows(values_only=True) if len(r) > 2}
    assert rows["信息发布总数（条）"] == 12
    assert rows["留言办理：收到留言数量（条）"] == 3
    cell = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","点")')
    assert cell.data_type == "s" and cell.quotePrefix
    # all sites in one workbook, one sheet each
    response = client.get("/admin/annual/website/all/2026/xlsx/")
    assert load_workbook(io.BytesIO(response.content)).sheetnames == [qinzhou.title[:31], "市教育局"]


def test_a_published_report_is_on_the_public_page_and_keeps_its_figures(
    client, people, qinzhou, the_year, put
):
    from govportal.portal.models import ArticlePage

    client.force_login(people.site_admin)
    url = f"/admin/annual/website/{qinzhou.pk}/2026/"
    client.post(url, {"visits_total": "98765", "visitors_unique": "4321", "action": "publish"})
    report = WebsiteReport.objects.get()
    assert report.published_at
    client.logout()
    html = client.get("/nianbao/").content.decode()
    assert "2026年度" in html and "政府网站工作年度报表" in html
    html = client.get(f"/nianbao/wangzhan/{report.pk}/").content.decode()
    assert "98765" in html and "信息发布总数（条）" in html and '<td class="num">12</td>' in html
    put(ArticlePage, NEWS, date(2026, 12, 30))  # later data do not change a published report
    html = client.get(f"/nianbao/wangzhan/{report.pk}/").content.decode()
    assert '<td class="num">12</td>' in html
    # an unpublished report is not public
    other = WebsiteReport.objects.create(
        locality="qinzhou", site=the_year["sub"], unit=the_year["edu"], year=2026
    )
    assert client.get(f"/nianbao/wangzhan/{other.pk}/").status_code == 404


def test_another_unit_cannot_open_a_subsites_report(client, people, the_year):
    sub = the_year["sub"]
    client.force_login(people.other)
    response = client.get(f"/admin/annual/website/{sub.pk}/2026/")
    assert response.status_code == 403
    assert "该年度报告属于「市教育局」" in response.content.decode()
    assert client.post(f"/admin/annual/website/{sub.pk}/2026/", {"visits_total": "1"}).status_code == 403
    assert client.get(f"/admin/annual/website/{sub.pk}/2026/xlsx/").status_code == 403
    assert not WebsiteReport.objects.exists()
    client.force_login(people.editor)
    assert client.get(f"/admin/annual/website/{sub.pk}/2026/").status_code == 200


def test_the_homepage_leads_to_the_annual_reports(client, qinzhou):
    """国办函〔2018〕12号: the 年度报表 is published prominently on the homepage; 条例第四十九条 the 年度报告 in the
    政府信息公开 area: a link beside 政府信息公开目录 on the homepage, and in every page's footer."""
    import re

    html = client.get("/").content.decode()
    policies = re.search(r'<section class="box" aria-labelledby="pol-h">.*?</section>', html, re.S).group(0)
    assert (
        'href="/gkml/"' in policies and 'href="/nianbao/">政府网站年度报表和政府信息公开年度报告' in policies
    )
    footer = re.search(r'<footer class="footer">.*?</footer>', html, re.S).group(0)
    assert '<a href="/nianbao/">年度报表</a>' in footer
    assert client.get("/nianbao/").status_code == 200
