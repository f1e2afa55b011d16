"""The checker as a whole: ordering, overlaps, construction from data, no Django."""

from __future__ import annotations

import subprocess
import sys

import pytest

from govportal.textcheck import KINDS, Checker, Finding, check, resolve_overlaps


def test_findings_are_sorted_by_start_and_round_trip_to_dict(default_checker):
    text = "营商坏境持续优化。机密★5年。手机13812345678"
    found = default_checker.check(text)
    assert [f.start for f in found] == sorted(f.start for f in found)
    for f in found:
        d = f.to_dict()
        assert list(d)[:7] == ["kind", "severity", "start", "end", "text", "suggestion", "rule"]
        assert text[d["start"] : d["end"]] == d["text"]
        assert d["kind"] in KINDS and d["severity"] in ("blocking", "warning")


def test_overlapping_findings_are_resolved_deterministically():
    checker = Checker(
        sensitive_terms=["发票", "代开发票", "开发"],
        expressions=[{"wrong": "代开", "correct": "代为开具"}],
    )
    found = [(f.kind, f.text) for f in checker.check("代开发票")]
    # same kind: "发票" lies inside "代开发票" and is dropped; "开发" too.
    # different kinds are both kept, the longer first when they start together.
    assert found == [("sensitive", "代开发票"), ("expression", "代开")]
    assert found == [(f.kind, f.text) for f in checker.check("代开发票")]  # same answer every time


def test_partial_overlaps_of_one_kind_are_both_kept():
    checker = Checker(sensitive_terms=["甲乙", "乙丙"])
    assert [f.text for f in checker.check("甲乙丙")] == ["甲乙", "乙丙"]


def test_resolve_overlaps_keeps_first_produced_on_equal_spans():
    a = Finding("typo", "warning", 0, 2, "xx", "A", "list")
    b = Finding("typo", "warning", 0, 2, "xx", "B", "homophone")
    c = Finding("secret", "blocking", 0, 2, "xx", None, "secret")
    assert resolve_overlaps([a, b, c]) == [c, a]


def test_checker_from_plain_data_only():
    checker = Checker(
        sensitive_terms=["测试敏感词"],
        expressions=[("中国人民共和国", "中华人民共和国")],
        leaders=[{"name": "王五", "titles": "县长", "outdated": "副县长"}],
        typo_rules=[("布署", "部署")],
        blocked_domains=["x.invalid"],
    )
    text = "测试敏感词，中国人民共和国，副县长王五，布署，http://x.invalid"
    assert {f.kind for f in checker.check(text)} == {
        "sensitive",
        "expression",
        "leader_title",
        "typo",
        "link",
    }


def test_unknown_detector_and_unknown_field_are_explained_in_chinese():
    with pytest.raises(ValueError, match="未知的检查类别"):
        Checker(detectors=["spelling"])
    with pytest.raises(ValueError, match="未知字段"):
        Checker(sensitive_terms=[{"word": "x"}])
    with pytest.raises(ValueError, match="现任职务"):
        Checker(leaders=[{"name": "王五"}])


def test_empty_and_plain_texts(default_checker):
    assert default_checker.check("") == []
    assert default_checker.check("全市上下凝心聚力，推动经济社会高质量发展。") == []


def test_module_level_check_uses_shipped_data():
    assert [f.kind for f in check("机密★10年")] == ["secret"]


def test_non_bmp_characters_keep_offsets():
    checker = Checker(sensitive_terms=["代开发票"])
    text = "𠮷野家代开发票"
    (f,) = checker.check(text)
    assert text[f.start : f.end] == "代开发票"


def test_package_imports_without_django():
    code = "import sys, govportal.textcheck as t; t.Checker.default(homophones=False); print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
