"""China's working-day calendar: official holidays, make-up working days, and years without data."""

from datetime import date, datetime

import pytest

from govportal.rules import workdays
from govportal.rules.workdays import (
    Calendar,
    ScheduleError,
    YearSchedule,
    fallback_message,
    package_schedule,
    parse_schedule_text,
)


@pytest.fixture
def cal() -> Calendar:
    return Calendar()


@pytest.fixture(autouse=True)
def _reset_default_calendar():
    yield
    workdays.set_extra_schedules([])


def test_package_covers_2004_to_2026(cal):
    years = cal.covered_years()
    assert years[0] == 2004
    assert years[-1] >= 2026
    assert cal.has_data(2025) and cal.has_data(2026)
    assert not cal.has_data(2003)


# --- Spring Festival 2026: 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班 ----------------


def test_spring_festival_2026_rest_days(cal):
    for day in range(15, 24):
        assert not cal.is_workday(date(2026, 2, day)), f"2026-02-{day} should be a rest day"
    assert cal.is_workday(date(2026, 2, 13))  # Friday before
    assert cal.is_workday(date(2026, 2, 24))  # first working day after


def test_spring_festival_2026_make_up_saturdays_are_working_days(cal):
    assert date(2026, 2, 14).weekday() == 5 and cal.is_workday(date(2026, 2, 14))
    assert date(2026, 2, 28).weekday() == 5 and cal.is_workday(date(2026, 2, 28))
    assert not cal.is_workday(date(2026, 2, 7))  # an ordinary Saturday stays a rest day


def test_two_working_days_after_the_eve_of_spring_festival_2026(cal):
    # Friday 13 Feb -> Sat 14 Feb (make-up day) is the 1st, the holiday is skipped, Tue 24 Feb is the 2nd.
    assert cal.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert cal.add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert cal.add_workdays(date(2026, 2, 14), 2) == date(2026, 2, 25)


# --- National Day 2025: 10月1日至8日放假，9月28日（周日）、10月11日（周六）上班 --------------------


def test_national_day_2025(cal):
    for day in range(1, 9):
        assert not cal.is_workday(date(2025, 10, day))
    assert cal.is_workday(date(2025, 9, 28))  # Sunday, make-up day
    assert cal.is_workday(date(2025, 10, 11))  # Saturday, make-up day
    assert cal.is_workday(date(2025, 10, 9))


def test_letter_received_before_national_day_2025_is_due_after_it(cal):
    # A consultation (咨询, 2 working days) dispatched on Tuesday 30 Sep 2025.
    assert cal.add_workdays(date(2025, 9, 30), 2) == date(2025, 10, 10)
    # Dispatched on Friday 26 Sep: Sunday 28 Sep is a working day, so it is due on Monday 29 Sep.
    assert cal.add_workdays(date(2025, 9, 26), 2) == date(2025, 9, 29)
    # 5 working days after 30 Sep: 9, 10, 11 (Sat, make-up), 13, 14 Oct.
    assert cal.add_workdays(date(2025, 9, 30), 5) == date(2025, 10, 14)


# --- National Day 2026: 10月1日至7日放假，9月20日（周日）、10月10日（周六）上班 --------------------


def test_national_day_2026(cal):
    for day in range(1, 8):
        assert not cal.is_workday(date(2026, 10, day))
    assert cal.is_workday(date(2026, 10, 8))
    assert cal.is_workday(date(2026, 9, 20))
    assert cal.is_workday(date(2026, 10, 10))
    assert cal.add_workdays(date(2026, 9, 30), 2) == date(2026, 10, 9)
    assert cal.add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)


# --- counting rules --------------------------------------------------------------------------


def test_start_day_is_not_counted_and_zero_returns_start(cal):
    monday = date(2025, 3, 3)
    assert cal.add_workdays(monday, 0) == monday
    assert cal.add_workdays(monday, 1) == date(2025, 3, 4)
    # From a Saturday the 1st working day is the Monday.
    assert cal.add_workdays(date(2025, 3, 8), 1) == date(2025, 3, 10)
    assert cal.add_workdays(date(2025, 3, 8), 0) == date(2025, 3, 8)


def test_negative_n_counts_backwards(cal):
    assert cal.add_workdays(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert cal.add_workdays(date(2025, 10, 9), -2) == date(2025, 9, 29)


def test_workdays_between(cal):
    assert cal.workdays_between(date(2025, 9, 30), date(2025, 10, 10)) == 2
    assert cal.workdays_between(date(2025, 9, 30), date(2025, 9, 30)) == 0
    # Up to a rest day: the rest day itself does not count.
    assert cal.workdays_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    # Backwards: negative, and consistent with add_workdays.
    assert cal.workdays_between(date(2025, 10, 10), date(2025, 9, 30)) == -2
    assert cal.add_workdays(date(2025, 10, 10), -2) == date(2025, 9, 30)


def test_between_and_add_agree_over_a_whole_year(cal):
    start = date(2025, 12, 31)
    for n in (1, 5, 20, 100, 250):
        end = cal.add_workdays(start, n)
        assert cal.workdays_between(start, end) == n


def test_datetime_is_accepted(cal):
    assert cal.is_workday(datetime(2026, 2, 14, 9, 30))
    assert cal.add_workdays(datetime(2026, 2, 13, 17, 0), 2) == date(2026, 2, 24)


# --- years without data ------------------------------------------------------------------------


def test_year_without_data_falls_back_to_monday_to_friday(cal):
    assert not cal.has_data(2027)
    # 1 Jan 2027 is a Friday: without data it counts as a working day, and nothing raises.
    assert cal.is_workday(date(2027, 1, 1))
    assert not cal.is_workday(date(2027, 1, 2))
    assert cal.add_workdays(date(2030, 10, 1), 3) == date(2030, 10, 4)


def test_fallback_is_reported(cal):
    result = cal.add_workdays_checked(date(2026, 12, 30), 5)
    assert result.date == date(2027, 1, 6)  # 31 Dec 2026, then 1, 4, 5, 6 Jan 2027 (Mon–Fri)
    assert result.fallback_years == (2027,)
    assert result.is_fallback
    assert result.warning == "2027年无节假日数据，按周一至周五计算"

    within = cal.add_workdays_checked(date(2026, 3, 2), 5)
    assert within.fallback_years == ()
    assert within.warning == ""

    counted = cal.workdays_between_checked(date(2029, 12, 1), date(2030, 1, 31))
    assert counted.fallback_years == (2029, 2030)
    assert "2029、2030年无节假日数据" in counted.warning


def test_fallback_message():
    assert fallback_message([2030, 2027, 2030]) == "2027、2030年无节假日数据，按周一至周五计算"
    assert fallback_message([]) == ""


# --- administrator-entered years ------------------------------------------------------------

SCHEDULE_2027 = YearSchedule(
    year=2027,
    holidays=frozenset({date(2027, 1, 1), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10)}),
    workdays=frozenset({date(2027, 2, 6)}),  # a Saturday
    source="国办发明电〔2026〕测试",
)


