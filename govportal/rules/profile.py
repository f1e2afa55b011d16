"""Policy profiles (地方政策配置): loading and validating ``govportal/profiles/<code>/``.

The format is specified in ``govportal/profiles/README.md``. A profile is two files:

- ``profile.toml`` — the locality, its units, the group phrases of the column table, the
  ``[frequency] timely`` gap, and further sections (letters, review, scoring, …) that later code
  reads from :attr:`Profile.sections`;
- ``columns.tsv`` — the column responsibility table, parsed by :func:`parse_column_rows`, the one
  parser also used for an uploaded ``.xlsx`` sheet with the same header.

Everything is validated; every problem found is collected, and :class:`ProfileError` carries them
all (file, row, field and a Chinese message), so an administrator can fix a table in one pass.

Responsible units (保障单位): the cell is split on 、 ， , ； ; ; from every part the words 牵头
(marks the lead unit), 等责任单位 / 等单位 / 等部门 / 等, 配合 / 协助 / 负责 are removed; the rest
must be a unit's full name, one of its aliases, or a phrase of ``[groups]`` — in that order.
Adjacent parts are first tried joined, so a name that itself contains a separator
("各县、区人民政府") can be declared as an alias or a group phrase.

``[groups]`` values are unit kinds (as the README says); a unit code is accepted too, for phrases
that stand for a fixed list of units.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govportal.rules import credit_code as credit_codes
from govportal.rules.frequency import Frequency, FrequencyError, parse_frequency

__all__ = [
    "COLUMN_FIELDS",
    "LOCALITY_LEVELS",
    "PROFILES_DIR",
    "SUPPLY_METHODS",
    "UNIT_KINDS",
    "ColumnSpec",
    "Problem",
    "Profile",
    "ProfileError",
    "UnitSpec",
    "available_profiles",
    "column_rows",
    "load_profile",
    "parse_column_rows",
    "read_columns_tsv",
    "split_responsible",
    "write_columns_tsv",
]

PROFILES_DIR = Path(__file__).resolve().parent.parent / "profiles"


def installed_profiles_dir() -> Path:
    """Where profiles brought by ``govportal site-import`` are kept (a site moved from another platform, or
    a copy under a new code): ``$GOVPORTAL_PROFILES_DIR``, else ``$GOVPORTAL_HOME/profiles``. A code is
    looked up among the shipped profiles first, then here. Also where a provincial platform keeps the profiles
    of localities not shipped with the code (benchmarks/province_data.py writes its 1,000 there)."""
    configured = os.environ.get("GOVPORTAL_PROFILES_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("GOVPORTAL_HOME", PROFILES_DIR.parent.parent / "var")) / "profiles"


PROFILE_FILE = "profile.toml"
COLUMNS_FILE = "columns.tsv"

UNIT_KINDS = (
    "host_office",
    "operator",
    "department",
    "town",
    "co_supervisor",
    "media",
    "enterprise",
    "other",
)
LOCALITY_LEVELS = ("city", "district", "county")
SUPPLY_METHODS = ("直接发布", "跳转链接", "数据接口", "服务接口", "审核发布")
DEFAULT_SUPPLY_METHOD = "直接发布"
DEFAULT_TIMELY = "14天"

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

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# A column's link: a web address, or a path on this site ("/xinjian/") as the table export writes it.
_URL = re.compile(r"^(?:https?://[^\s/]+\.[^\s]*|/[^\s]*)$")


# --- problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem: where (file or sheet, 1-based row, field) and what (Chinese message)."""

    source: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.field:
            where += f"「{self.field}」"
        return f"{where}: {self.message}"


