"""Scheduled publication and expiry run by the periodic jobs; the emergency deadlines (000 Art. 14)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.notices.models import Notice
from govportal.publishing.emergency import deadlines, emergency_rules, send_warnings
from govportal.publishing.models import Incident, JobRun, RegisterEntry
from govportal.publishing.schedule import JOBS, run_due, run_job

from .conftest import approve_all, submit, text

pytestmark = pytest.mark.django_db


def test_periodic_jobs_are_declared_in_one_place_and_run(client):
    names = {j.name for j in JOBS}
    assert {
        "publish_scheduled",
        "send_webhooks",
        "poll_feeds",
        "emergency_warnings",
        "letter_deadlines",
    } <= names
    done = dict(run_due())
    assert set(done) == names
    assert all(JobRun.objects.get(name=n).ok for n in names), list(JobRun.objects.values("name", "message"))
    # Not due again a moment later.
    assert run_due() == []
    out = io.StringIO()
    call_command("jobs", "--list", stdout=out)
    assert "publish_scheduled" in out.getvalue() and "成功" in out.getvalue()


def test_scheduled_item_goes_live_when_due_and_expires(client, people, draft):
    soon = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    page = draft(go_live_at=soon, expire_at=soon + timedelta(days=1), info_category="government")
    submit(page, people.editor)
    approve_all(
        client, page, people.editor, people.chief, people.leader, people.host_office, people.host_leader
    )
    page.refresh_from_db()
    assert not page.live  # approved, waiting for its time
    assert page.get_latest_revision().approved_go_live_at == soon
    run_job("publish_scheduled")
    page.refresh_from_db()
    assert not page.live

    # Time passes: the revision is due (its go-live time is now in the past).
    revision = page.get_latest_revision()
    past = timezone.now() - timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    run_job("publish_scheduled")
    page.refresh_from_db()
    assert page.live and client.get(page.url).status_code == 200
    assert RegisterEntry.objects.filter(page_ref=page.pk).exists()  # registered when it went live

    type(page).objects.filter(pk=page.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    run_job("publish_scheduled")
    page.refresh_from_db()
    assert not page.live and page.expired
    assert "到期下线" in RegisterEntry.objects.get(page_ref=page.pk).withdraw_reason


@pytest.fixture
def incident(people):
    edu = Unit.objects.get(locality="qinzhou", name="市教育局")
    event = timezone.now() - timedelta(minutes=50)
    i = Incident.objects.create(
        locality="qinzhou",
        title="某中学食堂集体食物中毒事件",
        kind=Incident.ESPECIALLY_MAJOR,
        heavy_impact=True,
        event_time=event,
    )
    i.units.add(edu)
    return i


def test_deadlines_come_from_the_profile(incident):
    rules = emergency_rules("qinzhou")
    assert rules.from_profile and rules.first_release_hours == 1 and "第十四条" in rules.source
    by_code = {d.code: d for d in deadlines(incident)}
    assert set(by_code) == {"first_release", "press_conference"}
    assert by_code["first_release"].due == incident.event_time + timedelta(hours=1)
    assert by_code["press_conference"].due == incident.event_time + timedelta(hours=24)
    assert by_code["first_release"].state() == "soon"
    other = Incident(
        locality="qinzhou",
        title="网传学校收费问题",
        kind=Incident.PUBLIC_CONCERN,
        event_time=incident.event_time,
    )
    assert [d.code for d in deadlines(other)] == ["response"]
    assert deadlines(other)[0].due == other.event_time + timedelta(hours=48)


def test_locality_without_hours_uses_the_national_rule():
    rules = emergency_rules("weibin")
    assert not rules.from_profile and rules.first_release_hours == 5 and "国办发〔2016〕61号" in rules.source


def test_units_are_warned_once_when_a_deadline_nears_and_when_it_passes(people, incident):
    send_warnings()
    soon = Notice.objects.filter(kind="emergency", title__startswith="即将到期")
    assert {n.user_id for n in soon} >= {people.editor.pk, people.leader.pk, people.host_office.pk}
    assert not Notice.objects.filter(user=people.other_chief).exists()
    count = soon.count()
    send_warnings()
    assert Notice.objects.filter(kind="emergency").count() == count  # once per level
    send_warnings(now=timezone.now() + timedelta(minutes=30))
    assert Notice.objects.filter(kind="emergency", title__startswith="已超时", user=people.editor).exists()


def test_dashboard_counts_down_for_the_responsible_unit(client, people, incident):
    client.force_login(people.editor)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (
        "某中学食堂集体食物中毒事件" in home and "首次发布信息（1 小时内）" in home and "剩余 0 小时" in home
    )
    client.force_login(people.other_chief)
    assert "某中学食堂集体食物中毒事件" not in client.get(reverse("wagtailadmin_home")).content.decode()
    # The unit records the first release; the countdown stops.
    client.force_login(people.leader)
    client.post(reverse("publishing_incident_done", args=[incident.pk, "first_release"]))
    incident.refresh_from_db()
    assert incident.first_release_at is not None
    page = text(client.get(reverse("publishing_emergencies")))
    assert "已于" in page and "完成" in page


def test_host_office_registers_an_incident(client, people):
    client.force_login(people.host_office)
    response = client.get(reverse("incidents:add"))
    assert response.status_code == 200 and "市教育局" in response.content.decode()
    response = client.post(
        reverse("incidents:add"),
        {
            "title": "强降雨致部分学校停课",
            "kind": Incident.EMERGENCY,
            "event_time": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "units": [Unit.objects.get(locality="qinzhou", name="市教育局").pk],
            "description": "",
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    incident = Incident.objects.get(title="强降雨致部分学校停课")
    assert incident.locality == "qinzhou" and incident.created_by == people.host_office
    client.force_login(people.editor)
    assert client.get(reverse("incidents:add")).status_code in (302, 403)
