"""What assessment hands out: the notice of results per unit (通报), the ranking notice, 钦州's notice of
criticism, the responsibility letter — as ``govportal.documents.OfficialDocument`` — and the xlsx ranking
and monthly ledger through ``govportal.exports``."""

from __future__ import annotations

import datetime

from django.utils import timezone

from govportal import documents as docs
from govportal.accounts.models import Unit
from govportal.exports import sheets_bytes
from govportal.rules.assessment import MEDIA_LABELS, Period, compute_kind, periods_within

from . import facts as facts_mod
from .models import LineKind
from .scoring import Standing, standing

SOURCE_LABELS = {
    "page": "信息",
    "finding": "错敏检查",
    "column": "栏目",
    "letter": "信件",
    "adjustment": "调整记录",
}


def _units_by_code(locality: str):
    return {u.code: u for u in Unit.objects.filter(locality=locality)}


def organiser_name(locality: str, rules) -> str:
    """The organiser's full name for a document's 发文机关标志: a unit the profile names locally
    (“市人民政府办公室”) gets its locality (“钦州市人民政府办公室”)."""
    unit = _units_by_code(locality).get(rules.organiser)
    if unit is None:
        return "主办单位"
    profile = facts_mod._profile(locality)
    place = profile.name if profile else ""
    if place and not unit.name.startswith(place) and unit.name[:1] == place[-1:]:
        return place[:-1] + unit.name
    return unit.name


def site_name(locality: str) -> str:
    profile = facts_mod._profile(locality)
    return profile.site_name if profile else "政府门户网站"


def document_number(rules, period: Period) -> str:
    """The 文号 the platform proposes: the profile's prefix, the year, the period's number."""
    prefix = rules.number_prefix or "考核"
    return f"{prefix}〔{period.year}〕{period.number}号"


def _header(s: Standing):
    rules = s.rules
    organiser = organiser_name(s.locality, rules)
    number = s.issue.document_number if s.issue else document_number(rules, s.period)
    return organiser, f"{organiser}文件", number


def _day(s: Standing, day: datetime.date | None) -> datetime.date:
    """The document's date: the one asked for, else the day it was issued (印发), else today."""
    if day:
        return day
    if s.issue is not None:
        return timezone.localdate(s.issue.issued_at)
    return timezone.localdate()


def unit_table(s: Standing, unit) -> list[list]:
    t = s.total_of(unit)
    rows = [["项目", "数量", "分值"]]
    if s.rules.base_points:
        rows.append(["基础分", "", s.rules.base_points])
    if s.rules.counts_items:
        for kind in ("text", "image", "video"):
            n = t.counts.get(kind, 0)
            rows.append([MEDIA_LABELS[kind], n, n * s.rules.points[kind]])
    for rule in s.rules.rules:
        n = t.counts.get(rule.code, 0)
        if n:
            rows.append([rule.text, n, n * rule.points])
    adj = sum(line.points for line in s.lines_of(unit) if line.kind == LineKind.ADJUSTMENT)
    if adj or any(line.kind == LineKind.ADJUSTMENT for line in s.lines_of(unit)):
        rows.append(["管理员调整", "", adj])
    rows.append(["合计", "", t.total])
    rows.append(["名次", "", f"{t.rank}/{len(s.totals)}"])
    return rows


def notice_document(s: Standing, unit, *, day: datetime.date | None = None) -> docs.OfficialDocument:
    """The notice of results (通报) of ``unit`` for the standing's period."""
    rules = s.rules
    organiser, mark, number = _header(s)
    lines = s.lines_of(unit)
    # the deductions first (most points first), then the problems listed without points
    problems = sorted(
        (line for line in lines if line.kind == LineKind.DEDUCTION and not line.cancelled_by_id),
        key=lambda line: (line.points, line.day or datetime.date.min),
    )
    adjustments = [line for line in lines if line.kind == LineKind.ADJUSTMENT]
    body: list = [
        docs.paragraph(
            f"根据{rules.cite()}，现将{s.period.label}你单位{site_name(s.locality)}内容保障考核情况通报如下。"
        ),
        docs.heading("一、考核结果"),
        docs.table(unit_table(s, unit)),
    ]
    if s.missing:
        body.append(
            docs.paragraph("说明：" + "、".join(p.label for p in s.missing) + "尚未计算，未计入本通报。")
        )
    body.append(docs.heading("二、存在的问题"))
    if problems:
        for i, line in enumerate(problems, 1):
            pts = f"，{line.points}分" if line.points else ""
            body.append(docs.paragraph(f"{i}.{line.label}（{line.article}{pts}）"))
    else:
        body.append(docs.paragraph("本期未发现问题。"))
    if adjustments:
        body.append(docs.heading("三、分数调整"))
        for line in adjustments:
            body.append(docs.paragraph(f"{line.label}，{line.points:+d}分。"))
    body.append(docs.heading("四、工作要求" if adjustments else "三、工作要求"))
    body.append(
        docs.paragraph("请对照上述问题逐项整改，整改情况及时报送" + organiser + "。")
        if problems
        else docs.paragraph("请继续做好网站内容保障工作。")
    )
    return docs.OfficialDocument(
        issuer_mark=mark,
        number=number,
        title=f"关于{s.period.label}{site_name(s.locality)}内容保障考核情况的通报",
        addressee=unit.name,
        body=body,
        signature=organiser,
        date=_day(s, day),
    )


