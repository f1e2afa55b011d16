"""The demo prepares items at every stage once, and existing sites get their workflow after migrate."""

from __future__ import annotations

import pytest
from wagtail.models import TaskState, WorkflowPage

from govportal.publishing.models import Incident, RegisterEntry, Withdrawal

pytestmark = pytest.mark.django_db

DEMO = [
    ("edu_editor", "市教育局", "editor"),
    ("edu_chief", "市教育局", "section_chief"),
    ("edu_leader", "市教育局", "deputy_leader"),
    ("host_office", "市人民政府办公室", "host_office"),
    ("host_leader", "市人民政府办公室", "principal_leader"),
    ("site_admin", "市人民政府办公室电子政务中心", "site_admin"),
]


def test_demo_puts_items_at_every_stage_for_the_demo_accounts(qinzhou):
    from django.contrib.auth import get_user_model

    from govportal.accounts.models import Staff, Unit
    from govportal.publishing.demo import prepare

    users = {}
    for name, unit, role in DEMO:
        user = get_user_model().objects.create_user(name, password="x")
        Staff.objects.create(user=user, unit=Unit.objects.get(locality="qinzhou", name=unit), roles=[role])
        users[name] = user
    said = prepare(qinzhou)
    assert "信息发布演示已就绪" in said

    def waiting(name):
        return {ts.task.name for ts in TaskState.objects.reviewable_by(users[name])}

    assert waiting("edu_editor") == {"初审初校"}
    assert waiting("edu_chief") == {"科室审核"}
    assert waiting("edu_leader") == {"部门负责人审批"}
    assert waiting("host_office") == {"政府办审核把关"}
    assert waiting("host_leader") == {"政府办审批"}
    assert waiting("site_admin") == {"网站管理员审核（网上采集）"}
    civil = get_user_model().objects.get(username="civil_leader")
    assert {ts.task.name for ts in TaskState.objects.reviewable_by(civil)} == {"联合发布单位会签"}
    assert Withdrawal.objects.count() == 1 and Incident.objects.count() == 1
    assert RegisterEntry.objects.count() == 1

    counts = (TaskState.objects.count(), Withdrawal.objects.count(), RegisterEntry.objects.count())
    again = prepare(qinzhou)
    assert "新增演示记录 0 项" in again
    assert (TaskState.objects.count(), Withdrawal.objects.count(), RegisterEntry.objects.count()) == counts


def test_existing_sites_get_their_workflow_after_migrate(qinzhou):
    from django.apps import apps

    from govportal.publishing.apps import assign_workflows

    WorkflowPage.objects.filter(page=qinzhou).delete()
    assert (
        type(qinzhou).objects.get(pk=qinzhou.pk).get_workflow().name != "钦州市人民政府门户网站信息发布审核"
    )
    assign_workflows(apps.get_app_config("publishing"), verbosity=0)
    assert (
        type(qinzhou).objects.get(pk=qinzhou.pk).get_workflow().name == "钦州市人民政府门户网站信息发布审核"
    )
