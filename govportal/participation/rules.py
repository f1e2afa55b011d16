"""The deadlines of participation, read from the loaded locality's profile (``[surveys]``).

| value | 钦州 (000) | elsewhere (platform default) |
|---|---|---|
| results published within | 1个月, 第二十二条 | 1个月 (no seed sets one; the platform's default, said so) |
| consultation open at least | 30 日, 附件1 重大决策 第2点 | 30 日, 《重大行政决策程序暂行条例》第十五条 (national) |
| interview questions answered after | — | 5 working days (platform default, said so) |

A period in months ends on the same day of the month (``rules.frequency.add_period``); when that last day is
a rest day (weekend or official holiday), the period ends on the next working day (民法典 第二百零三条:
期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日). Nothing here names a locality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from govportal.rules.frequency import FrequencyError, add_period, parse_frequency
from govportal.rules.profile import ProfileError, load_profile
from govportal.rules.workdays import add_workdays, default_calendar

CIVIL_CODE_LAST_DAY = "《中华人民共和国民法典》第二百零三条"
NATIONAL_DECISION_RULE = "《重大行政决策程序暂行条例》第十五条"

DEFAULTS = {
    "publish_results_within": "1个月",
    "publish_results_article": "",
    "consultation_min_days": 30,
    "consultation_min_days_article": "",
    "interview_answer_workdays": 5,
    "interview_answer_article": "",
    "anonymous_per_address": 5,
}


@dataclass(frozen=True)
class ParticipationRules:
    locality: str
    regulation: str
    publish_results_within: str
    results_amount: int
    results_unit: str
    results_cite: str
    consultation_min_days: int
    consultation_cite: str
    interview_answer_workdays: int
    interview_cite: str
    anonymous_per_address: int
    defaults_used: list[str] = field(default_factory=list)

    def results_due(self, closed_on: date) -> date:
        """The last day on which the results of an activity closed on ``closed_on`` may be published."""
        due = add_period(closed_on, self.results_amount, self.results_unit)
        return roll_to_workday(due) if self.results_unit != "workday" else due

    def interview_answer_due(self, ended_on: date) -> date:
        return add_workdays(ended_on, self.interview_answer_workdays)


def roll_to_workday(d: date) -> date:
    """``d``, or the first working day after it when ``d`` is a rest day (民法典 第二百零三条)."""
    cal = default_calendar()
    while not cal.is_workday(d):
        d = date.fromordinal(d.toordinal() + 1)
    return d


@lru_cache(maxsize=16)
def participation_rules(locality: str) -> ParticipationRules:
    values = dict(DEFAULTS)
    regulation = "本地区政府网站管理办法"
    used: list[str] = []
    try:
        profile = load_profile(locality) if locality else None
    except (ProfileError, FileNotFoundError, OSError):
        profile = None
    section = {}
    if profile is not None:
        regulation = profile.regulation
        section = dict(profile.sections.get("surveys", {}) or {})
    for key in DEFAULTS:
        if key in section:
            values[key] = section[key]
        elif not key.endswith("_article"):
            used.append(key)
    try:
        freq = parse_frequency(str(values["publish_results_within"]))
        amount, unit = freq.amount or 1, freq.unit or "month"
    except FrequencyError:
        amount, unit = 1, "month"

    def cite(article: str, fallback: str) -> str:
        return f"《{regulation}》{article}" if article else fallback

    return ParticipationRules(
        locality=locality,
        regulation=regulation,
        publish_results_within=str(values["publish_results_within"]),
        results_amount=amount,
        results_unit=unit,
        results_cite=cite(values["publish_results_article"], "平台默认（本地区办法未规定公布期限）"),
        consultation_min_days=int(values["consultation_min_days"]),
        consultation_cite=cite(values["consultation_min_days_article"], NATIONAL_DECISION_RULE),
        interview_answer_workdays=int(values["interview_answer_workdays"]),
        interview_cite=cite(values["interview_answer_article"], "平台默认（本地区办法未规定答复时限）"),
        anonymous_per_address=int(values["anonymous_per_address"]),
        defaults_used=used,
    )