def problem_counts(s: Standing) -> dict[int, int]:
    """Unit id -> how many problems (deduction lines, scored or listed only, not cancelled) it has."""
    out: dict[int, int] = {}
    for line in s.lines:
        if line.kind == LineKind.DEDUCTION and not line.cancelled_by_id:
            out[line.unit_id] = out.get(line.unit_id, 0) + 1
    return out


def ranking_rows(s: Standing) -> list[list]:
    """The ranking table; 问题（项） counts the problems found, which is all a profile without points (钦州
    第三十三条: cases of a notice of criticism) has to show."""
    head = ["名次", "单位"]
    if s.rules.base_points:
        head.append("基础分")
    if s.rules.counts_items:
        head.append("发布得分")
    head += ["问题（项）", "扣分", "调整", "总分"]
    rows = [head]
    problems = problem_counts(s)
    for t in s.totals:
        row = [t.rank, t.unit.name]
        if s.rules.base_points:
            row.append(t.base)
        if s.rules.counts_items:
            row.append(t.items)
        row += [problems.get(t.unit.pk, 0), t.deductions, t.adjustments, t.total]
        rows.append(row)
    return rows


def ranking_chart_svg(s: Standing, top: int = 30) -> str:
    """A horizontal bar chart of the totals (negative totals to the left of zero), as inline SVG with a
    text description; every name and number is escaped. The web page draws the same with ECharts."""
    from html import escape

    shown = s.totals[:top]
    if not shown:
        return ""
    values = [t.total for t in shown]
    lo, hi = min(0, *values), max(0, *values)
    span = (hi - lo) or 1
    width, label_w, row_h, head = 640, 200, 18, 30
    plot_w = width - label_w - 50
    height = head + row_h * len(shown) + 10
    zero_x = label_w + plot_w * (0 - lo) / span
    title = f"{s.period.label}考核得分"
    desc = "；".join(f"{t.unit.name}{t.total}分" for t in shown)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" width="{width}" height="{height}">',
        f"<title>{escape(title)}：{escape(desc)}</title>",
        f'<text x="0" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{zero_x:.1f}" x2="{zero_x:.1f}" y1="{head - 4}" y2="{height - 6}" stroke="#555"/>',
    ]
    for i, t in enumerate(shown):
        y = head + i * row_h
        x1 = label_w + plot_w * (min(0, t.total) - lo) / span
        w = plot_w * abs(t.total) / span
        colour = "#0b4f8a" if t.total >= 0 else "#b3141b"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" font-size="11" text-anchor="end">{escape(t.unit.name[:16])}</text>'
        )
        parts.append(
            f'<rect x="{x1:.1f}" y="{y + 2}" width="{max(w, 0.5):.1f}" height="{row_h - 6}" fill="{colour}"/>'
        )
        if t.total >= 0:
            parts.append(f'<text x="{x1 + w + 4:.1f}" y="{y + 12}" font-size="10">{t.total}</text>')
        else:  # inside the bar, in white, clear of the unit names
            parts.append(f'<text x="{x1 + 4:.1f}" y="{y + 12}" font-size="10" fill="#fff">{t.total}</text>')
    parts.append("</svg>")
    return "".join(parts)


def ranking_document(s: Standing, *, day: datetime.date | None = None) -> docs.OfficialDocument:
    organiser, mark, number = _header(s)
    body: list = [
        docs.paragraph(
            f"根据{s.rules.cite()}，现将{s.period.label}各单位{site_name(s.locality)}内容保障考核结果通报如下。"
        ),
        docs.heading("一、考核排名"),
        docs.table(ranking_rows(s)),
        docs.chart(ranking_chart_svg(s)),
    ]
    if s.missing:
        body.append(
            docs.paragraph("说明：" + "、".join(p.label for p in s.missing) + "尚未计算，未计入本排名。")
        )
    body.append(docs.heading("二、工作要求"))
    body.append(docs.paragraph("各单位要对照考核中发现的问题认真整改，切实做好网站内容保障工作。"))
    return docs.OfficialDocument(
        issuer_mark=mark,
        number=number,
        title=f"关于{s.period.label}{site_name(s.locality)}内容保障考核结果的通报",
        addressee="各责任单位",
        body=body,
        signature=organiser,
        date=_day(s, day),
    )


def criticism_cases(s: Standing, unit) -> dict[str, list]:
    """钦州 第三十三条: the cases a unit falls under in the period, each with the lines that show it."""
    out: dict[str, list] = {}
    for line in s.lines_of(unit):
        if line.criticism and not line.cancelled_by_id:
            out.setdefault(line.criticism, []).append(line)
    return out


