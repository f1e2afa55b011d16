"""Update frequencies (更新频率 / 更新周期 / 更新时限) of columns.

The column tables of the regulations state, for every column, how often it must be updated.
:func:`parse_frequency` turns such a phrase into a :class:`Frequency` of one kind:

``max_gap``      the longest allowed gap between two updates, counted from the last update
                 (rolling): "10天", "4个月", "6个月内", "1年", "1年内", "5天内", "5个工作日", "半年",
                 "1年内更新一次". Rule: a bare length, or a length followed by 内, is a longest gap.
                 A bare "N个工作日" is a gap counted in working days.
``min_count``    at least ``count`` items in every calendar period of ``amount`` ``unit``:
                 "每周至少1条", "两周至少1条", "两月至少1条", "每季度至少1条", "每年至少更新一次",
                 "一年一次", "一年更新一次". Rule: a phrase with 每 (every), or with a number of
                 items/times (N条, N次) and no 内, is a count per calendar period. Hence "每月", "每年", "每季度", "每周更新",
                 "每月更新", "每日更新" are ``min_count`` with a count of 1 (每日更新 = at least one
                 item every calendar day; the monitor decides whether rest days are exempt).
                 Calendar periods: weeks start on Monday, months/quarters/years are the calendar
                 ones, "两月" is January–February, March–April, … (see :func:`period_bounds`).
``event``        a deadline after an event: "文件印发后5个工作日内", "社会热点产生后7个工作日内"
                 (``trigger`` keeps the event's words, ``amount``/``unit`` the deadline, working
                 days included). "按期答复" (reply within the legal deadline — letters, disclosure
                 requests) is an ``event`` with no amount: the deadline comes from the profile's
                 letter / disclosure rules, not from the phrase.
``continuous``   "实时更新", "及时更新", "动态更新", and the other 及时… phrases of the tables
                 ("及时发布", "及时报送", "及时反馈", "及时查收"): checked against the profile's
                 ``[frequency] timely`` longest gap (e.g. "14天").
``on_demand``    "按需更新", "不定期更新": no schedule to check.
``none``         "无需更新": the column is never expected to change (reprinted content, links).
``unspecified``  the empty phrase: a container column with no rule of its own.
                 :func:`parse_frequency` returns this kind for ""; a :class:`ColumnSpec` stores
                 ``None`` instead (see ``govportal.rules.profile``).

Numbers may be Arabic, full-width or Chinese (一二两三…十…百), spaces are ignored
("文件印发后5 个工作日内" reads like "文件印发后5个工作日内").

Units (``Frequency.unit``): ``day``, ``workday``, ``week``, ``month``, ``quarter``, ``year``.
:func:`add_period` adds such a period to a date (working days through the calendar of
``govportal.rules.workdays``; month arithmetic clamps to the month's end).
"""

from __future__ import annotations

import calendar as _calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from govportal.rules.workdays import Calendar, default_calendar

__all__ = [
    "KINDS",
    "UNITS",
    "Frequency",
    "FrequencyError",
    "add_period",
    "chinese_number",
    "parse_frequency",
    "period_bounds",
]

KINDS = ("max_gap", "min_count", "event", "continuous", "on_demand", "none", "unspecified")
UNITS = ("day", "workday", "week", "month", "quarter", "year")

# How a length reads in Chinese ("10天", "5个工作日", "4个月").
_UNIT_CN = {
    "day": "天",
    "workday": "个工作日",
    "week": "周",
    "month": "个月",
    "quarter": "个季度",
    "year": "年",
}
# How "every <n> <unit>" reads ("每周", "每2周", "每月", "每2个月").
_EVERY_ONE_CN = {
    "day": "每天",
    "workday": "每个工作日",
    "week": "每周",
    "month": "每月",
    "quarter": "每季度",
    "year": "每年",
}

ACCEPTED_FORMS = (
    "最长间隔：「10天」「4个月」「6个月内」「1年」「5个工作日」；"
    "每个周期至少若干条：「每周至少1条」「两月至少1条」「每季度至少1条」「每年至少更新一次」「每月」「每周更新」；"
    "事件后限期：「文件印发后5个工作日内」；"
    "持续更新：「实时更新」「及时更新」「动态更新」；"
    "「按需更新」；「无需更新」；「按期答复」；留空表示栏目容器，没有自己的更新要求"
)


class FrequencyError(ValueError):
    """An update-frequency phrase that cannot be understood (message in Chinese)."""

    def __init__(self, text: str, reason: str = "") -> None:
        self.text = text
        self.reason = reason
        head = f"无法识别的更新频率「{text}」"
        if reason:
            head += f"（{reason}）"
        super().__init__(f"{head}。可接受的写法：{ACCEPTED_FORMS}")


# --- numbers -----------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100}
_NUM = r"[0-9]+|[零〇一二两三四五六七八九十百]+"


