"""Typos: the confusion list, its context rules both ways, and homophone slips in set phrases."""

from __future__ import annotations

import pytest

from govportal.textcheck import TYPO, Checker
from govportal.textcheck.lexicon import data_file, load_typo_context, load_typos
from govportal.textcheck.typos import HomophoneDetector

RULES = load_typos(data_file("typos.tsv")) + load_typo_context(data_file("typo_context.toml"))
confusion = Checker(typo_rules=RULES, detectors=["typo"])


def typos(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.suggestion) for f in confusion.check(text) if f.kind == TYPO]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("截止目前，全市共受理来信120件。", [("截止", "截至")]),
        ("截止2023年底，已完成投资5亿元。", [("截止", "截至")]),
        ("截至目前，全市共受理来信120件。", []),
        ("报名截止时间为5月31日。", []),
        ("截止到2023年底，已完成投资。", []),
        ("报名于5月31日截止。", []),
        ("报名截至日期为5月31日。", [("截至", "截止")]),
        ("报名于5月31日截至。", [("截至", "截止")]),
        ("截至2023年底，已完成投资。", []),
    ],
)
def test_jiezhi_jiezhi(text, expected):
    assert typos(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("既使遇到再大的困难，也要按期完成。", [("既使", "即使")]),
        ("即使遇到再大的困难，也要按期完成。", []),
        ("这项改革既使群众得到实惠，又使企业减轻负担。", []),
        ("既使企业受益，也使群众满意。", []),
    ],
)
def test_jishi(text, expected):
    assert typos(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("及时回应群众反应的问题。", [("反应", "反映")]),
        ("如实反应情况。", [("反应", "反映")]),
        ("群众反映的问题已全部办结。", []),
        ("接种后如出现不良反映，请及时就医。", [("反映", "反应")]),
        ("接种后如出现不良反应，请及时就医。", []),
        ("应急队伍反映迅速。", [("反映", "反应")]),
        ("应急队伍反应迅速。", []),
        ("群众反应热烈。", []),
        ("化学反应的问题需要专家研判。", []),
        ("对群众反应强烈的问题要立行立改。", [("反应", "反映")]),
        ("市民反应十分强烈的噪声扰民问题", [("反应", "反映")]),
        ("及时处理群众反映强烈的突出问题。", []),
        ("市场反应强烈，成交量明显上升。", []),
        ("两种试剂的化学反应强烈，须在通风橱内操作。", []),
    ],
)
def test_fanying(text, expected):
    assert typos(text) == expected


def test_always_wrong_forms_and_their_exceptions():
    assert typos("要做好安全防犯工作") == [("防犯", "防范")]
    assert typos("开展预防犯罪宣传") == []
    assert typos("一如即往地支持") == [("一如即往", "一如既往")]
    assert typos("生活必需品供应充足，必需坚持底线思维") == [("必需", "必须")]


def test_leak_and_seep():
    assert typos("严禁泄漏国家秘密") == [("泄漏", "泄露")]
    assert typos("发生天然气泄露事故") == [("泄露", "泄漏")]
    assert typos("严禁泄露国家秘密，防止天然气泄漏") == []


def test_typo_rule_from_plain_data_with_context():
    checker = Checker(typo_rules=[{"wrong": "权利", "correct": "权力", "after": "清单"}])
    assert [(f.text, f.suggestion) for f in checker.check("公布权利清单，保障公民权利")] == [("权利", "权力")]


def test_bad_regular_expression_is_reported_in_chinese():
    with pytest.raises(ValueError, match="正则表达式有误"):
        Checker(typo_rules=[{"wrong": "甲", "correct": "乙", "after": "("}])


@pytest.fixture(scope="module")
def homophones() -> HomophoneDetector:
    return HomophoneDetector(["踔厉奋发"])


@pytest.mark.parametrize(
    "text,expected",
    [
        ("要持之以衡，久久为功。", ("持之以衡", "持之以恒")),
        ("做到防患于未燃。", ("防患于未燃", "防患于未然")),
        ("全体干部要踔励奋发、勇毅前行。", ("踔励奋发", "踔厉奋发")),
    ],
)
def test_homophone_slips_in_set_phrases(homophones, text, expected):
    assert [(f.text, f.suggestion) for f in homophones.find(text)] == [expected]


def test_correct_set_phrases_and_ordinary_words_are_not_homophone_slips(homophones):
    text = "要持之以恒，久久为功，防患于未然；实施意见已印发，踔厉奋发、勇毅前行。"
    assert homophones.find(text) == []


def test_homophone_and_list_finding_on_the_same_span_reported_once(default_checker):
    found = [f for f in default_checker.check("再接再励") if f.kind == TYPO]
    assert [(f.text, f.subkind) for f in found] == [("再接再励", "别字")]
