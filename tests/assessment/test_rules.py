"""govportal.rules.assessment: the arithmetic of each locality's scoring rule, at its boundaries (no database)."""

from __future__ import annotations

import datetime

import pytest

from govportal.rules.assessment import (
    AssessmentRuleError,
    Fact,
    Period,
    Placement,
    Rules,
    deduction_lines,
    item_lines,
    score,
    totals,
)
from govportal.rules.profile import load_profile


def rules_of(code: str) -> Rules:
    p = load_profile(code)
    return Rules.from_section(p.sections.get("assessment"), locality=code, regulation=p.regulation)


XS = rules_of("xiangshan")


def place(unit, key, pk, kind, column="政务动态"):
    return Placement(unit=unit, item_key=key, page_id=pk, title=f"信息{key}", column=column, media_kind=kind)


def test_every_profile_has_an_assessment_table_with_articles():
    for code in ("qinzhou", "xiangshan", "youyang", "weibin"):
        r = rules_of(code)
        assert r.from_profile and r.article.startswith("第")
        assert all(rule.article.startswith("第") for rule in r.rules)


def test_xiangshan_text_image_video_are_one_two_three_points():
    lines = item_lines([place("A", 1, 1, "text"), place("A", 2, 2, "image"), place("A", 3, 3, "video")], XS)
    assert [line.points for line in lines] == [1, 2, 3]
    assert all(line.article == "第十六条（三）1" for line in lines)


def test_same_item_in_several_columns_counts_once_at_its_highest():
    # the same information in three columns: text in one, image-and-text in two → 2 points, once
    lines = item_lines(
        [
            place("A", 7, 10, "text", "通知公告"),
            place("A", 7, 11, "image", "政务动态"),
            place("A", 7, 12, "image", "部门动态"),
        ],
        XS,
    )
    counted = [line for line in lines if line.kind == "item"]
    assert len(counted) == 1 and counted[0].points == 2 and counted[0].ref_id == 11
    dupes = [line for line in lines if line.kind == "duplicate"]
    assert [d.ref_id for d in dupes] == [12, 10] and all(d.points == 0 for d in dupes)
    assert "已在“政务动态”按最高分计" in dupes[0].label
    assert sum(line.points for line in lines) == 2


def test_two_different_items_in_one_column_both_count():
    assert (
        sum(line.points for line in item_lines([place("A", 1, 1, "text"), place("A", 2, 2, "text")], XS)) == 2
    )


def test_the_same_key_in_two_units_is_two_items():
    # a joint item published by each unit in its own sub-site: each unit is scored for its own
    lines = item_lines([place("A", 1, 1, "video"), place("B", 1, 2, "video")], XS)
    assert [(line.unit, line.points) for line in lines] == [("A", 3), ("B", 3)]


def fact(unit, source, ref=1, code=""):
    return Fact(unit=unit, source=source, ref_type="finding", ref_id=ref, label="x", rule_code=code)


@pytest.mark.parametrize(
    "source,points,code",
    [
        ("finding:typo", -5, "typo"),
        ("finding:expression", -5, "typo"),
        ("finding:leader_title", -5, "typo"),
        ("finding:secret", -10, "classified_or_out_of_scope"),
        ("finding:personal_data", -10, "classified_or_out_of_scope"),
        ("column_overdue", 0, "column_overdue"),
        ("letter_overdue", 0, "letter_overdue"),
    ],
)
def test_xiangshan_each_deduction(source, points, code):
    (line,) = deduction_lines([fact("A", source)], XS)
    assert (line.points, line.code) == (points, code)


def test_improper_content_is_minus_ten_only_when_recorded_by_the_office():
    assert deduction_lines([fact("A", "finding:sensitive")], XS) == []  # a sensitive word alone: no rule
    (line,) = deduction_lines([fact("A", "manual", code="improper_content")], XS)
    assert line.points == -10 and line.article == "第十六条（三）2"


def test_each_typo_is_five_points_and_they_add_up():
    lines = deduction_lines([fact("A", "finding:typo", ref=i) for i in range(3)], XS)
    assert sum(line.points for line in lines) == -15


def test_totals_rank_equal_scores_together():
    lines = score(
        [place("A", 1, 1, "video"), place("B", 2, 2, "video"), place("C", 3, 3, "text")],
        [fact("C", "finding:typo")],
        XS,
    )
    ranked = totals(["A", "B", "C", "D"], lines, XS)
    assert [(t.unit, t.total, t.rank) for t in ranked] == [
        ("A", 3, 1),
        ("B", 3, 1),
        ("D", 0, 3),
        ("C", -4, 4),
    ]


def test_youyang_starts_at_a_hundred_and_deducts():
    yy = rules_of("youyang")
    assert (yy.notice_period, yy.ledger_period, yy.ranking_period) == ("quarter", "month", "quarter")
    lines = deduction_lines(
        [fact("A", "column_overdue"), fact("A", "finding:typo"), fact("A", "finding:secret")], yy
    )
    (t,) = totals(["A"], lines, yy)
    assert t.total == 100 - 2 - 1 - 10
    assert not yy.counts_items


def test_weibin_is_yearly():
    wb = rules_of("weibin")
    assert wb.notice_period == "year" and wb.base_points == 100


def test_qinzhou_facts_fall_under_the_cases_of_article_33():
    qz = rules_of("qinzhou")
    (line,) = deduction_lines([fact("A", "column_overdue")], qz)
    assert line.points == 0 and line.criticism == "late_or_missing"
    assert qz.criticism["late_or_missing"].startswith("所承担门户网站的信息发布")


def test_periods_and_their_boundaries():
    q = Period("quarter", 2026, 3)
    assert (q.start, q.end) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    assert q.contains(datetime.date(2026, 9, 30)) and not q.contains(datetime.date(2026, 10, 1))
    assert q.label == "2026年第三季度"
    assert [m.label for m in q.months()] == ["2026年7月", "2026年8月", "2026年9月"]
    assert Period("month", 2024, 2).end == datetime.date(2024, 2, 29)
    assert Period("quarter", 2026, 1).previous() == Period("quarter", 2025, 4)
    assert Period.containing("quarter", datetime.date(2026, 12, 2)) == Period("quarter", 2026, 4)
    with pytest.raises(AssessmentRuleError):
        Period("quarter", 2026, 5)


def test_a_bad_table_is_refused_in_chinese():
    with pytest.raises(AssessmentRuleError, match="须为 month、quarter 或 year"):
        Rules.from_section({"notice_period": "weekly"})
    with pytest.raises(AssessmentRuleError, match="未知的来源"):
        Rules.from_section({"rules": [{"code": "x", "sources": ["rumour"]}]})
