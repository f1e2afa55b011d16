"""Exports of personal data are written to the security log (who, when, from where, what, how many rows)
and are open only to the roles of the profile's [security] personal_data_export_roles (an editor is
refused, with the rule and its article)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from govportal.accounts.models import EventKind, SecurityEvent

from .conftest import person

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_events(username: str):
    return list(
        SecurityEvent.objects.filter(
            kind=EventKind.PERSONAL_DATA, username=username, detail__startswith="导出："
        )
    )


def test_survey_answers_export_is_logged_and_refused_to_an_editor(client, world):
    from datetime import timedelta

    from django.utils import timezone

    from govportal.participation.models import SurveyAnswer, SurveyPage
    from tests.factories import column, item, unit
    from tests.participation.conftest import QUESTIONS

    now = timezone.now()
    page = item(
        column(world.home, "互动交流", "民意征集"),
        "课后服务满意度调查",
        kind=SurveyPage,
        unit=unit("市教育局"),
        questions=QUESTIONS,
        audience="anyone",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=9),
    )
    for _ in range(3):
        SurveyAnswer.objects.create(survey=page, answers={})
    url = reverse("participation_admin:export", args=[page.pk])

    client.force_login(world.attackers["editor"])  # the survey's own unit, as its editor
    refused = client.get(url)
    html = refused.content.decode()
    assert refused.status_code == 403 and XLSX not in refused.get("Content-Type", "")
    assert (
        "导出含个人信息的数据仅限科室负责人" in html and "《中华人民共和国个人信息保护法》第五十一条" in html
    )
    assert export_events("atk_editor") == []

    client.force_login(world.attackers["section_chief"])
    response = client.get(url, REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    (event,) = export_events("atk_section_chief")
    assert event.detail == "导出：调查“课后服务满意度调查”的答卷，共 3 行"
    assert event.ip == "10.20.30.40" and event.unit_name == "市教育局" and event.at is not None


def test_wagtail_report_exports_are_logged_with_their_rows_and_refused_to_an_editor(client, world):
    url = reverse("wagtailadmin_reports:site_history") + "?export=xlsx"
    client.force_login(world.victims["editor"])
    response = client.get(url)
    assert response.status_code in (302, 403) and XLSX not in response.get("Content-Type", "")
    assert export_events("vic_editor") == []

    client.force_login(world.site_admin)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    body = b"".join(response.streaming_content)
    rows = load_workbook(io.BytesIO(body)).active.max_row - 1  # less the heading row
    (event,) = export_events("sec_site_admin")
    assert event.detail.endswith(f"（XLSX），共 {rows} 行") and rows >= 1


def test_text_scan_export_is_logged(client, world):
    from govportal.monitoring.scan import scan_site

    run = scan_site("qinzhou", processes=1)
    url = reverse("textcheck_scan_export", args=[run.pk])
    chief = person("市人民政府办公室电子政务中心", "editor", username="ops_editor")
    client.force_login(chief)
    assert client.get(url).status_code in (302, 403)
    client.force_login(world.site_admin)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    (event,) = export_events("sec_site_admin")
    assert event.detail.startswith(f"导出：错敏信息扫描结果（qinzhou，第 {run.pk} 次扫描），共 ")
