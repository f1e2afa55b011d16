"""Adjustments in the security log; 印发 (issuing) freezes a period's results and keeps its document; a later
change needs a new version; results the profile keeps internal never reach the public site."""

from __future__ import annotations

import io

from govportal.accounts.models import EventKind, SecurityEvent
from govportal.assessment.models import Issue

BASE = "/admin/assessment/quarter/2026/3/"


def _public_site_is(home):
    """Make ``home``'s site the one an anonymous visitor's request finds."""
    from wagtail.models import Site

    Site.objects.update(is_default_site=False)
    Site.objects.filter(root_page=home).update(is_default_site=True)


def test_an_adjustment_is_in_the_security_log_with_who_what_and_why(client, scored, unit, person):
    stats, _ = scored
    host = person(unit("gov-office"), "host_office")
    client.force_login(host)
    client.post(f"{BASE}unit/{stats.pk}/adjust/", {"points": 3, "reason": "补报信息经核实"})
    (event,) = SecurityEvent.objects.filter(kind=EventKind.SCORE_ADJUSTED)
    assert event.user == host and event.username == host.username
    assert "象山区统计局" in event.detail and "2026年第三季度" in event.detail
    assert "+3分" in event.detail and "补报信息经核实" in event.detail
    assert event.get_kind_display() == "考核分数调整"
    # a cancelled line names what was cancelled
    line = next(
        line
        for line in client.get(f"{BASE}unit/{stats.pk}/").context["lines"]
        if line[0].kind == "deduction" and line[0].points
    )[0]
    client.post(f"{BASE}unit/{stats.pk}/adjust/", {"cancels": line.pk, "reason": "误报，经核实不是错字"})
    latest = SecurityEvent.objects.filter(kind=EventKind.SCORE_ADJUSTED).order_by("-id").first()
    assert "撤销计分" in latest.detail and line.label[:10] in latest.detail and "误报" in latest.detail


def test_only_the_role_the_profile_names_may_issue(client, scored, unit, person):
    client.force_login(person(unit("gov-office"), "site_admin"))
    page = client.get(BASE).content.decode()
    assert "印发考核结果" not in page and "第十六条，考核结果由主办单位印发" in page
    refused = client.post(f"{BASE}issue/")
    assert refused.status_code == 403
    assert "第十六条" in refused.content.decode() and "主办单位" in refused.content.decode()
    assert not Issue.objects.exists()


def test_issue_freezes_the_result_and_an_adjustment_is_refused_naming_the_rule(client, scored, unit, person):
    from govportal.documents import docx_text

    stats, _ = scored
    client.force_login(person(unit("gov-office"), "host_office"))
    page = client.get(BASE).content.decode()
    assert "印发考核结果" in page and "象政办〔2026〕3号" in page
    done = client.post(f"{BASE}issue/", {"document_number": "象政办〔2026〕17号"}, follow=True)
    html = done.content.decode()
    assert "已印发2026年第三季度考核结果（象政办〔2026〕17号，第1版）" in html
    assert "本期结果已冻结" in html and "印发考核结果</button>" not in html
    assert SecurityEvent.objects.filter(kind=EventKind.ASSESSMENT_ISSUED, detail__contains="17号").exists()

    # the official document as issued, and the unit's notice carrying the same number
    issued = client.get(f"{BASE}issued/1.docx")
    assert "象政办〔2026〕17号" in docx_text(issued.content) and "考核结果的通报" in docx_text(issued.content)
    assert client.get(f"{BASE}issued/1.pdf").content.startswith(b"%PDF")
    assert "象政办〔2026〕17号" in docx_text(client.get(f"{BASE}unit/{stats.pk}/notice.docx").content)

    # an adjustment is refused in Chinese, naming the rule; nothing changes
    before = client.get(f"{BASE}unit/{stats.pk}/").context["total"].total
    refused = client.post(f"{BASE}unit/{stats.pk}/adjust/", {"points": 5, "reason": "印发后想加分"})
    body = refused.content.decode()
    assert refused.status_code == 409
    assert "已于" in body and "印发" in body and "不能再计算或调整" in body
    assert "《象山区人民政府门户网站信息管理制度》第十六条" in body and "主办单位" in body
    assert client.get(f"{BASE}unit/{stats.pk}/").context["total"].total == before
    assert not SecurityEvent.objects.filter(kind=EventKind.SCORE_ADJUSTED).exists()
    # recomputing does not change it either
    again = client.post(
        "/admin/assessment/compute/", {"kind": "quarter", "year": 2026, "number": 3}, follow=True
    )
    assert "不能再计算或调整" in again.content.decode()
    # the unit page no longer offers the form
    assert "记录调整" not in client.get(f"{BASE}unit/{stats.pk}/").content.decode()


