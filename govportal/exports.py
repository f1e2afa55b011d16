"""Spreadsheets the platform hands out (xlsx and CSV), written so that no cell runs as a formula.

A cell anyone can type into (an item title, a data release row, a letter's subject, a unit name) that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — or the full-width ``＝＋－＠`` that
office software folds to ASCII — would be taken as a formula by Excel or WPS when the export is opened
or edited: ``=HYPERLINK("http://…","点击查看")`` phishes whoever opens it, ``=cmd|' /C calc'!A0`` (DDE)
asks to run a program. Every export of the project goes through this module:

- **xlsx**: build the sheet with openpyxl as usual (``new_workbook()``), then ``workbook_bytes(wb)``
  writes every such text as a plain string cell (never a formula cell) with Excel's quote prefix, so it
  shows as typed and stays text when edited.
- **CSV**: ``csv_bytes(rows)`` prefixes such a text with an apostrophe (the OWASP rule), leaves numbers
  (``-3.5``, ``+12%``) alone, and writes UTF-8 with a BOM so Excel on Chinese Windows reads it.

Pure Python (openpyxl and the standard library, no Django): the lowest layer, usable by every app.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def formula_like(value) -> bool:
    """Would office software read this text as a formula (or DDE command)? Numbers never are."""
    if not isinstance(value, str) or not value:
        return False
    text = value.lstrip(" ")  # Excel skips leading spaces before "="
    if not text or not text.startswith(FORMULA_LEADS):
        return False
    return not _PLAIN_NUMBER.match(text.strip())


def csv_cell(value) -> str:
    """A CSV field: ``None`` empty, numbers as they are, formula-like text behind an apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if formula_like(text) else text


def csv_bytes(rows: Iterable[Iterable], *, bom: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def new_workbook():
    """An empty openpyxl workbook (one sheet), to be written out with ``workbook_bytes``."""
    from openpyxl import Workbook

    return Workbook()


def neutralise_cell(cell) -> None:
    value = cell.value
    if isinstance(value, str) and (cell.data_type == "f" or formula_like(value)):
        cell.data_type = "s"  # a string cell: office software shows it, never evaluates it
        cell.quotePrefix = True  # and keeps it text when someone edits the cell


def neutralise_workbook(wb) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                neutralise_cell(cell)


def workbook_bytes(wb) -> bytes:
    """The xlsx file of ``wb`` with every formula-like text made a plain string first."""
    neutralise_workbook(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheets_bytes(sheets: Iterable[tuple[str, Iterable[Iterable]]]) -> bytes:
    """An xlsx of ``(title, rows)`` sheets, the first row of each a bold header: the plain table export
    most pages need (freshness board, inspection evidence, survey answers), formula-neutralised."""
    from openpyxl.styles import Alignment, Font

    wb = new_workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet1")
        for row in rows:
            ws.append(["" if v is None else v for v in row])
            for cell in ws[ws.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if ws.max_row:
            for cell in ws[1]:
                cell.font = Font(bold=True)
        for col in "ABCDEFGHIJ":
            ws.column_dimensions[col].width = 22
        ws.column_dimensions["A"].width = 36
        ws.freeze_panes = "A2"
    return workbook_bytes(wb)


def titled_table_bytes(
    sheet: str, title: str, headers: Sequence[str], rows: Iterable[Iterable], widths: Sequence[float]
) -> bytes:
    """An xlsx of one table as a record is printed for an inspection: ``title`` in bold on the first row, the
    bold ``headers`` under it, the rows wrapped and top-aligned, columns ``widths`` wide, the two top rows
    frozen (the publication register, the security log). Formula-neutralised."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = new_workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(headers))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A3"
    return workbook_bytes(wb)