def criticism_document(
    s: Standing, unit, *, day: datetime.date | None = None
) -> docs.OfficialDocument | None:
    cases = criticism_cases(s, unit)
    if not cases:
        return None
    rules = s.rules
    organiser, mark, number = _header(s)
    article = rules.criticism_article or rules.article
    body: list = [
        docs.paragraph(
            f"经查，{unit.name}在{s.period.label}{site_name(s.locality)}内容保障工作中存在{rules.cite(article)}"
            f"规定的下列情形。根据该条规定，现予以通报批评。"
        )
    ]
    numerals = "一二三四五六七八九十"
    for i, (code, lines) in enumerate(cases.items()):
        body.append(docs.heading(f"{numerals[i]}、{rules.criticism.get(code, code)}", level=1))
        for j, line in enumerate(lines, 1):
            body.append(docs.paragraph(f"{j}.{line.label}"))
    body.append(
        docs.paragraph(
            "请你单位认真整改，并将整改情况书面报送" + organiser + "。本通报作为绩效考核评分依据之一。"
        )
    )
    return docs.OfficialDocument(
        issuer_mark=mark,
        number=number,
        title=f"关于对{unit.name}给予通报批评的通报",
        addressee=unit.name,
        body=body,
        signature=organiser,
        date=_day(s, day),
    )


def detail_rows(s: Standing) -> list[list]:
    rows = [["周期", "单位", "分值", "类别", "说明", "依据条款", "来源", "来源编号", "日期", "状态"]]
    for line in s.lines:
        rows.append(
            [
                line.assessment.period.label,
                line.unit.name,
                line.points,
                line.get_kind_display(),
                line.label,
                line.article,
                SOURCE_LABELS.get(line.ref_type, line.ref_type),
                line.ref_id,
                line.day.isoformat() if line.day else "",
                "已撤销" if line.cancelled_by_id else "",
            ]
        )
    return rows


def ranking_xlsx(s: Standing) -> bytes:
    return sheets_bytes([("排名", ranking_rows(s)), ("计分明细", detail_rows(s))])


def ledger_xlsx(locality: str, period: Period) -> bytes:
    """酉阳 第三十三条: the monthly ledger (量化考核台账) of the months in ``period``: one sheet per month with
    every unit's count and points per rule, and one sheet with every line."""
    rules = facts_mod.rules_for(locality)
    kind = compute_kind(rules)
    sheets = []
    details = None
    for month in periods_within(period, kind):
        s = standing(locality, month)
        head = ["单位"] + [f"{r.text}（{r.article}）" for r in rules.rules] + ["调整", "得分"]
        rows = [head]
        for t in sorted(s.totals, key=lambda t: t.unit.sort_order):
            rows.append(
                [t.unit.name]
                + [f"{t.counts.get(r.code, 0)}次 {t.counts.get(r.code, 0) * r.points}分" for r in rules.rules]
                + [t.adjustments, t.total]
            )
        if s.missing:
            rows.append([f"{month.label}尚未计算"])
        sheets.append((month.label, rows))
        d = detail_rows(s)
        details = d if details is None else details + d[1:]
    sheets.append(("计分明细", details or [["无"]]))
    return sheets_bytes(sheets)


# --- responsibility letters ------------------------------------------------------------------------------


def letter_document(letter, *, day: datetime.date | None = None) -> docs.OfficialDocument | None:
    """The unit's responsibility letter of the year, from the profile's ``[annual_letter]`` template."""
    tpl = facts_mod.letter_template(letter.locality)
    if not tpl:
        return None
    units = _units_by_code(letter.locality)
    supervisor = units.get(tpl.get("supervisor", "gov-office"))
    numerals = "一二三四五六七八九十"
    body: list = []
    for i, clause in enumerate(tpl.get("clauses") or [], 1):
        text = clause
        for key in ("prohibited_content", "prohibited_acts"):
            if "{" + key + "}" in text:
                items = tpl.get(key) or []
                listed = "".join(f"（{numerals[j]}）{x}；" for j, x in enumerate(items))
                text = text.replace("{" + key + "}", listed.rstrip("；") + "。")
        label = f"第{numerals[i - 1] if i <= 10 else i}条"
        body.append(docs.paragraph(f"{label}　{text}"))
    body.append(docs.heading("附：责任单位负责的栏目和责任人"))
    people = letter.people or {}
    rows = [["职责", "姓名"]] + [[k, v] for k, v in people.items()]
    body.append(docs.table(rows))
    cols = letter.columns or []
    body.append(
        docs.table([["序号", "负责的栏目"]] + [[i, c] for i, c in enumerate(cols, 1)] or [["", "（无）"]])
    )
    body.append(
        docs.paragraph(
            f"监管单位（盖章）：{supervisor.name if supervisor else ''}　　单位负责人：　　　　签订时间：　　年　月　日"
        )
    )
    body.append(
        docs.paragraph(
            f"责任单位（盖章）：{letter.unit.name}　　单位负责人：{letter.head_name}　　签订时间：　　年　月　日"
        )
    )
    return docs.OfficialDocument(
        issuer_mark=supervisor.name if supervisor else site_name(letter.locality),
        number=f"{letter.year}年度",
        title=str(tpl.get("title") or "网站内容保障责任书"),
        addressee="",
        body=body,
        signature=supervisor.name if supervisor else "",
        date=day or letter.generated_at.date(),
    )