def test_a_change_after_issue_needs_a_new_version(client, scored, unit, person):
    stats, _ = scored
    host = person(unit("gov-office"), "host_office")
    client.force_login(host)
    client.post(f"{BASE}issue/")
    no_reason = client.post(f"{BASE}withdraw/", {"reason": ""}, follow=True)
    assert "须写明原因" in no_reason.content.decode()
    client.post(f"{BASE}withdraw/", {"reason": "统计局补报的信息漏计"})
    ok = client.post(f"{BASE}unit/{stats.pk}/adjust/", {"points": 2, "reason": "补计漏计信息"})
    assert ok.status_code == 302
    client.post(f"{BASE}issue/")
    versions = list(Issue.objects.order_by("version").values_list("version", "state", "superseded_reason"))
    assert versions == [(1, "superseded", "统计局补报的信息漏计"), (2, "issued", "")]
    html = client.get(BASE).content.decode()
    assert "第2版" in html and "已被更正版本取代" in html and "统计局补报的信息漏计" in html
    assert SecurityEvent.objects.filter(kind=EventKind.ASSESSMENT_REVISED, detail__contains="漏计").exists()


def test_a_unit_cannot_issue_or_withdraw(client, scored, person):
    stats, _ = scored
    client.force_login(person(stats, "principal_leader"))
    assert client.post(f"{BASE}issue/").status_code == 403
    assert client.post(f"{BASE}withdraw/", {"reason": "x"}).status_code == 403
    assert client.get(f"{BASE}issued/1.pdf").status_code == 403


def test_internal_results_never_reach_the_public_site(client, xiangshan, scored, unit, person):
    """Every shipped profile keeps its results internal: nothing public before or after 印发."""
    from django.test import Client

    _public_site_is(xiangshan)
    stats, _ = scored
    client.force_login(person(unit("gov-office"), "host_office"))
    client.post(f"{BASE}issue/")
    public = Client()
    assert public.get("/kaohe/").status_code == 404
    assert public.get("/kaohe/quarter/2026/3/").status_code == 404
    for url in (BASE, f"{BASE}unit/{stats.pk}/", f"{BASE}issued/1.pdf", f"{BASE}ranking.pdf"):
        response = public.get(url)
        assert response.status_code in (302, 403) and b"%PDF" not in response.content, url
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"]
    home = public.get("/").content.decode()
    assert "/kaohe/" not in home and "考核排名" not in home


def test_public_results_where_the_profile_says_so(client, xiangshan, scored, unit, person, monkeypatch):
    """A profile with ``publish = "public"``: the issued ranking (never a draft) on a public page."""
    import dataclasses

    from django.test import Client

    from govportal.assessment import facts

    _public_site_is(xiangshan)
    real = facts.rules_for
    monkeypatch.setattr(facts, "rules_for", lambda loc: dataclasses.replace(real(loc), publish="public"))
    public = Client()
    assert "暂无公开的考核结果" in public.get("/kaohe/").content.decode()
    assert public.get("/kaohe/quarter/2026/3/").status_code == 404  # computed, not issued: not public
    client.force_login(person(unit("gov-office"), "host_office"))
    client.post(f"{BASE}issue/")
    index = public.get("/kaohe/").content.decode()
    assert "2026年第三季度" in index and "象政办〔2026〕3号" in index
    page = public.get("/kaohe/quarter/2026/3/")
    html = page.content.decode()
    assert page.status_code == 200 and "象山区统计局" in html and "-9" in html
    assert "部暑" not in html  # the ranking, not the internal lines
    pdf = public.get("/kaohe/quarter/2026/3/tongbao.pdf")
    assert pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    words = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", "")
    assert "考核结果的通报" in words


def test_youyang_issues_the_quarter_and_that_freezes_its_months(db, client, unit, person):
    """酉阳: a monthly ledger, a quarterly notice and ranking (第三十三、三十四条): 印发 is for the quarter, needs
    its three months computed, and freezes them; the refusal cites 酉阳's own article."""
    from govportal.assessment.scoring import compute
    from govportal.portal.columns import load
    from govportal.rules.assessment import Period

    from .test_scoring import TODAY

    load("youyang")
    finance = unit("finance", "youyang")
    client.force_login(person(unit("gov-office", "youyang"), "host_office"))
    compute("youyang", Period("month", 2026, 7), today=TODAY)
    early = client.post("/admin/assessment/quarter/2026/3/issue/", follow=True).content.decode()
    assert "2026年8月、2026年9月尚未计算，不能印发" in early
    for m in (8, 9):
        compute("youyang", Period("month", 2026, m), today=TODAY)
    month = client.post("/admin/assessment/month/2026/8/issue/", follow=True).content.decode()
    assert "没有2026年8月，不能印发" in month
    client.post("/admin/assessment/quarter/2026/3/issue/")
    assert Issue.objects.get().document_number == "酉府办〔2026〕3号"
    refused = client.post(
        f"/admin/assessment/month/2026/8/unit/{finance.pk}/adjust/", {"points": 2, "reason": "补分"}
    )
    body = refused.content.decode()
    assert refused.status_code == 409
    assert "2026年8月的考核结果已于" in body and "2026年第三季度" in body
    assert "《酉阳土家族苗族自治县政府门户网站管理办法（试行）》第三十三条" in body and "钦州" not in body
