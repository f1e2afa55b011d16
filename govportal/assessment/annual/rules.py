"""Deadlines and choices of the annual reports, read from ``[annual_reports]`` of the locality's profile.

| report | due | source |
|---|---|---|
| 政府网站工作年度报表 (every site) | before 31 January | 国办函〔2018〕12号 |
| 政府信息公开工作年度报告 of a department | before 31 January | 《政府信息公开条例》第四十九条 |
| 政府信息公开工作年度报告 of the government | before 31 March | 《政府信息公开条例》第四十九条 |

The deadlines are calendar dates (the rules say "每年1月31日前", not working days): they are never moved.
The reminder goes out ``remind_workdays`` working days before the deadline, counted with the platform's
working-day calendar (``govportal.rules.workdays``); that lead time is the platform's choice, said so
where a profile is silent. Nothing here names a locality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from govportal.rules.profile import ProfileError, load_profile
from govportal.rules.workdays import add_workdays_checked

WEBSITE_RULE = "国办函〔2018〕12号（政府网站工作年度报表每年1月31日前在网站首页公开）"
DISCLOSURE_RULE = (
    "《中华人民共和国政府信息公开条例》第四十九条（部门1月31日前、本级政府3月31日前公布年度报告）"
)

DEFAULTS = {
    "website_due": "01-31",
    "department_due": "01-31",
    "government_due": "03-31",
    "remind_workdays": 10,
    "website_article": "",
    "disclosure_article": "",
    "overview_columns": ["概况", "简介", "机构", "领导", "职能"],
}


@dataclass(frozen=True)
class AnnualRules:
    locality: str
    regulation: str
    website_due: tuple[int, int]
    department_due: tuple[int, int]
    government_due: tuple[int, int]
    remind_workdays: int
    website_cite: str
    disclosure_cite: str
    overview_columns: tuple[str, ...]
    defaults_used: list[str] = field(default_factory=list)

    def due(self, kind: str, year: int) -> date:
        """The deadline of the report on ``year`` ("website", "department" or "government"): a date of
        the following year."""
        month, day = {"website": self.website_due, "department": self.department_due}.get(
            kind, self.government_due
        )
        return date(year + 1, month, day)

    def remind_on(self, kind: str, year: int) -> tuple[date, tuple[int, ...]]:
        """The day the reminder goes out: ``remind_workdays`` working days before the deadline, and the
        years for which the calendar had no official holiday data (weekends only)."""
        result = add_workdays_checked(self.due(kind, year), -self.remind_workdays)
        return result.date, result.fallback_years

    def cite(self, kind: str) -> str:
        return self.website_cite if kind == "website" else self.disclosure_cite


def _month_day(text: str, fallback: str) -> tuple[int, int]:
    try:
        month, day = (int(x) for x in str(text).split("-"))
        date(2001, month, day)
        return month, day
    except (ValueError, TypeError):
        month, day = (int(x) for x in fallback.split("-"))
        return month, day


@lru_cache(maxsize=16)
def annual_rules(locality: str) -> AnnualRules:
    values = dict(DEFAULTS)
    regulation = "本地区政府网站管理办法"
    section: dict = {}
    try:
        profile = load_profile(locality) if locality else None
    except (ProfileError, FileNotFoundError, OSError):
        profile = None
    if profile is not None:
        regulation = profile.regulation
        section = dict(profile.sections.get("annual_reports", {}) or {})
    used = []
    for key in DEFAULTS:
        if key in section:
            values[key] = section[key]
        elif not key.endswith("_article"):
            used.append(key)

    def cite(article: str, national: str) -> str:
        return f"{national}；《{regulation}》{article}" if article else national

    return AnnualRules(
        locality=locality,
        regulation=regulation,
        website_due=_month_day(values["website_due"], DEFAULTS["website_due"]),
        department_due=_month_day(values["department_due"], DEFAULTS["department_due"]),
        government_due=_month_day(values["government_due"], DEFAULTS["government_due"]),
        remind_workdays=int(values["remind_workdays"]),
        website_cite=cite(values["website_article"], WEBSITE_RULE),
        disclosure_cite=cite(values["disclosure_article"], DISCLOSURE_RULE),
        overview_columns=tuple(values["overview_columns"]),
        defaults_used=used,
    )


def clear_cache() -> None:
    annual_rules.cache_clear()
