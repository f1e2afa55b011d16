"""The demo's data files (govportal/profiles/qinzhou/demo/*.toml): checked before anything is written, with a
message naming the file and the entry."""

import shutil

import pytest

from govportal.portal import demo_data
from govportal.portal.demo_content import add_demo_items
from govportal.portal.demo_data import DemoData, DemoDataError, demo_dir
from govportal.portal.models import ArticlePage, PolicyDocumentPage

pytestmark = pytest.mark.django_db

ARTICLE = """
[[article]]
column = "{column}"
title = "一条演示新闻"
days_ago = 1
unit = "{unit}"
body = ["正文。"]
"""


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A copy of the shipped demo folder, read instead of it."""
    copy = tmp_path / "demo"
    shutil.copytree(demo_dir("qinzhou"), copy)
    monkeypatch.setattr(demo_data, "demo_dir", lambda code: copy)
    return copy


def test_the_shipped_files_are_valid(qinzhou):
    data = DemoData(qinzhou)
    kinds = {model.__name__ for _, model, *_ in data.pages}
    assert {"ArticlePage", "PolicyDocumentPage", "ServiceGuidePage", "SpecialTopicPage"} <= kinds
    numbers = {f.get("document_number") for _, model, _, _, f, _ in data.pages if model is PolicyDocumentPage}
    assert "钦政办规〔2026〕2号" in numbers


def test_demo_items_follow_the_files(qinzhou, folder):
    (folder / "news.toml").write_text(ARTICLE.format(column="动态信息/政务要闻", unit="市教育局"), "utf-8")
    add_demo_items(qinzhou)
    page = ArticlePage.objects.get(title="一条演示新闻")
    assert page.get_parent().title == "政务要闻" and page.unit.name == "市教育局"
    assert add_demo_items(qinzhou) == 0  # idempotent


@pytest.mark.parametrize(
    "text, said",
    [
        (
            ARTICLE.format(column="动态信息/没有这个栏目", unit="市教育局"),
            "栏目「动态信息/没有这个栏目」不存在",
        ),
        (ARTICLE.format(column="动态信息/政务要闻", unit="市魔法局"), "单位「市魔法局」不在本地区画像"),
        (
            ARTICLE.format(column="动态信息/政务要闻", unit="市教育局").replace("1\n", '"昨天"\n', 1),
            "days_ago",
        ),
        (
            ARTICLE.format(column="动态信息/政务要闻", unit="市教育局") + 'colour = "红"\n',
            "未知的项「colour」",
        ),
        ("[[article]\ntitle = 1", "news.toml 格式有误"),
    ],
)
def test_a_broken_news_file_is_named_and_nothing_is_written(qinzhou, folder, text, said):
    (folder / "news.toml").write_text(text, "utf-8")
    before = ArticlePage.objects.count()
    with pytest.raises(DemoDataError) as error:
        add_demo_items(qinzhou)
    assert "news.toml" in str(error.value) and said in str(error.value)
    assert ArticlePage.objects.count() == before


def test_a_bad_date_and_an_unknown_document_number_are_named(qinzhou, folder):
    policies = (folder / "policies.toml").read_text("utf-8")
    (folder / "policies.toml").write_text(policies.replace('"905天前"', '"去年"'), "utf-8")
    with pytest.raises(
        DemoDataError, match=r"policies.toml \[\[policy\]\] 第1条「钦州市.*」：日期「date_written = 去年」"
    ):
        DemoData(qinzhou)
    (folder / "policies.toml").write_text(policies, "utf-8")
    press = (folder / "press.toml").read_text("utf-8")
    (folder / "press.toml").write_text(press.replace("钦教规〔2026〕1号", "钦教规〔2099〕9号"), "utf-8")
    with pytest.raises(
        DemoDataError,
        match=r"press.toml \[\[conference\]\] 第2条.*文号「钦教规〔2099〕9号」不在 policies.toml 中",
    ):
        DemoData(qinzhou)


def test_relative_times_read_as_the_data_files_write_them():
    from datetime import timedelta

    from govportal.portal.demo_data import relative

    assert relative("30天前") == timedelta(days=-30)
    assert relative("11天2小时前") == -timedelta(days=11, hours=2)
    assert relative("3小时后") == timedelta(hours=3)
    assert relative("0.5天前") == timedelta(hours=-12)
    assert relative("19天22小时前") == timedelta(days=-20, hours=2)
    assert relative("昨天") is None and relative("30天") is None and relative(5) is None
