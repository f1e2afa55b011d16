"""Statistical tables of a data release (数据发布): parsing what an editor pastes or uploads, querying by
indicator and period, and writing machine-readable downloads (钦州办法第七条（一）: 以机器可读的数据格式).

A table is kept "wide", as statistical releases are printed: one row per indicator, one column per period::

    指标 | 单位 | 2025年一季度 | 2025年上半年 | ...

Input may also be "long" (one value per row) with the headers 指标, 期间 (or 时间/统计期), 数值 (or 值),
and optionally 单位. Pasted text from Excel (tab-separated) and CSV (comma-separated, UTF-8 or GBK) are
accepted, as is an ``.xlsx`` workbook (first sheet).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

from govportal.exports import csv_bytes, new_workbook, workbook_bytes

INDICATOR_HEADERS = ("指标", "指标名称", "项目", "名称")
UNIT_HEADERS = ("单位", "计量单位")
PERIOD_HEADERS = ("期间", "时间", "统计期", "统计时间", "年份", "月份", "时期")
VALUE_HEADERS = ("数值", "值", "数据")
EMPTY_VALUES = {"", "-", "—", "－", "…", "...", "/", "无"}


class DataTableError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


@dataclass
class DataTable:
    periods: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # {"indicator", "unit", "values": [float|None per period]}

    # --- storage ---
    def to_dict(self) -> dict:
        return {"periods": self.periods, "rows": self.rows}

    @classmethod
    def from_dict(cls, data: dict | None) -> DataTable:
        data = data or {}
        return cls(periods=list(data.get("periods", [])), rows=list(data.get("rows", [])))

    @property
    def indicators(self) -> list[str]:
        return [r["indicator"] for r in self.rows]

    def __bool__(self) -> bool:
        return bool(self.rows)

    # --- queries ---
    def select(self, indicators: list[str] | None = None, periods: list[str] | None = None) -> DataTable:
        """The sub-table of the given indicators and periods (all when empty; unknown names ignored)."""
        keep_periods = [p for p in self.periods if not periods or p in periods]
        idx = [self.periods.index(p) for p in keep_periods]
        rows = [
            {"indicator": r["indicator"], "unit": r.get("unit", ""), "values": [r["values"][i] for i in idx]}
            for r in self.rows
            if not indicators or r["indicator"] in indicators
        ]
        return DataTable(periods=keep_periods, rows=rows)

    def records(self) -> list[dict]:
        """Long form: one record per (indicator, period)."""
        return [
            {"指标": r["indicator"], "单位": r.get("unit", ""), "期间": p, "数值": v}
            for r in self.rows
            for p, v in zip(self.periods, r["values"], strict=True)
        ]

    # --- downloads ---
    def header(self) -> list[str]:
        return ["指标", "单位", *self.periods]

    def body_rows(self) -> list[list]:
        return [[r["indicator"], r.get("unit", ""), *r["values"]] for r in self.rows]

    def to_csv(self) -> bytes:
        # UTF-8 with BOM so that Excel on Chinese Windows opens it; formula-like cells neutralised.
        rows = [["" if v is None else _fmt(v) for v in row] for row in self.body_rows()]
        return csv_bytes([self.header(), *rows])

    def to_xlsx(self, title: str = "数据") -> bytes:
        from openpyxl.styles import Font

        wb = new_workbook()
        ws = wb.active
        ws.title = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "数据"
        ws.append(self.header())
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in self.body_rows():
            ws.append(row)
        ws.column_dimensions["A"].width = 30
        return workbook_bytes(wb)

    def to_json(self, meta: dict | None = None) -> bytes:
        payload = dict(meta or {})
        payload.update({"periods": self.periods, "rows": self.rows, "records": self.records()})
        return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


def _fmt(value) -> str:
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else repr(value)


def _number(raw: str) -> float | None:
    text = raw.strip().replace(",", "").replace("，", "").replace(" ", "")
    if text.endswith("%"):
        text = text[:-1]
    if text in EMPTY_VALUES:
        return None
    value = float(text)  # ValueError for anything that is not a number
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def rows_from_text(text: str) -> list[list[str]]:
    """Rows of pasted text: tab-separated (copied from Excel/WPS) or CSV."""
    lines = [ln for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
    if not lines:
        return []
    if any("\t" in ln for ln in lines):
        return [[c.strip() for c in ln.split("\t")] for ln in lines]
    return [[c.strip() for c in row] for row in csv.reader(lines)]


def rows_from_file(name: str, data: bytes) -> list[list[str]]:
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # many exception kinds for a file that is not a workbook
            raise DataTableError([f"文件「{name}」无法作为 .xlsx 工作簿读取，请确认文件未损坏。"]) from exc
        rows = []
        for row in wb.worksheets[0].iter_rows(values_only=True):
            cells = ["" if v is None else str(v).strip() for v in row]
            if any(cells):
                rows.append(cells)
        return rows
    if lower.endswith((".csv", ".txt")):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return rows_from_text(data.decode(encoding))
            except UnicodeDecodeError:
                continue
        raise DataTableError([f"文件「{name}」不是 UTF-8 或 GBK 编码的文本，无法读取。"])
    raise DataTableError([f"文件「{name}」的格式不支持：数据表请上传 .xlsx 或 .csv 文件。"])


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for i, h in enumerate(header):
        if h.strip() in names:
            return i
    return None


def parse_rows(rows: list[list[str]]) -> DataTable:
    """A wide or long table from rows whose first row is the header. Raises DataTableError listing every
    problem (row and column numbers as the editor sees them, counting the header as row 1)."""
    if not rows:
        raise DataTableError(["数据表为空：第一行应为表头（指标、单位、各统计期），其下每行一个指标。"])
    header = [h.strip() for h in rows[0]]
    ind = _find(header, INDICATOR_HEADERS)
    if ind is None:
        raise DataTableError(
            [
                f"第1行（表头）须有「指标」列（也可写作 {'、'.join(INDICATOR_HEADERS[1:])}），现为：{' | '.join(header)}"
            ]
        )
    unit = _find(header, UNIT_HEADERS)
    period = _find(header, PERIOD_HEADERS)
    value = _find(header, VALUE_HEADERS)
    problems: list[str] = []
    if period is not None and value is not None:
        return _parse_long(rows, ind, unit, period, value)
    period_cols = [i for i in range(len(header)) if i not in (ind, unit) and header[i]]
    if not period_cols:
        raise DataTableError(["第1行（表头）除指标、单位外至少要有一个统计期列，如「2025年」。"])
    periods = [header[i] for i in period_cols]
    dupes = sorted({p for p in periods if periods.count(p) > 1})
    if dupes:
        problems.append(f"第1行（表头）统计期重复：{'、'.join(dupes)}")
    table = DataTable(periods=periods)
    seen: set[str] = set()
    for r, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (len(header) - len(row))
        name = cells[ind].strip()
        if not name:
            problems.append(f"第{r}行没有指标名称")
            continue
        if name in seen:
            problems.append(f"第{r}行指标「{name}」重复")
        seen.add(name)
        values = []
        for i in period_cols:
            try:
                values.append(_number(cells[i]))
            except ValueError:
                problems.append(f"第{r}行第{i + 1}列（{header[i]}）「{cells[i]}」不是数字")
                values.append(None)
        table.rows.append(
            {"indicator": name, "unit": cells[unit].strip() if unit is not None else "", "values": values}
        )
    if not table.rows and not problems:
        problems.append("数据表只有表头，没有数据行。")
    if problems:
        raise DataTableError(problems)
    return table


def _parse_long(rows, ind, unit, period, value) -> DataTable:
    problems: list[str] = []
    periods: list[str] = []
    by_indicator: dict[str, dict] = {}
    for r, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (max(ind, period, value, unit or 0) + 1 - len(row))
        name, per = cells[ind].strip(), cells[period].strip()
        if not name or not per:
            problems.append(f"第{r}行缺少指标或统计期")
            continue
        try:
            number = _number(cells[value])
        except ValueError:
            problems.append(f"第{r}行数值「{cells[value]}」不是数字")
            continue
        if per not in periods:
            periods.append(per)
        entry = by_indicator.setdefault(
            name, {"unit": cells[unit].strip() if unit is not None else "", "v": {}}
        )
        if per in entry["v"]:
            problems.append(f"第{r}行：指标「{name}」在「{per}」的数值重复")
        entry["v"][per] = number
    if problems:
        raise DataTableError(problems)
    table = DataTable(periods=periods)
    for name, entry in by_indicator.items():
        table.rows.append(
            {"indicator": name, "unit": entry["unit"], "values": [entry["v"].get(p) for p in periods]}
        )
    return table
