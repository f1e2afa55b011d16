"""Assessment arithmetic (绩效考核计分): the profile's ``[assessment]`` table turned into score lines.

Pure Python, no Django. The Django app ``govportal.assessment`` collects the facts (items published,
text findings, overdue columns, overdue letters, an administrator's recorded findings) and hands them
here; what comes back is a list of :class:`Line` — one per point given or taken, each naming the fact
(``source``) that made it, the rule and the article — and the totals and ranking made from them.

The rules, as the seeds write them:

* 象山 (001 第十六条): text 1, image-and-text 2, video 3 points per item; the same item in several columns
  counts once, at its highest (:func:`item_lines`); −5 a typo or wrong wording, −10 a classified or
  out-of-scope document, −10 improper content (:func:`deduction_lines`).
* 酉阳 (002 第三十三、三十四条): a monthly ledger, a quarterly ranking; the cases of 第三十四条 as
  deductions from a base of 100 (the values are the platform's choice: the 考核办法 is not in the seed).
* 渭滨 (004 第十八、十九条): yearly, part of the 政务公开 assessment; values are the platform's choice.
* 钦州 (000 第三十三条): no points; every fact falls under one of the cases that bring a notice of
  criticism (``criticism`` code on the rule).

A profile table looks like::

    [assessment]
    article = "第十六条"
    notice_period = "quarter"       # month | quarter | year
    ledger_period = ""              # "month": a monthly ledger
    ranking_period = "year"
    base_points = 0
    [assessment.points]
    text = 1
    image = 2
    video = 3
    same_item_in_several_columns = "highest_once"
    [[assessment.rules]]
    code = "typo"
    points = -5
    text = "信息内容有错字、别字及其他错误表述"
    article = "第十六条（三）2"
    sources = ["finding:typo"]      # finding:<kind> | column_overdue | letter_overdue | manual
    criticism = ""                  # a code of [assessment] criticism (钦州)
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PERIODS = ("month", "quarter", "year")
MEDIA_KINDS = ("text", "image", "video")
MEDIA_LABELS = {"text": "纯文字信息", "image": "图文信息", "video": "视频信息"}
SOURCE_KINDS = ("finding", "column_overdue", "letter_overdue", "manual")

# Where the seed is silent the platform uses these (and says so).
DEFAULT_SECTION: dict[str, Any] = {
    "article": "",
    "organiser": "gov-office",
    "targets": ["town", "department"],
    "notice_period": "year",
    "ledger_period": "",
    "ranking_period": "year",
    "base_points": 0,
    "publish": "internal",
    "issue_roles": ["host_office"],
    "issue_article": "",
    "number_prefix": "",
    "points": {"text": 0, "image": 0, "video": 0, "same_item_in_several_columns": "highest_once"},
    "rules": [],
    "criticism": [],
}


class AssessmentRuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    code: str
    points: int
    text: str
    article: str
    sources: tuple[str, ...]
    criticism: str = ""

    def matches(self, source: str) -> bool:
        return source in self.sources


@dataclass(frozen=True)
class Rules:
    """The ``[assessment]`` table of one locality's profile, checked."""

    locality: str
    regulation: str
    article: str
    organiser: str
    targets: tuple[str, ...]
    notice_period: str
    ledger_period: str
    ranking_period: str
    base_points: int
    publish: str
    number_prefix: str
    issue_roles: tuple[str, ...]  # who may 印发 (issue) a notice or ranking: roles of the organiser's unit
    issue_article: str
    points: Mapping[str, int]
    points_article: str
    highest_once: bool
    rules: tuple[Rule, ...]
    criticism: Mapping[str, str]  # code -> text (钦州 第三十三条)
    criticism_article: str = ""
    from_profile: bool = True

    @classmethod
    def from_section(
        cls, section: Mapping[str, Any] | None, *, locality: str = "", regulation: str = ""
    ) -> Rules:
        raw = dict(DEFAULT_SECTION)
        from_profile = bool(section)
        raw.update(section or {})
        pts = dict(DEFAULT_SECTION["points"])
        pts.update(raw.get("points") or {})
        for key in ("notice_period", "ranking_period"):
            if raw[key] not in PERIODS:
                raise AssessmentRuleError(f"[assessment] {key} 须为 month、quarter 或 year：{raw[key]!r}")
        if raw["ledger_period"] not in ("", *PERIODS):
            raise AssessmentRuleError(
                f"[assessment] ledger_period 须为空或 month、quarter、year：{raw['ledger_period']!r}"
            )
        if raw["publish"] not in ("public", "internal"):
            raise AssessmentRuleError(f"[assessment] publish 须为 public 或 internal：{raw['publish']!r}")
        if not raw["issue_roles"]:
            raise AssessmentRuleError("[assessment] issue_roles 须至少列出一个可以印发考核结果的角色")
        criticism = {str(c["code"]): str(c["text"]) for c in raw.get("criticism") or []}
        rules = []
        for r in raw.get("rules") or []:
            sources = tuple(str(s) for s in r.get("sources") or ())
            for s in sources:
                if s.split(":", 1)[0] not in SOURCE_KINDS:
                    raise AssessmentRuleError(f"[[assessment.rules]] {r.get('code')}: 未知的来源 {s!r}")
            crit = str(r.get("criticism", ""))
            if crit and crit not in criticism:
                raise AssessmentRuleError(
                    f"[[assessment.rules]] {r.get('code')}: 未知的通报批评情形 {crit!r}"
                )
            rules.append(
                Rule(
                    code=str(r["code"]),
                    points=int(r.get("points", 0)),
                    text=str(r.get("text", "")),
                    article=str(r.get("article", raw["article"])),
                    sources=sources,
                    criticism=crit,
                )
            )
        return cls(
            locality=locality,
            regulation=regulation,
            article=str(raw["article"]),
            organiser=str(raw["organiser"]),
            targets=tuple(raw["targets"]),
            notice_period=raw["notice_period"],
            ledger_period=raw["ledger_period"],
            ranking_period=raw["ranking_period"],
            base_points=int(raw["base_points"]),
            publish=raw["publish"],
            number_prefix=str(raw["number_prefix"]),
            issue_roles=tuple(str(r) for r in raw["issue_roles"]),
            issue_article=str(raw["issue_article"] or raw["article"]),
            points={k: int(pts.get(k, 0)) for k in MEDIA_KINDS},
            points_article=str(pts.get("article", raw["article"])),
            highest_once=pts.get("same_item_in_several_columns", "highest_once") == "highest_once",
            rules=tuple(rules),
            criticism=criticism,
            criticism_article=str(raw.get("criticism_article", "")),
            from_profile=from_profile,
        )

    @property
    def counts_items(self) -> bool:
        return any(self.points.values())

    def rule_for(self, source: str) -> Rule | None:
        """The rule a fact of ``source`` (e.g. "finding:typo") falls under: the first that names it."""
        return next((r for r in self.rules if r.matches(source)), None)

    def manual_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.matches("manual")]

    def cite(self, article: str = "") -> str:
        """《regulation》article, as every message names it."""
        art = article or self.article
        return f"《{self.regulation}》{art}" if self.regulation else art


