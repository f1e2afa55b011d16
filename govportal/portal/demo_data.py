"""The demo content's data files: read and checked before anything is written.

One TOML file per kind of content in ``govportal/profiles/<code>/demo/`` (the README there describes them).
A missing column, an unknown unit, a bad date, a 文号 no policy carries: the message (Chinese) names the
file and the entry. What cannot exist yet (pictures, xlsx forms, policy pages) is left as a ``Make``.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.rules.profile import PROFILES_DIR, installed_profiles_dir

from .columns import main_columns, with_paths
from .data_tables import parse_rows, rows_from_text
from .models import (
    ArticlePage,
    Audience,
    ColumnPage,
    DataReleasePage,
    Genre,
    HomePage,
    InterpretationKind,
    InterpretationPage,
    LeaderProfilePage,
    MatterType,
    OrganisationPage,
    PolicyDocumentPage,
    PortalSettings,
    PressConferencePage,
    RepostPage,
    ServiceGuidePage,
    SpecialTopicPage,
    SubsiteHomePage,
    Validity,
)

# file → {array name: page model}, in the order the pages are created.
KINDS = {
    "news.toml": {"article": ArticlePage},
    "policies.toml": {"policy": PolicyDocumentPage},
    "interpretations.toml": {"interpretation": InterpretationPage},
    "services.toml": {"service": ServiceGuidePage},
    "organisation.toml": {"leader": LeaderProfilePage, "organisation": OrganisationPage},
    "data.toml": {"release": DataReleasePage},
    "press.toml": {"conference": PressConferencePage},
    "topics.toml": {"topic": SpecialTopicPage},
    "reposts.toml": {"repost": RepostPage},
}
SUBSITE_KINDS = {"article": ArticlePage, "policy": PolicyDocumentPage}  # subsites.toml, for every sub-site
PARAGRAPHS = {"body", "conditions", "duties", "resume", "functions", "transcript"}
DATES = {"date_written", "validity_date", "original_date", "held_at"}
PICTURES = {"image", "photo", "banner"}
POLICY_REFS = {"policy", "related_policies", "changed_by"}
CHOICES = {"genre": Genre, "validity": Validity, "matter_type": MatterType, "audience": Audience}
SHAPES = ("hills", "portrait", "hall", "banner")
_RELATIVE = re.compile(r"^((?:\d+(?:\.\d+)?(?:天|小时|分钟))+)([前后])$")
_STEP = re.compile(r"(\d+(?:\.\d+)?)(天|小时|分钟)")
_UNITS = {"天": "days", "小时": "hours", "分钟": "minutes"}


class DemoDataError(ValueError):
    """A demo data file that cannot be used; the message (Chinese) names the file and the entry."""


class Make:
    """A picture (``picture``: title, size, colours, shape) or an xlsx document (``document``: title,
    filename, sheet, rows) made when its page is created; ``pk``: the StreamField wants its id."""

    def __init__(self, kind: str, spec: dict, pk: bool = False):
        self.kind, self.spec, self.pk = kind, spec, pk


def demo_dir(code: str) -> Path:
    shipped = PROFILES_DIR / code / "demo"
    return shipped if shipped.is_dir() else installed_profiles_dir() / code / "demo"


def relative(text) -> timedelta | None:
    """ "30天前", "3小时后", "19天22小时前" as a signed time from now; None when it is not so written."""
    if not isinstance(text, str) or (m := _RELATIVE.match(text)) is None:
        return None
    delta = sum((timedelta(**{_UNITS[u]: float(n)}) for n, u in _STEP.findall(m[1])), timedelta())
    return -delta if m[2] == "前" else delta


def body(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _named(value, subsite: str):
    """``{子站}`` replaced by the sub-site's name, everywhere in an entry."""
    if isinstance(value, str):
        return value.replace("{子站}", subsite)
    if isinstance(value, list):
        return [_named(v, subsite) for v in value]
    return {k: _named(v, subsite) for k, v in value.items()} if isinstance(value, dict) else value


class _Entry:
    """One entry of a data file, with the checks that name it in their message."""

    def __init__(self, where: str, data: dict):
        self.where, self.data = where, dict(data)
        if not isinstance(self.data.get("title"), str) or not self.data["title"]:
            self.fail("缺少标题（title）")
        self.where += f"「{self.data['title']}」"
        self.table = self.data.get("table", [])

    def fail(self, what: str):
        raise DemoDataError(f"演示数据 {self.where}：{what}")

    def pop(self, key, kind=str, default=None, required=False):
        value = self.data.pop(key, default)
        if (required and value is None) or (value is not None and not isinstance(value, kind)):
            self.fail(f"「{key}」缺失或写法不对（应为{ {str: '文字', list: '列表'}.get(kind, '数字') }）")
        return value

    def day(self, key, value):
        if isinstance(value, datetime):
            return timezone.make_aware(value) if timezone.is_naive(value) else value
        if isinstance(value, date):
            return value
        if (delta := relative(value)) is None:
            self.fail(f"日期「{key} = {value}」无法识别，应写成 2026-01-31 或 “30天前”")
        return timezone.now() + delta if key == "held_at" else date.today() + delta