def test_admin_schedule_for_2027_is_honoured():
    cal = Calendar(extra=[SCHEDULE_2027])
    assert cal.has_data(2027)
    assert 2027 in cal.covered_years()
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 2, 6))
    result = cal.add_workdays_checked(date(2027, 2, 5), 2)
    assert result.date == date(2027, 2, 11)  # Sat 6 Feb, then Thu 11 Feb after the holiday
    assert not result.is_fallback
    assert cal.source(2027) == "国办发明电〔2026〕测试"


def test_admin_schedule_overrides_the_package_for_that_year():
    # An amended schedule: 2026-02-24 becomes a rest day, 2026-02-28 no longer a make-up day.
    amended = YearSchedule(
        2026,
        holidays=frozenset(package_schedule(2026).holidays | {date(2026, 2, 24)}),
        workdays=frozenset({date(2026, 2, 14)}),
        source="调整通知",
    )
    cal = Calendar(extra=[amended])
    assert not cal.is_workday(date(2026, 2, 24))
    assert not cal.is_workday(date(2026, 2, 28))
    assert cal.is_workday(date(2026, 2, 14))
    # Other years still come from the package.
    assert cal.is_workday(date(2025, 9, 28))


def test_default_calendar_uses_extra_schedules():
    assert not workdays.has_data(2027)
    assert workdays.is_workday(date(2027, 1, 1))
    workdays.set_extra_schedules([SCHEDULE_2027])
    assert workdays.has_data(2027)
    assert not workdays.is_workday(date(2027, 1, 1))
    assert workdays.add_workdays(date(2027, 2, 5), 2) == date(2027, 2, 11)
    assert workdays.add_workdays_checked(date(2027, 2, 5), 2).fallback_years == ()
    workdays.set_extra_schedules([])
    assert workdays.is_workday(date(2027, 1, 1))


def test_module_functions_on_package_data():
    assert workdays.add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert workdays.workdays_between(date(2026, 2, 13), date(2026, 2, 24)) == 2


def test_schedule_rejects_dates_of_another_year_or_both_rest_and_work():
    with pytest.raises(ScheduleError, match="不属于2027年"):
        YearSchedule(2027, holidays=frozenset({date(2026, 12, 31)}))
    with pytest.raises(ScheduleError, match="同时被列为放假和上班"):
        YearSchedule(2027, holidays=frozenset({date(2027, 2, 6)}), workdays=frozenset({date(2027, 2, 6)}))
    with pytest.raises(ScheduleError, match="重复"):
        Calendar(extra=[SCHEDULE_2027, SCHEDULE_2027])


def test_schedule_round_trips_through_json_dict():
    assert YearSchedule.from_dict(SCHEDULE_2027.to_dict()) == SCHEDULE_2027


# --- reading the State Council's notice -------------------------------------------------------

NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
国务院办公厅
2025年11月4日
"""


def test_parse_the_published_notice_matches_official_data():
    parsed = parse_schedule_text(2026, NOTICE_2026, source="国办发明电〔2025〕7号")
    official = package_schedule(2026)
    assert parsed.holidays == official.holidays
    assert parsed.workdays == official.workdays
    assert parsed.source == "国办发明电〔2025〕7号"


def test_parse_simple_lines_and_full_width_digits():
    text = "放假 2027-01-01\n放假 ２０２７年２月６日 至 ２月１３日\n上班 2027/2/14\n# comment without a date"
    s = parse_schedule_text(2027, text)
    assert date(2027, 1, 1) in s.holidays
    assert {date(2027, 2, d) for d in range(6, 14)} <= s.holidays
    assert s.workdays == frozenset({date(2027, 2, 14)})


def test_parse_schedule_reports_problems_in_chinese():
    with pytest.raises(ScheduleError) as exc:
        parse_schedule_text(2027, "放假 2027-02-30\n上班 2026-12-31\n放假 3月5日\n上班 3月5日")
    message = str(exc.value)
    assert "2027-02-30" in message and "不存在" in message
    assert "不属于2027年" in message
    assert "同时被列为放假和上班" in message
    with pytest.raises(ScheduleError, match="没有找到2027年的放假或上班日期"):
        parse_schedule_text(2027, "通知如下")
