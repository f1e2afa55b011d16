"""Build and keep a locality's units and column tree from its policy profile and responsibility table.

Public functions:
- ``apply_profile(profile)``: units, home page, sub-site index and the whole column tree (idempotent);
- ``export_columns_xlsx(home)`` / ``import_columns_xlsx(home, file)``: the table as a spreadsheet in the
  annex's shape; an import is validated whole before anything is written, and applied atomically;
- ``create_subsite(unit)``: a unit's own home page and columns under the main site.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from pypinyin import Style, lazy_pinyin
from wagtail.models import Page, Site

from govportal.accounts.models import Unit, UnitKind
from govportal.accounts.permissions import configure_group, set_page_units
from govportal.exports import new_workbook, workbook_bytes
from govportal.rules.frequency import parse_frequency
from govportal.rules.profile import (
    ColumnSpec,
    Problem,
    Profile,
    ProfileError,
    UnitSpec,
    load_profile,
    parse_column_rows,
)

from .models import ColumnPage, HomePage, PortalSettings, SubsiteHomePage, SubsiteIndexPage
from .signals import profile_applied

EXTRA_HEADERS = ["具体内容", "更新频率", "保障单位", "保障方式", "链接", "备注"]
ID_HEADER = "编号"
SUBSITE_INDEX_TITLE = "部门子站"
# Columns every sub-site starts with (the same everywhere, so a platform default, not a profile field).
SUBSITE_COLUMNS = [
    ("工作动态", "发布本单位工作动态。", "及时更新"),
    ("通知公告", "发布本单位通知、公告、公示。", "及时更新"),
    ("政策文件", "发布本单位制发的政策文件及其解读。", "按需更新"),
    ("机构职能", "公开本单位机构设置、主要职责、办公地址、办公时间、联系方式、负责人信息。", "按需更新"),
]


@dataclass
class ApplyReport:
    units_created: int = 0
    units_updated: int = 0
    columns_created: int = 0
    columns_updated: int = 0
    columns_unchanged: int = 0
    not_in_table: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"单位：新增 {self.units_created}，更新 {self.units_updated}；"
            f"栏目：新增 {self.columns_created}，更新 {self.columns_updated}，未变 {self.columns_unchanged}"
        )
        if self.not_in_table:
            text += f"；表中未列出、已保留的栏目 {len(self.not_in_table)} 个"
        return text


def slug_for(title: str, siblings: set[str]) -> str:
    base = "".join(lazy_pinyin(title, style=Style.FIRST_LETTER, errors="ignore")).lower()
    base = "".join(ch for ch in base if ch.isascii() and ch.isalnum())[:40] or "lm"
    slug, n = base, 2
    while slug in siblings:
        slug, n = f"{base}{n}", n + 1
    siblings.add(slug)
    return slug


# --- units -----------------------------------------------------------------------------------------


def sync_units(profile: Profile, report: ApplyReport) -> dict[str, Unit]:
    by_code: dict[str, Unit] = {}
    for order, spec in enumerate(profile.units):
        unit, created = Unit.objects.get_or_create(
            locality=profile.code,
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "aliases": list(spec.aliases),
                "sort_order": order,
            },
        )
        if created:
            report.units_created += 1
        elif (unit.name, unit.kind, unit.aliases, unit.sort_order) != (
            spec.name,
            spec.kind,
            list(spec.aliases),
            order,
        ):
            unit.name, unit.kind, unit.aliases, unit.sort_order = (
                spec.name,
                spec.kind,
                list(spec.aliases),
                order,
            )
            unit.save()
            report.units_updated += 1
        by_code[spec.code] = unit
    for spec in profile.units:
        parent = by_code.get(spec.parent) if spec.parent else None
        unit = by_code[spec.code]
        if unit.parent_id != (parent.pk if parent else None):
            unit.parent = parent
            unit.save(update_fields=["parent"])
    return by_code


def unit_specs(locality: str) -> list[UnitSpec]:
    """The locality's units as the rules package sees them (for validating an uploaded table)."""
    units = Unit.objects.filter(locality=locality).select_related("parent")
    return [
        UnitSpec(
            code=u.code,
            name=u.name,
            kind=u.kind,
            aliases=tuple(u.aliases),
            parent=u.parent.code if u.parent else "",
        )
        for u in units
    ]


