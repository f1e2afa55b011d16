"""Checks that an exported spreadsheet holds no formula (shared by the export tests and the sweep)."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from govportal.exports import formula_like


def xlsx_problems(data: bytes) -> list[str]:
    """Cells of an xlsx file office software would run as formulas (empty list: none)."""
    from openpyxl import load_workbook

    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                if re.search(rb"<(\w+:)?f[ >/]", z.read(name)):
                    problems.append(f"{name}: formula element")
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and formula_like(cell.value):
                    if cell.data_type != "s" or not cell.quotePrefix:
                        problems.append(f"{ws.title}!{cell.coordinate}: {cell.value[:40]!r}")
    return problems


def xlsx_texts(data: bytes) -> set[str]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return {
        c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    }


def csv_problems(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [f for row in csv.reader(io.StringIO(text)) for f in row if formula_like(f)]
