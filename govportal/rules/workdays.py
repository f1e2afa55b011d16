"""China's working-day calendar (工作日历).

Every deadline in GovPortal is counted in working days: weekends are rest days, official holidays
(法定节假日) are rest days even on a weekday, and make-up working days (调休上班) are working days even
on a Saturday or Sunday.

Where the data comes from, per year:

1. a :class:`YearSchedule` entered by an administrator (the State Council publishes each year's
   schedule in November or December; :func:`parse_schedule_text` reads the notice as published).
   An administrator's schedule for a year *replaces* whatever else is known about that year;
2. otherwise the ``chinese_calendar`` package, which covers 2004–2026 in version 1.11.0;
3. otherwise nothing: the year falls back to Monday–Friday. This never raises. The fallback is
   reported by the ``*_checked`` methods (:class:`WorkdayResult.fallback_years`) so that the CLI and
   the admin can say "2027年无节假日数据，按周一至周五计算" (:func:`fallback_message`).

Counting follows 民法典 第二百零一条: a period counted in days starts on the day *after* the event,
so "N working days after D" is the N-th working day strictly after D (``add_workdays(D, N)``).

The module keeps a default :class:`Calendar`; the Django side loads the administrator's schedules
from the database and calls :func:`set_extra_schedules`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import chinese_calendar

__all__ = [
    "PACKAGE_SOURCE",
    "Calendar",
    "ScheduleError",
    "WorkdayResult",
    "YearSchedule",
    "add_workdays",
    "add_workdays_checked",
    "default_calendar",
    "fallback_message",
    "has_data",
    "is_workday",
    "package_schedule",
    "package_years",
    "parse_schedule_text",
    "set_extra_schedules",
    "workdays_between",
    "workdays_between_checked",
]

PACKAGE_SOURCE = f"chinese_calendar {chinese_calendar.__version__}"

# Rest and make-up days of the package, per year.
_PACKAGE_HOLIDAYS: dict[int, set[date]] = {}
_PACKAGE_WORKDAYS: dict[int, set[date]] = {}
for _d in chinese_calendar.holidays:
    _PACKAGE_HOLIDAYS.setdefault(_d.year, set()).add(_d)
for _d in chinese_calendar.workdays:
    _PACKAGE_WORKDAYS.setdefault(_d.year, set()).add(_d)
# The package supports every year between its first and last holiday (it raises NotImplementedError
# outside that range).
_PACKAGE_YEARS: tuple[int, ...] = tuple(range(min(_PACKAGE_HOLIDAYS), max(_PACKAGE_HOLIDAYS) + 1))


def package_years() -> tuple[int, ...]:
    """Years for which the ``chinese_calendar`` package has official data."""
    return _PACKAGE_YEARS


def _as_date(d: date) -> date:
    if isinstance(d, datetime):
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}")
    return d


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: rest days and make-up working days.

    ``holidays`` are the days off of the holidays (weekend days inside a holiday may be listed or
    not, it makes no difference); ``workdays`` are the make-up working days (调休上班) that fall on a
    weekend. Every other Monday–Friday is a working day. ``source`` says where the data comes from,
    e.g. "国办发明电〔2025〕7号".
    """

    year: int
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(_as_date(d) for d in self.holidays))
        object.__setattr__(self, "workdays", frozenset(_as_date(d) for d in self.workdays))
        wrong = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if wrong:
            raise ScheduleError(
                [
                    f"{self.year}年的安排中有不属于{self.year}年的日期：{'、'.join(d.isoformat() for d in wrong)}"
                ]
            )
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ScheduleError([f"以下日期同时被列为放假和上班：{'、'.join(d.isoformat() for d in both)}"])

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` (a day of this year) is a working day under this schedule."""
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form (dates as ISO strings, sorted)."""
        return {
            "year": self.year,
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "workdays": sorted(d.isoformat() for d in self.workdays),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> YearSchedule:
        """Inverse of :meth:`to_dict`."""
        return cls(
            year=int(data["year"]),  # type: ignore[call-overload]
            holidays=frozenset(date.fromisoformat(s) for s in data.get("holidays", ())),  # type: ignore[union-attr]
            workdays=frozenset(date.fromisoformat(s) for s in data.get("workdays", ())),  # type: ignore[union-attr]
            source=str(data.get("source", "")),
        )


def package_schedule(year: int) -> YearSchedule | None:
    """The ``chinese_calendar`` package's data for ``year`` as a :class:`YearSchedule`, or None."""
    if year not in _PACKAGE_YEARS:
        return None
    return YearSchedule(
        year=year,
        holidays=frozenset(_PACKAGE_HOLIDAYS.get(year, ())),
        workdays=frozenset(_PACKAGE_WORKDAYS.get(year, ())),
        source=PACKAGE_SOURCE,
    )


def fallback_message(years: Iterable[int]) -> str:
    """The warning shown when some years have no holiday data, e.g.
    "2027年无节假日数据，按周一至周五计算". Empty string when ``years`` is empty."""
    ys = sorted(set(years))
    if not ys:
        return ""
    return f"{'、'.join(str(y) for y in ys)}年无节假日数据，按周一至周五计算"


@dataclass(frozen=True)
class WorkdayResult:
    """A computed date and the years, touched by the computation, that had no holiday data."""

    date: date
    fallback_years: tuple[int, ...] = ()

    @property
    def is_fallback(self) -> bool:
        """True when part of the computation assumed a plain Monday–Friday week."""
        return bool(self.fallback_years)

    @property
    def warning(self) -> str:
        """Chinese warning for the user ("" when all years had data)."""
        return fallback_message(self.fallback_years)


@dataclass(frozen=True)
class CountResult:
    """A working-day count and the years touched that had no holiday data."""

    count: int
    fallback_years: tuple[int, ...] = ()

    @property
    def is_fallback(self) -> bool:
        return bool(self.fallback_years)

    @property
    def warning(self) -> str:
        return fallback_message(self.fallback_years)


class Calendar:
    """A working-day calendar: package data, overridden or extended by ``extra`` schedules.

    ``use_package=False`` ignores the ``chinese_calendar`` package (only ``extra`` counts).
    """

    def __init__(self, extra: Iterable[YearSchedule] = (), *, use_package: bool = True) -> None:
        self._extra: dict[int, YearSchedule] = {}
        for schedule in extra:
            if schedule.year in self._extra:
                raise ScheduleError([f"{schedule.year}年的节假日安排重复提供"])
            self._extra[schedule.year] = schedule
        self._use_package = use_package

    def __repr__(self) -> str:
        return f"Calendar(extra_years={sorted(self._extra)}, use_package={self._use_package})"

    # --- data coverage -------------------------------------------------------------------------

    def has_data(self, year: int) -> bool:
        """Whether official holiday data is known for ``year``."""
        return year in self._extra or (self._use_package and year in _PACKAGE_YEARS)

    def covered_years(self) -> tuple[int, ...]:
        """All years with holiday data, ascending."""
        years = set(self._extra)
        if self._use_package:
            years.update(_PACKAGE_YEARS)
        return tuple(sorted(years))

    def source(self, year: int) -> str | None:
        """Where ``year``'s data comes from (the schedule's source, or the package), None if none."""
        if year in self._extra:
            return self._extra[year].source or "管理员录入"
        if self._use_package and year in _PACKAGE_YEARS:
            return PACKAGE_SOURCE
        return None

    def schedule(self, year: int) -> YearSchedule | None:
        """The schedule in force for ``year`` (administrator's, else package's), or None."""
        if year in self._extra:
            return self._extra[year]
        if self._use_package:
            return package_schedule(year)
        return None

    def fallback_years(self, start: date, end: date) -> tuple[int, ...]:
        """Years between ``start`` and ``end`` (inclusive, either order) without holiday data."""
        a, b = sorted((_as_date(start).year, _as_date(end).year))
        return tuple(y for y in range(a, b + 1) if not self.has_data(y))

    # --- single days ---------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day. Never raises for a year without data (Mon–Fri then)."""
        d = _as_date(d)
        extra = self._extra.get(d.year)
        if extra is not None:
            return extra.is_workday(d)
        if self._use_package and d.year in _PACKAGE_YEARS:
            if d in chinese_calendar.workdays:
                return True
            if d in chinese_calendar.holidays:
                return False
        return d.weekday() < 5

    def is_holiday(self, d: date) -> bool:
        """Whether ``d`` is a rest day (weekend or holiday, and not a make-up working day)."""
        return not self.is_workday(d)

    # --- arithmetic ----------------------------------------------------------------------------

    def add_workdays_checked(self, start: date, n: int) -> WorkdayResult:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted), with the years
        that had to fall back to Monday–Friday. ``n == 0`` returns ``start``; a negative ``n`` counts
        backwards (the ``|n|``-th working day before ``start``)."""
        start = _as_date(start)
        if not isinstance(n, int):
            raise TypeError("n must be an int")
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        d = start
        missing: set[int] = set()
        while remaining:
            d += step
            if not self.has_data(d.year):
                missing.add(d.year)
            if self.is_workday(d):
                remaining -= 1
        return WorkdayResult(d, tuple(sorted(missing)))

    def add_workdays(self, start: date, n: int) -> date:
        """ "``n`` working days after ``start``" (民法典 第二百零一条: the start day is not counted).

        ``add_workdays(D, 0) == D``; negative ``n`` counts backwards."""
        return self.add_workdays_checked(start, n).date

    def workdays_between_checked(self, start: date, end: date) -> CountResult:
        """Working days after ``start`` up to and including ``end``, with fallback years.

        When ``end`` is before ``start`` the result is negative: minus the working days after
        ``end`` up to and including ``start`` (so ``add_workdays(start, result)`` lands on ``end``
        whenever ``end`` is a working day)."""
        start, end = _as_date(start), _as_date(end)
        if end == start:
            return CountResult(0, ())
        sign = 1
        lo, hi = start, end
        if end < start:
            sign, lo, hi = -1, end, start
        count = 0
        missing: set[int] = set()
        d = lo
        one = timedelta(days=1)
        while d < hi:
            d += one
            if not self.has_data(d.year):
                missing.add(d.year)
            if self.is_workday(d):
                count += 1
        return CountResult(sign * count, tuple(sorted(missing)))

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if ``end < start``)."""
        return self.workdays_between_checked(start, end).count


# --- default calendar --------------------------------------------------------------------------

_default = Calendar()


def default_calendar() -> Calendar:
    """The module-level calendar used by the convenience functions."""
    return _default


def set_extra_schedules(schedules: Iterable[YearSchedule]) -> Calendar:
    """Replace the administrator-entered schedules of the default calendar; returns the new one.

    Pass an empty list to go back to the package data only."""
    global _default
    _default = Calendar(extra=list(schedules))
    return _default


def is_workday(d: date) -> bool:
    """:meth:`Calendar.is_workday` on the default calendar."""
    return _default.is_workday(d)


def add_workdays(start: date, n: int) -> date:
    """:meth:`Calendar.add_workdays` on the default calendar."""
    return _default.add_workdays(start, n)


def add_workdays_checked(start: date, n: int) -> WorkdayResult:
    """:meth:`Calendar.add_workdays_checked` on the default calendar."""
    return _default.add_workdays_checked(start, n)


def workdays_between(start: date, end: date) -> int:
    """:meth:`Calendar.workdays_between` on the default calendar."""
    return _default.workdays_between(start, end)


def workdays_between_checked(start: date, end: date) -> CountResult:
    """:meth:`Calendar.workdays_between_checked` on the default calendar."""
    return _default.workdays_between_checked(start, end)


def has_data(year: int) -> bool:
    """:meth:`Calendar.has_data` on the default calendar."""
    return _default.has_data(year)


# --- reading a schedule as published -----------------------------------------------------------


class ScheduleError(ValueError):
    """A schedule that cannot be accepted; ``problems`` lists every problem in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("；".join(self.problems))


_PARENS = re.compile(r"[（(][^（）()]*[）)]")
_SENTENCE_SPLIT = re.compile(r"[。；;\n]")
_YMD = r"(?:(?P<{p}y>\d{{4}})\s*[年/.\-]\s*)?"
_START = _YMD.format(p="s") + r"(?P<sm>\d{1,2})\s*[月/.\-]\s*(?P<sd>\d{1,2})\s*(?:日|号)?"
_END = r"(?:" + _YMD.format(p="e") + r"(?P<em>\d{1,2})\s*[月/.\-]\s*)?(?P<ed>\d{1,2})\s*(?:日|号)?"
_RANGE = re.compile(_START + r"(?:\s*(?:至|到|~|—|–)\s*" + _END + r")?")
_WORK_WORDS = ("上班", "补班", "调休上班", "工作日")
_REST_WORDS = ("放假", "休息", "休假", "调休")


def parse_schedule_text(year: int, text: str, source: str = "") -> YearSchedule:
    """Read a year's schedule as the State Council's notice writes it, or as simple lines.

    Accepted, sentence by sentence (sentences end with 。 ； or a new line; text in brackets such
    as "（周六）" is ignored)::

        二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
        2月14日（周六）、2月28日（周六）上班。
        放假 2027-10-01 至 2027-10-07
        上班 2027/9/26

    A sentence naming 上班 / 补班 lists make-up working days; one naming 放假 / 休息 lists rest days
    (a range "A至B" covers every day from A to B). Sentences without a date, or without either
    word, are ignored (e.g. the preamble and the signature of the notice). Raises
    :class:`ScheduleError` listing every problem (bad dates, dates of another year, a day both
    rest and work, no date at all).
    """
    norm = unicodedata.normalize("NFKC", text)
    norm = _PARENS.sub("", _PARENS.sub("", norm))
    holidays: set[date] = set()
    workdays: set[date] = set()
    problems: list[str] = []
    for raw in _SENTENCE_SPLIT.split(norm):
        sentence = raw.strip()
        if not sentence:
            continue
        matches = list(_RANGE.finditer(sentence))
        if not matches:
            continue
        if any(w in sentence for w in _WORK_WORDS):
            target = workdays
        elif any(w in sentence for w in _REST_WORDS):
            target = holidays
        else:
            continue
        for m in matches:
            try:
                sy = int(m["sy"]) if m["sy"] else year
                first = date(sy, int(m["sm"]), int(m["sd"]))
                if m["ed"]:
                    ey = int(m["ey"]) if m["ey"] else first.year
                    em = int(m["em"]) if m["em"] else first.month
                    last = date(ey, em, int(m["ed"]))
                else:
                    last = first
            except ValueError:
                problems.append(f"「{sentence}」中的日期「{m.group(0).strip()}」不存在")
                continue
            if last < first:
                problems.append(f"「{sentence}」中的日期范围「{m.group(0).strip()}」结束早于开始")
                continue
            if first.year != year or last.year != year:
                problems.append(f"「{sentence}」中的日期「{m.group(0).strip()}」不属于{year}年")
                continue
            d = first
            while d <= last:
                target.add(d)
                d += timedelta(days=1)
    both = sorted(holidays & workdays)
    if both:
        problems.append(f"以下日期同时被列为放假和上班：{'、'.join(d.isoformat() for d in both)}")
    if not holidays and not workdays and not problems:
        problems.append(f"没有找到{year}年的放假或上班日期")
    if problems:
        raise ScheduleError(problems)
    return YearSchedule(year, frozenset(holidays), frozenset(workdays), source)