# --- periods ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    kind: str  # month | quarter | year
    year: int
    number: int = 1  # month 1-12, quarter 1-4, year: 1

    def __post_init__(self) -> None:
        if self.kind not in PERIODS:
            raise AssessmentRuleError(f"未知的考核周期：{self.kind!r}")
        top = {"month": 12, "quarter": 4, "year": 1}[self.kind]
        if not 1 <= self.number <= top:
            raise AssessmentRuleError(f"考核周期序号超出范围：{self.kind} {self.number}")

    @property
    def start(self) -> datetime.date:
        if self.kind == "month":
            return datetime.date(self.year, self.number, 1)
        if self.kind == "quarter":
            return datetime.date(self.year, 3 * self.number - 2, 1)
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period (inclusive)."""
        if self.kind == "month":
            return datetime.date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])
        if self.kind == "quarter":
            m = 3 * self.number
            return datetime.date(self.year, m, calendar.monthrange(self.year, m)[1])
        return datetime.date(self.year, 12, 31)

    def contains(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[self.number - 1]}季度"
        return f"{self.year}年度"

    def months(self) -> list[Period]:
        first = self.start.month
        return [Period("month", self.year, m) for m in range(first, self.end.month + 1)]

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> Period:
        if kind == "month":
            return cls(kind, day.year, day.month)
        if kind == "quarter":
            return cls(kind, day.year, (day.month - 1) // 3 + 1)
        return cls(kind, day.year, 1)

    def previous(self) -> Period:
        if self.kind == "year" or self.number == 1:
            top = {"month": 12, "quarter": 4, "year": 1}[self.kind]
            return Period(self.kind, self.year - 1, top)
        return Period(self.kind, self.year, self.number - 1)


def compute_kind(rules: Rules) -> str:
    """The period scores are computed for: the monthly ledger's month if the profile keeps one, else the
    notice period."""
    return rules.ledger_period or rules.notice_period


def periods_within(period: Period, kind: str) -> list[Period]:
    """The periods of ``kind`` inside ``period`` (a quarter's months, a year's quarters, or itself)."""
    order = {"month": 0, "quarter": 1, "year": 2}
    if order[kind] > order[period.kind]:
        return []
    if kind == period.kind:
        return [period]
    if kind == "month":
        return period.months()
    return [Period("quarter", period.year, q) for q in range(1, 5)]


# --- facts and lines ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """One item as it appears in one column. ``item_key`` is the same for every placement of one piece
    of information (an alias, a copy in another column): it is scored once, at its highest."""

    unit: Any
    item_key: Any
    page_id: int
    title: str
    column: str
    media_kind: str  # text | image | video
    day: datetime.date | None = None


@dataclass(frozen=True)
class Fact:
    """A finding, an overdue column or letter, or an administrator's recorded finding."""

    unit: Any
    source: str  # "finding:typo", "column_overdue", "letter_overdue", "manual"
    ref_type: str  # finding | column | letter | page | adjustment
    ref_id: Any
    label: str  # what it is, for a person: 「错别字“部暑”（某某通知）」
    day: datetime.date | None = None
    rule_code: str = ""  # a manual fact names its rule