class DemoData:
    """The checked content of one locality's demo folder: ``pages`` is a list of
    (parent column, model, title, days ago, fields, child pages), ``settings`` the site settings."""

    def __init__(self, home: HomePage):
        self.home, self.folder = home, demo_dir(home.locality)
        self.paths = {"/".join(p): c for p, c in with_paths(home, main_columns(home))}
        self.units = {u.name: u for u in Unit.objects.filter(locality=home.locality)}
        files = {name: self._read(name) for name in [*KINDS, "settings.toml", "subsites.toml"]}
        self.forms = {f.get("title"): f for f in files["services.toml"].get("form", [])}
        self.numbers = {p.get("document_number") for p in files["policies.toml"].get("policy", [])}
        self.profiles = files["organisation.toml"].get("profile", {})
        pages = [self._page(m, e) for n, kinds in KINDS.items() for m, e in self._entries(n, files[n], kinds)]
        for subsite in SubsiteHomePage.objects.descendant_of(home):
            for model, entry in self._entries("subsites.toml", files["subsites.toml"], SUBSITE_KINDS):
                entry.data = _named(entry.data, subsite.title)
                own = ColumnPage.objects.child_of(subsite).filter(title=entry.data.pop("column", "")).first()
                pages.append(self._page(model, entry, parent=own, placed=True, unit=subsite.unit))
        self.pages = [p for p in pages if p[0] is not None]
        self.settings = files["settings.toml"]
        for key in self.settings:
            if not hasattr(PortalSettings, key):
                raise DemoDataError(f"演示数据 settings.toml：未知的网站设置项「{key}」")

    def _read(self, name: str) -> dict:
        path = self.folder / name
        try:
            return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except tomllib.TOMLDecodeError as exc:
            raise DemoDataError(f"演示数据 {name} 格式有误：{exc}") from exc

    def _entries(self, name: str, data: dict, kinds: dict):
        for key in data:
            if key not in kinds and key not in ("form", "profile"):
                raise DemoDataError(f"演示数据 {name}：未知的内容「[[{key}]]」，可用的有 {'、'.join(kinds)}")
        for key, model in kinds.items():
            for i, item in enumerate(data.get(key, []), 1):
                yield model, _Entry(f"{name} [[{key}]] 第{i}条", item)

    def _page(self, model, entry: _Entry, parent=None, placed=False, unit=None):
        title, ago = entry.data.pop("title"), entry.pop("days_ago", int | float, required=True)
        if (name := entry.pop("subsite")) is not None:  # a column of that unit's sub-site, if it has one
            subsite = SubsiteHomePage.objects.filter(
                unit__name=name, unit__locality=self.home.locality
            ).first()
            column = entry.pop("column", required=True)
            parent = ColumnPage.objects.child_of(subsite).filter(title=column).first() if subsite else None
        elif not placed:
            path = entry.pop("column", required=True)
            if (parent := self.paths.get(path)) is None:
                entry.fail(f"栏目「{path}」不存在（栏目路径见 columns.tsv，用“/”分隔）")
        if (profile := entry.pop("profile")) is not None:
            if profile not in self.profiles:
                entry.fail(f'找不到机构「{profile}」（应在 [profile."{profile}"] 中写明）')
            entry.data = {**self.profiles[profile], **entry.data}
        children = [
            self._page(ArticlePage, _Entry(f"{entry.where} 下的文章", a), placed=True)
            for a in entry.pop("article", list, [])
        ]
        fields = {"unit": unit} if unit is not None else {}
        for key in list(entry.data):
            fields.update(self._field(model, entry, key, entry.data.pop(key)))
        return parent, model, title, ago, fields, children

    def _field(self, model, entry: _Entry, key: str, value) -> dict:
        if key == "unit":
            if value not in self.units:
                entry.fail(f"单位「{value}」不在本地区画像（profile.toml）的单位中")
            return {key: self.units[value]}
        if key in PARAGRAPHS:
            return {key: body(*value) if isinstance(value, list) else entry.fail(f"「{key}」应为段落列表")}
        if key in DATES:
            return {key: entry.day(key, value)}
        if key in PICTURES:
            return {key: self.picture(entry, value)}
        if key in POLICY_REFS:
            for number in value if isinstance(value, list) else [value]:
                if number not in self.numbers:
                    entry.fail(f"文号「{number}」不在 policies.toml 中")
            return {key: value}
        if key in CHOICES or (key == "form" and model is InterpretationPage):
            kinds = CHOICES.get(key, InterpretationKind)
            if (found := next((c for c, label in kinds.choices if value in (c, label)), None)) is None:
                entry.fail(f"「{key} = {value}」不是可选值（{'、'.join(kinds.labels)}）")
            return {key: found}
        if key in STREAMS:
            return STREAMS[key](self, entry, value)
        try:
            model._meta.get_field(key)
        except FieldDoesNotExist:
            entry.fail(f"未知的项「{key}」")
        return {key: value}

    def picture(self, entry: _Entry, spec, pk=False) -> Make:
        if not (
            isinstance(spec, dict)
            and spec.get("title")
            and len(spec.get("size", ())) == 2
            and len(spec.get("colours", ())) == 2
            and spec.get("shape") in SHAPES
        ):
            entry.fail(
                f"图片应写明 title、size = [宽, 高]、colours = [两种颜色] 和 shape（{'、'.join(SHAPES)}）"
            )
        return Make("picture", spec, pk)

    def form(self, entry: _Entry, title) -> Make | None:
        if title is None:
            return None
        if (form := self.forms.get(title)) is None or not form.get("filename"):
            entry.fail(f"表格「{title}」不在 services.toml 的 [[form]] 中（或缺少 filename）")
        rows = [form.get("header", []), *form.get("rows", [])]
        return Make(
            "document",
            {"title": title, "filename": form["filename"], "sheet": form.get("sheet", ""), "rows": rows},
            True,
        )