# --- home page and sites -----------------------------------------------------------------------------


def home_for(locality: str) -> HomePage | None:
    return HomePage.objects.filter(locality=locality).first()


def ensure_home(profile: Profile) -> HomePage:
    home = home_for(profile.code)
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title=profile.site_name, slug=profile.code, locality=profile.code)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(root_page=home).first()
    if site is None:
        default = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if default is None or not isinstance(default.root_page.specific, HomePage):
            # The fresh install's welcome page is replaced by the first locality loaded.
            if default is None:
                default = Site(hostname="localhost", port=80, is_default_site=True)
            default.root_page, default.site_name = home, profile.site_name
            default.save()
        else:
            Site.objects.create(
                hostname=f"{profile.code}.localhost", port=80, root_page=home, site_name=profile.site_name
            )
    site = Site.objects.get(root_page=home)
    settings = PortalSettings.for_site(site)
    if not settings.host_unit:
        host = next((u for u in profile.units if u.kind == UnitKind.HOST_OFFICE), None)
        operator = next((u for u in profile.units if u.kind == UnitKind.OPERATOR), None)
        settings.host_unit = host.name if host else ""
        settings.operator_unit = operator.name if operator else ""
        settings.save()
    index = SubsiteIndexPage.objects.child_of(home).first()
    if index is None:
        home.add_child(instance=SubsiteIndexPage(title=SUBSITE_INDEX_TITLE, slug="bm", show_in_menus=False))
    return home


def refresh_role_groups(units: Iterable[Unit]) -> None:
    """Re-apply every existing unit-role group's permissions (site-wide roles reach the new home page)."""
    for unit in units:
        for link in unit.role_groups.select_related("group", "unit"):
            configure_group(link)


# --- columns -----------------------------------------------------------------------------------------


def main_columns(home: HomePage):
    """The main site's columns (sub-sites excluded), in tree order."""
    return (
        ColumnPage.objects.descendant_of(home)
        .exclude(path__startswith=_subsite_prefix(home))
        .order_by("path")
    )


def with_paths(home: HomePage, columns: Iterable[ColumnPage]) -> list[tuple[tuple[str, ...], ColumnPage]]:
    """Each column with its title path below ``home``; ``columns`` must come in tree order."""
    titles: dict[str, str] = {}
    out = []
    for c in columns:
        titles[c.path] = c.title
        steps = range(home.depth + 1, c.depth + 1)
        out.append((tuple(titles[c.path[: i * Page.steplen]] for i in steps), c))
    return out


def _column_values(spec: ColumnSpec) -> dict:
    return {
        "content_description": spec.content,
        "frequency_text": spec.frequency_text,
        "frequency": spec.frequency.to_dict() if spec.frequency is not None else None,
        "supply_method": spec.supply_method,
        "link_url": spec.url,
        "note": spec.note,
        "responsible_text": spec.responsible_text,
        "unit_groups": list(spec.groups),
    }


def _units_for(spec: ColumnSpec, units: dict[str, Unit], groups: dict[str, Sequence[str]]) -> list[Unit]:
    """Named units, then every unit a group phrase (各责任单位…) covers: by kind or by code."""
    chosen = [units[c] for c in spec.units if c in units]
    members = {m for g in spec.groups for m in groups.get(g, ())}
    chosen += [u for u in units.values() if (u.kind in members or u.code in members) and u not in chosen]
    return chosen


