"""Daily reading (读网): a unit's reader gets the day's pages of the unit, marks them read or files a problem
that becomes an error report; the log shows who read and the days nobody did."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.factories import unit_column


def test_reader_marks_pages_read_and_files_a_problem_as_an_error_report(
    client, qinzhou, edu, publish, make_person
):
    from govportal.interaction.models import ErrorReport
    from govportal.monitoring.models import ReadingMark

    item = publish(edu, "今天发布的教育通知", "<p>内容</p>", column=unit_column(qinzhou, edu))
    reader = make_person("市教育局", "editor")
    client.force_login(reader)
    html = client.get(reverse("monitoring_reading")).content.decode()
    assert "今天发布的教育通知" in html and "市教育局" in html
    column = unit_column(qinzhou, edu)
    client.post(reverse("monitoring_reading"), {"page": [column.pk]})
    mark = ReadingMark.objects.get(page=column)
    assert (mark.user, mark.state, mark.day) == (reader, "read", timezone.localdate())

    r = client.post(
        reverse("monitoring_reading"),
        {"action": "problem", "page": item.pk, "kind": "typo", "description": "错"},
    )
    assert "至少4个字" in r.content.decode() and 'value="错"' in r.content.decode()  # nothing lost
    client.post(
        reverse("monitoring_reading"),
        {"action": "problem", "page": item.pk, "kind": "typo", "description": "第二段“贯切”应为“贯彻”"},
    )
    report = ErrorReport.objects.get(page=item)
    assert report.description == "【读网发现】第二段“贯切”应为“贯彻”" and report.unit == edu
    assert ReadingMark.objects.get(page=item).error_report == report


def test_a_reader_cannot_mark_another_units_pages(client, qinzhou, edu, finance, publish, make_person):
    from govportal.monitoring.models import ReadingMark

    other = publish(finance, "财政局的信息", "<p>x</p>", column=unit_column(qinzhou, finance))
    client.force_login(make_person("市教育局", "editor"))
    client.post(reverse("monitoring_reading"), {"page": [other.pk]})
    assert not ReadingMark.objects.filter(page=other).exists()


def test_the_log_names_the_days_nobody_read(client, qinzhou, edu, make_person):
    from govportal.monitoring.models import ReadingMark

    reader = make_person("市教育局", "editor")
    column = unit_column(qinzhou, edu)
    today = timezone.localdate()
    ReadingMark.objects.create(
        day=today - timedelta(days=1), unit=edu, user=reader, page=column, state="read"
    )
    client.force_login(make_person("市人民政府办公室", "host_office"))
    html = client.get(reverse("monitoring_reading"), {"unit": edu.pk}).content.decode()
    two_days_ago = today - timedelta(days=2)
    assert f"{two_days_ago.month}月{two_days_ago.day}日" in html.split("未读网的日期")[1].split("</p>")[0]
    yesterday = today - timedelta(days=1)
    assert f"{yesterday.month}月{yesterday.day}日、" not in html.split("未读网的日期")[1].split("</p>")[0]
    assert reader.get_username() in html
