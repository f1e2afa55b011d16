"""Sensitive-word lexicon and link rules."""

from __future__ import annotations

from govportal.textcheck import BLOCKING, LINK, SENSITIVE, WARNING, Checker


def test_lexicon_terms_with_category_and_severity():
    checker = Checker(
        sensitive_terms=[
            "代开发票",
            {"term": "百家乐", "category": "赌博", "severity": "blocking"},
            ("残废", "不当称谓", "warning", "残疾"),
        ]
    )
    found = checker.check("小广告：代开发票、百家乐；照顾残废人员")
    assert [(f.text, f.subkind, f.severity, f.suggestion) for f in found] == [
        ("代开发票", "", WARNING, None),
        ("百家乐", "赌博", BLOCKING, None),
        ("残废", "不当称谓", WARNING, "残疾"),
    ]


def test_longer_term_wins_over_the_term_it_contains():
    checker = Checker(sensitive_terms=["法轮", "法轮功"])
    assert [f.text for f in checker.check("揭批法轮功邪教")] == ["法轮功"]


def test_term_exceptions():
    checker = Checker(sensitive_terms=[{"term": "刷单返利", "exceptions": "刷单返利类诈骗"}])
    assert checker.check("警惕刷单返利类诈骗") == []
    assert [f.text for f in checker.check("兼职刷单返利，日结")] == ["刷单返利"]


def test_ascii_terms_match_case_insensitively():
    checker = Checker(sensitive_terms=["VPN翻墙"])
    assert [f.text for f in checker.check("提供vpn翻墙服务")] == ["vpn翻墙"]


def test_same_term_twice_with_different_severities_reports_the_blocking_one():
    checker = Checker(sensitive_terms=[("六合彩", "赌博", "warning"), ("六合彩", "赌博", "blocking")])
    assert [f.severity for f in checker.check("六合彩")] == [BLOCKING]


def test_unknown_severity_is_refused_in_chinese():
    import pytest

    with pytest.raises(ValueError, match="严重程度"):
        Checker(sensitive_terms=[("词", "类", "fatal")])


def test_blocked_domain_and_its_subdomains_are_blocking():
    checker = Checker(blocked_domains=["bad-casino.invalid"])
    found = checker.check("详见 http://www.bad-casino.invalid/a?b=1。另见https://www.gov.cn/。")
    assert [(f.kind, f.text, f.severity, f.subkind) for f in found] == [
        (LINK, "http://www.bad-casino.invalid/a?b=1", BLOCKING, "黑名单域名")
    ]


def test_non_government_links_only_where_the_profile_forbids_them():
    text = "原文链接：https://www.qinzhou.gov.cn/xwzx/1.html，转载自 http://www.people.com.cn/n1/2.html ，参见www.example.com/x）"
    assert Checker().check(text) == []
    checker = Checker(forbid_non_gov=True, allowed_link_domains=["people.com.cn"])
    assert [(f.text, f.subkind, f.severity) for f in checker.check(text)] == [
        ("www.example.com/x", "非政府网站链接", WARNING)
    ]


def test_ip_address_link_under_the_government_only_rule():
    checker = Checker(forbid_non_gov=True)
    assert [f.subkind for f in checker.check("访问 http://10.1.2.3:8080/oa")] == ["IP地址链接"]


def test_shipped_lexicon_loads(default_checker):
    assert any(f.kind == SENSITIVE for f in default_checker.check("专业代开发票"))
