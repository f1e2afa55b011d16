"""The search form (public page and back office): what may be filtered, and the messages for bad input.

A value that cannot be used is reported in Chinese beside its field and left out of the search; the rest
of the search still runs, and everything typed stays in the form.
"""

from __future__ import annotations

from django import forms

from .indexing import item_models
from .service import Filters

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"]
DATE_ERROR = "日期格式应为“年-月-日”，如 2026-01-31。"
SORTS = [("relevance", "按相关度"), ("date", "按时间（新→旧）")]


def _validity_choices() -> list[tuple[str, str]]:

    seen: dict[str, str] = {}
    for model in item_models():
        try:
            f = model._meta.get_field("validity")
        except Exception:
            continue
        for value, label in f.choices or []:
            seen.setdefault(str(value), str(label))
    return list(seen.items())


def _kind_choices() -> list[tuple[str, str]]:

    return [(m._meta.model_name, str(m._meta.verbose_name)) for m in item_models()]


INDENT = "\u3000"  # a full-width space per level below the channel


def column_groups(columns) -> list:
    """The column choices: a column tree as ``(ref, level)`` pairs becomes one group per channel (labelled
    with the channel's name) holding the channel itself (全部) and its columns, indented by level; plain
    columns (no level) stay a flat list."""
    groups: list = []
    for item in columns:
        ref, level = item if isinstance(item, tuple) else (item, None)
        if level is None:
            groups.append((str(ref.pk), ref.title))
        elif level == 1:
            groups.append((ref.title, [(str(ref.pk), f"{ref.title}（全部）")]))
        elif groups and isinstance(groups[-1][1], list):
            groups[-1][1].append((str(ref.pk), INDENT * (level - 1) + ref.title))
    return groups


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield value, label


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, strip=True)
    column = forms.TypedChoiceField(label="栏目", required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label="发布单位", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="信息类型", required=False)
    validity = forms.ChoiceField(label="有效性", required=False)
    date_from = forms.DateField(label="发布日期自", required=False, input_formats=DATE_FORMATS)
    date_to = forms.DateField(label="至", required=False, input_formats=DATE_FORMATS)
    sort = forms.ChoiceField(label="排序", required=False, choices=SORTS)

    def __init__(self, data=None, *, columns=(), units=(), extra_column=None, **kwargs):
        super().__init__(data, **kwargs)
        column_choices = [("", "全部栏目")] + column_groups(columns)
        offered = {v for v, label in _flat(column_choices)}
        if extra_column is not None and str(extra_column.pk) not in offered:
            column_choices.append((str(extra_column.pk), extra_column.title))
        self.fields["column"].choices = column_choices
        self.fields["column"].error_messages["invalid_choice"] = (
            "所选栏目不存在或未公开，已在全部栏目中搜索。"
        )
        self.fields["unit"].choices = [("", "全部单位")] + [(str(u.pk), u.name) for u in units]
        self.fields["unit"].error_messages["invalid_choice"] = "所选单位不存在，已在全部单位中搜索。"
        self.fields["kind"].choices = [("", "全部类型")] + _kind_choices()
        self.fields["kind"].error_messages["invalid_choice"] = "所选信息类型不存在，已在全部类型中搜索。"
        self.fields["validity"].choices = [("", "不限")] + _validity_choices()
        self.fields["validity"].error_messages["invalid_choice"] = "所选有效性不存在，已不限有效性搜索。"
        self.fields["sort"].error_messages["invalid_choice"] = (
            "排序方式只能按相关度或按时间，已按相关度排序。"
        )
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = DATE_ERROR
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def usable(self) -> dict:
        """The cleaned values that passed, with the failing ones left out (``is_valid`` must run first)."""
        data = dict(getattr(self, "cleaned_data", {}) or {})
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "结束日期早于起始日期，已对调后搜索。")
            data["date_from"], data["date_to"] = end, start
        return data

    def filters(self, site_root_id: int | None) -> Filters:
        if not hasattr(self, "_usable"):
            self._usable = self.usable()
        data = self._usable
        return Filters(
            site_root_id=site_root_id,
            column_id=data.get("column"),
            unit_id=data.get("unit"),
            kind=data.get("kind") or None,
            validity=data.get("validity") or None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    @property
    def sort_order(self) -> str:
        return (getattr(self, "cleaned_data", {}) or {}).get("sort") or "relevance"