class ProfileError(ValueError):
    """A profile or column table that cannot be accepted; ``problems`` lists every problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        lines = [f"发现{len(self.problems)}处问题："]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._text()


# --- values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    """A unit (责任单位) of the profile."""

    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    parent: str = ""
    credit_code: str = ""  # 统一社会信用代码 (GB 32100), the front part of the unit's index numbers


@dataclass(frozen=True)
class ColumnSpec:
    """One row of the column table.

    ``frequency`` is None for an empty 更新频率 (a container column with no rule of its own).
    ``lead_units`` are the codes of units marked 牵头; ``units`` all unit codes named, lead ones
    included, in the order of the cell; ``groups`` the group phrases named (e.g. 各责任单位).
    ``row`` is the 1-based row in the source, the header being row 1."""

    path: tuple[str, ...]
    content: str = ""
    frequency_text: str = ""
    frequency: Frequency | None = None
    responsible_text: str = ""
    lead_units: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    supply_method: str = DEFAULT_SUPPLY_METHOD
    url: str = ""
    note: str = ""
    row: int = 0

    @property
    def name(self) -> str:
        """The column's own name (last element of the path)."""
        return self.path[-1]

    @property
    def level(self) -> int:
        """1 for a top-level column (频道 / 一级栏目), 2 for its children, …"""
        return len(self.path)

    @property
    def parent_path(self) -> tuple[str, ...]:
        return self.path[:-1]


@dataclass
class Profile:
    """A locality's policy profile."""

    code: str
    name: str
    site_name: str
    level: str
    domain: str
    regulation: str
    document_number: str
    seed: str
    level_names: tuple[str, ...]
    notes: list[str]
    units: list[UnitSpec]
    groups: dict[str, list[str]]
    frequency_timely: Frequency
    columns: list[ColumnSpec]
    sections: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    defaults_used: list[str] = field(default_factory=list)

    def cite(self, rule: str) -> str:
        """《regulation》article for a rule message, from ``[citations]`` (rule code -> article), or "" when
        this locality's regulation has no article for it (the message then cites nothing — never another
        locality's article)."""
        article = str((self.sections.get("citations") or {}).get(rule) or "")
        return f"《{self.regulation}》{article}" if article else ""

    def unit(self, code: str) -> UnitSpec:
        """The unit with ``code`` (KeyError if none)."""
        for u in self.units:
            if u.code == code:
                return u
        raise KeyError(code)

    def find_unit(self, name: str) -> UnitSpec | None:
        """The unit whose full name or alias is ``name``, or None."""
        return _unit_index(self.units).get(_key(name))

    def group_unit_codes(self, phrase: str) -> tuple[str, ...]:
        """Codes of the units a group phrase stands for (units of its kinds, and units listed)."""
        members = self.groups[phrase]
        return tuple(u.code for u in self.units if u.kind in members or u.code in members)

    def responsible_unit_codes(self, column: ColumnSpec) -> tuple[str, ...]:
        """All units responsible for ``column``: named units first, then those of its groups."""
        codes = list(column.units)
        for phrase in column.groups:
            for code in self.group_unit_codes(phrase):
                if code not in codes:
                    codes.append(code)
        return tuple(codes)

    def column(self, *path: str) -> ColumnSpec:
        """The column with the given path (KeyError if none)."""
        for c in self.columns:
            if c.path == tuple(path):
                return c
        raise KeyError(path)

    def children(self, path: Sequence[str] = ()) -> list[ColumnSpec]:
        """Direct children of ``path`` (top-level columns for ``()``), in display order."""
        p = tuple(path)
        return [c for c in self.columns if c.parent_path == p]

    def column_rows(self) -> list[list[str]]:
        """The column table as header + rows (for export)."""
        return column_rows(self.columns, self.level_names)


# --- helpers -----------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Matching key for names: NFKC (full-width brackets and letters folded), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _unit_index(units: Iterable[UnitSpec]) -> dict[str, UnitSpec]:
    index: dict[str, UnitSpec] = {}
    for u in units:  # full names win over aliases
        index.setdefault(_key(u.name), u)
    for u in units:
        for a in u.aliases:
            index.setdefault(_key(a), u)
    return index


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _one_line(text: str) -> str:
    """Single-line cell: line breaks inside (from a wrapped spreadsheet cell) are removed."""
    return re.sub(r"\s*[\r\n]+\s*", "", text)


# --- responsible units -------------------------------------------------------------------------

