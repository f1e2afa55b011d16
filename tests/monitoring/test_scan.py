"""The scan of everything published: a report per unit and column, marks kept across rescans, attachments,
xlsx export, and who sees what."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from govportal.monitoring.models import FindingStatus, TextScanFinding
from govportal.monitoring.scan import scan_site
from tests.factories import unit_column
from tests.monitoring.conftest import docx_bytes, make_document, pptx_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(edu, finance, publish, qinzhou):
    """Two units' published items, one clean."""
    items = {
        "typo": publish(edu, "开学工作", "<p>截止目前，全市已有120所学校完成检查。</p>"),
        "phone": publish(edu, "资助公示", "<p>受助学生家长电话13877712345。</p>"),
        "secret": publish(finance, "预算通知", "<p>机密★10年</p><p>关于下达预算的通知</p>"),
        "clean": publish(finance, "财政动态", "<p>市财政局召开工作会议。</p>"),
    }
    return items


def findings(run, **kw):
    return list(TextScanFinding.objects.filter(run=run, **kw).order_by("page_id", "start"))


def test_scan_records_each_finding_with_its_unit_column_and_place(site, edu, finance, qinzhou):
    run = scan_site("qinzhou", processes=1)
    assert run.status == "done" and run.pages_checked > 4
    by_page = {(f.page_id, f.kind, f.text) for f in findings(run)}
    assert (site["typo"].pk, "typo", "截止") in by_page
    assert (site["phone"].pk, "personal_data", "13877712345") in by_page
    assert (site["secret"].pk, "secret", "机密★10年") in by_page
    assert not findings(run, page=site["clean"])
    typo = findings(run, page=site["typo"])[0]
    assert typo.unit == edu and typo.column_id == unit_column(qinzhou, edu).pk
    assert typo.field_label == "正文" and typo.suggestion == "截至"
    assert typo.context_after.startswith("目前")
    assert findings(run, page=site["secret"])[0].unit == finance
    assert "发现问题" in run.message and "阻止发布级 1 处" in run.message


def test_unit_falls_back_to_the_authors_unit(edu, publish, make_person):
    editor = make_person("市财政局", "editor")
    page = publish(edu, "无单位的信息", "<p>截止目前已完成。</p>", owner=editor)
    page.unit = None
    page.save()
    run = scan_site("qinzhou", processes=1)
    assert findings(run, page=page)[0].unit.name == "市财政局"


def test_marks_are_kept_when_the_text_has_not_changed(site, make_person):
    user = make_person("市教育局", "section_chief")
    run1 = scan_site("qinzhou", processes=1)
    typo = findings(run1, page=site["typo"])[0]
    phone = findings(run1, page=site["phone"])[0]
    typo.status, typo.marked_by, typo.mark_note = FindingStatus.FALSE_POSITIVE, user, "这里表示截止日期"
    typo.save()
    phone.status, phone.marked_by = FindingStatus.FIXED, user
    phone.save()

    run2 = scan_site("qinzhou", processes=1)
    assert run2.marks_kept == 2
    t2, p2 = findings(run2, page=site["typo"])[0], findings(run2, page=site["phone"])[0]
    assert (t2.status, t2.marked_by, t2.mark_note) == (FindingStatus.FALSE_POSITIVE, user, "这里表示截止日期")
    assert p2.status == FindingStatus.FIXED

    # the phone item is edited but the number is still there: “已整改” was wrong, it is open again;
    # the typo item gets a new sentence elsewhere: the 误报 stays (same words, same surroundings)
    for key, body in (
        ("phone", "<p>受助学生家长电话13877712345。请于5日内领取。</p>"),
        ("typo", "<p>截止目前，全市已有120所学校完成检查。</p><p>下一步继续抓好落实。</p>"),
    ):
        page = site[key]
        page.body = body
        page.save_revision().publish()
    run3 = scan_site("qinzhou", processes=1)
    assert findings(run3, page=site["phone"])[0].status == FindingStatus.OPEN
    assert findings(run3, page=site["typo"])[0].status == FindingStatus.FALSE_POSITIVE


