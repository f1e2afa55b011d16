"""Defects found in review: FAQs beside service guides, the deadline job in the scheduler, the disclosure
clock before processing, approved-but-unpublished letters, holiday data running out, unit visibility after a
return, extension after re-dispatch."""

from __future__ import annotations

from datetime import date

import pytest

from govportal.interaction import workflow
from govportal.interaction.models import Faq, Notice

pytestmark = pytest.mark.django_db


def test_a_demo_service_guide_shows_the_matching_faqs(client, qinzhou, units):
    from govportal.portal.demo_content import add_demo_items
    from govportal.portal.models import ServiceGuidePage

    add_demo_items(qinzhou)
    # The demo's FAQ, as `govportal demo` compiles it from an answered letter.
    Faq(
        locality="qinzhou",
        question="义务教育入学划片范围和报名时间在哪里查询？",
        answer="每年6月由市教育局在门户网站“教育”栏目公布招生范围。",
        unit=units("市教育局"),
        topic="义务教育入学",
    ).save()
    Faq(
        locality="qinzhou", question="不公开的入学问题", answer="内部", topic="义务教育入学", is_public=False
    ).save()
    Faq(locality="youyang", question="酉阳义务教育入学怎么报名？", answer="另一个地区。").save()
    guide = ServiceGuidePage.objects.live().get(title="义务教育阶段新生入学登记")
    html = client.get(guide.url).content.decode()
    assert "常见问题" in html
    assert "义务教育入学划片范围和报名时间在哪里查询？" in html
    assert "不公开的入学问题" not in html and "酉阳义务教育入学" not in html


def test_the_deadline_check_is_a_periodic_job_and_flags_an_overdue_letter(people, units, new_letter, clock):
    from govportal.publishing.models import JobRun
    from govportal.publishing.schedule import job, run_job

    j = job("letter_deadlines")
    assert "第二十条" in j.description
    clock.set(date(2026, 11, 2))
    letter = new_letter("consultation")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    clock.set(date(2026, 11, 10))
    message = run_job("letter_deadlines")
    assert JobRun.objects.get(name="letter_deadlines").ok
    assert "信件超期督办 1" in message
    letter.refresh_from_db()
    assert letter.escalated_at is not None
    assert Notice.objects.filter(user=people.centre, kind="overdue", letter=letter).exists()
