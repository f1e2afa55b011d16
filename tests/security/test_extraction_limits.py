"""A small attachment must not keep a worker busy: a 1.6 KB .xlsx declaring ``A1:XFD1048576`` once cost 200 s
of CPU in text extraction. Extraction now ignores the declared size, stops at row, cell, page and time limits
with "文件过大，未能检查", and runs in the job worker when a document is saved."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile

from govportal.monitoring import extract
from govportal.monitoring.extract import TOO_LARGE, extract_bytes


def xlsx(rows: dict[int, str], dimension: str | None = None) -> bytes:
    """An .xlsx whose first sheet has the given cells in column A, with the <dimension> it declares."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r, value in rows.items():
        ws.cell(row=r, column=1, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    if dimension is None:
        return buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data)
                assert dimension.encode() in data
            z.writestr(info, data)
    return out.getvalue()


def test_a_declared_huge_sheet_is_read_as_the_cells_it_has():
    data = xlsx({1: "内部资料 请勿外传"}, dimension="A1:XFD1048576")
    assert len(data) < 8 * 1024  # a few KB that declare 17 billion cells
    result = extract_bytes("统计表.xlsx", data, time_limit=5)  # before: 200 s of CPU, no limit at all
    assert result.ok and result.text == "内部资料 请勿外传"


def test_a_sheet_with_too_many_rows_is_reported_too_large_to_check(monkeypatch):
    monkeypatch.setattr(extract, "MAX_ROWS", 500)
    result = extract_bytes("名单.xlsx", xlsx({r: f"第{r}行" for r in range(1, 2001)}))
    assert not result.ok and result.message.startswith("文件过大，未能检查") and "500 行" in result.message
    # one cell at the very bottom: a million padding rows are counted too and stop the reading
    result = extract_bytes("名单.xlsx", xlsx({1: "a", 1_048_576: "b"}, dimension="A1:XFD1048576"))
    assert not result.ok and TOO_LARGE in result.message


def test_cells_and_time_are_limited_too(monkeypatch):
    monkeypatch.setattr(extract, "MAX_CELLS", 300)
    result = extract_bytes("名单.xlsx", xlsx({r: "x" for r in range(1, 1001)}))
    assert not result.ok and "300 个单元格" in result.message
    monkeypatch.setattr(extract, "MAX_CELLS", 10**9)
    result = extract_bytes("名单.xlsx", xlsx({r: "x" for r in range(1, 1001)}), time_limit=0)
    assert not result.ok and result.message == "文件过大，未能检查（提取文字超过 0 秒）"


@pytest.mark.django_db
def test_the_job_worker_extracts_when_a_document_is_saved_and_a_request_only_reads(
    django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.models import DBTaskResult
    from wagtail.documents import get_document_model

    from govportal.monitoring.models import DocumentText
    from govportal.monitoring.tasks import extract_document_task

    Document = get_document_model()
    with django_capture_on_commit_callbacks(execute=True):
        doc = Document(title="名单", file=ContentFile(xlsx({1: "张三"}), name="mingdan.xlsx"))
        doc._set_document_file_metadata()  # what Wagtail's upload form does (file_hash: the kept text's key)
        doc.save()
    queued = DBTaskResult.objects.filter(task_path__endswith="extract_document_task")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [doc.pk]

    # A web request that finds no kept text extracts within its short limit; cut short, nothing is kept
    # (the worker, with its longer limit, still gets its turn).
    monkeypatch.setattr(extract, "REQUEST_TIME_LIMIT", 0)
    from govportal.monitoring.extract import document_text

    cut = document_text(doc, time_limit=extract.REQUEST_TIME_LIMIT)
    assert cut.message.startswith(TOO_LARGE) and not DocumentText.objects.filter(document=doc).exists()

    # the worker's run keeps the text; a request then reads it
    assert "已提取" in extract_document_task.call(doc.pk)
    assert DocumentText.objects.get(document=doc).text == "张三"
    assert document_text(doc, time_limit=0).text == "张三"