@dataclass
class Line:
    unit: Any
    points: int
    kind: str  # item | duplicate | deduction | adjustment
    code: str
    label: str
    article: str
    ref_type: str
    ref_id: Any
    day: datetime.date | None = None
    criticism: str = ""


def item_lines(placements: Iterable[Placement], rules: Rules) -> list[Line]:
    """A line per placement: the highest placement of each item earns its points, every other placement
    of the same item a zero line that says where it was counted (第十六条（三）1 不重复计分，以最高分计)."""
    by_item: dict[Any, list[Placement]] = defaultdict(list)
    for p in placements:
        if p.media_kind not in MEDIA_KINDS:
            raise AssessmentRuleError(f"未知的信息形式：{p.media_kind!r}")
        by_item[(p.unit, p.item_key)].append(p)
    lines: list[Line] = []
    for (unit, _key), group in by_item.items():
        # highest points first; ties go to the earliest placement (lowest page id) so reruns agree
        group.sort(key=lambda p: (-rules.points[p.media_kind], p.page_id))
        best = group[0]
        lines.append(
            Line(
                unit=unit,
                points=rules.points[best.media_kind],
                kind="item",
                code=best.media_kind,
                label=f"{MEDIA_LABELS[best.media_kind]}《{best.title}》（{best.column}）",
                article=rules.points_article,
                ref_type="page",
                ref_id=best.page_id,
                day=best.day,
            )
        )
        for other in group[1:]:
            counted = rules.highest_once
            lines.append(
                Line(
                    unit=unit,
                    points=0 if counted else rules.points[other.media_kind],
                    kind="duplicate" if counted else "item",
                    code=other.media_kind,
                    label=(
                        f"同一信息《{other.title}》在“{other.column}”再次采用，已在“{best.column}”按最高分计，不重复计分"
                        if counted
                        else f"{MEDIA_LABELS[other.media_kind]}《{other.title}》（{other.column}）"
                    ),
                    article=rules.points_article,
                    ref_type="page",
                    ref_id=other.page_id,
                    day=other.day,
                )
            )
    return lines


def deduction_lines(facts: Iterable[Fact], rules: Rules) -> list[Line]:
    """A line per fact that a rule of the profile names; facts no rule names give no line."""
    lines = []
    for f in facts:
        if f.source == "manual":
            rule = next((r for r in rules.rules if r.code == f.rule_code and r.matches("manual")), None)
        else:
            rule = rules.rule_for(f.source)
        if rule is None:
            continue
        lines.append(
            Line(
                unit=f.unit,
                points=rule.points,
                kind="deduction",
                code=rule.code,
                label=f"{rule.text}：{f.label}" if f.label else rule.text,
                article=rule.article,
                ref_type=f.ref_type,
                ref_id=f.ref_id,
                day=f.day,
                criticism=rule.criticism,
            )
        )
    return lines


def score(placements: Iterable[Placement], facts: Iterable[Fact], rules: Rules) -> list[Line]:
    return item_lines(placements, rules) + deduction_lines(facts, rules)


@dataclass
class Total:
    unit: Any
    base: int = 0
    items: int = 0  # points from publishing
    deductions: int = 0  # negative or zero
    adjustments: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # line code -> how many
    rank: int = 0

    @property
    def total(self) -> int:
        return self.base + self.items + self.deductions + self.adjustments


def totals(units: Iterable[Any], lines: Iterable[Line], rules: Rules) -> list[Total]:
    """Each unit's total (units with no line too), ranked: highest first, equal totals share a rank
    (1, 2, 2, 4), ties listed in the order ``units`` gives."""
    order = list(units)
    out = {u: Total(unit=u, base=rules.base_points) for u in order}
    for line in lines:
        t = out.get(line.unit)
        if t is None:
            continue
        if line.kind == "item":
            t.items += line.points
        elif line.kind == "adjustment":
            t.adjustments += line.points
        elif line.kind == "deduction":
            t.deductions += line.points
        if line.kind != "duplicate":
            t.counts[line.code] += 1
    ranked = sorted(out.values(), key=lambda t: (-t.total, order.index(t.unit)))
    previous, rank = None, 0
    for i, t in enumerate(ranked, 1):
        if t.total != previous:
            rank, previous = i, t.total
        t.rank = rank
    return ranked