def test_attachments_linked_from_live_pages_are_checked(edu, publish):
    pdf = open("tests/monitoring/fixtures/notice-secret.pdf", "rb").read()
    docs = {
        "docx": make_document("会议材料", "a.docx", docx_bytes(["一、工作进展"], header="内部资料")),
        "xlsx": make_document("名单", "b.xlsx", xlsx_bytes([["姓名", "手机"], ["张三", "13877712345"]])),
        "pptx": make_document("汇报", "c.pptx", pptx_bytes(["中国人民共和国成立七十七周年"])),
        "pdf": make_document("防汛通知", "d.pdf", pdf),
        "txt": make_document("说明", "e.txt", "本店可代开发票".encode("gb18030")),
        "doc": make_document("旧格式", "f.doc", b"\xd0\xcf\x11\xe0binary"),
    }
    attachments = [
        {"type": "attachment", "value": {"title": d.title, "document": d.pk}} for d in docs.values()
    ]
    page = publish(edu, "附件很多的信息", "<p>见附件。</p>", attachments=attachments)
    run = scan_site("qinzhou", processes=1)
    got = {(f.document_id, f.kind, f.text) for f in findings(run, page=page)}
    assert (docs["docx"].pk, "secret", "内部资料") in got
    assert (docs["xlsx"].pk, "personal_data", "13877712345") in got
    assert (docs["pptx"].pk, "expression", "中国人民共和国") in got
    assert (docs["pdf"].pk, "secret", "机密★10年") in got and (docs["pdf"].pk, "typo", "截止") in got
    assert (docs["txt"].pk, "sensitive", "代开发票") in got
    assert [d["title"] for d in run.documents_skipped] == ["旧格式"]
    assert ".doc" in run.documents_skipped[0]["reason"]
    assert all(f.field_label == "附件" for f in findings(run, page=page))


def test_a_draft_not_yet_published_is_not_part_of_the_scan(edu, publish):
    page = publish(edu, "已发布", "<p>内容正常。</p>")
    draft = page.get_latest_revision_as_object()
    draft.body = "<p>截止目前未发布。</p>"
    draft.save_revision()
    run = scan_site("qinzhou", processes=1)
    assert not findings(run, page=page)


def test_report_per_unit_and_column_in_the_back_office(client, make_person, site, qinzhou, edu):
    scan_site("qinzhou", processes=1)
    client.force_login(make_person("市人民政府办公室", "host_office"))
    html = client.get(reverse("textcheck_scan_report")).content.decode()
    assert "按单位" in html and "按栏目" in html
    assert "市教育局" in html and "市财政局" in html
    assert unit_column(qinzhou, edu).title in html
    # the unit's row: 1 personal data + 1 typo, none blocking
    row = re.search(r"市教育局</a></th>(.*?)</tr>", html, re.S).group(1)
    cells = [int(x) for x in re.findall(r"<td[^>]*>(\d+)</td>", row)]
    assert cells[0] == 2  # pages concerned


def test_a_units_staff_see_only_their_units_findings(client, make_person, site):
    run = scan_site("qinzhou", processes=1)
    client.force_login(make_person("市财政局", "editor"))
    html = client.get(reverse("textcheck_scan_report")).content.decode()
    assert "市财政局" in html and "市教育局</a>" not in html
    listing = client.get(reverse("textcheck_scan_findings", args=[run.pk])).content.decode()
    assert "机密★10年" in listing and "13877712345" not in listing
    # and cannot mark another unit's finding
    other = findings(run, page=site["phone"])[0]
    resp = client.post(reverse("textcheck_scan_mark", args=[other.pk]), {"status": "fixed"})
    assert resp.status_code in (302, 403)
    other.refresh_from_db()
    assert other.status == FindingStatus.OPEN


