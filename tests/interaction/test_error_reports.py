"""Error reports (纠错): from any page's footer link, forwarded to the page's unit, answered, counted."""

from __future__ import annotations

import re
from datetime import date

import pytest

from govportal.interaction import error_reports
from govportal.interaction.deadlines import check_all
from govportal.interaction.models import ErrorReport, ErrorState
from govportal.interaction.stats import error_report_stats
from govportal.interaction.workflow import WorkflowError
from govportal.notices.models import Notice

from .conftest import solve_form

pytestmark = pytest.mark.django_db


def edu_column(qinzhou):
    """A column the table gives to 市教育局 alone (or with 市教育局 as its only lead unit)."""
    from govportal.portal.models import ColumnPage

    for col in ColumnPage.objects.descendant_of(qinzhou).filter(units__name="市教育局").distinct():
        leads = [u.name for u in col.lead_units.all()]
        names = [u.name for u in col.units.all()]
        if leads == ["市教育局"] or names == ["市教育局"]:
            return col
    raise LookupError("no column of 市教育局")


def report_via_form(client, url, **extra):
    page = client.get("/jiucuo/", {"url": url})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{url}"' in html  # the page address is carried over
    token, answer = solve_form(html)
    data = {
        "token": token,
        "captcha": answer,
        "page_url": url,
        "kind": "typo",
        "description": "“招生”误写为“招声”。",
    }
    data.update(extra)
    return client.post("/jiucuo/", data)


def test_the_footer_link_opens_the_form_with_the_page_address(client, qinzhou):
    home_html = client.get("/").content.decode()
    assert 'href="/jiucuo/' in home_html
    html = client.get("/jiucuo/", HTTP_REFERER="http://localhost/zwgk/").content.decode()
    assert 'value="http://localhost/zwgk/"' in html


def test_a_report_goes_to_the_unit_of_the_page_within_the_profile_deadlines(
    client, qinzhou, people, units, clock
):
    col = edu_column(qinzhou)
    clock.set(date(2026, 9, 30))
    response = report_via_form(client, col.url)
    html = response.content.decode()
    assert "感谢您的纠错" in html
    code = re.search(r'id="query-code">([^<]+)<', html).group(1)
    report = ErrorReport.objects.get(code=code)
    assert report.page.pk == col.pk
    assert report.unit == units("市教育局")
    # 钦州's profile says nothing on error reports: the platform default of 1 working day applies
    assert report.forward_due == date(2026, 10, 8)  # the day after the National Day holiday
    assert Notice.objects.filter(user=people.centre, kind="error_received").exists()

    with pytest.raises(WorkflowError, match="受理单位"):
        error_reports.forward(report, people.editor, units("市教育局"))
    clock.set(date(2026, 10, 8))
    error_reports.forward(report, people.centre, units("市教育局"))
    report.refresh_from_db()
    assert report.state == ErrorState.FORWARDED and report.handle_due == date(
        2026, 10, 10
    )  # a make-up Saturday
    assert Notice.objects.filter(user=people.editor, kind="error_forwarded").exists()
    with pytest.raises(WorkflowError, match="责任单位"):
        error_reports.answer(report, people.other_editor, "已改正。")
    error_reports.answer(report, people.editor, "已将“招声”改为“招生”。")
    report.refresh_from_db()
    assert report.forwarded_on_time() and report.answered_on_time()

    html = client.get("/jiucuo/chaxun/", {"code": code}).content.decode()
    assert "已将“招声”改为“招生”" in html and "市教育局" in html
    s = error_report_stats("qinzhou", 2026)
    assert (s.received, s.forwarded_on_time, s.answered_on_time) == (1, 1, 1)


def test_youyang_profile_deadlines_are_used_and_cited(db):
    from govportal.interaction.rules import error_report_rules

    rules = error_report_rules("youyang")
    assert (rules.forward_workdays, rules.handle_workdays, rules.forwarded_by) == (1, 2, "gov-office")
    assert rules.cite_article == "《酉阳土家族苗族自治县政府门户网站管理办法（试行）》第二十一条"


def test_late_forwarding_and_late_answers_are_flagged(client, qinzhou, people, units, clock):
    clock.set(date(2026, 11, 2))
    report, _ = error_reports.submit(
        locality="qinzhou", token_nonce="e1", page_url="/", kind="link", description="链接打不开"
    )
    assert check_all(date(2026, 11, 3))["error_overdue"] == 0
    assert check_all(date(2026, 11, 4))["error_overdue"] == 1
    assert Notice.objects.filter(
        user=people.centre, kind="error_overdue", title__contains="未在 1 个工作日内转办"
    ).exists()
    clock.set(date(2026, 11, 4))
    error_reports.forward(report, people.centre, units("市教育局"))
    report.refresh_from_db()
    assert not report.forwarded_on_time() and report.handle_due == date(2026, 11, 6)
    assert check_all(date(2026, 11, 6))["error_overdue"] == 0
    assert check_all(date(2026, 11, 9))["error_overdue"] == 1
    assert Notice.objects.filter(
        user=people.editor, kind="error_overdue", title__contains="未在 2 个工作日内处理回复"
    ).exists()
    assert check_all(date(2026, 11, 10))["error_overdue"] == 0


def test_form_errors_in_chinese_and_invalid_reports(client, qinzhou, people):
    page = client.get("/jiucuo/")
    token, answer = solve_form(page.content.decode())
    html = client.post(
        "/jiucuo/", {"token": token, "captcha": answer, "page_url": "", "description": "短"}
    ).content.decode()
    assert "请填写出错页面的网址" in html and "请选择问题类型" in html and "请至少用5个字描述问题" in html
    report, created = error_reports.submit(
        locality="qinzhou", token_nonce="e2", page_url="/", kind="other", description="广告内容广告内容"
    )
    assert created
    again, created = error_reports.submit(
        locality="qinzhou", token_nonce="e2", page_url="/", kind="other", description="广告内容广告内容"
    )
    assert not created and again.pk == report.pk
    with pytest.raises(WorkflowError, match="理由"):
        error_reports.mark_invalid(report, people.centre, "")
    error_reports.mark_invalid(report, people.centre, "与网站内容无关")
    assert "与网站内容无关" in client.get("/jiucuo/chaxun/", {"code": report.code}).content.decode()


def test_a_column_kept_by_many_units_leaves_the_choice_to_the_centre(qinzhou):
    from govportal.portal.models import ColumnPage

    shared = next(
        c
        for c in ColumnPage.objects.descendant_of(qinzhou)
        if c.units.count() > 3 and not c.lead_units.exists()
    )
    assert error_reports.responsible_unit(shared) is None
