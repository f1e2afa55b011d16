"""Secret markers: the marker forms are blocking; the same words in prose are not flagged."""

from __future__ import annotations

import pytest

from govportal.textcheck import BLOCKING, SECRET, Checker

checker = Checker(detectors=["secret"])


def secrets(text: str) -> list[str]:
    found = checker.check(text)
    assert all(f.kind == SECRET and f.severity == BLOCKING for f in found)
    return [f.text for f in found]


@pytest.mark.parametrize(
    "text,marker",
    [
        ("机密★10年\n关于做好防汛工作的通知", "机密★10年"),
        ("绝密★长期", "绝密★长期"),
        ("秘密★\n会议纪要", "秘密★"),
        ("秘密 ★ 1年", "秘密 ★ 1年"),
        ("机密☆5年", "机密☆5年"),
        ("秘密（5年）", "秘密（5年）"),
        ("机密级（保密期限：10年）", "机密级（保密期限：10年）"),
        ("秘密，保密期限：三年", "秘密，保密期限：三年"),
        ("密级：机密", "密级：机密"),
        ("密级：秘密★5年 份号：012", "密级：秘密★5年"),
        ("保密期限：20年", "保密期限：20年"),
        ("秘密\n关于……的请示", "秘密"),
        ("（秘密）", "秘密"),
    ],
)
def test_classification_marks_are_blocking(text, marker):
    assert secrets(text) == [marker]


@pytest.mark.parametrize(
    "text,marker",
    [
        ("内部资料\n全市经济运行情况分析", "内部资料"),
        ("（内部资料）", "内部资料"),
        ("【内部文件 注意保密】", "内部文件"),  # and the chained marker below
        ("此件不得外传。", "此件不得外传"),
        ("会议材料 不得外传", "不得外传"),
        ("（此件不公开）", "此件不公开"),
        ("报告全文 内部传阅", "内部传阅"),
    ],
)
def test_distribution_markers_standing_as_markers_are_blocking(text, marker):
    assert secrets(text)[0] == marker


def test_chained_markers_are_each_reported():
    assert secrets("内部资料，注意保密\n正文") == ["内部资料", "注意保密"]
    assert secrets("【内部文件 注意保密】") == ["内部文件", "注意保密"]


@pytest.mark.parametrize(
    "text",
    [
        "这个秘密他守了20年，直到退休才说出来。",  # 秘密 in a story's prose, even followed by a period
        "企业的商业秘密受法律保护。",
        "不得泄露国家秘密和工作秘密。",
        "各单位要加强绝密级、机密级文件管理。",
        "讲述了一份机密档案背后的故事。",
        "国家秘密的保密期限，除另有规定外，绝密级不超过三十年。",
        "会议强调要加强内部控制，完善内部审计制度。",
        "严禁将内部资料上传至互联网。",
        "会议要求与会人员注意保密，严守纪律。",
        "会议材料不得外传。",
        "内部文件管理办法（征求意见稿）",
        "开展涉密人员保密教育培训。",
        "秘密花园主题公园今日开园。",
    ],
)
def test_same_words_in_prose_are_not_flagged(text):
    assert secrets(text) == []


@pytest.mark.parametrize(
    "text,markers",
    [
        ("此件为内部资料，不得外传。", ["此件为内部资料", "不得外传"]),
        ("该材料系内部资料，严禁外传。", ["该材料系内部资料", "严禁外传"]),
        ("本通知为内部文件。", ["本通知为内部文件"]),
        ("本材料属内部参考，请勿外传。", ["本材料属内部参考", "请勿外传"]),
        ("附件：会议纪要；内部资料。", ["内部资料"]),
        ("以上情况，注意保密。", ["注意保密"]),
    ],
)
def test_a_marker_forming_a_clause_of_its_own_is_blocking(text, markers):
    assert secrets(text) == markers


@pytest.mark.parametrize(
    "text",
    [
        "他说这是一个秘密，谁也不能告诉。",  # after a comma, but prose
        "市档案馆，内部资料室对公众开放。",  # after a comma, but 内部资料室 is a room
        "该单位为加强内部控制，制定了本办法。",  # 该…为 + 内部控制 is not a marker
        "本通知为内部资料管理提供依据。",  # the marker does not end its clause
        "此件为内部资料汇编的第一部分，已解密公开。",
    ],
)
def test_clause_markers_rule_leaves_prose_alone(text):
    assert secrets(text) == []


@pytest.mark.parametrize(
    "text,marker",
    [
        ("本文件为机密文件，请妥善保管。", "本文件为机密文件"),
        ("此件属秘密级，不得复制。", "此件属秘密级"),
        ("该材料系绝密件。", "该材料系绝密件"),
        ("本通知为秘密文件", "本通知为秘密文件"),
    ],
)
def test_a_document_stating_its_own_level_is_a_marker(text, marker):
    # issue 19: "本文件为机密文件" (a secret marker in prose form) was missed
    assert marker in secrets(text)


@pytest.mark.parametrize(
    "text",
    [
        "本文件涉及商业秘密的部分已作删除处理。",
        "本文件为加强内部控制而制定。",
        "本办法所称商业秘密，是指不为公众所知悉的技术信息。",
        "该文件为秘书处起草。",
    ],
)
def test_self_description_without_a_level_is_prose(text):
    assert secrets(text) == []
