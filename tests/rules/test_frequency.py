"""Update-frequency phrases of the column tables."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from govportal.rules.frequency import (
    Frequency,
    FrequencyError,
    add_period,
    chinese_number,
    parse_frequency,
    period_bounds,
)
from govportal.rules.workdays import Calendar, YearSchedule

PROFILES_DIR = Path(__file__).resolve().parents[2] / "govportal" / "profiles"

# Every distinct update-frequency phrase of the column tables of seeds 000 (钦州, 更新频率),
# 001 (象山, 更新时限) and 004 (渭滨, 更新周期), with what it must mean:
# (phrase, kind, amount, unit, count, trigger)
SEED_PHRASES = [
    # 000 钦州市
    ("6个月内", "max_gap", 6, "month", None, ""),
    ("1年内", "max_gap", 1, "year", None, ""),
    ("及时更新", "continuous", None, None, None, ""),
    ("动态更新", "continuous", None, None, None, ""),
    ("实时更新", "continuous", None, None, None, ""),
    ("按需更新", "on_demand", None, None, None, ""),
    ("每月", "min_count", 1, "month", 1, ""),
    ("及时反馈", "continuous", None, None, None, ""),
    ("及时报送", "continuous", None, None, None, ""),
    # 001 象山区
    ("10个月", "max_gap", 10, "month", None, ""),
    ("10天", "max_gap", 10, "day", None, ""),
    ("1个月", "max_gap", 1, "month", None, ""),
    ("1年", "max_gap", 1, "year", None, ""),
    ("2个月", "max_gap", 2, "month", None, ""),
    ("4个月", "max_gap", 4, "month", None, ""),
    ("6个月", "max_gap", 6, "month", None, ""),
    ("5天内", "max_gap", 5, "day", None, ""),
    ("5个工作日", "max_gap", 5, "workday", None, ""),
    ("无需更新", "none", None, None, None, ""),
    ("每年", "min_count", 1, "year", 1, ""),
    ("文件印发后5个工作日内", "event", 5, "workday", None, "文件印发"),
    ("文件印发后5 个工作日内", "event", 5, "workday", None, "文件印发"),  # as the scan has it
    # 004 渭滨区
    ("每周更新", "min_count", 1, "week", 1, ""),
    ("每日更新", "min_count", 1, "day", 1, ""),
    ("两周至少1条", "min_count", 2, "week", 1, ""),
    ("每周至少1条", "min_count", 1, "week", 1, ""),
    ("每月至少1条", "min_count", 1, "month", 1, ""),
    ("两月至少1条", "min_count", 2, "month", 1, ""),
    ("每季度至少1条", "min_count", 1, "quarter", 1, ""),
    ("每年至少更新一次", "min_count", 1, "year", 1, ""),
    ("一年一次", "min_count", 1, "year", 1, ""),
    ("按期答复", "event", None, None, None, "收到来信或申请"),
]


@pytest.mark.parametrize(("phrase", "kind", "amount", "unit", "count", "trigger"), SEED_PHRASES)
def test_every_seed_phrase_parses(phrase, kind, amount, unit, count, trigger):
    f = parse_frequency(phrase)
    assert (f.kind, f.amount, f.unit, f.count, f.trigger) == (kind, amount, unit, count, trigger)
    assert f.text == phrase.replace(" ", "")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("６个月内", Frequency("max_gap", 6, "month")),  # full-width digit
        ("十天", Frequency("max_gap", 10, "day")),
        ("十五天", Frequency("max_gap", 15, "day")),
        ("两个月", Frequency("max_gap", 2, "month")),
        ("半年", Frequency("max_gap", 6, "month")),
        ("1年内更新一次", Frequency("max_gap", 1, "year")),
        (" 10 天 ", Frequency("max_gap", 10, "day")),
        ("3个工作日内", Frequency("max_gap", 3, "workday")),
        ("2周", Frequency("max_gap", 2, "week")),
        ("每两周至少一条", Frequency("min_count", 2, "week", count=1)),
        ("每月至少2条", Frequency("min_count", 1, "month", count=2)),
        ("每月更新", Frequency("min_count", 1, "month", count=1)),
        ("每季度", Frequency("min_count", 1, "quarter", count=1)),
        ("每半年至少1条", Frequency("min_count", 6, "month", count=1)),
        ("一年更新一次", Frequency("min_count", 1, "year", count=1)),
        ("社会热点产生后7个工作日内", Frequency("event", 7, "workday", trigger="社会热点产生")),
        ("政策文件公开之日起3日内", Frequency("event", 3, "day", trigger="政策文件公开")),
        ("不定期更新", Frequency("on_demand")),
        ("及时发布", Frequency("continuous")),
        ("及时查收", Frequency("continuous")),  # 004 writes it next to 按期答复
        ("实时更新。", Frequency("continuous")),
    ],
)
def test_other_accepted_forms(phrase, expected):
    assert parse_frequency(phrase) == expected


def test_empty_phrase_is_an_unspecified_container():
    assert parse_frequency("").kind == "unspecified"
    assert parse_frequency("  ").kind == "unspecified"
    assert parse_frequency("").max_gap(parse_frequency("14天")) is None


@pytest.mark.parametrize("phrase", ["经常更新", "3月", "每", "后5天", "0天", "10天更新", "1小时内"])
def test_unknown_phrase_is_refused_with_the_accepted_forms(phrase):
    with pytest.raises(FrequencyError) as exc:
        parse_frequency(phrase)
    message = str(exc.value)
    assert f"无法识别的更新频率「{phrase}」" in message
    assert "每周至少1条" in message and "文件印发后5个工作日内" in message
    assert isinstance(exc.value, ValueError)


def test_zero_is_refused_with_a_reason():
    with pytest.raises(FrequencyError, match="必须大于0"):
        parse_frequency("0天")


def test_chinese_numbers():
    assert [chinese_number(s) for s in ("一", "两", "十", "十二", "二十", "二十五", "一百零五", "３")] == [
        1,
        2,
        10,
        12,
        20,
        25,
        105,
        3,
    ]
    with pytest.raises(ValueError):
        chinese_number("十x")


# --- what the phrases mean ---------------------------------------------------------------------

TIMELY = parse_frequency("14天")


def test_max_gap_rule():
    assert parse_frequency("6个月内").max_gap(TIMELY) == (6, "month")
    assert parse_frequency("及时更新").max_gap(TIMELY) == (14, "day")
    assert parse_frequency("实时更新").max_gap(parse_frequency("10个工作日")) == (10, "workday")
    assert parse_frequency("及时更新").max_gap(None) is None
    for phrase in ("每周至少1条", "文件印发后5个工作日内", "按需更新", "无需更新"):
        assert parse_frequency(phrase).max_gap(TIMELY) is None
    with pytest.raises(ValueError):
        parse_frequency("及时更新").max_gap(parse_frequency("每周至少1条"))


def test_count_rule_and_checkability():
    assert parse_frequency("两月至少1条").count_rule() == (1, 2, "month")
    assert parse_frequency("10天").count_rule() is None
    assert parse_frequency("10天").is_checkable
    assert parse_frequency("及时更新").is_checkable
    assert parse_frequency("文件印发后5个工作日内").is_checkable
    assert not parse_frequency("按期答复").is_checkable
    assert not parse_frequency("按需更新").is_checkable
    assert not parse_frequency("无需更新").is_checkable


def test_next_due_date_after_last_update():
    last = date(2025, 8, 31)
    assert parse_frequency("6个月内").next_due(last, TIMELY) == date(2026, 2, 28)
    assert parse_frequency("及时更新").next_due(last, TIMELY) == date(2025, 9, 14)
    assert parse_frequency("每周至少1条").next_due(last, TIMELY) is None
    # 5 working days after Tue 30 Sep 2025 skip the National Day holiday.
    assert parse_frequency("5个工作日").next_due(date(2025, 9, 30), TIMELY) == date(2025, 10, 14)


def test_event_deadline_in_working_days():
    f = parse_frequency("文件印发后5个工作日内")
    # A document issued on Friday 13 Feb 2026: Sat 14 Feb (make-up day), 24, 25, 26, 27 Feb.
    assert f.deadline(date(2026, 2, 13)) == date(2026, 2, 27)
    assert parse_frequency("按期答复").deadline(date(2026, 2, 13)) is None
    assert parse_frequency("10天").deadline(date(2026, 2, 13)) is None


def test_event_deadline_uses_the_given_calendar():
    cal = Calendar(extra=[YearSchedule(2027, holidays=frozenset({date(2027, 1, 4), date(2027, 1, 5)}))])
    f = parse_frequency("文件印发后2个工作日内")
    assert f.deadline(date(2027, 1, 1), cal) == date(2027, 1, 7)
    assert f.deadline(date(2027, 1, 1)) == date(2027, 1, 5)  # default calendar: no 2027 data


@pytest.mark.parametrize(
    ("phrase", "description"),
    [
        ("6个月内", "更新间隔不超过6个月"),
        ("5个工作日", "更新间隔不超过5个工作日"),
        ("每周至少1条", "每周至少1条"),
        ("两周至少1条", "每2周至少1条"),
        ("每季度至少1条", "每季度至少1条"),
        ("每年至少更新一次", "每年至少1条"),
        ("文件印发后5 个工作日内", "文件印发后5个工作日内"),
        ("按期答复", "按规定期限答复"),
        ("按需更新", "按需更新"),
        ("无需更新", "无需更新"),
        ("", "未规定更新频率"),
    ],
)
def test_describe(phrase, description):
    assert parse_frequency(phrase).describe() == description


def test_describe_continuous_with_timely():
    assert parse_frequency("及时更新").describe(TIMELY) == "及时更新（更新间隔不超过14天）"
    assert parse_frequency("实时更新").describe() == "实时更新"


@pytest.mark.parametrize("phrase", [p[0] for p in SEED_PHRASES] + [""])
def test_json_round_trip(phrase):
    f = parse_frequency(phrase)
    back = Frequency.from_dict(f.to_dict())
    assert back == f
    assert back.text == f.text


def test_text_is_not_part_of_equality():
    assert parse_frequency("6个月") == parse_frequency("6个月内")
    assert parse_frequency("每周更新") == parse_frequency("每周至少1条")


# --- date arithmetic ----------------------------------------------------------------------------


def test_add_period_units():
    d = date(2025, 1, 31)
    assert add_period(d, 10, "day") == date(2025, 2, 10)
    assert add_period(d, 2, "week") == date(2025, 2, 14)
    assert add_period(d, 1, "month") == date(2025, 2, 28)  # clamped to the month's end
    assert add_period(date(2024, 1, 31), 1, "month") == date(2024, 2, 29)
    assert add_period(d, 1, "quarter") == date(2025, 4, 30)
    assert add_period(date(2024, 2, 29), 1, "year") == date(2025, 2, 28)
    assert add_period(date(2025, 11, 30), 4, "month") == date(2026, 3, 30)
    assert add_period(date(2025, 3, 31), -1, "month") == date(2025, 2, 28)
    assert add_period(date(2025, 9, 30), 2, "workday") == date(2025, 10, 10)
    with pytest.raises(ValueError):
        add_period(d, 1, "fortnight")


def test_period_bounds():
    assert period_bounds(date(2025, 10, 15), 1, "week") == (date(2025, 10, 13), date(2025, 10, 19))
    assert period_bounds(date(2025, 10, 15), 1, "month") == (date(2025, 10, 1), date(2025, 10, 31))
    assert period_bounds(date(2025, 4, 15), 2, "month") == (date(2025, 3, 1), date(2025, 4, 30))
    assert period_bounds(date(2025, 2, 15), 2, "month") == (date(2025, 1, 1), date(2025, 2, 28))
    assert period_bounds(date(2025, 8, 15), 1, "quarter") == (date(2025, 7, 1), date(2025, 9, 30))
    assert period_bounds(date(2025, 8, 15), 6, "month") == (date(2025, 7, 1), date(2025, 12, 31))
    assert period_bounds(date(2025, 8, 15), 1, "year") == (date(2025, 1, 1), date(2025, 12, 31))
    assert period_bounds(date(2025, 8, 15), 1, "day") == (date(2025, 8, 15), date(2025, 8, 15))
    start, end = period_bounds(date(2025, 10, 15), 2, "week")
    assert start.weekday() == 0 and (end - start).days == 13 and start <= date(2025, 10, 15) <= end
    # consecutive two-week periods tile the calendar
    assert period_bounds(end + timedelta(days=1), 2, "week")[0] == end + timedelta(days=1)
    assert period_bounds(end, 2, "week") == (start, end)


# --- the shipped column tables ------------------------------------------------------------------


_SHIPPED_TABLES = sorted(PROFILES_DIR.glob("*/columns.tsv"))


@pytest.mark.skipif(not _SHIPPED_TABLES, reason="no shipped columns.tsv yet")
@pytest.mark.parametrize("tsv", _SHIPPED_TABLES or [None], ids=lambda p: p.parent.name if p else "none")
def test_every_frequency_cell_of_the_shipped_tables_parses(tsv):
    lines = tsv.read_text(encoding="utf-8-sig").splitlines()
    if not lines:
        pytest.skip(f"{tsv} is empty")
    header = lines[0].split("\t")
    assert "更新频率" in header, f"{tsv}: no 更新频率 column"
    pos = header.index("更新频率")
    failures = []
    parsed = 0
    for n, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if pos < len(parts) and parts[pos].strip():
            try:
                parse_frequency(parts[pos])
                parsed += 1
            except FrequencyError:
                failures.append(f"row {n}: {parts[pos]!r}")
    assert not failures, f"{tsv.parent.name}/columns.tsv: unknown phrases: " + "; ".join(failures)
    assert parsed > 0