_SEPARATORS = re.compile(r"([、，,；;])")
_DROP_SUFFIXES = (
    "等责任单位",
    "等相关单位",
    "等相关部门",
    "等有关单位",
    "等有关部门",
    "等单位",
    "等部门",
    "等",
    "配合",
    "协助",
    "负责",
)
_LEAD = "牵头"


def _strip_token(token: str) -> tuple[str, bool]:
    """Remove the words that are not part of a name; return (name, is_lead)."""
    t = token.strip().strip("。.")
    lead = False
    changed = True
    while changed and t:
        changed = False
        if t.endswith(_LEAD):
            t, lead, changed = t[: -len(_LEAD)].strip(), True, True
            continue
        for suffix in _DROP_SUFFIXES:
            if t.endswith(suffix) and len(t) > len(suffix):
                t, changed = t[: -len(suffix)].strip(), True
                break
    return t, lead


@dataclass(frozen=True)
class _Resolved:
    units: tuple[str, ...]
    lead_units: tuple[str, ...]
    groups: tuple[str, ...]
    unknown: tuple[str, ...]
    lead_groups: tuple[str, ...]


def split_responsible(
    text: str, units: Sequence[UnitSpec], groups: Mapping[str, Sequence[str]]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Resolve a 保障单位 cell: ``(units, lead_units, groups, unknown_tokens)``.

    ``units`` holds unit codes in the order of the cell (lead units included), ``groups`` the
    group phrases, ``unknown`` the parts that are neither."""
    r = _resolve(text, _unit_index(units), {_key(g): g for g in groups})
    return r.units, r.lead_units, r.groups, r.unknown


def _resolve(text: str, index: Mapping[str, UnitSpec], group_index: Mapping[str, str]) -> _Resolved:
    pieces = _SEPARATORS.split(_one_line(text))
    tokens = pieces[0::2]
    seps = pieces[1::2]
    units: list[str] = []
    leads: list[str] = []
    groups: list[str] = []
    unknown: list[str] = []
    lead_groups: list[str] = []

    def lookup(raw: str) -> tuple[UnitSpec | str | None, bool, str]:
        name, lead = _strip_token(raw)
        k = _key(name)
        if not k:
            return None, lead, name
        if k in index:
            return index[k], lead, name
        if k in group_index:
            return group_index[k], lead, name
        return None, lead, name

    i = 0
    while i < len(tokens):
        if not tokens[i].strip():
            i += 1
            continue
        found: UnitSpec | str | None = None
        lead = False
        name = ""
        end = i
        # Longest run of adjacent parts that resolves, e.g. "各县、区人民政府" declared whole.
        for j in range(len(tokens) - 1, i - 1, -1):
            joined = tokens[i] + "".join(seps[k] + tokens[k + 1] for k in range(i, j))
            hit, is_lead, nm = lookup(joined)
            if hit is not None:
                found, lead, name, end = hit, is_lead, nm, j
                break
        if found is None:
            _, _, nm = lookup(tokens[i])
            if nm:
                unknown.append(nm)
            i += 1
            continue
        if isinstance(found, UnitSpec):
            if found.code not in units:
                units.append(found.code)
            if lead and found.code not in leads:
                leads.append(found.code)
        else:
            if found not in groups:
                groups.append(found)
            if lead:
                lead_groups.append(name)
        i = end + 1
    return _Resolved(tuple(units), tuple(leads), tuple(groups), tuple(unknown), tuple(lead_groups))


# --- the column table --------------------------------------------------------------------------


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


# --- profile.toml ------------------------------------------------------------------------------

_LOCALITY_REQUIRED = ("code", "name", "site_name", "level", "regulation", "level_names")
_LOCALITY_OPTIONAL = ("domain", "document_number", "seed", "notes")
_UNIT_FIELDS = ("code", "name", "kind", "aliases", "parent", "credit_code")


def available_profiles(directory: Path | str | None = None) -> list[str]:
    """Codes of the profiles shipped (folders of ``govportal/profiles`` holding a profile.toml)."""
    base = Path(directory) if directory is not None else PROFILES_DIR
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and (p / PROFILE_FILE).is_file())


def _profile_dir(code_or_path: str | Path) -> Path:
    if isinstance(code_or_path, str) and _SLUG.match(code_or_path):
        shipped = PROFILES_DIR / code_or_path
        installed = installed_profiles_dir() / code_or_path
        if not (shipped / PROFILE_FILE).is_file() and (installed / PROFILE_FILE).is_file():
            return installed
        return shipped
    p = Path(code_or_path)
    return p.parent if p.name == PROFILE_FILE else p


def profile_section(locality: str, name: str) -> dict:
    """One ``[section]`` of a locality's profile as a dict; {} for an unknown locality or section (callers
    fall back to the platform defaults)."""
    try:
        return dict(load_profile(locality).sections.get(name, {}) or {})
    except Exception:  # an unknown locality has no rules
        return {}


def load_profile(code_or_path: str | Path) -> Profile:
    """Load and validate a profile: a shipped code ("qinzhou") or a folder (or its profile.toml).

    Raises :class:`ProfileError` listing every problem of both files."""
    folder = _profile_dir(code_or_path)
    toml_path = folder / PROFILE_FILE
    if not toml_path.is_file():
        known = "、".join(available_profiles()) or "无"
        raise ProfileError([Problem(str(folder), None, "", f"找不到 {PROFILE_FILE}（已有的配置：{known}）")])
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        row = int(m.group(1)) if m else None
        raise ProfileError([Problem(PROFILE_FILE, row, "", f"TOML 语法错误：{exc}")]) from None
    except UnicodeDecodeError:
        raise ProfileError([Problem(PROFILE_FILE, None, "", "文件不是 UTF-8 编码")]) from None

    problems: list[Problem] = []
    profile = _profile_from_toml(data, problems, folder_name=folder.name)
    columns: list[ColumnSpec] = []
    tsv_path = folder / COLUMNS_FILE
    if not tsv_path.is_file():
        problems.append(Problem(COLUMNS_FILE, None, "", f"缺少栏目责任表 {COLUMNS_FILE}"))
    elif profile is not None:
        try:
            rows = read_columns_tsv(tsv_path)
        except UnicodeDecodeError:
            problems.append(Problem(COLUMNS_FILE, None, "", "文件不是 UTF-8 编码"))
        else:
            if not rows:
                problems.append(Problem(COLUMNS_FILE, 1, "", "文件为空：第一行须是表头"))
            else:
                try:
                    columns = parse_column_rows(
                        rows,
                        level_names=profile.level_names,
                        units=profile.units,
                        groups=profile.groups,
                        source=COLUMNS_FILE,
                    )
                except ProfileError as exc:
                    problems.extend(exc.problems)
    if problems or profile is None:
        raise ProfileError(problems)
    profile.columns = columns
    profile.path = folder
    return profile


def _profile_from_toml(data: dict[str, Any], problems: list[Problem], folder_name: str) -> Profile | None:
    """Validate the parsed TOML; append problems; return the Profile (without columns) if usable."""

    def problem(fld: str, message: str) -> None:
        problems.append(Problem(PROFILE_FILE, None, fld, message))

    start = len(problems)
    loc = data.get("locality")
    if not isinstance(loc, dict):
        problem("[locality]", "缺少 [locality] 部分")
        loc = {}
    for key in _LOCALITY_REQUIRED:
        if key not in loc:
            problem(f"locality.{key}", "缺少必填字段")
    for key in loc:
        if key not in _LOCALITY_REQUIRED + _LOCALITY_OPTIONAL:
            problem(
                f"locality.{key}", f"未知字段；可用字段：{'、'.join(_LOCALITY_REQUIRED + _LOCALITY_OPTIONAL)}"
            )

    def text_field(key: str, required: bool) -> str:
        value = loc.get(key, "")
        if not isinstance(value, str):
            problem(f"locality.{key}", "应为字符串")
            return ""
        if required and key in loc and not value.strip():
            problem(f"locality.{key}", "不能为空")
        return value.strip()

    code = text_field("code", True)
    if code and not _SLUG.match(code):
        problem("locality.code", f"「{code}」应为小写英文字母、数字、- 或 _")
    elif code and folder_name and code != folder_name:
        problem("locality.code", f"「{code}」与所在文件夹名「{folder_name}」不一致")
    name = text_field("name", True)
    site_name = text_field("site_name", True)
    level = text_field("level", True)
    if level and level not in LOCALITY_LEVELS:
        problem("locality.level", f"「{level}」无效，应为：{'、'.join(LOCALITY_LEVELS)}")
    regulation = text_field("regulation", True)
    domain = text_field("domain", False)
    document_number = text_field("document_number", False)
    seed = text_field("seed", False)

    raw_levels = loc.get("level_names", [])
    level_names: tuple[str, ...] = ()
    if not isinstance(raw_levels, list) or not all(isinstance(x, str) and x.strip() for x in raw_levels):
        problem("locality.level_names", '应为非空字符串的列表，如 ["频道", "一级栏目"]')
    else:
        level_names = tuple(x.strip() for x in raw_levels)
        if not 1 <= len(level_names) <= 5:
            problem("locality.level_names", f"栏目层级须为1至5级，现有{len(level_names)}级")
        if len(set(level_names)) != len(level_names):
            problem("locality.level_names", "层级名称重复")
        clash = [n for n in level_names if n in COLUMN_FIELDS]
        if clash:
            problem("locality.level_names", f"层级名称不能与表头「{'、'.join(clash)}」相同")

    raw_notes = loc.get("notes", [])
    notes: list[str] = []
    if isinstance(raw_notes, str):
        notes = [raw_notes]
    elif isinstance(raw_notes, list) and all(isinstance(x, str) for x in raw_notes):
        notes = list(raw_notes)
    else:
        problem("locality.notes", "应为字符串列表")

    units = _units_from_toml(data.get("units", []), problem)
    groups = _groups_from_toml(data.get("groups", {}), units, problem)

    defaults_used: list[str] = []
    freq_section = data.get("frequency", {})
    timely_text = DEFAULT_TIMELY
    if not isinstance(freq_section, dict):
        problem("[frequency]", "应为表（[frequency]）")
    elif "timely" in freq_section:
        timely_text = freq_section["timely"]
    else:
        defaults_used.append(f"[frequency] timely 未配置，使用平台默认值「{DEFAULT_TIMELY}」")
    timely: Frequency = parse_frequency(DEFAULT_TIMELY)
    if not isinstance(timely_text, str):
        problem("frequency.timely", '应为字符串，如 "14天"')
    else:
        try:
            parsed = parse_frequency(timely_text)
        except FrequencyError as exc:
            problem("frequency.timely", str(exc))
        else:
            if parsed.kind != "max_gap":
                problem(
                    "frequency.timely", f"「{timely_text}」须是最长间隔，如「14天」「1个月」「10个工作日」"
                )
            else:
                timely = parsed

    sections = {k: v for k, v in data.items() if k not in ("locality", "units", "groups")}

    if len(problems) > start:
        return None
    return Profile(
        code=code,
        name=name,
        site_name=site_name,
        level=level,
        domain=domain,
        regulation=regulation,
        document_number=document_number,
        seed=seed,
        level_names=level_names,
        notes=notes,
        units=units,
        groups=groups,
        frequency_timely=timely,
        columns=[],
        sections=sections,
        defaults_used=defaults_used,
    )


def _units_from_toml(raw: Any, problem: Any) -> list[UnitSpec]:
    if not isinstance(raw, list):
        problem("[[units]]", "应为 [[units]] 表数组")
        return []
    if not raw:
        problem("[[units]]", "至少须登记一个单位")
    units: list[UnitSpec] = []
    codes: dict[str, int] = {}
    names: dict[str, tuple[int, str]] = {}
    for n, item in enumerate(raw, start=1):
        where = f"units[{n}]"
        if not isinstance(item, dict):
            problem(where, "应为表")
            continue
        label = f"{where}（{item.get('name', item.get('code', ''))}）"
        for key in item:
            if key not in _UNIT_FIELDS:
                problem(f"{label}.{key}", f"未知字段；可用字段：{'、'.join(_UNIT_FIELDS)}")
        code = item.get("code", "")
        name = item.get("name", "")
        kind = item.get("kind", "")
        aliases = item.get("aliases", [])
        parent = item.get("parent", "")
        ok = True
        if not isinstance(code, str) or not _SLUG.match(code):
            problem(f"{label}.code", f"单位代码「{code}」应为小写英文字母、数字、- 或 _，且不能为空")
            ok = False
        elif code in codes:
            problem(f"{label}.code", f"单位代码「{code}」与 units[{codes[code]}] 重复")
            ok = False
        else:
            codes[code] = n
        if not isinstance(name, str) or not name.strip():
            problem(f"{label}.name", "单位名称不能为空")
            ok = False
        if kind not in UNIT_KINDS:
            problem(f"{label}.kind", f"单位类别「{kind}」无效，应为：{'、'.join(UNIT_KINDS)}")
            ok = False
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            problem(f"{label}.aliases", "应为非空字符串的列表")
            aliases = []
            ok = False
        if not isinstance(parent, str):
            problem(f"{label}.parent", "应为单位代码字符串")
            parent = ""
        credit_code = item.get("credit_code", "")
        if credit_code and not (isinstance(credit_code, str) and credit_codes.is_valid(credit_code)):
            problem(
                f"{label}.credit_code",
                f"统一社会信用代码「{credit_code}」不是18位的有效代码（GB 32100-2015：格式或校验位不对）",
            )
            credit_code = ""
        if not ok:
            continue
        spellings = [name.strip()] + [a.strip() for a in aliases]
        clean: list[str] = []
        for s in spellings:
            k = _key(s)
            if k in names and names[k][0] != n:
                other_n, other_name = names[k]
                problem(
                    f"{label}.aliases" if s != name.strip() else f"{label}.name",
                    f"「{s}」已是 units[{other_n}]（{other_name}）的名称或别名",
                )
                continue
            names[k] = (n, name.strip())
            if s != name.strip() and s not in clean:
                clean.append(s)
        units.append(
            UnitSpec(
                code=code,
                name=name.strip(),
                kind=kind,
                aliases=tuple(clean),
                parent=parent.strip(),
                credit_code=str(credit_code).strip().upper(),
            )
        )
    by_code = {u.code: u for u in units}
    for u in units:
        if not u.parent:
            continue
        if u.parent not in by_code:
            problem(f"units[{codes[u.code]}]（{u.name}）.parent", f"上级单位代码「{u.parent}」不存在")
            continue
        seen = {u.code}
        p = by_code.get(u.parent)
        while p is not None:
            if p.code in seen:
                problem(f"units[{codes[u.code]}]（{u.name}）.parent", "上级单位形成循环")
                break
            seen.add(p.code)
            p = by_code.get(p.parent) if p.parent else None
    return units


def _groups_from_toml(raw: Any, units: list[UnitSpec], problem: Any) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        problem("[groups]", '应为表："说法" = ["单位类别", …]')
        return {}
    unit_keys = {_key(s): u for u in units for s in (u.name, *u.aliases)}
    codes = {u.code for u in units}
    groups: dict[str, list[str]] = {}
    for phrase, members in raw.items():
        where = f"groups.{phrase}"
        if not phrase.strip():
            problem(where, "说法不能为空")
            continue
        if _key(phrase) in unit_keys:
            problem(
                where,
                f"「{phrase}」已是单位「{unit_keys[_key(phrase)].name}」的名称或别名，不能再作为群组说法",
            )
            continue
        if not isinstance(members, list) or not members or not all(isinstance(m, str) for m in members):
            problem(where, f"应为单位类别的非空列表，类别可为：{'、'.join(UNIT_KINDS)}")
            continue
        bad = [m for m in members if m not in UNIT_KINDS and m not in codes]
        if bad:
            problem(
                where, f"「{'、'.join(bad)}」既不是单位类别（{'、'.join(UNIT_KINDS)}）也不是已登记的单位代码"
            )
            continue
        groups[phrase.strip()] = list(members)
    return groups