def test_marking_in_the_drill_down(client, make_person, site):
    run = scan_site("qinzhou", processes=1)
    client.force_login(make_person("市财政局", "section_chief"))
    secret = findings(run, page=site["secret"])[0]
    url = reverse("textcheck_scan_mark", args=[secret.pk])
    # a blocking finding marked 误报 needs a reason
    resp = client.post(url, {"status": "false_positive", "note": ""}, follow=True)
    assert "请写明理由" in resp.content.decode()
    secret.refresh_from_db()
    assert secret.status == FindingStatus.OPEN
    client.post(url, {"status": "fixed", "note": "已撤下原件"})
    secret.refresh_from_db()
    assert secret.status == FindingStatus.FIXED and secret.mark_note == "已撤下原件"
    listing = client.get(reverse("textcheck_scan_findings", args=[run.pk]) + "?status=fixed").content.decode()
    assert "已撤下原件" in listing and reverse("wagtailadmin_pages:edit", args=[site["secret"].pk]) in listing


def test_export_to_xlsx(client, make_person, site):
    from openpyxl import load_workbook

    run = scan_site("qinzhou", processes=1)
    client.force_login(make_person("市人民政府办公室电子政务中心", "site_admin"))
    resp = client.get(reverse("textcheck_scan_export", args=[run.pk]))
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames == ["按单位汇总", "按栏目汇总", "问题明细"]
    units = {r[0]: r for r in wb["按单位汇总"].iter_rows(min_row=4, values_only=True)}
    assert "市教育局" in units and "合计" in units
    detail = list(wb["问题明细"].iter_rows(values_only=True))
    assert detail[0][:3] == ("单位", "栏目", "页面标题")
    texts = {r[8] for r in detail[1:]}
    assert {"截止", "13877712345", "机密★10年"} <= texts
    assert any(r[15].endswith(f"/admin/pages/{site['typo'].pk}/edit/") for r in detail[1:])


def test_scan_as_a_queued_task(client, make_person, site, django_capture_on_commit_callbacks):
    from govportal.monitoring.models import TextScanRun
    from govportal.monitoring.tasks import scan_site_task

    client.force_login(make_person("市人民政府办公室电子政务中心", "site_admin"))
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("textcheck_scan_start"), {"locality": "qinzhou"})
    run = TextScanRun.objects.get()
    assert run.status == "queued"
    scan_site_task.call(run.pk)  # what the worker does
    run.refresh_from_db()
    assert run.status == "done" and run.findings_total >= 3
    # an editor cannot start one
    client.force_login(make_person("市教育局", "editor"))
    assert client.post(reverse("textcheck_scan_start"), {"locality": "qinzhou"}).status_code in (302, 403)
    assert TextScanRun.objects.count() == 1


def test_the_command(site, capsys):
    from django.core.management import call_command

    call_command("textcheck_site", "qinzhou", "--processes", "1")
    out = capsys.readouterr().out
    assert "qinzhou：扫描" in out and "已完成" in out and "发现问题" in out


def test_scan_on_two_processes_finds_the_same(site):
    one = scan_site("qinzhou", processes=1)
    two = scan_site("qinzhou", processes=2)
    key = lambda run: sorted((f.page_id, f.kind, f.start, f.text) for f in findings(run))  # noqa: E731
    assert key(one) == key(two)


def test_the_daily_scan_is_a_scheduled_job(site):
    """002 Art. 18 asks units to correct 错敏信息: the whole-site scan runs every day from the job list."""
    from datetime import timedelta

    from govportal.monitoring.models import TextScanRun
    from govportal.publishing.models import JobRun
    from govportal.publishing.schedule import job, run_job

    j = job("textcheck_site_scan")
    assert j.every == timedelta(days=1) and "整改" in j.description
    assert "第十八条" in j.description_for("youyang")  # 002 Art. 18 is 酉阳's; 钦州's profile names none
    assert "第十八条" not in j.description_for("qinzhou")
    said = run_job("textcheck_site_scan")
    assert "qinzhou：" in said and "发现问题" in said
    assert JobRun.objects.get(name="textcheck_site_scan").ok
    run = TextScanRun.objects.get(locality="qinzhou")
    assert {f.text for f in findings(run)} >= {"机密★10年", "13877712345"}
