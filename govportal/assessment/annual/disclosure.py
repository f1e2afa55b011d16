"""The 政府信息公开工作年度报告 (国办公开办函〔2021〕30号 format) of a unit or of the government.

- 表二 第二十条第（一）项 from the policy documents (``portal.PolicyDocumentPage``) of 体裁 规章 and
  规范性文件: 本年制发 = 成文日期 (else 发布日期) in the year; 本年废止 = 有效性 "已废止" with its change
  date in the year; 现行有效 = made by the year end and not 废止/失效 by then (a later change does not
  count back). A unit's documents are those it published (``unit``); the government's are all of the
  locality. The other cells of table 二 (许可、处罚、强制、收费) are typed in.
- 表三 is ``govportal.interaction.disclosure.annual_report`` (the one place it is computed).
- 表四 (行政复议、行政诉讼) is typed in; each group's 总计 is the sum of its four cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from govportal.interaction.disclosure import annual_report
from govportal.portal.columns import home_for
from govportal.portal.models import PolicyDocumentPage, Validity

from .figures import year_bounds
from .models import DisclosureReport

DOC_KINDS = [("规章", "规章"), ("规范性文件", "行政规范性文件")]
TABLE_TWO_COLUMNS = ["本年制发件数", "本年废止件数", "现行有效件数"]


@dataclass
class DisclosureTables:
    two: list[tuple[str, list[int]]]  # (体裁, [制发, 废止, 现行有效])
    two_typed: list[tuple[str, str, object]]  # (item, column, value)
    three_columns: list[str]
    three: list[tuple[str, list[int]]]
    four: list[tuple[str, list[int]]]


def policy_documents(locality: str, unit=None):
    home = home_for(locality)
    if home is None:
        return PolicyDocumentPage.objects.none()
    qs = PolicyDocumentPage.objects.live().filter(path__startswith=home.path)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs


def table_two(locality: str, year: int, unit=None) -> list[tuple[str, list[int]]]:
    start, end = year_bounds(year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = []
    for genre, label in DOC_KINDS:
        docs = policy_documents(locality, unit).filter(genre=genre)
        made_in = Q(date_written__gte=first, date_written__lte=last) | Q(
            date_written__isnull=True, date__gte=start, date__lt=end
        )
        made_by_end = Q(date_written__lte=last) | Q(date_written__isnull=True, date__lt=end)
        made = docs.filter(made_in).count()
        repealed = docs.filter(
            validity=Validity.REPEALED, validity_date__gte=first, validity_date__lte=last
        ).count()
        ended_by_end = Q(validity__in=[Validity.REPEALED, Validity.EXPIRED], validity_date__lte=last)
        valid = docs.filter(made_by_end).exclude(ended_by_end).count()
        rows.append((label, [made, repealed, valid]))
    return rows


def _amount(value) -> str:
    """万元 without trailing zeros: 12.5, 0."""
    from decimal import Decimal

    text = format(Decimal(value or 0).normalize(), "f")
    return text


def tables(report: DisclosureReport) -> DisclosureTables:
    three = annual_report(report.locality, report.year, unit=report.unit)
    return DisclosureTables(
        two=table_two(report.locality, report.year, report.unit),
        two_typed=[
            ("第二十条第（五）项 行政许可", "本年处理决定数量", report.licensing_decisions),
            ("第二十条第（六）项 行政处罚", "本年处理决定数量", report.penalty_decisions),
            ("第二十条第（六）项 行政强制", "本年处理决定数量", report.enforcement_decisions),
            ("第二十条第（八）项 行政事业性收费", "本年收费金额（万元）", _amount(report.fees_amount)),
        ],
        three_columns=three.columns,
        three=three.rows,
        four=report.table_four(),
    )


def as_json(t: DisclosureTables) -> dict:
    return {
        "two": [[label, values] for label, values in t.two],
        "two_typed": [[a, b, str(v)] for a, b, v in t.two_typed],
        "three_columns": t.three_columns,
        "three": [[label, values] for label, values in t.three],
        "four": [[label, values] for label, values in t.four],
    }


def from_json(data: dict) -> DisclosureTables:
    return DisclosureTables(
        two=[(a, b) for a, b in data.get("two", [])],
        two_typed=[tuple(r) for r in data.get("two_typed", [])],
        three_columns=data.get("three_columns", []),
        three=[(a, b) for a, b in data.get("three", [])],
        four=[(a, b) for a, b in data.get("four", [])],
    )


def current_tables(report: DisclosureReport) -> DisclosureTables:
    """The published copy once published; the live figures while a draft."""
    if report.published_at and report.snapshot:
        return from_json(report.snapshot)
    return tables(report)