def apply_columns(
    home: HomePage,
    specs: Sequence[ColumnSpec],
    units: dict[str, Unit],
    groups: dict[str, Sequence[str]],
    report: ApplyReport,
    ids: dict[tuple[str, ...], int] | None = None,
) -> None:
    existing = dict(with_paths(home, main_columns(home)))
    assignments: dict[ColumnPage, list[Unit]] = {}
    for spec in specs:
        page = existing.get(spec.path)
        if page is None and ids and ids.get(spec.path):
            # A row that keeps its 编号 but changed its name: the same column, renamed.
            page = main_columns(home).filter(pk=ids[spec.path]).first()
        values = _column_values(spec)
        wanted_units = _units_for(spec, units, groups)
        lead = [units[c] for c in spec.lead_units if c in units]
        if page is None:
            parent = home if len(spec.path) == 1 else existing[spec.path[:-1]]
            siblings = set(parent.get_children().values_list("slug", flat=True))
            page = ColumnPage(
                title=spec.path[-1], slug=slug_for(spec.path[-1], siblings), show_in_menus=True, **values
            )
            page.units.set(wanted_units)  # parental relations are written by add_child's save
            page.lead_units.set(lead)
            parent.add_child(instance=page)
            report.columns_created += 1
            assignments[page] = wanted_units
        else:
            changed = page.title != spec.path[-1]
            page.title = spec.path[-1]
            for name, value in values.items():
                if getattr(page, name) != value:
                    setattr(page, name, value)
                    changed = True
            if {u.pk for u in page.units.all()} != {u.pk for u in wanted_units} or {
                u.pk for u in page.lead_units.all()
            } != {u.pk for u in lead}:
                changed = True
            if changed:
                report.columns_updated += 1
                page.units.set(wanted_units)
                page.lead_units.set(lead)
                if page.latest_revision_id:
                    # Keep the edit view's revision in step with what the table says.
                    page.save_revision(log_action=True).publish(log_action=False)
                else:
                    page.save()
                assignments[page] = wanted_units
            else:
                report.columns_unchanged += 1
        existing[spec.path] = page
    set_page_units(assignments)
    listed = {s.path for s in specs}
    report.not_in_table = ["/".join(p) for p in existing if p not in listed]


def _subsite_prefix(home: HomePage) -> str:
    index = SubsiteIndexPage.objects.child_of(home).first()
    return index.path if index else "~"


@transaction.atomic
def apply_profile(profile: Profile) -> ApplyReport:
    report = ApplyReport()
    units = sync_units(profile, report)
    home = ensure_home(profile)
    apply_columns(home, profile.columns, units, profile.groups, report)
    refresh_role_groups(units.values())
    profile_applied.send(sender=HomePage, home=home, profile=profile)
    return report


def load(code: str) -> ApplyReport:
    return apply_profile(load_profile(code))


# --- the table as a spreadsheet ----------------------------------------------------------------------


def table_rows(home: HomePage, profile: Profile) -> list[list[str]]:
    header = list(profile.level_names) + EXTRA_HEADERS + [ID_HEADER]
    rows = [header]
    levels = len(profile.level_names)
    for path, c in with_paths(home, main_columns(home)):
        cells = list(path) + [""] * (levels - len(path))
        rows.append(
            cells[:levels]
            + [
                c.content_description,
                c.frequency_text,
                c.responsible_text,
                c.supply_method,
                c.link_url,
                c.note,
                str(c.pk),
            ]
        )
    return rows


def export_columns_xlsx(home: HomePage) -> bytes:
    from openpyxl.styles import Alignment, Font

    profile = load_profile(home.locality)
    wb = new_workbook()
    ws = wb.active
    ws.title = "栏目内容保障责任表"
    for row in table_rows(home, profile):
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip(
        "ABCDEFGHIJKLM", [14] * len(profile.level_names) + [50, 14, 30, 10, 24, 24, 8], strict=False
    ):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    return workbook_bytes(wb)


def read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ProfileError(
            [Problem("上传的表格", None, "", "无法读取为 .xlsx 工作簿，请确认文件未损坏且是 Excel 格式。")]
        ) from exc
    ws = wb.worksheets[0]
    rows = []
    for row in ws.iter_rows(values_only=True):
        cells = ["" if v is None else str(v).strip() for v in row]
        if any(cells):
            rows.append(cells)
    return rows


