"""Column freshness: every profile's frequency phrases turned into due dates and states, across the 2026
National Day holiday (1–7 October off, Saturday 10 October a make-up working day)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from govportal.monitoring.freshness import DUE_SOON, EMPTY, FRESH, OVERDUE, UNCHECKED, ItemRecord, assess
from govportal.rules.frequency import parse_frequency
from govportal.rules.profile import load_profile
from govportal.rules.workdays import default_calendar

TIMELY = parse_frequency("14天")


def items(*days, start_id=1):
    return [ItemRecord(start_id + n, f"信息{n}", f"0001{n:04d}", d, None, "文章") for n, d in enumerate(days)]


def state(phrase, its, today, **kw):
    kw.setdefault("timely", TIMELY)
    kw.setdefault("warning_days", 3)
    kw.setdefault("calendar", default_calendar())
    return assess(parse_frequency(phrase), its, today, **kw)


def test_every_phrase_of_the_four_profiles_is_understood_by_the_monitor():
    """No column of a shipped profile is left with a phrase the monitor cannot turn into a state."""
    seen = set()
    for code in ("qinzhou", "xiangshan", "youyang", "weibin"):
        profile = load_profile(code)
        for spec in profile.columns:
            if spec.frequency is None:
                continue
            seen.add(spec.frequency_text)
            r = assess(
                spec.frequency,
                items(date(2026, 9, 1)),
                date(2026, 10, 9),
                timely=profile.frequency_timely,
                warning_days=3,
            )
            assert r["state"] in (FRESH, DUE_SOON, OVERDUE, UNCHECKED)
    assert {
        "及时更新",
        "6个月内",
        "4个月",
        "10天",
        "文件印发后5个工作日内",
        "每周至少1条",
        "两月至少1条",
    } <= seen


# --- 钦州: 及时更新 (= profile timely 14天), 6个月内 -----------------------------------------------------


def test_qinzhou_timely_column_is_due_14_days_after_its_last_item_holiday_or_not():
    last = date(2026, 9, 25)
    assert state("及时更新", items(last), date(2026, 10, 5))["state"] == FRESH
    r = state("及时更新", items(last), date(2026, 10, 6))
    assert (r["state"], r["due"], r["since"]) == (DUE_SOON, date(2026, 10, 9), date(2026, 10, 6))
    r = state("及时更新", items(last), date(2026, 10, 10))
    assert (r["state"], r["since"]) == (OVERDUE, date(2026, 10, 10))


def test_qinzhou_six_months_column():
    r = state("6个月内", items(date(2026, 4, 30)), date(2026, 10, 30))
    assert (r["state"], r["due"]) == (DUE_SOON, date(2026, 10, 30))
    assert state("6个月内", items(date(2026, 4, 30)), date(2026, 10, 31))["state"] == OVERDUE


# --- 象山: 10天, 4个月, 文件印发后5个工作日内 ---------------------------------------------------------------


def test_xiangshan_gap_in_days_runs_through_the_holiday():
    r = state("10天", items(date(2026, 9, 30)), date(2026, 10, 11))
    assert (r["state"], r["due"], r["since"]) == (OVERDUE, date(2026, 10, 10), date(2026, 10, 11))
    assert state("4个月", items(date(2026, 6, 10)), date(2026, 10, 1))["state"] == FRESH


def test_xiangshan_event_deadline_counts_working_days_from_the_documents_issue_date():
    """A document issued on Monday 28 September: 29, 30 Sep, 8, 9 Oct and the make-up Saturday 10 Oct."""
    pending = [
        {
            "event_day": date(2026, 9, 28),
            "title": "象政〔2026〕8号",
            "page_id": 99,
            "what": "文件印发后尚未发布",
        }
    ]
    r = state("文件印发后5个工作日内", items(date(2026, 9, 1)), date(2026, 10, 9), events=pending)
    assert (r["state"], r["due"]) == (DUE_SOON, date(2026, 10, 10))
    r = state("文件印发后5个工作日内", items(date(2026, 9, 1)), date(2026, 10, 11), events=pending)
    assert (r["state"], r["since"]) == (OVERDUE, date(2026, 10, 11))
    assert r["events"][0]["deadline"] == date(2026, 10, 10)


def test_xiangshan_document_published_after_its_deadline_is_named_late():
    its = items(date(2026, 10, 12), start_id=7)
    r = state("文件印发后5个工作日内", its, date(2026, 10, 20), issue_days={7: date(2026, 9, 28)})
    assert r["state"] == FRESH
    assert "1 条发布晚于期限" in r["note"]
    late = [e for e in r["events"] if e["what"] == "发布晚于期限"]
    assert late[0]["deadline"] == date(2026, 10, 10)


# --- 酉阳: 及时更新, 按需更新, 1年 --------------------------------------------------------------------------


def test_youyang_on_demand_column_is_never_due_but_empty_when_it_has_nothing():
    assert state("按需更新", items(date(2020, 1, 1)), date(2026, 10, 9))["state"] == UNCHECKED
    r = state("按需更新", [], date(2026, 10, 9), went_live=date(2026, 3, 1))
    assert (r["state"], r["since"]) == (EMPTY, date(2026, 3, 1))
    assert state("1年", items(date(2025, 10, 8)), date(2026, 10, 9))["state"] == OVERDUE


# --- 渭滨: 每周至少1条, 两周至少1条, 两月至少1条, 每季度至少1条, 实时更新, 按期答复 --------------------------


def test_weibin_weekly_count_over_the_holiday_week():
    """Week of Mon 28 Sep – Sun 4 Oct (mostly holiday) still needs its item."""
    its = items(date(2026, 9, 22))
    r = state("每周至少1条", its, date(2026, 9, 30))
    assert (r["state"], r["due"]) == (FRESH, date(2026, 10, 4))
    r = state("每周至少1条", its, date(2026, 10, 2))
    assert (r["state"], r["since"]) == (DUE_SOON, date(2026, 10, 1))
    r = state("每周至少1条", its, date(2026, 10, 6))
    assert (r["state"], r["since"], r["due"]) == (OVERDUE, date(2026, 10, 5), date(2026, 10, 11))
    assert "少于 1 条" in r["note"]
    # an item in the new week puts the column back on time
    r = state("每周至少1条", items(date(2026, 9, 22), date(2026, 10, 7)), date(2026, 10, 8))
    assert (r["state"], r["since"], r["due"]) == (FRESH, date(2026, 10, 7), date(2026, 10, 18))


def test_weibin_two_month_and_quarter_counts():
    # 两月 = July–August, September–October: an item in July covers July–August; September–October is due
    r = state("两月至少1条", items(date(2026, 7, 15)), date(2026, 10, 9))
    assert (r["state"], r["since"], r["due"]) == (FRESH, date(2026, 9, 1), date(2026, 10, 31))
    # nothing since May ⇒ July–August fell short ⇒ overdue from 1 September
    r = state("两月至少1条", items(date(2026, 5, 15)), date(2026, 10, 9))
    assert (r["state"], r["since"], r["due"]) == (OVERDUE, date(2026, 9, 1), date(2026, 10, 31))
    r = state("每季度至少1条", items(date(2026, 5, 3)), date(2026, 9, 29))
    assert (r["state"], r["due"]) == (DUE_SOON, date(2026, 9, 30))
    r = state("每季度至少1条", items(date(2026, 8, 3)), date(2026, 9, 29))
    assert (r["state"], r["due"]) == (FRESH, date(2026, 12, 31))


def test_weibin_continuous_and_reply_phrases():
    assert state("实时更新", items(date(2026, 9, 20)), date(2026, 10, 5))["state"] == OVERDUE
    assert state("按期答复", items(date(2020, 1, 1)), date(2026, 10, 5))["state"] == UNCHECKED


# --- undated items -------------------------------------------------------------------------------------


def test_an_item_without_a_publish_date_counts_as_not_updated():
    undated = [ItemRecord(5, "无日期的信息", "00010005", None, None, "文章")]
    r = state("及时更新", undated, date(2026, 10, 9))
    assert r["state"] == OVERDUE
    assert "1 条信息未注明发布日期，视为未更新" in r["note"]
    # and it does not refresh a column whose dated items are old
    r = state("及时更新", items(date(2026, 8, 1)) + undated, date(2026, 10, 9))
    assert (r["state"], r["last_update"]) == (OVERDUE, date(2026, 8, 1))


def test_items_dated_after_the_day_assessed_do_not_count():
    r = state("及时更新", items(date(2026, 9, 1), date(2026, 10, 20)), date(2026, 10, 9))
    assert (r["state"], r["last_update"]) == (OVERDUE, date(2026, 9, 1))


@pytest.mark.parametrize("gap,ok_day,late_day", [(14, 14, 15)])
def test_gap_boundary(gap, ok_day, late_day):
    last = date(2026, 11, 2)
    assert state("及时更新", items(last), last + timedelta(days=ok_day))["state"] == DUE_SOON
    assert state("及时更新", items(last), last + timedelta(days=late_day))["state"] == OVERDUE
