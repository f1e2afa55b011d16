"""The freshness board, reminders and escalation, alerts and their channels, the inspection report pages —
as each role sees them."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import threading
from datetime import date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from govportal.monitoring import freshness as fr
from tests.factories import unit_column


def aware(day: date):
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def put(qinzhou):
    from govportal.portal.models import ArticlePage

    def make(column, day: date, title: str = "一条信息", unit=None):
        page = ArticlePage(title=title, date=aware(day), unit=unit)
        column.add_child(instance=page)
        page.save_revision().publish()
        ArticlePage.objects.filter(pk=page.pk).update(date=aware(day))
        return page

    return make


@pytest.fixture
def edu_column(qinzhou, edu):
    col = unit_column(qinzhou, edu)
    col.frequency_text, col.frequency = "及时更新", {"kind": "continuous", "text": "及时更新"}
    col.save(update_fields=["frequency_text", "frequency"])
    return col


@pytest.fixture
def finance_column(qinzhou, finance, edu):
    from govportal.portal.columns import main_columns

    return main_columns(qinzhou).filter(units=finance).exclude(units=edu).filter(numchild=0).first()


# --- the board -------------------------------------------------------------------------------------------


def test_an_editor_sees_the_columns_of_their_unit_only(client, make_person, edu_column, finance_column, put):
    today = timezone.localdate()
    put(edu_column, today - timedelta(days=20), "教育局旧闻")
    put(finance_column, today - timedelta(days=400), "财政局旧闻")
    client.force_login(make_person("市教育局", "editor"))
    r = client.get(reverse("monitoring_freshness"), {"state": "overdue"})
    assert r.status_code == 200
    html = r.content.decode()
    assert edu_column.title in html and "教育局旧闻" in html
    assert "财政局旧闻" not in html
    assert "范围：<strong>市教育局</strong>" in html
    assert "已超期" in html
    overdue_since = (today - timedelta(days=20) + timedelta(days=15)).isoformat()
    assert overdue_since in html  # the date it became overdue


def test_the_host_office_sees_every_unit_and_filters_by_unit(
    client, make_person, edu, edu_column, finance_column, put
):
    today = timezone.localdate()
    put(edu_column, today - timedelta(days=20), "教育局旧闻")
    put(finance_column, today - timedelta(days=400), "财政局旧闻")
    client.force_login(make_person("市人民政府办公室", "host_office"))
    html = client.get(reverse("monitoring_freshness"), {"state": "overdue"}).content.decode()
    assert "教育局旧闻" in html and "财政局旧闻" in html
    assert "按单位汇总" in html
    html = client.get(reverse("monitoring_freshness"), {"state": "overdue", "unit": edu.pk}).content.decode()
    assert "教育局旧闻" in html and "财政局旧闻" not in html


def test_the_export_cannot_smuggle_a_formula(client, make_person, edu_column, put):
    from openpyxl import load_workbook

    put(edu_column, timezone.localdate() - timedelta(days=1), '=HYPERLINK("http://evil.example","点我")')
    client.force_login(make_person("市教育局", "editor"))
    r = client.get(reverse("monitoring_freshness"), {"format": "xlsx", "state": "fresh"})
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [
        c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYPER")
    ]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert ws["A1"].value == "栏目"


def test_the_dashboard_panel_counts_the_editors_own_columns(client, make_person, edu_column, put):
    put(edu_column, timezone.localdate() - timedelta(days=20))
    client.force_login(make_person("市教育局", "editor"))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "栏目更新情况（市教育局）" in html
    assert edu_column.title in html


def test_a_visitor_without_a_unit_cannot_see_the_board(client, django_user_model):
    user = django_user_model.objects.create_user("stranger", password="Test@2026pw")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    r = client.get(reverse("monitoring_freshness"))
    assert r.status_code in (302, 403) and "栏目（" not in r.content.decode()  # Wagtail sends it back home


# --- reminders and escalation ----------------------------------------------------------------------------


def notices(user):
    from govportal.notices.models import Notice

    return list(Notice.objects.filter(user=user).values_list("title", flat=True))


def test_reminder_then_escalation_editor_leader_host_office_each_once(qinzhou, make_person, edu_column, put):
    editor = make_person("市教育局", "editor")
    leader = make_person("市教育局", "deputy_leader")
    host = make_person("市人民政府办公室", "host_office")
    last = date(2026, 11, 2)  # due 16 November (14 days)
    put(edu_column, last)

    fr.remind(qinzhou, date(2026, 11, 14))  # due soon
    assert any("将于2026年11月16日到期" in t for t in notices(editor))
    assert notices(leader) == [] and notices(host) == []
    fr.remind(qinzhou, date(2026, 11, 15))
    assert len([t for t in notices(editor) if "到期" in t]) == 1  # merged, not sent again
    from govportal.monitoring.models import Alert

    assert Alert.objects.get(key__contains=f":{edu_column.pk}:due:").occurrences == 2  # the repeat counted

    fr.remind(qinzhou, date(2026, 11, 17))  # overdue day 1: the editor
    assert any("已超期未更新" in t for t in notices(editor))
    assert notices(leader) == []
    fr.remind(qinzhou, date(2026, 11, 20))  # 3 days overdue: the leader
    assert any("提请单位领导督办" in t for t in notices(leader))
    assert notices(host) == []
    fr.remind(qinzhou, date(2026, 11, 24))  # 7 days: the host office
    assert any("提请主办单位督办" in t for t in notices(host))
    fr.remind(qinzhou, date(2026, 11, 25))
    assert len(notices(host)) == 1 and len(notices(leader)) == 1

    from govportal.monitoring.models import AlertState

    assert Alert.objects.filter(kind="freshness", state=AlertState.OPEN).count() == 3
    put(edu_column, date(2026, 11, 25))  # back on time: the alerts resolve themselves
    fr.remind(qinzhou, date(2026, 11, 25))
    assert not Alert.objects.filter(kind="freshness", key__contains=f":{edu_column.pk}:").exclude(
        state=AlertState.RESOLVED
    )


def test_the_profile_article_is_cited_in_the_reminder(qinzhou, make_person, edu_column, put):
    from govportal.notices.models import Notice

    editor = make_person("市教育局", "editor")
    put(edu_column, date(2026, 11, 2))
    fr.remind(qinzhou, date(2026, 11, 20))
    body = Notice.objects.filter(user=editor).first().body
    assert "钦州市人民政府门户网站管理办法第三十一条" in body or "第三十一条" in body


# --- alerts ----------------------------------------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_new_alert_goes_to_the_inbox_sms_log_and_a_signed_webhook_once(settings, make_person, edu, caplog):
    from govportal.monitoring.alerts import raise_alert, sign
    from govportal.monitoring.models import AlertSeverity

    server = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Hook.received = []
    settings.GOVPORTAL_ALERT_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    settings.GOVPORTAL_ALERT_WEBHOOK_SECRET = "s3cret"
    user = make_person("市教育局", "editor")
    user.staff.phone = "13800000000"
    user.staff.save()
    try:
        with caplog.at_level("INFO", logger="govportal.sms"):
            alert, new = raise_alert(
                "test:outage",
                kind="outage",
                severity=AlertSeverity.CRITICAL,
                subject="首页无法访问",
                users=[user],
                unit=edu,
            )
            again, new2 = raise_alert(
                "test:outage",
                kind="outage",
                severity=AlertSeverity.CRITICAL,
                subject="首页无法访问",
                users=[user],
                unit=edu,
            )
    finally:
        server.shutdown()
    assert new and not new2 and again.pk == alert.pk and again.occurrences == 2
    assert notices(user) == ["【紧急】首页无法访问"]
    assert [r.getMessage() for r in caplog.records] == ["短信 → 138****0000：【紧急】首页无法访问"]
    assert len(_Hook.received) == 1
    headers, body = _Hook.received[0]
    assert headers["X-GovPortal-Signature"] == sign("s3cret", headers["X-GovPortal-Timestamp"], body)
    expected = (
        "sha256="
        + hmac.new(
            b"s3cret", headers["X-GovPortal-Timestamp"].encode() + b"." + body, hashlib.sha256
        ).hexdigest()
    )
    assert headers["X-GovPortal-Signature"] == expected
    assert json.loads(body)["subject"] == "首页无法访问"


def test_another_units_editor_cannot_touch_an_alert(client, make_person, edu, finance):
    from govportal.monitoring.alerts import raise_alert
    from govportal.monitoring.models import AlertSeverity, AlertState

    alert, _ = raise_alert(
        "test:x", kind="freshness", severity=AlertSeverity.WARNING, subject="教育局的栏目超期", unit=edu
    )
    client.force_login(make_person("市财政局", "editor"))
    assert "教育局的栏目超期" not in client.get(reverse("monitoring_alerts")).content.decode()
    r = client.post(reverse("monitoring_alert_action", args=[alert.pk]), {"action": "resolve"})
    assert r.status_code == 404
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN
    client.force_login(make_person("市教育局", "editor"))
    client.post(reverse("monitoring_alert_action", args=[alert.pk]), {"action": "ack"})
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED


# --- the inspection pages --------------------------------------------------------------------------------


def test_an_editor_cannot_open_the_inspection_report(client, make_person):
    client.force_login(make_person("市教育局", "editor"))
    r = client.get(reverse("monitoring_inspection"))
    assert r.status_code in (302, 403) and "单项否决" not in r.content.decode()


def test_host_office_report_drill_down_export_print_and_history(client, make_person, qinzhou):
    from openpyxl import load_workbook

    client.force_login(make_person("市人民政府办公室", "host_office"))
    r = client.get(reverse("monitoring_inspection"), {"at": "2026-12-01"})
    html = r.content.decode()
    assert "不合格" in html and "栏目不更新：空白栏目数量≥5个" in html
    n = html.count("逐条查看")
    assert n >= 2
    drill = client.get(reverse("monitoring_inspection_veto", args=[0]), {"at": "2026-12-01"}).content.decode()
    assert "否决项证据" in drill
    empty_idx = next(
        i
        for i in range(n)
        if "空白栏目数量"
        in client.get(reverse("monitoring_inspection_veto", args=[i]), {"at": "2026-12-01"}).content.decode()
    )
    drill = client.get(
        reverse("monitoring_inspection_veto", args=[empty_idx]), {"at": "2026-12-01"}
    ).content.decode()
    assert "概览钦州／钦州概况" in drill
    x = client.get(reverse("monitoring_inspection"), {"at": "2026-12-01", "format": "xlsx"})
    wb = load_workbook(io.BytesIO(x.content))
    assert wb["自查结论"]["B3"].value == "不合格"
    p = client.get(reverse("monitoring_inspection"), {"at": "2026-12-01", "print": "1"}).content.decode()
    assert "网站自查报告" in p and "概览钦州／钦州概况" in p
    # today's report is kept as today's run; a bad date says so in Chinese and shows today's
    r = client.get(reverse("monitoring_inspection"), {"at": "2026-02-30"}).content.decode()
    assert "检查日期“2026-02-30”无效" in r
    from govportal.monitoring.models import InspectionRun

    run = InspectionRun.objects.get(locality="qinzhou", at=timezone.localdate())
    assert client.get(reverse("monitoring_inspection_run", args=[run.pk])).status_code == 200


def test_only_administrators_confirm_column_groups(client, make_person, qinzhou):
    from govportal.monitoring.models import ColumnInspectionGroup, GroupSource

    client.force_login(make_person("市教育局", "editor"))
    assert client.get(reverse("monitoring_column_groups")).status_code in (302, 403)
    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    client.force_login(admin)
    html = client.get(reverse("monitoring_column_groups")).content.decode()
    assert "视频资讯" in html and "按栏目名称推测" in html
    g = ColumnInspectionGroup.objects.get(page__title="视频资讯")
    r = client.post(
        reverse("monitoring_column_groups"), {"page": g.page_id, "group": "other", "locality": "qinzhou"}
    )
    assert r.status_code == 302
    g.refresh_from_db()
    assert (g.group, g.source, g.confirmed_by_id) == ("other", GroupSource.ADMIN, admin.pk)
