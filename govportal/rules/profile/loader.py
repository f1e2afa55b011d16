"""The :class:`Profile` of a locality and how it is read: ``profile.toml`` validated, then ``columns.tsv``."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govportal.rules import credit_code as credit_codes
from govportal.rules.frequency import Frequency, FrequencyError, parse_frequency

from .columns_table import COLUMN_FIELDS, column_rows, parse_column_rows, read_columns_tsv
from .locate import _SLUG, COLUMNS_FILE, PROFILE_FILE, available_profiles, profile_dir
from .problems import Problem, ProfileError
from .specs import LOCALITY_LEVELS, UNIT_KINDS, ColumnSpec, UnitSpec
from .units import _key, _unit_index

DEFAULT_TIMELY = "14天"


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


_LOCALITY_REQUIRED = ("code", "name", "site_name", "level", "regulation", "level_names")
_LOCALITY_OPTIONAL = ("domain", "document_number", "seed", "notes")
_UNIT_FIELDS = ("code", "name", "kind", "aliases", "parent", "credit_code")


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
    folder = profile_dir(code_or_path)
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
