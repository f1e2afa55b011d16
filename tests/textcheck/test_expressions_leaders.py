"""Serious expression errors and leaders' titles, from administrator-maintained registries."""

from __future__ import annotations

from govportal.textcheck import BLOCKING, EXPRESSION, LEADER_TITLE, WARNING, Checker


def test_wrong_form_of_the_state_name_is_blocking(default_checker):
    (f,) = [f for f in default_checker.check("中国人民共和国成立75周年") if f.kind == EXPRESSION]
    assert (f.text, f.suggestion, f.severity) == ("中国人民共和国", "中华人民共和国", BLOCKING)
    assert "规范表述库" in f.rule


def test_correct_forms_are_not_flagged(default_checker):
    text = "中华人民共和国成立75周年。党的二十届三中全会和党的第二十次全国代表大会精神。坚定拥护“两个确立”、坚决做到“两个维护”。"
    assert [f for f in default_checker.check(text) if f.kind == EXPRESSION] == []


def test_congress_and_plenum_counting_words(default_checker):
    found = [
        (f.text, f.suggestion)
        for f in default_checker.check("学习贯彻党的二十次三中全会精神")
        if f.kind == EXPRESSION
    ]
    assert found == [("二十次三中全会", "二十届三中全会")]


def test_outdated_institution_name_is_a_warning_and_its_exception_holds(default_checker):
    (f,) = [f for f in default_checker.check("原环境保护部发布的标准") if f.kind == EXPRESSION]
    assert (f.suggestion, f.severity) == ("生态环境部", WARNING)
    assert [f for f in default_checker.check("各级环境保护部门") if f.kind == EXPRESSION] == []


def test_expression_registry_from_plain_data():
    checker = Checker(
        expressions=[{"wrong": "钦州市政府办公室", "correct": "钦州市人民政府办公室", "category": "本地机构"}]
    )
    (f,) = checker.check("钦州市政府办公室印发通知")
    assert (f.kind, f.suggestion, f.subkind) == (EXPRESSION, "钦州市人民政府办公室", "本地机构")


LEADERS = [
    {"name": "张建国", "titles": ["市长", "市委副书记"], "outdated": ["副市长", "县委书记"]},
    {"name": "李华", "titles": ["副市长"]},
]


def leader_findings(text: str, leaders=LEADERS):
    return [
        (f.text, f.subkind, f.suggestion)
        for f in Checker(leaders=leaders).check(text)
        if f.kind == LEADER_TITLE
    ]


def test_leader_with_outdated_title_before_the_name():
    assert leader_findings("副市长张建国出席会议") == [("副市长张建国", "过时职务", "市长张建国")]


def test_leader_with_outdated_title_after_the_name():
    assert leader_findings("张建国副市长指出") == [("张建国副市长", "过时职务", "张建国市长")]


def test_leader_with_someone_elses_title_is_wrong():
    assert leader_findings("市长李华主持会议") == [("市长李华", "职务错误", "副市长李华")]


def test_leader_with_current_titles_in_a_chain_is_fine():
    assert leader_findings("市委副书记、市长张建国主持会议，副市长李华出席。") == []
    assert leader_findings("张建国同志指出") == []


def test_wrong_title_inside_a_chain_is_caught():
    assert leader_findings("市委副书记、副市长张建国") == [("副市长张建国", "过时职务", "市长张建国")]


def test_historical_mention_is_not_flagged():
    assert leader_findings("时任副市长张建国") == []
    assert leader_findings("原县委书记张建国") == []


def test_shipped_registry_catches_outdated_national_title(default_checker):
    found = [
        (f.text, f.subkind, f.severity)
        for f in default_checker.check("韩正副总理出席活动")
        if f.kind == LEADER_TITLE
    ]
    assert found == [("韩正副总理", "过时职务", BLOCKING)]
    found = [f.text for f in default_checker.check("会议由国务院副总理李强主持") if f.kind == LEADER_TITLE]
    assert found == ["国务院副总理李强"]
    assert [
        f for f in default_checker.check("国务院总理李强主持召开国务院常务会议") if f.kind == LEADER_TITLE
    ] == []


def test_same_name_with_a_local_title_is_not_taken_for_the_national_leader(default_checker):
    assert [f for f in default_checker.check("县政协副主席李强参加调研") if f.kind == LEADER_TITLE] == []
    assert [f for f in default_checker.check("村民李强反映") if f.kind == LEADER_TITLE] == []
