"""A quarter of 象山 scored by hand and by the code (001 第十六条), every point traced to its source."""

from __future__ import annotations

import datetime

from govportal.assessment.scoring import adjust, compute, standing
from govportal.rules.assessment import Period

from .conftest import Q3, TZ

Q = Period("quarter", 2026, 3)
TODAY = datetime.date(2026, 12, 2)


def _setup(xiangshan, unit, column, put, finding, letter):
    stats, culture = unit("stats"), unit("culture-tourism")
    economy = column("走进象山", "象山经济")
    monthly = column("政府信息公开", "法定主动公开内容", "基础信息公开", "数据发布", "月度经济指标统计")
    sights = column("走进象山", "辖区景点")
    # 统计局: a text item (1), an image item also put as an alias in a second column (2, once),
    # a video (3), a typo found twice by two scans (−5 once), a secret mark (−10), a false positive (0)
    text = put(economy, "三季度经济运行情况", "text", stats)
    image = put(economy, "统计开放日图文", "image", stats)
    image.create_alias(parent=monthly, update_slug="tongji-kaifangri-alias")
    video = put(monthly, "统计法宣传视频", "video", stats)
    finding(text, "typo", "部暑")
    finding(text, "typo", "部暑", when=Q3 + datetime.timedelta(days=20))
    finding(video, "secret", "机密★")
    finding(image, "typo", "统汁", status="false_positive")
    # 统计局 also published in Q2 (not this quarter) and had a typo found in Q2 (counted in Q2, not again)
    old = put(economy, "二季度经济运行情况", "text", stats, when=datetime.datetime(2026, 5, 5, 9, tzinfo=TZ))
    finding(old, "typo", "进度", when=datetime.datetime(2026, 6, 1, 9, tzinfo=TZ))
    finding(old, "typo", "进度", when=Q3)
    # 文旅局: one text item at the quarter's very last minute (counts), one at the next quarter's first (not)
    put(sights, "国庆假日景区开放", "text", culture, when=datetime.datetime(2026, 9, 30, 23, 59, tzinfo=TZ))
    put(sights, "十月景区活动", "text", culture, when=datetime.datetime(2026, 10, 1, 0, 0, tzinfo=TZ))
    # letters: 文旅局 concluded one late (listed, 0 points in 象山), another on time (nothing)
    letter(culture, datetime.date(2026, 9, 10), concluded=datetime.datetime(2026, 9, 15, 10, tzinfo=TZ))
    letter(culture, datetime.date(2026, 9, 10), concluded=datetime.datetime(2026, 9, 10, 10, tzinfo=TZ))
    return stats, culture


def test_a_quarter_scored_by_hand_and_by_the_code(xiangshan, unit, column, put, finding, letter):
    stats, culture = _setup(xiangshan, unit, column, put, finding, letter)
    compute("xiangshan", Q, today=TODAY)
    s = standing("xiangshan", Q)
    # by hand: 统计局 1 + 2 + 3 − 5 − 10 = −9 ; 文旅局 1 ; every other unit 0
    assert s.total_of(stats).total == 1 + 2 + 3 - 5 - 10
    assert s.total_of(culture).total == 1
    by_unit = {t.unit.code: t.total for t in s.totals}
    assert all(v == 0 for k, v in by_unit.items() if k not in ("stats", "culture-tourism"))
    assert s.total_of(culture).rank == 1 and s.total_of(stats).rank == len(s.totals)

    lines = s.lines_of(stats)
    items = sorted((line.points, line.label) for line in lines if line.kind == "item")
    assert [p for p, _ in items] == [1, 2, 3]
    (dupe,) = [line for line in lines if line.kind == "duplicate"]
    assert dupe.points == 0 and "统计开放日图文" in dupe.label and "不重复计分" in dupe.label
    deductions = sorted(line.points for line in lines if line.kind == "deduction" and line.points)
    assert deductions == [-10, -5]
    typo = next(line for line in lines if line.code == "typo")
    assert "部暑" in typo.label and typo.article == "第十六条（三）2" and typo.ref_type == "finding"
    # the late letter is listed for 文旅局 with its deadline, no points (第十七条)
    late = [line for line in s.lines_of(culture) if line.code == "letter_overdue"]
    assert len(late) == 1 and "2026-09-10" in late[0].label and late[0].points == 0
    assert late[0].ref_type == "letter"


def test_recompute_keeps_adjustments_and_their_reasons(xiangshan, unit, column, put, finding, letter, person):
    stats, _culture = _setup(xiangshan, unit, column, put, finding, letter)
    a = compute("xiangshan", Q, today=TODAY)
    admin = person(unit("gov-office"), "host_office")
    typo = a.lines.get(unit=stats, code="typo")
    adjust(a, stats, reason="经核实为引用原文，不属错字", user=admin, cancels=typo)
    adjust(a, stats, reason="信息引发负面舆情（区政府办认定）", user=admin, rule_code="improper_content")
    compute("xiangshan", Q, today=TODAY)  # rebuilt from the facts: the adjustments apply again
    s = standing("xiangshan", Q)
    assert s.total_of(stats).total == -9 + 5 - 10
    rebuilt = s.lines[0].assessment.lines.get(unit=stats, code="typo")
    assert rebuilt.cancelled_by is not None and rebuilt.cancelled_by.reason == "经核实为引用原文，不属错字"
    recorded = [line for line in s.lines_of(stats) if line.kind == "adjustment"]
    assert {line.points for line in recorded} == {5, -10}
    assert all(line.adjustment.created_by == admin for line in recorded)


def test_an_adjustment_without_a_reason_is_refused(xiangshan, unit, person):
    import pytest

    a = compute("xiangshan", Q, today=TODAY)
    with pytest.raises(ValueError, match="须写明理由"):
        adjust(a, unit("stats"), reason="  ", user=person(unit("gov-office"), "host_office"), points=3)


def test_the_year_adds_up_its_quarters(xiangshan, unit, column, put, finding, letter):
    stats, _ = _setup(xiangshan, unit, column, put, finding, letter)
    for q in (2, 3):
        compute("xiangshan", Period("quarter", 2026, q), today=TODAY)
    year = standing("xiangshan", Period("year", 2026))
    # Q2: one text item (1) and the typo first found in Q2 (−5); Q3: −9 (the Q2 typo found again is not counted)
    assert year.total_of(stats).total == (1 - 5) + (-9)
    assert [p.number for p in year.missing] == [1, 4]
