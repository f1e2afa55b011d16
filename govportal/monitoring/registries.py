"""The registries behind the text check: seeding from the shipped starter lists, import from the shipped
file formats (TSV / TOML / one domain a line), export to xlsx, and the version bump on every change."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from govportal.exports import new_workbook, workbook_bytes
from govportal.portal.signals import profile_applied
from govportal.textcheck import lexicon
from govportal.textcheck.lexicon import data_file, normalise_domain

from .models import (
    REGISTRY_MODELS,
    AllowedDomain,
    BlockedDomain,
    FixedExpression,
    Leader,
    RegistryVersion,
    SensitiveWord,
    split_list,
)


@dataclass(frozen=True)
class RegistryKind:
    code: str
    label: str
    model: type
    key: str  # natural key field (with locality)
    file: str  # shipped starter file
    fmt: str  # tsv | toml | domains
    columns: tuple[tuple[str, str], ...]  # (field, Chinese header) for xlsx


KINDS: dict[str, RegistryKind] = {
    k.code: k
    for k in (
        RegistryKind(
            "sensitive",
            "敏感词库",
            SensitiveWord,
            "term",
            "sensitive.tsv",
            "tsv",
            (
                ("term", "词语"),
                ("category", "类别"),
                ("severity", "严重程度"),
                ("suggestion", "修改建议"),
                ("note", "说明"),
                ("exceptions", "例外"),
            ),
        ),
        RegistryKind(
            "expressions",
            "规范表述库",
            FixedExpression,
            "wrong",
            "expressions.tsv",
            "tsv",
            (
                ("wrong", "错误写法"),
                ("correct", "正确写法"),
                ("category", "类别"),
                ("severity", "严重程度"),
                ("note", "说明"),
                ("exceptions", "例外"),
            ),
        ),
        RegistryKind(
            "leaders",
            "领导人姓名职务库",
            Leader,
            "name",
            "leaders.toml",
            "toml",
            (
                ("name", "姓名"),
                ("titles", "现任职务"),
                ("outdated", "已不再担任的职务"),
                ("severity", "严重程度"),
                ("note", "说明"),
            ),
        ),
        RegistryKind(
            "blocked",
            "链接黑名单",
            BlockedDomain,
            "domain",
            "blocked_domains.txt",
            "domains",
            (("domain", "域名"), ("note", "说明")),
        ),
        RegistryKind(
            "allowed",
            "非政府网站链接白名单",
            AllowedDomain,
            "domain",
            "allowed_link_domains.txt",
            "domains",
            (("domain", "域名"), ("note", "说明")),
        ),
    )
}


class ImportError_(ValueError):
    """A file that cannot be imported; the message (Chinese) says which line and why."""


@dataclass
class ImportReport:
    kind: RegistryKind
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"{self.kind.label}：新增 {self.created} 条，更新 {self.updated} 条，未变 {self.unchanged} 条"


def _domain_rows(text: str) -> list[dict]:
    rows = []
    for line in text.splitlines():
        content, _, comment = line.partition("#")
        domain = content.strip()
        if domain:
            rows.append({"domain": normalise_domain(domain), "note": comment.strip()})
    return rows


def parse(kind: RegistryKind, text: str) -> list[dict]:
    """Rows (model field → value) from a file in the shipped format; ``ValueError`` with a Chinese message
    naming the problem when it does not parse (the pure package validates every entry)."""

    text = text.lstrip("\ufeff")
    if kind.fmt == "domains":
        return _domain_rows(text)
    try:
        if kind.code == "sensitive":
            items = lexicon.load_sensitive(text)
        elif kind.code == "expressions":
            items = lexicon.load_expressions(text)
        else:
            items = lexicon.load_leaders(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportError_(
            f"{kind.label}文件格式有误（应为 TOML，格式同起步清单 leaders.toml）：{exc}"
        ) from exc
    except ValueError as exc:
        raise ImportError_(f"{kind.label}文件有误：{exc}") from exc
    rows = []
    for item in items:
        if kind.code == "sensitive":
            rows.append(
                {
                    "term": item.term,
                    "category": item.category,
                    "severity": item.severity,
                    "suggestion": item.suggestion or "",
                    "note": item.note,
                    "exceptions": "\n".join(item.exceptions),
                }
            )
        elif kind.code == "expressions":
            rows.append(
                {
                    "wrong": item.wrong,
                    "correct": item.correct,
                    "category": item.category,
                    "severity": item.severity,
                    "note": item.note,
                    "exceptions": "\n".join(item.exceptions),
                }
            )
        else:
            rows.append(
                {
                    "name": item.name,
                    "titles": "\n".join(item.titles),
                    "outdated": "\n".join(item.outdated),
                    "severity": item.severity,
                    "note": item.note,
                }
            )
    return rows


def upsert(
    kind: RegistryKind,
    rows: Iterable[dict],
    locality: str = "",
    *,
    shipped: bool = False,
    update: bool = True,
) -> ImportReport:
    """Create the entries that are missing and (``update``) bring existing ones in line with ``rows``."""
    report = ImportReport(kind)
    model = kind.model
    existing = {getattr(o, kind.key): o for o in model.objects.filter(locality=locality)}
    new = []
    seen = set()
    for i, row in enumerate(rows):
        key = row[kind.key]
        if key in seen:
            report.problems.append(f"第{i + 1}条“{key}”重复，只用第一条")
            continue
        seen.add(key)
        obj = existing.get(key)
        if obj is None:
            new.append(model(locality=locality, shipped=shipped, **row))
            continue
        if not update:
            report.unchanged += 1
            continue
        changed = [k for k, v in row.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, row[k])
            obj.save()
            report.updated += 1
        else:
            report.unchanged += 1
    model.objects.bulk_create(new, batch_size=500)
    report.created = len(new)
    if new:
        RegistryVersion.bump()  # bulk_create sends no post_save
    return report


def seed_registries(*, update: bool = False) -> list[ImportReport]:
    """Copy the shipped starter lists (``govportal/textcheck/data``) into the registries, for every site.

    Idempotent: entries already present are left as administrators edited them (``update=True`` resets
    them to the shipped values). A starter entry an administrator deleted comes back; to stop using one,
    untick “启用”."""

    reports = []
    with transaction.atomic():
        for kind in KINDS.values():
            rows = parse(kind, data_file(kind.file).read_text(encoding="utf-8"))
            reports.append(upsert(kind, rows, "", shipped=True, update=update))
        state, _ = RegistryVersion.objects.get_or_create(key=RegistryVersion.KEY)
        RegistryVersion.objects.filter(pk=state.pk).update(seeded_at=timezone.now())
        RegistryVersion.bump()
    return reports


def ensure_seeded() -> bool:
    """Seed the starter lists the first time the registries are used; True when it seeded now."""
    if RegistryVersion.objects.filter(key=RegistryVersion.KEY, seeded_at__isnull=False).exists():
        return False
    seed_registries()
    return True


def import_file(code: str, content: bytes, locality: str = "") -> ImportReport:
    kind = KINDS[code]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ImportError_("无法识别文件编码，请另存为 UTF-8 文本后重新上传。") from exc
    rows = parse(kind, text)
    if not rows:
        raise ImportError_(f"文件中没有{kind.label}条目（空行和以 # 开头的注释行不算）。")
    with transaction.atomic():
        return upsert(kind, rows, locality)


def export_xlsx(locality: str | None = None) -> bytes:
    """Every registry, one sheet each (with 适用地区 and 启用), for administrators to review offline."""
    from openpyxl.styles import Font

    wb = new_workbook()
    wb.remove(wb.active)
    for kind in KINDS.values():
        ws = wb.create_sheet(kind.label[:31])
        headers = [h for _, h in kind.columns] + ["适用地区", "启用", "来自起步清单", "修改时间"]
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        qs = kind.model.objects.all()
        if locality:
            qs = qs.filter(locality__in=["", locality])
        for obj in qs:
            cells = []
            for name, _ in kind.columns:
                value = getattr(obj, name)
                if name in ("titles", "outdated", "exceptions"):
                    value = (
                        "、".join(split_list(value)) if name != "exceptions" else "|".join(split_list(value))
                    )
                elif name == "severity":
                    value = obj.get_severity_display()
                cells.append(value)
            cells += [
                obj.locality or "全部网站",
                "是" if obj.enabled else "否",
                "是" if obj.shipped else "否",
                timezone.localtime(obj.updated_at).strftime("%Y-%m-%d %H:%M"),
            ]
            ws.append(cells)
        ws.freeze_panes = "A2"
        for col, width in zip("ABCDEFGHIJ", (24, 24, 14, 12, 30, 30, 12, 8, 10, 18), strict=False):
            ws.column_dimensions[col].width = width
    return workbook_bytes(wb)


def on_registry_change(sender, **kwargs) -> None:
    RegistryVersion.bump()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in REGISTRY_MODELS:
        post_save.connect(on_registry_change, sender=model, dispatch_uid=f"textcheck-bump-{model.__name__}")
        post_delete.connect(
            on_registry_change, sender=model, dispatch_uid=f"textcheck-bump-del-{model.__name__}"
        )
    profile_applied.connect(_on_profile_applied, dispatch_uid="textcheck-profile-applied")


def _on_profile_applied(sender=None, **kwargs) -> None:
    RegistryVersion.bump()
