"""``govportal demo`` gives the demo user a filled assessment: the current period computed, the year's letters
and last year's 年度报表 on /nianbao/; run again it changes nothing."""

from __future__ import annotations

from django.utils import timezone

from govportal.assessment import demo
from govportal.assessment.annual.models import WebsiteReport
from govportal.assessment.models import Assessment, ResponsibilityLetter, ScoreLine


def test_demo_computes_the_current_period_once(client, qinzhou, make_person):
    said = demo.prepare(qinzhou)
    year = timezone.localdate().year
    assert f"已计算{year}年度考核" in said and "责任书" in said and "年度报表" in said
    (a,) = Assessment.objects.filter(locality="qinzhou")
    lines, letters = ScoreLine.objects.count(), ResponsibilityLetter.objects.count()
    assert lines and letters
    assert WebsiteReport.objects.get(year=year - 1).published_at
    # idempotent: a second run says nothing and changes nothing
    assert demo.prepare(qinzhou) == ""
    assert (Assessment.objects.get().computed_at, ScoreLine.objects.count()) == (a.computed_at, lines)
    assert ResponsibilityLetter.objects.count() == letters
    # what the demo host office sees
    client.force_login(make_person("市人民政府办公室", "host_office"))
    page = client.get(f"/admin/assessment/year/{year}/1/").content.decode()
    assert "考核排名" in page and "印发考核结果" in page
    assert f"{year - 1}年度" in client.get("/nianbao/").content.decode()
