"""Every spreadsheet the platform hands out keeps ``=cmd|' /C calc'!A0`` and ``=HYPERLINK(…)`` as text
(attack found: CSV and xlsx downloads of data releases kept them as formulas)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from govportal.exports import csv_bytes, csv_cell, formula_like, new_workbook, sheets_bytes, workbook_bytes
from govportal.portal.data_tables import parse_rows, rows_from_text
from govportal.portal.models import DataReleasePage
from tests.conftest import column

from .conftest import person
from .exportcheck import csv_problems, xlsx_problems, xlsx_texts
from .payloads import DDE, FORMULAS, HYPERLINK

ROOT = Path(__file__).resolve().parents[2] / "govportal"


@pytest.mark.parametrize("payload", FORMULAS)
def test_the_export_helper_neutralises_every_formula_lead(payload):
    assert formula_like(payload)
    assert csv_cell(payload) == "'" + payload
    wb = new_workbook()
    wb.active.append([payload, 12, -3.5, "-3.5", "正常文字"])
    data = workbook_bytes(wb)
    assert xlsx_problems(data) == []
    assert payload in xlsx_texts(data)  # shown as typed


def test_numbers_stay_numbers():
    assert csv_bytes([["-3.5", "+12%", -2, None]]).decode("utf-8-sig").strip() == "-3.5,+12%,-2,"


def test_no_export_bypasses_the_helper():
    """openpyxl's Workbook and csv.writer are used in govportal/exports.py alone (readers aside)."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name == "exports.py" or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(
            r"from openpyxl import [^\n]*\bWorkbook\b|csv\.(writer|DictWriter)\(|\.save\(out\)", text
        ):
            if "demo" in str(path.relative_to(ROOT)):  # the demo writes its own input files, not downloads
                continue
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# --- each export, through its own view --------------------------------------------------------------------


@pytest.fixture
def admin(db):
    return person("市人民政府办公室电子政务中心", "site_admin", username="exp_site_admin")


def test_data_release_csv_and_xlsx_downloads(client, qinzhou):
    table = f"指标\t单位\t2026年1-3月\n{DDE}\t{HYPERLINK}\t-4.5\n"
    page = DataReleasePage(
        title='=HYPERLINK("http://evil.example","数据")',
        data_text=table,
        data=parse_rows(rows_from_text(table)).to_dict(),
        live=True,
    )
    column(qinzhou, "钦州数据", "数据发布", "国民经济主要指标").add_child(instance=page)
    page.save_revision().publish()
    csv_data = client.get(page.url, {"format": "csv"}).content
    assert csv_problems(csv_data) == []
    assert "'" + DDE in csv_data.decode("utf-8-sig") and ",-4.5" in csv_data.decode("utf-8-sig")
    xlsx = client.get(page.url, {"format": "xlsx"}).content
    assert xlsx_problems(xlsx) == [] and DDE in xlsx_texts(xlsx)


def test_column_table_export(client, qinzhou, admin):
    from govportal.portal.models import ColumnPage

    col = ColumnPage.objects.descendant_of(qinzhou).first()
    ColumnPage.objects.filter(pk=col.pk).update(content_description=DDE, note=HYPERLINK)
    client.force_login(admin)
    data = client.get(reverse("column_table_export"), {"home": qinzhou.pk}).content
    assert xlsx_problems(data) == [] and {DDE, HYPERLINK} <= xlsx_texts(data)


def test_publication_register_export(client, qinzhou, admin):
    from govportal.publishing.models import RegisterEntry

    now = timezone.now()
    RegisterEntry.objects.create(
        locality="qinzhou",
        year=2026,
        serial=1,
        page_ref=999_001,
        title=HYPERLINK,
        document_number=DDE,
        unit_name="@SUM(1)",
        first_published_at=now,
        last_published_at=now,
    )
    client.force_login(admin)
    data = client.get(reverse("publishing_register"), {"format": "xlsx"}).content
    assert xlsx_problems(data) == [] and {DDE, HYPERLINK} <= xlsx_texts(data)


def test_text_scan_export(client, qinzhou, admin):
    from govportal.monitoring.models import TextScanRun

    run = TextScanRun.objects.create(locality="qinzhou", status="done", message=DDE)
    client.force_login(admin)
    response = client.get(reverse("textcheck_scan_export", args=[run.pk]))
    assert response.status_code == 200
    assert xlsx_problems(response.content) == [] and DDE in xlsx_texts(response.content)


def test_registry_export(client, qinzhou, admin):
    from govportal.monitoring.models import SensitiveWord

    SensitiveWord.objects.create(term=HYPERLINK, suggestion=DDE, locality="qinzhou")
    client.force_login(admin)
    data = client.get(reverse("textcheck_registry_export")).content
    assert xlsx_problems(data) == [] and {DDE, HYPERLINK} <= xlsx_texts(data)


# --- the payloads of issue 14, through each way the helper is called -------------------------------------------

ISSUE_14 = ('=HYPERLINK("http://evil","x")', "＝1+1", "@SUM(A1)")


def _sheet_from_cells(payload):
    wb = new_workbook()
    wb.active.append(["标题", payload])
    wb.active["C1"] = payload  # a cell set directly, as the register and the column table do
    return workbook_bytes(wb)


@pytest.mark.parametrize("payload", ISSUE_14)
@pytest.mark.parametrize(
    "build",
    [_sheet_from_cells, lambda p: sheets_bytes([("表", [["标题"], [p]])])],
    ids=["workbook_bytes", "sheets_bytes"],
)
def test_every_xlsx_path_keeps_the_payload_as_typed_text(build, payload):
    from openpyxl import load_workbook

    data = build(payload)
    assert xlsx_problems(data) == []
    cells = [c for ws in load_workbook(io.BytesIO(data)).worksheets for row in ws.iter_rows() for c in row]
    hit = [c for c in cells if c.value == payload]
    assert hit and all(c.data_type == "s" and c.quotePrefix for c in hit)  # shown as typed, never run


@pytest.mark.parametrize("payload", ISSUE_14)
def test_csv_keeps_the_payload_behind_a_quote(payload):
    data = csv_bytes([["标题"], [payload]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert csv_problems(data) == [] and rows[1] == ["'" + payload]


def test_dead_links_export(client, qinzhou, admin):
    from govportal.monitoring.models import LinkCheckRun, LinkSource, LinkTarget

    run = LinkCheckRun.objects.create(locality="qinzhou", status="done")
    target = LinkTarget.objects.create(run=run, url=HYPERLINK, state="dead", error=DDE, status=404)
    LinkSource.objects.create(target=target, page=qinzhou, column=qinzhou)
    client.force_login(admin)
    response = client.get(reverse("monitoring_links"), {"format": "xlsx", "home": qinzhou.pk})
    assert response.status_code == 200
    assert xlsx_problems(response.content) == [] and {DDE, HYPERLINK} <= xlsx_texts(response.content)