def _blocks(kind: str, name: str, make):
    """A list of inline tables as a StreamField of ``kind`` blocks (raw data)."""
    return lambda data, entry, items: {name: [{"type": kind, "value": make(data, entry, i)} for i in items]}


def _table(data, entry, rows):
    text = "\n".join("\t".join(str(c) for c in r) for r in rows)
    return {"data_text": text, "data": parse_rows(rows_from_text(text)).to_dict()}


def _data_file(data, entry, spec):
    if not isinstance(spec, dict) or not spec.get("title") or not spec.get("filename"):
        entry.fail("data_file 应写明 title 和 filename")
    return {"data_file": Make("document", {**spec, "sheet": "", "rows": entry.table})}


def _section(data, entry, s):
    kind, value = s.get("type"), {k: v for k, v in s.items() if k != "type"}
    if kind == "items":
        if (column := data.paths.get(s.get("source"))) is None:
            entry.fail(f"专题板块的栏目「{s.get('source')}」不存在")
        value["source"] = column.pk
    elif kind == "text":
        value["body"] = body(*s.get("body", []))
    elif kind != "links":
        entry.fail(f"专题板块类型「{kind}」不对（应为 items、text 或 links）")
    return {"type": kind, "value": value}


def _material(data, entry, m):
    defaults = {"basis": "", "form": "原件", "copies": 1, "signature": "", "necessity": "必要", "note": ""}
    return {
        **defaults,
        **m,
        "blank_form": data.form(entry, m.get("blank_form")),
        "sample": data.form(entry, m.get("sample")),
    }


STREAMS = {  # key in the data file → the page's field(s)
    "material": _blocks("material", "materials", _material),
    "step": _blocks("step", "process", lambda d, e, s: {"description": "", "time_limit": "", **s}),
    "form_file": _blocks(
        "form", "form_files", lambda d, e, f: {"title": "", **f, "document": d.form(e, f["document"])}
    ),
    "internal_body": _blocks("body", "internal_bodies", lambda d, e, b: b),
    "photos": _blocks(
        "photo", "photos", lambda d, e, p: {**p, "image": d.picture(e, p.get("image"), pk=True)}
    ),
    "section": lambda d, e, items: {"sections": [_section(d, e, s) for s in items]},
    "participants": lambda d, e, lines: {"participants": "\n".join(lines)},
    "table": _table,
    "data_file": _data_file,
}


def read_demo_file(code: str, name: str) -> dict:
    """One data file of a locality's demo folder (``{}`` when it has none), for the apps' own demo data."""
    path = demo_dir(code) / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except tomllib.TOMLDecodeError as exc:
        raise DemoDataError(f"演示数据 {name} 格式有误：{exc}") from exc