class UnknownUnits(Exception):
    """The table names units the site does not have yet; the site administrator may add them."""

    def __init__(self, names: list[str]):
        super().__init__("、".join(names))
        self.names = names


def add_units(locality: str, names: Iterable[str]) -> list[Unit]:
    """Add units named in an uploaded table (kind 责任单位), with codes made from their names."""
    codes = set(Unit.objects.filter(locality=locality).values_list("code", flat=True))
    order = Unit.objects.filter(locality=locality).count()
    added = []
    for name in names:
        code = slug_for(name, codes)
        added.append(
            Unit.objects.create(
                locality=locality, code=code, name=name, kind="department", sort_order=order + len(added)
            )
        )
    return added


@transaction.atomic
def import_columns_xlsx(home: HomePage, data: bytes, *, add_unknown_units: bool = False) -> ApplyReport:
    """Apply an edited responsibility table. Nothing is written unless every row is valid.

    What the export writes, the import accepts. Units the table names that the site does not know raise
    :class:`UnknownUnits` unless ``add_unknown_units`` (the administrator confirmed): then they are added."""
    profile = load_profile(home.locality)
    rows = read_xlsx(data)
    if not rows:
        raise ProfileError([Problem("上传的表格", None, "", "工作簿为空。")])
    header = rows[0]
    id_col = header.index(ID_HEADER) if ID_HEADER in header else None
    table = [[c for i, c in enumerate(r) if i != id_col] for r in rows]
    unknown: list[str] = []
    specs = parse_column_rows(
        table,
        level_names=profile.level_names,
        units=unit_specs(home.locality),
        groups=profile.groups,
        source="上传的表格",
        unknown_units=unknown,
    )
    added = []
    if unknown:
        if not add_unknown_units:
            raise UnknownUnits(unknown)
        added = add_units(home.locality, unknown)
        refresh_role_groups(added)
        specs = parse_column_rows(
            table,
            level_names=profile.level_names,
            units=unit_specs(home.locality),
            groups=profile.groups,
            source="上传的表格",
        )
    ids: dict[tuple[str, ...], int] = {}
    if id_col is not None:
        for spec, row in zip(specs, rows[1:], strict=True):
            raw = row[id_col] if id_col < len(row) else ""
            if raw.isdigit():
                ids[spec.path] = int(raw)
    report = ApplyReport()
    report.units_created += len(added)
    units = {u.code: u for u in Unit.objects.filter(locality=home.locality)}
    apply_columns(home, specs, units, profile.groups, report, ids)
    return report


# --- sub-sites ---------------------------------------------------------------------------------------


@transaction.atomic
def create_subsite(unit: Unit) -> SubsiteHomePage:
    existing = SubsiteHomePage.objects.filter(unit=unit).first()
    if existing:
        return existing
    home = home_for(unit.locality)
    if home is None:
        raise ValueError(f"地区配置 {unit.locality} 尚未加载，无法为{unit.name}建立子站。")
    index = SubsiteIndexPage.objects.child_of(home).first()
    subsite = SubsiteHomePage(title=unit.name, slug=unit.code, unit=unit)
    index.add_child(instance=subsite)
    subsite.save_revision().publish()
    siblings: set[str] = set()

    for title, content, freq in SUBSITE_COLUMNS:
        parsed = parse_frequency(freq)
        column = ColumnPage(
            title=title,
            slug=slug_for(title, siblings),
            content_description=content,
            frequency_text=freq,
            frequency=parsed.to_dict() if parsed else None,
            responsible_text=unit.name,
            show_in_menus=True,
        )
        column.units.set([unit])
        subsite.add_child(instance=column)
    set_page_units({subsite: [unit]})
    return subsite


__all__ = [
    "ApplyReport",
    "apply_profile",
    "create_subsite",
    "export_columns_xlsx",
    "home_for",
    "import_columns_xlsx",
    "load",
]
