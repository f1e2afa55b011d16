"""The 绩效考核 pages: what the host office and a unit's staff see, another unit refused, the documents."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess

from govportal.assessment.scoring import compute
from govportal.rules.assessment import Period

from .test_scoring import TODAY

Q = Period("quarter", 2026, 3)
BASE = "/admin/assessment/quarter/2026/3/"


def test_host_office_sees_the_ranking_with_its_chart_data(client, scored, unit, person):
    client.force_login(person(unit("gov-office"), "host_office"))
    page = client.get(BASE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2026年第三季度考核排名" in html and "象山区统计局" in html
    assert 'id="assessment-chart"' in html and "vendor/echarts/echarts.min.js" in html
    index = client.get("/admin/assessment/?year=2026").content.decode()
    assert "第十六条" in index and "纯文字1分、图文2分、视频3分" in index


def test_unit_page_traces_every_point_to_its_source(client, scored, person):
    stats, _ = scored
    client.force_login(person(stats, "editor"))
    html = client.get(f"{BASE}unit/{stats.pk}/").content.decode()
    assert "部暑" in html and "第十六条（三）2" in html
    assert "/admin/pages/" in html  # each item/finding line links to the page that made it
    assert "调整分数" not in html  # unit staff cannot adjust


def test_another_unit_is_refused_with_the_owner_named(client, scored, person):
    stats, culture = scored
    client.force_login(person(culture, "principal_leader"))
    for url in (f"{BASE}unit/{stats.pk}/", f"{BASE}unit/{stats.pk}/notice.pdf", f"{BASE}ranking.xlsx"):
        response = client.get(url)
        assert response.status_code == 403, url
    body = client.get(f"{BASE}unit/{stats.pk}/").content.decode()
    assert "象山区统计局" in body and "只有该单位的人员" in body
    # and the ranking page sends a unit's staff to their own unit's page
    assert client.get(BASE)["Location"].endswith(f"unit/{culture.pk}/")
    # adjusting is the host office's
    response = client.post(f"{BASE}unit/{culture.pk}/adjust/", {"points": 50, "reason": "自己加分"})
    assert response.status_code == 403


def test_host_office_adjusts_with_a_reason_and_it_is_shown(client, scored, unit, person):
    stats, _ = scored
    client.force_login(person(unit("gov-office"), "host_office"))
    missing = client.post(f"{BASE}unit/{stats.pk}/adjust/", {"points": 3, "reason": ""})
    html = missing.content.decode()
    assert missing.status_code == 400 and "调整分数须写明理由" in html
    assert 'value="3"' in html  # what was typed is kept
    ok = client.post(f"{BASE}unit/{stats.pk}/adjust/", {"points": 3, "reason": "补报信息经核实"}, follow=True)
    html = ok.content.decode()
    assert "已记录调整：+3分" in html and "补报信息经核实" in html


def test_notice_docx_and_pdf_in_the_official_format(client, scored, unit, person, tmp_path):
    from pypdf import PdfReader

    from govportal.documents import docx_text

    stats, _ = scored
    client.force_login(person(stats, "section_chief"))
    docx = client.get(f"{BASE}unit/{stats.pk}/notice.docx")
    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert "象山区人民政府办公室文件" in text and "象政办〔2026〕3号" in text
    assert "关于2026年第三季度" in text and "第十六条" in text and "部暑" in text
    assert "合计\t\t-9" in text
    pdf = client.get(f"{BASE}unit/{stats.pk}/notice.pdf")
    assert pdf.content.startswith(b"%PDF")
    words = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", "")
    assert "考核情况的通报" in words
    if shutil.which("pdftoppm"):
        path = tmp_path / "n.pdf"
        path.write_bytes(pdf.content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True
        )
        assert list(tmp_path.glob("p*.png"))


def test_ranking_xlsx_is_formula_safe_and_complete(client, scored, unit, person):
    from openpyxl import load_workbook

    client.force_login(person(unit("gov-office"), "site_admin"))
    data = client.get(f"{BASE}ranking.xlsx").content
    wb = load_workbook(io.BytesIO(data))
    rows = list(wb["排名"].iter_rows(values_only=True))
    assert rows[0][:2] == ("名次", "单位")
    assert ("象山区统计局", -9) in [(r[1], r[-1]) for r in rows[1:]]
    detail = list(wb["计分明细"].iter_rows(values_only=True))
    assert any("部暑" in str(r[4]) for r in detail)
    assert client.get(f"{BASE}ranking.pdf").content.startswith(b"%PDF")


def test_youyang_monthly_ledger_and_quarterly_ranking(db, client, unit, person, letter):
    from openpyxl import load_workbook

    from govportal.accounts.models import Unit
    from govportal.assessment.scoring import standing
    from govportal.portal.columns import load

    load("youyang")
    a = unit("finance", "youyang")  # 县财政局, the one department the profile names
    b = Unit.objects.create(locality="youyang", code="test-town", name="测试镇", kind="town")
    letter(a, datetime.date(2026, 8, 10), locality="youyang")  # still open: overdue in August
    for m in (7, 8, 9):
        compute("youyang", Period("month", 2026, m), today=TODAY)
    q = standing("youyang", Q)
    # by hand: base 100 once for the quarter; the letter overdue in August −2 (第三十四条（八））, and each
    # month's overdue or empty column of 县财政局 −2 (第三十四条（一）); the new town has no column, no letter
    ta, tb = q.total_of(a), q.total_of(b)
    columns = [line for line in q.lines_of(a) if line.code == "column_overdue"]
    assert tb.total == 100 and ta.base == 100 and not q.missing
    assert ta.total == 100 - 2 - 2 * len(columns)
    assert [line.assessment.number for line in q.lines_of(a) if line.code == "letter_overdue"] == [8]
    client.force_login(person(unit("gov-office", "youyang"), "host_office"))
    data = client.get("/admin/assessment/quarter/2026/3/ledger.xlsx").content
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:3] == ["2026年7月", "2026年8月", "2026年9月"]
    assert any("第三十四条（八）" in str(c) for c in next(wb["2026年8月"].iter_rows(values_only=True)))


def test_write_pdfs_for_looking(client, scored, unit, person):
    """Writes the notice and ranking PDFs to $GOVPORTAL_HOME/assessment-look/ for a person to look at."""
    import os
    from pathlib import Path

    stats, _ = scored
    out = Path(os.environ.get("GOVPORTAL_HOME", "var")) / "assessment-look"
    out.mkdir(parents=True, exist_ok=True)
    client.force_login(person(unit("gov-office"), "host_office"))
    (out / "notice.pdf").write_bytes(client.get(f"{BASE}unit/{stats.pk}/notice.pdf").content)
    (out / "ranking.pdf").write_bytes(client.get(f"{BASE}ranking.pdf").content)
    assert (out / "ranking.pdf").read_bytes().startswith(b"%PDF")
