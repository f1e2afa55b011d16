"""Letter statistics (信件统计): received, concluded, on time, average handling time, by type, unit and month;
error-report statistics; charts drawn as server-side SVG (no script, no third-party asset)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .deadlines import remaining_workdays, workdays_used
from .models import OPEN_STATES, ErrorReport, ErrorState, Letter, LetterState, Rating
from .rules import letter_rules


@dataclass
class Row:
    label: str
    received: int = 0
    concluded: int = 0
    answered: int = 0
    on_time: int = 0
    timed: int = 0  # concluded letters that had a deadline (the base of the on-time rate)
    overdue_open: int = 0
    workdays: list[int] = field(default_factory=list)

    @property
    def on_time_rate(self) -> str:
        return f"{100 * self.on_time / self.timed:.1f}%" if self.timed else "—"

    @property
    def avg_workdays(self) -> str:
        return f"{sum(self.workdays) / len(self.workdays):.1f}" if self.workdays else "—"


@dataclass
class LetterStats:
    year: int
    total: Row
    by_type: list[Row]
    by_month: list[Row]
    by_unit: list[Row]
    rejected: int
    merged: int
    published: int
    ratings: dict[str, int]


def letter_stats(locality: str, year: int | None = None, unit=None, today: date | None = None) -> LetterStats:
    year = year or timezone.localdate().year
    today = today or timezone.localdate()
    rules = letter_rules(locality)
    qs = Letter.objects.filter(locality=locality, received_at__year=year)
    if unit is not None:
        qs = qs.filter(lead_unit=unit)
    total = Row("合计")
    by_type = {t.code: Row(t.name) for t in rules.types}
    by_month = {m: Row(f"{m}月") for m in range(1, 13)}
    by_unit: dict[str, Row] = {}
    rejected = merged = published = 0
    ratings = {r.value: 0 for r in Rating}
    fields = (
        "type",
        "type_name",
        "state",
        "received_at",
        "clock_start",
        "due_date",
        "answered_at",
        "concluded_at",
        "lead_unit__name",
        "publication",
        "rating",
    )
    for rec in qs.values(*fields).iterator():
        month = timezone.localtime(rec["received_at"]).month
        rows = [total, by_month[month], by_type.setdefault(rec["type"], Row(rec["type_name"]))]
        if rec["lead_unit__name"]:
            rows.append(by_unit.setdefault(rec["lead_unit__name"], Row(rec["lead_unit__name"])))
        state = rec["state"]
        rejected += state == LetterState.REJECTED
        merged += state == LetterState.MERGED
        published += rec["publication"] == "published"
        if rec["rating"]:
            ratings[rec["rating"]] += 1
        # On time and handling time are measured to the conclusion (the answer reaching the writer), not to
        # the unit leader's approval: an approved reply the centre has not sent out is still running.
        concluded_on = (
            timezone.localdate(rec["concluded_at"])
            if state == LetterState.CONCLUDED and rec["concluded_at"]
            else None
        )
        for row in rows:
            row.received += 1
            if state == LetterState.CONCLUDED:
                row.concluded += 1
            if rec["answered_at"]:
                row.answered += 1
            if concluded_on and rec["due_date"]:
                row.timed += 1
                if concluded_on <= rec["due_date"]:
                    row.on_time += 1
                if rec["clock_start"]:
                    row.workdays.append(workdays_used(rec["clock_start"], concluded_on))
            elif state in OPEN_STATES and rec["due_date"] and remaining_workdays(rec["due_date"], today) < 0:
                row.overdue_open += 1
    return LetterStats(
        year=year,
        total=total,
        by_type=list(by_type.values()),
        by_month=[by_month[m] for m in range(1, 13)],
        by_unit=sorted(by_unit.values(), key=lambda r: (-r.received, r.label)),
        rejected=rejected,
        merged=merged,
        published=published,
        ratings=ratings,
    )


PUBLIC_CACHE_SECONDS = 300


def public_letter_stats(locality: str, year: int | None = None) -> LetterStats:
    """The statistics shown on the public site, computed at most every five minutes per locality and year."""
    from django.core.cache import cache

    year = year or timezone.localdate().year
    key = f"interaction:public-stats:{locality}:{year}:{timezone.localdate()}"
    return cache.get_or_set(key, lambda: letter_stats(locality, year), PUBLIC_CACHE_SECONDS)


@dataclass
class ErrorStats:
    received: int
    forwarded: int
    forwarded_on_time: int
    answered: int
    answered_on_time: int
    invalid: int
    open: int


def error_report_stats(locality: str, year: int | None = None, unit=None) -> ErrorStats:
    year = year or timezone.localdate().year
    qs = ErrorReport.objects.filter(locality=locality, received_at__year=year)
    if unit is not None:
        qs = qs.filter(unit=unit)
    s = ErrorStats(0, 0, 0, 0, 0, 0, 0)
    for r in qs.only("state", "forwarded_at", "forward_due", "answered_at", "handle_due").iterator():
        s.received += 1
        if r.forwarded_at:
            s.forwarded += 1
            s.forwarded_on_time += bool(r.forwarded_on_time())
        if r.answered_at:
            s.answered += 1
            s.answered_on_time += bool(r.answered_on_time())
        s.invalid += r.state == ErrorState.INVALID
        s.open += r.state in (ErrorState.RECEIVED, ErrorState.FORWARDED)
    return s


# --- SVG charts ---------------------------------------------------------------------------------------

PALETTE = ("#0b4f8a", "#b3141b", "#2e7d32", "#8a5a00")


def _nice_top(value: int) -> int:
    """The top of a four-step axis whose step is 1, 2, 3 or 5 × 10ⁿ, at or above ``value``."""
    k = 0
    while True:
        for m in (1, 2, 3, 5):
            if 4 * m * 10**k >= value:
                return 4 * m * 10**k
        k += 1


def bar_chart(
    title: str, labels: list[str], series: list[tuple[str, list[int]]], width: int = 640, height: int = 260
):
    """A grouped bar chart as inline SVG, with a title and a text description for screen readers."""
    n = max(1, len(labels))
    top = _nice_top(max([max(values or [0]) for _, values in series] + [1]))
    left, bottom, right, head = 36, 40, 10, 34
    plot_w, plot_h = width - left - right, height - bottom - head
    group_w = plot_w / n
    bar_w = max(3.0, min(28.0, (group_w - 6) / max(1, len(series))))
    cid = "c" + hashlib.md5(title.encode()).hexdigest()[:8]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}" class="chart" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{cid}">{escape(title)}：'
        + escape(
            "；".join(
                f"{lab} " + "，".join(f"{name}{vals[i]}" for name, vals in series)
                for i, lab in enumerate(labels)
            )
        )
        + "</title>",
        f'<text x="{left}" y="20" font-size="15" font-weight="bold" fill="#1f1f1f">{escape(title)}</text>',
    ]
    steps = 4
    for i in range(steps + 1):
        value = round(top * i / steps)
        y = head + plot_h - plot_h * i / steps
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#555">{value}</text>'
        )
    for gi, label in enumerate(labels):
        gx = left + gi * group_w + (group_w - bar_w * len(series)) / 2
        for si, (_name, values) in enumerate(series):
            v = values[gi] if gi < len(values) else 0
            h = plot_h * v / top
            x = gx + si * bar_w
            y = head + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{PALETTE[si % len(PALETTE)]}"/>'
            )
            if v and bar_w >= 12:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" fill="#1f1f1f">{v}</text>'
                )
        parts.append(
            f'<text x="{left + gi * group_w + group_w / 2:.1f}" y="{height - bottom + 16}" font-size="12" text-anchor="middle" fill="#1f1f1f">{escape(label)}</text>'
        )
    lx = left
    for si, (name, _values) in enumerate(series):
        parts.append(
            f'<rect x="{lx}" y="{height - 16}" width="12" height="12" fill="{PALETTE[si % len(PALETTE)]}"/>'
        )
        parts.append(
            f'<text x="{lx + 16}" y="{height - 6}" font-size="12" fill="#1f1f1f">{escape(name)}</text>'
        )
        lx += 30 + 14 * len(name)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def charts_for(stats: LetterStats) -> dict[str, str]:
    return {
        "by_month": bar_chart(
            f"{stats.year}年各月来信与办结",
            [r.label for r in stats.by_month],
            [("来信", [r.received for r in stats.by_month]), ("办结", [r.concluded for r in stats.by_month])],
        ),
        "by_type": bar_chart(
            f"{stats.year}年各类来信",
            [r.label for r in stats.by_type],
            [
                ("来信", [r.received for r in stats.by_type]),
                ("办结", [r.concluded for r in stats.by_type]),
                ("按期答复", [r.on_time for r in stats.by_type]),
            ],
            width=520,
        ),
    }
