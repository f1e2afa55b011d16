"""The national self-inspection (国办秘函〔2019〕19号) on built site states: each veto at its boundary, with
its evidence, and the ``govportal inspect --json`` shape."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from govportal.monitoring import freshness as fr
from govportal.monitoring.inspection import ensure_groups, inspect
from govportal.monitoring.models import ColumnGroup
from tests import factories

AT = date(2026, 12, 1)


def aware(day: date):
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def put(qinzhou):
    """put(column, day, title=...) -> a live article dated ``day`` in ``column``."""
    from govportal.portal.models import ArticlePage

    counter = iter(range(100_000))

    def make(column, day: date, title: str | None = None, model=ArticlePage, **fields):
        page = model(title=title or f"信息{next(counter)}", date=aware(day), **fields)
        column.add_child(instance=page)
        page.save_revision().publish()
        type(page).objects.filter(pk=page.pk).update(date=aware(day))  # whatever publishing does to the date
        return page

    return make


@pytest.fixture
def cols(qinzhou):
    """Main-site columns by title path ("动态信息/政务要闻")."""
    statuses = fr.column_statuses(qinzhou, AT, include_subsites=False)
    return {"/".join(s.path_titles): s.column for s in statuses}


def groups(qinzhou):
    statuses = fr.column_statuses(qinzhou, AT, include_subsites=False)
    g = ensure_groups(qinzhou, statuses)
    news = [s for s in statuses if g[s.column.pk].group == ColumnGroup.NEWS and not s.is_container]
    notice1 = [s for s in statuses if g[s.column.pk].group == ColumnGroup.NOTICE and s.level == 1]
    return news, notice1


def codes(report):
    return [v.code for v in report.vetoes]


def veto(report, code, indicator_part=""):
    return next(v for v in report.vetoes if v.code == code and indicator_part in v.indicator)


def check(report, code, part=""):
    return next(c for c in report.checks if c["code"] == code and part in c["indicator"])


# --- homepage ------------------------------------------------------------------------------------------


def test_homepage_updated_14_days_ago_passes_15_days_ago_fails(qinzhou, cols, put):
    item = put(cols["动态信息/政务要闻"], AT - timedelta(days=15), "十五天前的要闻")
    report = inspect(qinzhou, AT)
    assert "homepage_stale" in codes(report)
    ev = veto(report, "homepage_stale").evidence[0]
    assert (ev["last_item"], ev["days_since_update"], ev["last_item_id"]) == ("十五天前的要闻", 15, item.pk)

    put(cols["通知公告"], AT - timedelta(days=14), "十四天前的通知")
    report = inspect(qinzhou, AT)
    assert "homepage_stale" not in codes(report)
    assert "14 天前" in check(report, "homepage_stale")["figure"]


# --- column groups -------------------------------------------------------------------------------------


def _fresh_groups(qinzhou, put, stale_news: int):
    news, notice1 = groups(qinzhou)
    assert len(news) >= 5, [s.title for s in news]
    for n, s in enumerate(news):
        put(s.column, AT - timedelta(days=15 if n < stale_news else 1))
    for s in notice1:
        put(s.column, AT - timedelta(days=1))
    return news


def test_four_stale_news_columns_pass_five_fail_with_each_column_as_evidence(qinzhou, put):
    _fresh_groups(qinzhou, put, 4)
    report = inspect(qinzhou, AT)
    assert not [v for v in report.vetoes if v.code == "columns_stale" and "累计" in v.indicator]
    assert check(report, "columns_stale", "累计")["figure"].startswith("4 个")

    news, _ = groups(qinzhou)
    put(next(s for s in news[4:]).column, AT - timedelta(days=1))  # keep one fresh, then age another
    stale = news[4]
    from govportal.portal.models import ArticlePage

    ArticlePage.objects.child_of(stale.column).update(date=aware(AT - timedelta(days=15)))
    report = inspect(qinzhou, AT)
    v = veto(report, "columns_stale", "累计")
    assert len(v.evidence) == 5
    assert {e["days_since_update"] for e in v.evidence} == {15}
    assert stale.title in [e["column"] for e in v.evidence]
    assert all(e["group"] == "动态、要闻类" for e in v.evidence)


def test_a_second_level_notice_column_does_not_count_but_the_first_level_one_does(qinzhou, cols, put):
    news, notice1 = groups(qinzhou)
    for n, s in enumerate(news):
        put(s.column, AT - timedelta(days=15 if n < 4 else 1))
    old = AT - timedelta(days=200)
    put(cols["政府信息公开/政策文件"], old)  # 二级栏目 (the profile lists it as a notice column)
    for s in notice1:
        put(s.column, AT - timedelta(days=1))
    report = inspect(qinzhou, AT)
    assert not [v for v in report.vetoes if v.code == "columns_stale" and "累计" in v.indicator]

    from govportal.portal.models import ArticlePage

    ArticlePage.objects.child_of(cols["通知公告"]).update(date=aware(old))  # 一级栏目, 6 months stale
    report = inspect(qinzhou, AT)
    v = veto(report, "columns_stale", "累计")
    assert "通知公告" in [e["column"] for e in v.evidence]
    assert "政府信息公开／政策文件" not in [e["column"] for e in v.evidence]


def test_an_undated_item_leaves_its_news_column_not_updated(qinzhou, put, monkeypatch):
    news = _fresh_groups(qinzhou, put, 4)
    undated = put(news[4].column, AT - timedelta(days=1), "未注明日期的要闻")
    real = fr.site_items

    def without_date(home):  # the item shown without a 发布日期
        return [
            i if i.page_id != undated.pk else fr.ItemRecord(**{**i.__dict__, "day": None}) for i in real(home)
        ]

    from govportal.portal.models import ArticlePage

    ArticlePage.objects.child_of(news[4].column).exclude(pk=undated.pk).delete()
    monkeypatch.setattr(fr, "site_items", without_date)
    report = inspect(qinzhou, AT)
    v = veto(report, "columns_stale", "累计")
    ev = next(e for e in v.evidence if e["page_id"] == news[4].column.pk)
    assert ev["last_update"] is None
    assert ev["undated_items"] == ["未注明日期的要闻"]


def test_nine_overdue_columns_pass_ten_fail(qinzhou, put):
    statuses = fr.column_statuses(qinzhou, AT, include_subsites=False)
    six_months = [
        s
        for s in statuses
        if s.column.frequency_text == "6个月内" and not s.is_container and not s.is_external
    ]
    for s in six_months[:9]:
        put(s.column, AT - timedelta(days=220))
    report = inspect(qinzhou, AT)
    assert check(report, "columns_stale", "长期未更新")["figure"].startswith("9 个")
    assert not [v for v in report.vetoes if "长期未更新" in v.indicator]

    put(six_months[9].column, AT - timedelta(days=220), "七个月前的信息")
    report = inspect(qinzhou, AT)
    v = veto(report, "columns_stale", "长期未更新")
    assert len(v.evidence) == 10
    ev = next(e for e in v.evidence if e["page_id"] == six_months[9].column.pk)
    assert ev["rule"] == "更新间隔不超过6个月"
    assert ev["last_item"] == "七个月前的信息"


def test_empty_columns_are_named(qinzhou):
    report = inspect(qinzhou, AT)
    v = veto(report, "empty_columns")
    assert "概览钦州／钦州概况" in [e["column"] for e in v.evidence]
    # containers (a channel with its own columns) and link columns are not 空白栏目
    assert "概览钦州" not in [e["column"] for e in v.evidence]


# --- interaction ---------------------------------------------------------------------------------------


def letter(received: date, answered: date | None):
    from govportal.interaction.models import LetterState

    return factories.letter(
        content="请问如何办理？",
        received_at=aware(received),
        state=LetterState.CONCLUDED if answered else LetterState.DISPATCHED,
        concluded_at=aware(answered) if answered else None,
    )


def test_a_letter_answered_at_80_days_passes_at_95_days_fails(qinzhou):
    received = AT - timedelta(days=120)
    letter(received, received + timedelta(days=80))
    report = inspect(qinzhou, AT)
    assert "interaction_unanswered" not in codes(report)

    late = letter(received, received + timedelta(days=95))
    report = inspect(qinzhou, AT)
    ev = veto(report, "interaction_unanswered").evidence
    assert [e["query_code"] for e in ev] == [late.query_code]
    assert ev[0]["days"] == 95


def test_an_unanswered_letter_older_than_three_months_fails_and_one_from_over_a_year_ago_does_not(qinzhou):
    letter(AT - timedelta(days=400), None)
    assert "interaction_unanswered" not in codes(inspect(qinzhou, AT))
    open_one = letter(AT - timedelta(days=95), None)
    ev = veto(inspect(qinzhou, AT), "interaction_unanswered").evidence
    assert ev[0]["query_code"] == open_one.query_code and ev[0]["answered"] is None


def test_the_letter_channel_counts_as_interaction(qinzhou):
    report = inspect(qinzhou, AT)
    assert "no_interaction" not in codes(report)
    assert "信件类型 5 种" in check(report, "no_interaction")["figure"]


# --- service -------------------------------------------------------------------------------------------


def test_no_service_then_a_guide_missing_its_basis(qinzhou, cols, put):
    from govportal.portal.models import ServiceGuidePage

    assert "no_service" in codes(inspect(qinzhou, AT))
    guide = put(
        cols["政务服务/办事指南"],
        AT - timedelta(days=3),
        "出生医学证明办理指南",
        model=ServiceGuidePage,
        conditions="<p>新生儿父母</p>",
        materials=[("material", {"name": "父母身份证"})],
    )
    report = inspect(qinzhou, AT)
    assert "no_service" not in codes(report)
    ev = veto(report, "service_guide_incomplete").evidence
    assert ev == [
        {"title": "出生医学证明办理指南", "page_id": guide.pk, "url": guide.url, "missing": ["设定依据"]}
    ]


# --- availability --------------------------------------------------------------------------------------


def probes(failed: int, per_day: int = 20):
    from govportal.monitoring.models import ProbeResult, ProbeTarget

    target = ProbeTarget.objects.create(locality="qinzhou", name="首页", url="http://127.0.0.1:8600/")
    rows = []
    for d in range(7):
        for k in range(per_day):
            at = aware(AT - timedelta(days=d)) + timedelta(minutes=k * 30)
            bad = len([r for r in rows if not r.ok]) < failed
            rows.append(
                ProbeResult(
                    target=target, at=at, status=None if bad else 200, ok=not bad, error="超时" if bad else ""
                )
            )
    ProbeResult.objects.bulk_create(rows)


def test_six_slow_probes_of_140_pass_seven_fail(qinzhou):
    probes(6)  # 4.3%
    report = inspect(qinzhou, AT)
    assert "unreachable" not in codes(report)
    assert "6/140" in check(report, "unreachable")["figure"]

    from govportal.monitoring.models import ProbeResult

    r = ProbeResult.objects.filter(ok=True).first()
    ProbeResult.objects.filter(pk=r.pk).update(ok=False, status=None, error="超时")  # 7/140 = 5.0%
    report = inspect(qinzhou, AT)
    ev = veto(report, "unreachable").evidence
    assert ev[0]["failed"] == 7 and ev[0]["probes"] == 140
    assert len(ev) == 1 + 7


def test_without_probes_availability_is_a_question_not_a_verdict(qinzhou):
    report = inspect(qinzhou, AT)
    assert "unreachable" not in codes(report)
    assert any("govportal probe" in q for q in report.questions)


# --- security ------------------------------------------------------------------------------------------


def test_open_secret_and_serious_error_findings_on_live_pages_veto(qinzhou, cols, put):
    from govportal.monitoring.models import FindingKind, ScanStatus, TextScanFinding, TextScanRun

    page = put(cols["通知公告"], AT - timedelta(days=2), "关于某事的通知")
    run = TextScanRun.objects.create(locality="qinzhou", status=ScanStatus.DONE, finished_at=timezone.now())
    common = dict(run=run, page=page, severity="blocking", start=0, end=2, text_hash="h")
    TextScanFinding.objects.create(kind=FindingKind.SECRET, text="机密★", rule="涉密标识", **common)
    TextScanFinding.objects.create(
        kind=FindingKind.EXPRESSION, text="中华人民共和国国务院总理", rule="规范表述", **common
    )
    fixed = TextScanFinding.objects.create(
        kind=FindingKind.SECRET, text="秘密★", rule="涉密标识", status="fixed", **common
    )
    report = inspect(qinzhou, AT)
    secret = veto(report, "secret_leak").evidence
    assert [e["text"] for e in secret] == ["机密★"]
    assert secret[0]["page"] == "关于某事的通知" and secret[0]["url"] == page.url
    assert veto(report, "serious_error").evidence[0]["text"] == "中华人民共和国国务院总理"
    assert fixed.text not in json.dumps(report.to_json(), ensure_ascii=False)


# --- the command ---------------------------------------------------------------------------------------


def test_inspect_json_has_exactly_the_documented_shape(qinzhou, cols, put):
    from wagtail.models import Site

    put(cols["动态信息/政务要闻"], AT - timedelta(days=20))
    host = Site.objects.get(root_page=qinzhou).hostname
    out = io.StringIO()
    call_command("inspect", "--site", host, "--at", AT.isoformat(), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data) == ["site", "at", "verdict", "vetoes", "score", "deductions"]
    assert (data["site"], data["at"], data["verdict"]) == (host, "2026-12-01", "不合格")
    allowed = {
        "homepage_stale",
        "columns_stale",
        "empty_columns",
        "interaction_unanswered",
        "no_interaction",
        "service_guide_incomplete",
        "no_service",
        "unreachable",
        "serious_error",
        "secret_leak",
        "tampered",
    }
    assert {v["code"] for v in data["vetoes"]} <= allowed
    assert {"homepage_stale", "empty_columns", "no_service"} <= {v["code"] for v in data["vetoes"]}
    for v in data["vetoes"]:
        assert list(v) == ["code", "indicator", "evidence"] and v["evidence"]
    for d in data["deductions"]:
        assert list(d) == ["indicator", "points", "evidence"]
    assert data["score"] == 100 - sum(d["points"] for d in data["deductions"])


def test_inspect_rejects_a_bad_date_and_an_unknown_site_in_chinese(qinzhou):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("inspect", "--at", "2026-13-01")
    with pytest.raises(CommandError, match="没有主机名为“nowhere.example”的网站"):
        call_command("inspect", "--site", "nowhere.example")


def test_forecast_names_the_columns_that_will_make_the_news_group_reach_five(qinzhou, put):
    news, notice1 = groups(qinzhou)
    for n, s in enumerate(news):
        put(s.column, AT - timedelta(days=15 if n < 2 else 10 - n))
    for s in notice1:
        put(s.column, AT - timedelta(days=1))
    report = inspect(qinzhou, AT)
    f = next(f for f in report.forecast if f["code"] == "columns_stale" and "动态要闻" in f["text"])
    # news[2] was updated 8 days ago, news[3] 7, news[4] 6: the fifth goes stale 15 days after the 6-days-ago one
    assert f["date"] == (AT - timedelta(days=6) + timedelta(days=15)).isoformat()
    assert f["columns"] == [news[2].title, news[3].title, news[4].title]
    assert f"{date.fromisoformat(f['date']).month}月{date.fromisoformat(f['date']).day}日" in f["text"]
    assert "这 3 个栏目" in f["text"]


def test_one_run_a_day_is_kept(qinzhou):
    from govportal.monitoring.inspection import run_and_keep
    from govportal.monitoring.models import InspectionRun

    run_and_keep(qinzhou, AT)
    run_and_keep(qinzhou, AT)
    run_and_keep(qinzhou, AT - timedelta(days=1))
    assert InspectionRun.objects.filter(locality="qinzhou").count() == 2
    run = InspectionRun.objects.get(locality="qinzhou", at=AT)
    assert run.verdict == "不合格" and run.result["at"] == "2026-12-01"
