"""The column responsibility table (栏目责任表): its header, the one parser (``columns.tsv`` and an uploaded
``.xlsx`` sheet alike), its inverse for export, and reading and writing ``columns.tsv``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from govportal.rules.frequency import Frequency, FrequencyError, parse_frequency

from .locate import COLUMNS_FILE
from .problems import Problem, ProfileError
from .specs import DEFAULT_SUPPLY_METHOD, SUPPLY_METHODS, ColumnSpec, UnitSpec
from .units import _key, _one_line, _resolve, _unit_index

H_CONTENT, H_FREQUENCY, H_UNITS, H_SUPPLY, H_URL, H_NOTE = (
    "具体内容",
    "更新频率",
    "保障单位",
    "保障方式",
    "链接",
    "备注",
)
COLUMN_FIELDS = (H_CONTENT, H_FREQUENCY, H_UNITS, H_SUPPLY, H_URL, H_NOTE)
_REQUIRED_FIELDS = (H_CONTENT, H_FREQUENCY, H_UNITS)

# A column's link: a web address, or a path on this site ("/xinjian/") as the table export writes it.
_URL = re.compile(r"^(?:https?://[^\s/]+\.[^\s]*|/[^\s]*)$")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_of(rows: Sequence[Any]) -> tuple[list[str], list[list[str]], int]:
    """Normalise list-of-lists or list-of-dicts input to (header, data rows, first data row no.)."""
    if not rows:
        return [], [], 2
    first = rows[0]
    if isinstance(first, Mapping):
        header: list[str] = []
        for r in rows:
            for k in r:
                kk = _cell(k)
                if kk not in header:
                    header.append(kk)
        data = [[_cell(_dict_get(r, h)) for h in header] for r in rows]
        return header, data, 2
    header = [_cell(h) for h in first]
    data = [[_cell(v) for v in r] for r in rows[1:]]
    return header, data, 2


def _dict_get(row: Mapping[Any, Any], header: str) -> Any:
    for k, v in row.items():
        if _cell(k) == header:
            return v
    return None


def parse_column_rows(
    rows: Iterable[Sequence[object]] | Iterable[Mapping[str, object]],
    *,
    level_names: Sequence[str],
    units: Sequence[UnitSpec],
    groups: Mapping[str, Sequence[str]],
    source: str = COLUMNS_FILE,
    unknown_units: list[str] | None = None,
) -> list[ColumnSpec]:
    """Parse and validate a column table.

    With ``unknown_units`` (a list), unit names the profile does not know are appended to it instead of
    being problems: the back office then offers to add them (an uploaded table, issue #19).

    ``rows`` is either a list of lists whose first row is the header (a TSV file, an ``.xlsx``
    sheet) or dicts keyed by header (the header then being row 1, data from row 2). The header
    holds one column per ``level_names`` entry, then 具体内容, 更新频率, 保障单位, and optionally
    保障方式, 链接, 备注, in any order. Completely empty rows are skipped. Raises
    :class:`ProfileError` with every problem found."""
    source_rows = list(rows)
    header, data, first_row = _header_of(source_rows)
    problems: list[Problem] = []

    def problem(row: int | None, fld: str, message: str) -> None:
        problems.append(Problem(source, row, fld, message))

    levels = list(level_names)
    expected = levels + list(COLUMN_FIELDS)
    positions: dict[str, int] = {}
    ignored: list[int] = []
    for pos, h in enumerate(header):
        if not h:
            ignored.append(pos)
            continue
        if h in positions:
            problem(1, h, f"表头「{h}」重复出现")
        elif h not in expected:
            problem(1, h, f"未知的表头「{h}」；表头应为：{' '.join(expected)}")
        else:
            positions[h] = pos
    for h in levels + list(_REQUIRED_FIELDS):
        if h not in positions:
            problem(1, h, f"缺少表头「{h}」；表头应为：{' '.join(expected)}")
    if problems:
        raise ProfileError(problems)

    index = _unit_index(units)
    group_index = {_key(g): g for g in groups}
    specs: list[ColumnSpec] = []
    seen: dict[tuple[str, ...], int] = {}
    orphans: list[tuple[int, str, tuple[str, ...]]] = []  # rows whose parent is not listed before them
    deferred: list[Problem] = []  # unknown units, reported only along with other problems

    for offset, cells in enumerate(data):
        row_no = first_row + offset
        if not any(cells):
            continue
        for pos in ignored:
            if pos < len(cells) and cells[pos]:
                problem(row_no, f"第{pos + 1}列", f"单元格「{cells[pos]}」所在列没有表头")
        if len(cells) > len(header) and any(cells[len(header) :]):
            extra = "、".join(c for c in cells[len(header) :] if c)
            problem(row_no, "", f"超出表头范围的单元格：「{extra}」")

        def get(h: str, cells: list[str] = cells) -> str:
            pos = positions.get(h)
            if pos is None or pos >= len(cells):
                return ""
            return cells[pos]

        level_cells = [_one_line(get(h)) for h in levels]
        filled = [i for i, v in enumerate(level_cells) if v]
        if not filled:
            problem(row_no, levels[0], "栏目路径为空：每行须从第一级起写出完整路径")
            continue
        last = filled[-1]
        gaps = [levels[i] for i in range(last) if not level_cells[i]]
        if gaps:
            problem(
                row_no,
                gaps[0],
                f"「{gaps[0]}」为空，但其后的「{levels[last]}」有值；每行须写出完整路径，不能用空白表示“同上”",
            )
            continue
        path = tuple(level_cells[: last + 1])

        if path in seen:
            problem(row_no, levels[last], f"栏目「{'/'.join(path)}」与第{seen[path]}行重复")
            continue
        seen[path] = row_no
        if len(path) > 1:
            parent = path[:-1]
            if parent not in seen:
                orphans.append((row_no, levels[len(path) - 2], parent))

        frequency_text = re.sub(r"\s+", "", get(H_FREQUENCY))
        frequency: Frequency | None = None
        if frequency_text:
            try:
                frequency = parse_frequency(frequency_text)
            except FrequencyError as exc:
                problem(row_no, H_FREQUENCY, str(exc))

        responsible = _one_line(get(H_UNITS))
        resolved = _resolve(responsible, index, group_index)
        for token in resolved.unknown:
            if unknown_units is not None:
                if token not in unknown_units:
                    unknown_units.append(token)
                deferred.append(
                    Problem(
                        source,
                        row_no,
                        H_UNITS,
                        f"本网站尚未登记的单位「{token}」：改正表中其他问题后重新上传，网站管理员确认后即可新增该单位",
                    )
                )
                continue
            problem(
                row_no,
                H_UNITS,
                f"无法识别的单位「{token}」：请在 profile.toml 的 [[units]] 中登记其名称或别名，或在 [groups] 中登记该说法",
            )
        for token in resolved.lead_groups:
            problem(row_no, H_UNITS, f"「{token}」是泛指的单位群组，不能作为牵头单位")

        supply = _one_line(get(H_SUPPLY)) or DEFAULT_SUPPLY_METHOD
        if supply not in SUPPLY_METHODS:
            problem(
                row_no,
                H_SUPPLY,
                f"保障方式「{supply}」无效，应为：{'、'.join(SUPPLY_METHODS)}（留空即直接发布）",
            )

        url = _one_line(get(H_URL))
        if url and not _URL.match(url):
            problem(
                row_no,
                H_URL,
                f"链接「{url}」应为 http:// 或 https:// 开头的网址，或以 / 开头的本站地址（如 /xinjian/）",
            )

        specs.append(
            ColumnSpec(
                path=path,
                content=get(H_CONTENT),
                frequency_text=frequency_text,
                frequency=frequency,
                responsible_text=responsible,
                lead_units=resolved.lead_units,
                units=resolved.units,
                groups=resolved.groups,
                supply_method=supply,
                url=url,
                note=get(H_NOTE),
                row=row_no,
            )
        )

    for row_no, fld, parent in orphans:
        name = "/".join(parent)
        if parent in seen:
            problem(row_no, fld, f"上级栏目「{name}」在第{seen[parent]}行，须排在下级栏目之前")
        else:
            problem(row_no, fld, f"上级栏目「{name}」未列出；每个上级栏目都须有自己的一行，且排在下级之前")
    if problems:
        problems.extend(deferred)
        problems.sort(key=lambda p: p.row or 0)
        raise ProfileError(problems)
    return specs


def column_rows(columns: Iterable[ColumnSpec], level_names: Sequence[str]) -> list[list[str]]:
    """Header + one row per column: the inverse of :func:`parse_column_rows` (for export)."""
    levels = list(level_names)
    out = [levels + list(COLUMN_FIELDS)]
    for c in columns:
        if len(c.path) > len(levels):
            raise ValueError(f"栏目「{'/'.join(c.path)}」超过{len(levels)}级")
        path_cells = list(c.path) + [""] * (len(levels) - len(c.path))
        out.append(
            path_cells + [c.content, c.frequency_text, c.responsible_text, c.supply_method, c.url, c.note]
        )
    return out


def read_columns_tsv(path: Path | str) -> list[list[str]]:
    """Rows of a UTF-8 TSV file (a BOM is ignored; no quoting: a cell is everything between tabs)."""
    text = Path(path).read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r").split("\t") for line in lines]


def write_columns_tsv(path: Path | str, columns: Iterable[ColumnSpec], level_names: Sequence[str]) -> None:
    """Write ``columns`` as ``columns.tsv``. A cell holding a tab or line break cannot be written."""
    lines = []
    for r, cells in enumerate(column_rows(columns, level_names), start=1):
        for cell in cells:
            if "\t" in cell or "\n" in cell or "\r" in cell:
                raise ValueError(f"第{r}行的单元格含制表符或换行，无法写入 TSV：「{cell[:30]}」")
        lines.append("\t".join(cells))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
