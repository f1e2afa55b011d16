"""Synonyms in site search (issue 19): 低保 finds 最低生活保障 and back, 医保 finds 医疗保险, from the list
administrators keep in govportal/search/synonyms.txt (query side: no index rebuild)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from govportal.search import analysis
from tests.search.test_search import article, news, titles  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_a_short_name_finds_the_full_name_and_back(client, news):  # noqa: F811
    article(news, "我市调整2027年城乡最低生活保障标准", "自2027年1月1日起执行新标准。")
    article(news, "低保对象年度复核工作启动", "各乡镇（街道）开展入户核查。")
    article(news, "全市防汛工作会议召开", "会议强调做好城区内涝防范。")

    assert set(titles(client, q="低保")) == {"我市调整2027年城乡最低生活保障标准", "低保对象年度复核工作启动"}
    assert set(titles(client, q="最低生活保障")) == {
        "我市调整2027年城乡最低生活保障标准",
        "低保对象年度复核工作启动",
    }
    html = client.get("/search/?" + urlencode({"q": "低保"})).content.decode()
    assert "<mark>最低生活保障</mark>" in html  # the synonym is marked where it was found


def test_synonyms_in_the_body_and_with_other_words(client, news):  # noqa: F811
    article(news, "2027年度城乡居民参保缴费开始", "城乡居民基本医疗保险个人缴费标准为每人每年400元。")
    article(news, "住房公积金提取业务办理指南", "职工可凭身份证办理。")
    article(news, "全市防汛工作会议召开", "会议强调做好城区内涝防范。")

    assert titles(client, q="医保") == ["2027年度城乡居民参保缴费开始"]
    assert titles(client, q="医保 缴费") == ["2027年度城乡居民参保缴费开始"]
    assert titles(client, q="公积金") == ["住房公积金提取业务办理指南"]
    assert titles(client, q="医保 防汛") == []  # every word (or its synonym) must be there


def test_the_list_is_data_and_never_matches_single_characters():
    table = analysis.synonym_table()
    assert "最低生活保障" in table["低保"] and "低保" in table["最低生活保障"]
    for query in (analysis.parse_query(w) for w in table):
        for alternative in (alt for alts in query.synonyms.values() for alt in alts):
            assert not any(len(t) == 1 and re.match("[\u4e00-\u9fff]", t) for t in alternative), alternative
