"""An xlsx writer for data typed by the public: every text cell stays text.

A cell such as ``=HYPERLINK("http://…")`` or ``@SUM(…)`` typed into a form must not become a formula in the
office software of whoever opens the export (CSV/formula injection); the guard is the one
``publishing.register.export_xlsx`` uses: string cells are written as strings with Excel's quote prefix.
"""

from __future__ import annotations

import io
import re

DANGEROUS_START = "=+-@\t\r"


def workbook_bytes(title: str, header: list, rows: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet1"
    for n, row in enumerate([header, *rows]):
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value:
                cell.data_type = "s"
                if cell.value[0] in DANGEROUS_START:
                    cell.quotePrefix = True
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if n == 0:
                cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