def chinese_number(text: str) -> int:
    """Value of a number written in Arabic/full-width digits or Chinese numerals (一 … 九百九十九).

    Raises ValueError for anything else."""
    s = unicodedata.normalize("NFKC", text).strip()
    if s.isdigit():
        return int(s)
    if not s or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in s):
        raise ValueError(f"不是数字：{text}")
    total = 0
    digit: int | None = None
    for ch in s:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                raise ValueError(f"不是数字：{text}")
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            total += (1 if digit is None else digit) * unit
            digit = None
    if digit is not None:
        total += digit
    return total


# --- the value ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frequency:
    """A parsed update frequency. See the module docstring for the kinds.

    ``amount``/``unit``: the longest gap (max_gap), the period (min_count) or the deadline (event).
    ``count``: items required per period (min_count). ``trigger``: the event (event).
    ``text``: the phrase as written (normalised: no spaces); not part of equality.
    """

    kind: str
    amount: int | None = None
    unit: str | None = None
    count: int | None = None
    trigger: str = ""
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown frequency kind {self.kind!r}")
        if self.unit is not None and self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        needs_amount = self.kind in ("max_gap", "min_count")
        if needs_amount and (self.amount is None or self.unit is None or self.amount <= 0):
            raise ValueError(f"{self.kind} needs a positive amount and a unit")
        if self.kind == "min_count" and (self.count is None or self.count <= 0):
            raise ValueError("min_count needs a positive count")
        if self.kind == "event" and (self.amount is None) != (self.unit is None):
            raise ValueError("event needs both amount and unit, or neither")

    # --- storage -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form; :meth:`from_dict` restores an equal value."""
        return {
            "kind": self.kind,
            "amount": self.amount,
            "unit": self.unit,
            "count": self.count,
            "trigger": self.trigger,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Frequency:
        """Inverse of :meth:`to_dict`."""
        return cls(
            kind=data["kind"],
            amount=data.get("amount"),
            unit=data.get("unit"),
            count=data.get("count"),
            trigger=data.get("trigger") or "",
            text=data.get("text") or "",
        )

    # --- meaning -------------------------------------------------------------------------------

    def max_gap(self, timely: Frequency | None) -> tuple[int, str] | None:
        """The longest allowed gap between updates as ``(amount, unit)``, or None if the phrase sets
        none (min_count, event, on_demand, none, unspecified).

        ``continuous`` phrases take the gap of ``timely`` (the profile's ``[frequency] timely``,
        itself a max_gap phrase); None when ``timely`` is None."""
        if self.kind == "max_gap":
            return (self.amount, self.unit)  # type: ignore[return-value]
        if self.kind == "continuous" and timely is not None:
            if timely.kind != "max_gap":
                raise ValueError("timely must be a max_gap frequency such as 14天")
            return timely.max_gap(None)
        return None

    def count_rule(self) -> tuple[int, int, str] | None:
        """For min_count: ``(count, amount, unit)`` — at least ``count`` items in every calendar period
        of ``amount`` ``unit`` (see :func:`period_bounds`). None for other kinds."""
        if self.kind != "min_count":
            return None
        return (self.count, self.amount, self.unit)  # type: ignore[return-value]

    def next_due(
        self, last_update: date, timely: Frequency | None, calendar: Calendar | None = None
    ) -> date | None:
        """The last day on which the next update is still on time, given the last update; None when
        :meth:`max_gap` is None."""
        gap = self.max_gap(timely)
        if gap is None:
            return None
        return add_period(last_update, gap[0], gap[1], calendar)

    def deadline(self, event_day: date, calendar: Calendar | None = None) -> date | None:
        """For an event with a deadline: the last day to publish after the event on ``event_day``
        (the event day itself is not counted). None for other kinds or an event without amount."""
        if self.kind != "event" or self.amount is None or self.unit is None:
            return None
        return add_period(event_day, self.amount, self.unit, calendar)

    @property
    def is_checkable(self) -> bool:
        """Whether the phrase sets a rule the monitor can check (a gap, a count or a deadline)."""
        if self.kind in ("max_gap", "min_count", "continuous"):
            return True
        return self.kind == "event" and self.amount is not None

    def describe(self, timely: Frequency | None = None) -> str:
        """Short Chinese description, e.g. "更新间隔不超过6个月", "每两周至少1条"."""
        if self.kind == "max_gap":
            return f"更新间隔不超过{_length_cn(self.amount, self.unit)}"  # type: ignore[arg-type]
        if self.kind == "min_count":
            return f"{_every_cn(self.amount, self.unit)}至少{self.count}条"  # type: ignore[arg-type]
        if self.kind == "event":
            if self.amount is None:
                return "按规定期限答复"
            return f"{self.trigger}后{_length_cn(self.amount, self.unit)}内"  # type: ignore[arg-type]
        if self.kind == "continuous":
            base = self.text if self.text else "及时更新"
            if timely is not None and timely.kind == "max_gap":
                return f"{base}（更新间隔不超过{_length_cn(timely.amount, timely.unit)}）"  # type: ignore[arg-type]
            return base
        if self.kind == "on_demand":
            return "按需更新"
        if self.kind == "none":
            return "无需更新"
        return "未规定更新频率"

    def __str__(self) -> str:
        return self.text or self.describe()


def _length_cn(amount: int, unit: str) -> str:
    return f"{amount}{_UNIT_CN[unit]}"


def _every_cn(amount: int, unit: str) -> str:
    if amount == 1:
        return _EVERY_ONE_CN[unit]
    if unit == "week":
        return f"每{amount}周"
    return f"每{_length_cn(amount, unit)}"


UNSPECIFIED = Frequency("unspecified")

# --- parsing -----------------------------------------------------------------------------------

# Unit words for a length (max_gap, event). "个月" needs 个: "3月" could be a month name.
_LEN_UNIT = r"个?工作日|自然日|天|日|个?星期|周|个月|个?季度|年"
# Unit words for a period (min_count): 月 alone is fine here ("两月至少1条").
_PER_UNIT = r"个?工作日|天|日|个?星期|周|半年|个?月度?|个?季度|季|年度?"

_CONTINUOUS = re.compile(
    r"^(?:实时|及时|即时|随时|动态|持续|常态化?)(?:更新|发布|报送|反馈|查收|调整|维护)?$"
)
_ON_DEMAND = {
    "按需",
    "按需更新",
    "按需发布",
    "不定期",
    "不定期更新",
    "根据需要更新",
    "视情况更新",
    "视需要更新",
}
_NONE = {"无需更新", "无须更新", "不需更新", "不需要更新", "不用更新", "不更新", "无需"}
_REPLY = {"按期答复", "按时答复", "按期回复", "按时回复", "限期答复", "依法答复", "按规定时限答复"}

_EVENT = re.compile(
    rf"^(?P<trigger>.+?)(?:之日起|之日后|以后|后|起)(?P<n>{_NUM})(?P<u>{_LEN_UNIT})(?:以)?内?"
    r"(?:完成)?(?:更新|发布|公开|答复|办结)?$"
)
_MAX_GAP = re.compile(
    rf"^(?:每隔|间隔|最长|不超过)?(?P<n>{_NUM})(?P<u>{_LEN_UNIT})"
    r"(?:以?内(?:(?:至少)?更新(?:一次)?)?)?$"
)
_HALF_YEAR_GAP = re.compile(r"^半年(?:以?内(?:(?:至少)?更新(?:一次)?)?)?$")
# "每周至少1条", "两月至少1条", "一年一次", "每年两次", "每月1条"
_COUNT = re.compile(
    rf"^(?:每(?P<n1>{_NUM})?|(?P<n2>{_NUM}))(?P<u>{_PER_UNIT})(?:至少|不少于|最少)?(?:更新|发布)?"
    rf"(?P<c>{_NUM})(?:条|次|篇|期)(?:以上)?(?:信息)?$"
)
# "每周更新", "每日更新", "每年至少更新一次", "每月更新1次", "每季度更新", "一年更新一次"
_EVERY_UPDATE = re.compile(
    rf"^(?:每(?P<n1>{_NUM})?|(?P<n2>{_NUM}))(?P<u>{_PER_UNIT})(?:至少|不少于)?(?:更新|发布)"
    rf"(?:(?:至少)?(?P<c>{_NUM})(?:次|条))?$"
)
# "每月", "每年", "每季度", "每两周"
_EVERY = re.compile(rf"^每(?P<n>{_NUM})?(?P<u>{_PER_UNIT})$")

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[。．.，,；;、]+$")


def _unit(word: str) -> tuple[int, str]:
    """Multiplier and unit for a unit word."""
    w = word.removeprefix("个").removesuffix("度")
    if w == "半年":
        return 6, "month"
    if w == "工作日":
        return 1, "workday"
    if w in ("天", "日", "自然日"):
        return 1, "day"
    if w in ("周", "星期"):
        return 1, "week"
    if w in ("月", "个月"):
        return 1, "month"
    if w in ("季", "季度"):
        return 1, "quarter"
    if w == "年":
        return 1, "year"
    raise ValueError(word)  # pragma: no cover - the regexes only let the words above through


def normalize_phrase(text: str) -> str:
    """The phrase as stored: NFKC (full-width digits become ASCII), no spaces, no trailing 。"""
    s = unicodedata.normalize("NFKC", text or "")
    s = _SPACES.sub("", s)
    return _TRAILING.sub("", s)


def parse_frequency(text: str) -> Frequency:
    """Parse an update-frequency phrase; see the module docstring for what each form means.

    The empty phrase gives a Frequency of kind ``unspecified`` (a container column). Raises
    :class:`FrequencyError` (Chinese message quoting the phrase and listing the accepted forms)."""
    original = text
    s = normalize_phrase(text)
    if not s:
        return UNSPECIFIED
    if s in _NONE:
        return Frequency("none", text=s)
    if s in _ON_DEMAND:
        return Frequency("on_demand", text=s)
    if s in _REPLY:
        return Frequency("event", trigger="收到来信或申请", text=s)
    if _CONTINUOUS.match(s):
        return Frequency("continuous", text=s)
    try:
        return _parse_measured(s)
    except _ZeroError:
        raise FrequencyError(original.strip(), "时长和条数必须大于0") from None
    except _NoMatch:
        raise FrequencyError(original.strip()) from None


class _NoMatch(Exception):
    pass


class _ZeroError(Exception):
    pass


def _positive(word: str) -> int:
    try:
        value = chinese_number(word)
    except ValueError:
        raise _NoMatch from None
    if value <= 0:
        raise _ZeroError
    return value


def _parse_measured(s: str) -> Frequency:
    if _HALF_YEAR_GAP.match(s):
        return Frequency("max_gap", 6, "month", text=s)
    m = _MAX_GAP.match(s)
    if m:
        mult, unit = _unit(m["u"])
        return Frequency("max_gap", _positive(m["n"]) * mult, unit, text=s)
    for pattern in (_COUNT, _EVERY_UPDATE):
        m = pattern.match(s)
        if m and not (m["n2"] and not m["c"]):  # "10天更新" says neither 每 nor how many
            n_word = m["n1"] or m["n2"]
            n = _positive(n_word) if n_word else 1
            mult, unit = _unit(m["u"])
            count = _positive(m["c"]) if m["c"] else 1
            return Frequency("min_count", n * mult, unit, count=count, text=s)
    m = _EVERY.match(s)
    if m:
        n = _positive(m["n"]) if m["n"] else 1
        mult, unit = _unit(m["u"])
        return Frequency("min_count", n * mult, unit, count=1, text=s)
    m = _EVENT.match(s)
    if m and not re.fullmatch(_NUM, m["trigger"]):
        mult, unit = _unit(m["u"])
        return Frequency("event", _positive(m["n"]) * mult, unit, trigger=m["trigger"], text=s)
    raise _NoMatch


# --- date arithmetic ---------------------------------------------------------------------------


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def add_period(d: date, amount: int, unit: str, calendar: Calendar | None = None) -> date:
    """``d`` plus ``amount`` ``unit`` (negative amounts go back).

    ``workday`` counts working days on ``calendar`` (the default calendar when None), the start day
    not counted; ``month``/``quarter``/``year`` keep the day of month, clamped to the month's end
    (1月31日 + 1个月 = 2月28日 or 29日)."""
    if unit == "day":
        return d + timedelta(days=amount)
    if unit == "workday":
        return (calendar or default_calendar()).add_workdays(d, amount)
    if unit == "week":
        return d + timedelta(weeks=amount)
    if unit == "month":
        return _add_months(d, amount)
    if unit == "quarter":
        return _add_months(d, 3 * amount)
    if unit == "year":
        return _add_months(d, 12 * amount)
    raise ValueError(f"unknown unit {unit!r}")


_EPOCH_MONDAY = date(2001, 1, 1)  # a Monday: multi-week periods are counted from it


def period_bounds(d: date, amount: int, unit: str) -> tuple[date, date]:
    """First and last day of the calendar period of ``amount`` ``unit`` that contains ``d``.

    Weeks run Monday–Sunday (periods of several weeks are aligned on 2001-01-01, a Monday); months,
    quarters and years are calendar ones, several of them grouped from January of year 0 — so two
    months are January–February, March–April, …; half a year is January–June or July–December. A
    ``day`` or ``workday`` period of 1 is the day itself."""
    if amount <= 0:
        raise ValueError("amount must be positive")
    if unit in ("day", "workday"):
        offset = (d - _EPOCH_MONDAY).days % amount
        start = d - timedelta(days=offset)
        return start, start + timedelta(days=amount - 1)
    if unit == "week":
        offset = (d - _EPOCH_MONDAY).days % (7 * amount)
        start = d - timedelta(days=offset)
        return start, start + timedelta(days=7 * amount - 1)
    months = {"month": 1, "quarter": 3, "year": 12}.get(unit)
    if months is None:
        raise ValueError(f"unknown unit {unit!r}")
    span = months * amount
    index = d.year * 12 + d.month - 1
    start_index = index - index % span
    start = date(start_index // 12, start_index % 12 + 1, 1)
    end = _add_months(start, span) - timedelta(days=1)
    return start, end
