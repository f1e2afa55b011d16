"""The reports as files: the national table in xlsx (through ``govportal.exports``, formula-safe) and the
disclosure report as an official document (docx and PDF through ``govportal.documents``)."""

from __future__ import annotations

from govportal import documents
from govportal.exports import new_workbook, workbook_bytes

from .disclosure import TABLE_TWO_COLUMNS, DisclosureTables
from .figures import Section
from .models import REVIEW_RESULTS, DisclosureReport


def _style(ws, widths):
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="999999")
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A1"].font = Font(bold=True, size=14)
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


def website_xlsx(title: str, sites: list[tuple[str, list[Section]]]) -> bytes:
    """One sheet per site: 栏目 | 指标 | 数值 | 数据来源."""
    from openpyxl.styles import Font

    wb = new_workbook()
    wb.remove(wb.active)
    for name, sections in sites:
        ws = wb.create_sheet(("".join(c for c in name if c not in "[]:*?/\\") or "网站")[:31])
        ws.append([f"{title}（{name}）"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
        ws.append(["栏目", "指标", "数值", "数据来源"])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for section in sections:
            first = ws.max_row + 1
            for f in section.figures:
                ws.append([section.title, f.label, f.value, f.source or "人工填报"])
            if ws.max_row > first:
                ws.merge_cells(start_row=first, start_column=1, end_row=ws.max_row, end_column=1)
        _style(ws, {"A": 14, "B": 40, "C": 28, "D": 46})
    if not wb.worksheets:
        wb.create_sheet("网站")
    return workbook_bytes(wb)


def disclosure_rows(t: DisclosureTables) -> dict[str, list[list]]:
    two = [["信息内容", *TABLE_TWO_COLUMNS]] + [[label, *values] for label, values in t.two]
    two_typed = [["信息内容", "项目", "数值"]] + [list(r) for r in t.two_typed]
    prefix = "三、本年度办理结果 "
    three = [["项目", *t.three_columns]]
    for label, values in t.three:
        if label.startswith(prefix):
            if three[-1][0].startswith(("一、", "二、")):
                three.append([prefix.strip()] + [""] * len(values))  # the group's heading row
            label = label[len(prefix) :]
        three.append([label, *values])
    four = [["", *[label for _, label in REVIEW_RESULTS], "总计"]] + [
        [label if i == 0 else f"行政诉讼：{label}", *values] for i, (label, values) in enumerate(t.four)
    ]
    return {"two": two, "two_typed": two_typed, "three": three, "four": four}


def disclosure_xlsx(report: DisclosureReport, t: DisclosureTables) -> bytes:
    from openpyxl.styles import Font

    rows = disclosure_rows(t)
    wb = new_workbook()
    wb.remove(wb.active)
    for title, key_rows in (
        ("二、主动公开政府信息情况", rows["two"] + [[]] + rows["two_typed"]),
        ("三、收到和处理政府信息公开申请情况", rows["three"]),
        ("四、政府信息公开行政复议、行政诉讼情况", rows["four"]),
    ):
        ws = wb.create_sheet(title[:31])
        ws.append([f"{report.owner_name}{report.year}年 {title}"])
        for r in key_rows:
            ws.append(r)
        ws.cell(row=2, column=1).font = Font(bold=True)
        _style(ws, {"A": 60, "B": 14, "C": 14, "D": 14, "E": 14, "F": 14, "G": 14, "H": 12})
    ws = wb.create_sheet("文字部分")
    for label, text in (
        ("一、总体情况", report.overview),
        ("五、存在的主要问题及改进情况", report.problems),
        ("六、其他需要报告的事项", report.other_matters),
    ):
        ws.append([label, text])
    _style(ws, {"A": 30, "B": 100})
    return workbook_bytes(wb)


def _paras(text: str) -> list:
    return [documents.paragraph(p.strip()) for p in (text or "").splitlines() if p.strip()] or [
        documents.paragraph("无。")
    ]


def disclosure_document(report: DisclosureReport, t: DisclosureTables) -> documents.OfficialDocument:
    rows = disclosure_rows(t)
    body = [
        documents.heading("一、总体情况"),
        *_paras(report.overview),
        documents.heading("二、主动公开政府信息情况"),
        documents.table(rows["two"]),
        documents.table(rows["two_typed"]),
        documents.heading("三、收到和处理政府信息公开申请情况"),
        documents.table(rows["three"]),
        documents.heading("四、政府信息公开行政复议、行政诉讼情况"),
        documents.table(rows["four"]),
        documents.heading("五、存在的主要问题及改进情况"),
        *_paras(report.problems),
        documents.heading("六、其他需要报告的事项"),
        *_paras(report.other_matters),
    ]
    from django.utils import timezone

    day = timezone.localdate(report.published_at) if report.published_at else timezone.localdate()
    return documents.OfficialDocument(
        issuer_mark=report.owner_name,
        title=f"{report.owner_name}{report.year}年政府信息公开工作年度报告",
        body=body,
        signature=report.owner_name,
        date=day,
    )
