"""Full-text search as a citizen uses it at /search/: Chinese words, document numbers, filters, ranking,
hostile input, and an index that follows publishing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from govportal.portal.models import PolicyDocumentPage
from govportal.search.models import SearchEntry
from govportal.search.service import Filters, search
from tests.factories import column, item

pytestmark = pytest.mark.django_db


def article(parent, title, body="", **fields):
    return item(parent, title, f"<p>{body}</p>", **fields)


def policy(parent, title, number, body="为进一步规范管理，现将有关事项通知如下。", **fields):
    fields.setdefault("issuing_organ", "钦州市人民政府办公室")
    return item(parent, title, f"<p>{body}</p>", kind=PolicyDocumentPage, document_number=number, **fields)


def titles(client, **params) -> list[str]:
    html = client.get("/search/?" + urlencode(params)).content.decode()
    found = re.findall(r'<h3 class="hit-title"><a href="[^"]*">(.*?)</a>', html)
    return [re.sub(r"<[^>]+>", "", t) for t in found]


@pytest.fixture
def news(qinzhou):
    return column(qinzhou, "动态信息", "政务要闻")


@pytest.fixture
def notices(qinzhou):
    return column(qinzhou, "通知公告")


@pytest.fixture
def documents(qinzhou):
    return column(qinzhou, "政府信息公开", "政策文件")


def test_two_character_word_found_inside_longer_words(client, news):
    article(news, "钦州市义务教育阶段学校招生工作方案公布", "适龄儿童按划片范围就近入学。")
    article(news, "全市防汛工作会议召开", "会议强调要做好城区内涝防范。")

    # 教育 sits inside 义务教育 and 招生 inside a longer title: a trigram index would miss both.
    assert titles(client, q="教育") == ["钦州市义务教育阶段学校招生工作方案公布"]
    assert titles(client, q="招生") == ["钦州市义务教育阶段学校招生工作方案公布"]
    # A two-character word only in the body.
    assert titles(client, q="内涝") == ["全市防汛工作会议召开"]
    # Several words: every one must be there.
    assert titles(client, q="防汛 内涝") == ["全市防汛工作会议召开"]
    assert titles(client, q="防汛 招生") == []


def test_results_are_highlighted_with_snippet(client, news):
    article(news, "市教育局开展校园安全大检查", "检查覆盖全市中小学、幼儿园，重点排查消防和食品安全隐患。")
    html = client.get("/search/?q=食品安全").content.decode()
    assert "找到 1 条" in html
    assert "<mark>食品安全</mark>" in html or ("<mark>食品</mark>" in html and "<mark>安全</mark>" in html)
    assert "重点排查消防和" in html  # the passage around the match is shown


def test_title_matches_rank_first(client, news, notices):
    older = timezone.now() - timedelta(days=30)
    article(news, "优化营商环境十条措施出台", "全文见附件。", date=older)
    article(
        notices,
        "全市经济工作会议召开",
        "会议指出，营商环境是发展的生命线，要持续优化营商环境，营商环境只有更好没有最好。",
    )
    found = titles(client, q="营商环境")
    # The title match comes first although the body-only match is newer and mentions it three times.
    assert found == ["优化营商环境十条措施出台", "全市经济工作会议召开"]
    # By date, the newer one comes first.
    assert titles(client, q="营商环境", sort="date") == ["全市经济工作会议召开", "优化营商环境十条措施出台"]


@pytest.mark.parametrize(
    "typed",
    [
        "钦政办〔2023〕24号",
        "钦政办[2023]24号",
        "钦政办(2023)24号",
        "钦政办（2023）第24号",
        "钦政办【2023】024号",
    ],
)
def test_document_number_exact_whatever_the_brackets(client, documents, typed):
    wanted = policy(documents, "钦州市人民政府办公室关于印发城市道路挖掘管理规定的通知", "钦政办〔2023〕24号")
    policy(documents, "钦州市人民政府办公室关于加强城市绿化管理的通知", "钦政办〔2023〕25号")
    policy(documents, "钦州市人民政府办公室关于印发安全生产工作要点的通知", "钦政办〔2024〕24号")

    html = client.get("/search/?" + urlencode({"q": typed})).content.decode()
    assert "按文号“钦政办〔2023〕24号”精确找到 1 件文件" in html
    assert titles(client, q=typed)[0] == wanted.title
    results = search(typed)
    assert [h.entry.page_id for h in results.hits if h.tier == "document"] == [wanted.pk]


def test_document_number_of_an_organ_and_year(client, documents):
    policy(documents, "关于印发城市道路挖掘管理规定的通知", "钦政办〔2023〕24号")
    policy(documents, "关于加强城市绿化管理的通知", "钦政办〔2023〕25号")
    policy(documents, "关于印发安全生产工作要点的通知", "钦政办〔2024〕3号")
    html = client.get("/search/?" + urlencode({"q": "钦政办[2023]"})).content.decode()
    assert "精确找到 2 件文件" in html
    assert set(titles(client, q="钦政办[2023]")[:2]) == {
        "关于印发城市道路挖掘管理规定的通知",
        "关于加强城市绿化管理的通知",
    }


def test_filters_by_column_unit_kind_validity_and_date(client, qinzhou, news, notices, documents):
    from govportal.accounts.models import Unit
    from govportal.portal.models import Validity

    edu = Unit.objects.get(locality="qinzhou", name="市教育局")
    fin = Unit.objects.get(locality="qinzhou", name="市财政局")
    long_ago = timezone.make_aware(datetime(2021, 3, 1, 9, 0))
    a = article(news, "教育经费保障工作推进会召开", "教育经费", unit=edu)
    b = article(notices, "关于教育经费拨付的公告", "教育经费", unit=fin, date=long_ago)
    c = policy(documents, "关于教育经费管理的办法", "钦财规〔2022〕1号", body="教育经费管理", unit=fin)
    d = policy(
        documents,
        "关于教育经费使用的暂行办法",
        "钦财规〔2019〕2号",
        body="教育经费使用",
        unit=fin,
        validity=Validity.REPEALED,
        validity_date=timezone.now().date(),
        validity_note="被钦财规〔2022〕1号废止",
    )
    everything = {a.title, b.title, c.title, d.title}
    assert set(titles(client, q="教育经费")) == everything
    assert titles(client, q="教育经费", column=news.pk) == [a.title]
    # A channel covers the columns below it.
    assert set(titles(client, q="教育经费", column=column(qinzhou, "政府信息公开").pk)) == {c.title, d.title}
    assert titles(client, q="教育经费", unit=edu.pk) == [a.title]
    assert set(titles(client, q="教育经费", kind="policydocumentpage")) == {c.title, d.title}
    assert titles(client, q="教育经费", validity="已废止") == [d.title]
    assert titles(client, q="教育经费", validity="有效") == [c.title]
    assert titles(client, q="教育经费", date_from="2021-01-01", date_to="2021-12-31") == [b.title]
    assert b.title not in titles(client, q="教育经费", date_from="2022-01-01")
    # Filters combine.
    assert titles(client, q="教育经费", unit=fin.pk, kind="articlepage") == [b.title]


def test_bad_filter_values_are_explained_and_the_rest_still_works(client, news):
    article(news, "教育经费保障工作推进会召开", "教育经费")
    html = client.get(
        "/search/?" + urlencode({"q": "教育经费", "date_from": "2026-13-45", "unit": "abc"})
    ).content.decode()
    assert "日期格式应为“年-月-日”，如 2026-01-31。" in html
    assert "所选单位不存在，已在全部单位中搜索。" in html
    assert "找到 1 条" in html
    # What was typed stays in the form.
    assert 'value="2026-13-45"' in html and 'value="教育经费"' in html
    html = client.get(
        "/search/?" + urlencode({"q": "教育经费", "date_from": "2027-01-01", "date_to": "2020-01-01"})
    )
    assert "结束日期早于起始日期，已对调后搜索。" in html.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "教" * 2000,
        "！！！。。。，，，……——“”《》",
        "' OR 1=1; DROP TABLE search_searchentry; --",
        '"教育" NEAR(招生 学校) OR * AND NOT title_seg:',
        "教育*",
        '"',
        "\x01\x02教育",
        "%_%",
        "a" * 300,
        "𠀀𠀁",
        "1" * 50,
    ],
)
def test_hostile_queries_get_a_calm_page(client, news, query):
    article(news, "钦州市义务教育阶段学校招生工作方案公布", "适龄儿童按划片范围就近入学。")
    response = client.get("/search/", {"q": query, "page": "99999999999999999999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "站内搜索" in html
    assert "Traceback" not in html and "Error" not in html
    # The index is intact and still answers.
    assert titles(client, q="招生") == ["钦州市义务教育阶段学校招生工作方案公布"]


def test_nul_in_query_gets_the_chinese_bad_request_page(client, news):
    # NUL is refused for every parameter by security.middleware (PostgreSQL text cannot hold it).
    article(news, "钦州市义务教育阶段学校招生工作方案公布", "适龄儿童按划片范围就近入学。")
    response = client.get("/search/", {"q": "\x00\x01教育"})
    assert response.status_code == 400
    assert "不可见的控制字符" in response.content.decode()
    assert titles(client, q="招生") == ["钦州市义务教育阶段学校招生工作方案公布"]


def test_one_address_searching_too_often_gets_a_calm_429_page_saying_when_to_retry(client, news, settings):
    # govportal.ratelimits ("search"): counted per address, a crawler's user agent changes nothing.
    settings.GOVPORTAL_RATE_LIMITS = {"search": "3/m"}
    article(news, "钦州市义务教育阶段学校招生工作方案公布", "适龄儿童按划片范围就近入学。")
    crawler = {
        "HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
    }
    assert client.get("/search/").status_code == 200  # the empty search page is not a query: not counted
    for _ in range(3):
        assert titles(client, q="招生") == ["钦州市义务教育阶段学校招生工作方案公布"]
    response = client.get("/search/", {"q": "招生<b>"}, **crawler)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "检索过于频繁，请稍后再试" in html and "每分钟 3 次" in html
    assert re.search(r"约 \d+ (秒|分钟)后（\d\d:\d\d 以后）可以再次检索", html)
    assert "招生&lt;b&gt;" in html and "招生<b>" not in html  # what was typed is shown, escaped
    assert 'role="contentinfo"' in html or "<footer" in html  # the site's own chrome, footer included
    # another address is served as usual
    assert client.get("/search/", {"q": "招生"}, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_long_query_is_cut_and_said_so(client, news):
    article(news, "钦州市义务教育阶段学校招生工作方案公布", "适龄儿童按划片范围就近入学。")
    html = client.get("/search/", {"q": "招生" + "啊" * 1998}).content.decode()
    assert "检索词较长（2000 字），已按前 100 个字检索。" in html


def test_punctuation_only_query_asks_for_words(client):
    html = client.get("/search/", {"q": "？？？！！"}).content.decode()
    assert "检索词只包含标点或符号，请输入汉字、字母或数字。" in html


def test_empty_search_page_explains_what_can_be_searched(client):
    html = client.get("/search/").content.decode()
    assert "文件的文号" in html and 'role="search"' in html


def test_did_you_mean_for_a_homophone_typo(client, news):
    article(news, "住房公积金提取业务办理指南", "职工购买自住住房可以提取住房公积金。")
    html = client.get("/search/", {"q": "公基金"}).content.decode()
    assert '没有找到与“<span class="q">公基金</span>”相关的信息' in html
    assert "您是不是要找" in html and ">公积金</a>" in html


def test_no_hits_because_of_filters_offers_search_without_them(client, news, qinzhou):
    article(news, "全市防汛工作会议召开", "会议强调要做好城区内涝防范。")
    html = client.get("/search/", {"q": "防汛", "kind": "policydocumentpage"}).content.decode()
    assert "去掉筛选条件后可找到 1 条" in html


def test_index_follows_publish_unpublish_and_edits(client, news, notices):
    page = article(news, "关于开展春季植树活动的通知", "请各单位组织干部职工参加义务植树。")
    assert titles(client, q="植树") == [page.title]

    page.unpublish()
    assert titles(client, q="植树") == []
    assert not SearchEntry.objects.filter(page_id=page.pk).exists()

    page.title = "关于开展秋季义务植树活动的通知"
    page.save_revision().publish()
    assert titles(client, q="秋季") == ["关于开展秋季义务植树活动的通知"]

    # A saved draft does not change what is found: the public still sees the published text.
    page.title = "草稿标题尚未发布"
    page.save_revision()
    assert titles(client, q="草稿") == []
    assert titles(client, q="秋季") == ["关于开展秋季义务植树活动的通知"]

    page = page.specific_class.objects.get(pk=page.pk)
    page.move(notices, pos="last-child")
    assert titles(client, q="植树", column=notices.pk) == ["关于开展秋季义务植树活动的通知"]
    assert titles(client, q="植树", column=news.pk) == []
    hit = search("植树").hits[0]
    assert hit.url == page.specific_class.objects.get(pk=page.pk).url

    page.delete()
    assert titles(client, q="植树") == []
    assert not SearchEntry.objects.filter(page_id=page.pk).exists()


def test_private_items_are_not_found(client, news):
    from wagtail.models import PageViewRestriction

    page = article(news, "内部资料：值班安排", "仅限内部查看。")
    assert titles(client, q="值班") == [page.title]
    restriction = PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")
    assert titles(client, q="值班") == []
    restriction.delete()
    assert titles(client, q="值班") == [page.title]


def test_every_item_kind_is_indexed_with_its_own_fields(news, documents):
    doc = policy(
        documents, "关于印发城市道路挖掘管理规定的通知", "钦政办〔2023〕24号", body="占用城市道路须经审批"
    )
    entry = SearchEntry.objects.get(page_id=doc.pk)
    assert entry.kind == "portal.policydocumentpage"
    assert entry.document_key == "钦政办〔2023〕24号" and entry.validity == "有效"
    assert "占用城市道路须经审批" in entry.body
    assert entry.column_id == documents.pk
    assert [h.entry.page_id for h in search("审批").hits] == [doc.pk]


def test_rebuild_command_restores_the_index(news, documents):
    from django.core.management import call_command

    a = article(news, "全市防汛工作会议召开", "会议强调要做好城区内涝防范。")
    b = policy(documents, "关于印发城市道路挖掘管理规定的通知", "钦政办〔2023〕24号")
    SearchEntry.objects.all().delete()
    assert search("防汛").total == 0
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    assert [h.entry.page_id for h in search("防汛").hits] == [a.pk]
    assert [h.entry.page_id for h in search("钦政办[2023]24号").hits][:1] == [b.pk]


def test_pagination(client, news):
    for i in range(23):
        article(news, f"第{i + 1}期防汛简报", "防汛工作情况。", date=timezone.now() - timedelta(hours=i))
    results = search("防汛", sort="date")
    assert results.total == 23 and results.num_pages == 3
    page3 = search("防汛", sort="date", page=3)
    assert [h.entry.title for h in page3.hits] == ["第21期防汛简报", "第22期防汛简报", "第23期防汛简报"]
    html = client.get("/search/", {"q": "防汛", "page": 2}).content.decode()
    assert 'aria-current="page"' in html and "第 2 / 3 页" in html


def test_counts_stop_at_the_cap_and_say_more_than(client, news, monkeypatch):
    """Counting every match of a common word is what makes a search slow on a big site: counts stop at
    COUNT_CAP (1,000) and the page says 超过; every page up to the cap can still be reached."""
    from govportal.search import service

    for i in range(7):
        article(news, f"第{i + 1}期防汛简报", "防汛工作情况。", date=timezone.now() - timedelta(hours=i))
    monkeypatch.setattr(service, "COUNT_CAP", 5)
    results = search("防汛", sort="date", per_page=2)
    assert results.capped and results.total == 5 and results.num_pages == 3
    last = search("防汛", sort="date", per_page=2, page=3)
    assert [h.entry.title for h in last.hits] == ["第5期防汛简报", "第6期防汛简报"]  # "more than 5"
    html = client.get("/search/", {"q": "防汛"}).content.decode()
    assert "找到超过 5 条" in html


def test_the_fallback_engine_gives_the_same_answers(news, documents, monkeypatch):
    """Where SQLite lacks FTS5, the same searches run as substring tests with the same results."""
    from govportal.search import engine

    article(news, "钦州市义务教育阶段学校招生工作方案公布", "适龄儿童按划片范围就近入学。")
    article(news, "优化营商环境十条措施出台", "全文见附件。")
    policy(documents, "关于印发城市道路挖掘管理规定的通知", "钦政办〔2023〕24号", body="教育")
    queries = ["教育", "招生", "营商环境", "钦政办[2023]24号", "附件 措施"]
    native = {q: [(h.tier, h.entry.page_id) for h in search(q).hits] for q in queries}
    monkeypatch.setattr(engine, "engine_for", lambda using="default": engine.FallbackEngine(using))
    from govportal.search import service

    monkeypatch.setattr(service, "engine_for", lambda using="default": engine.FallbackEngine(using))
    fallback = {q: [(h.tier, h.entry.page_id) for h in search(q).hits] for q in queries}
    for q in queries:
        assert sorted(fallback[q]) == sorted(native[q]), q
        assert native[q], q


def test_back_office_search_uses_the_same_search(client, news, make_person):
    article(news, "钦州市义务教育阶段学校招生工作方案公布", "适龄儿童按划片范围就近入学。")
    user = make_person("市教育局", "editor")
    user.is_staff = True
    user.save()
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    html = client.get("/admin/search/items/", {"q": "招生"}).content.decode()
    assert "全站信息检索" in html
    assert "<mark>招生</mark>" in html and "编辑" in html


def test_back_office_search_offers_only_the_users_own_units_and_columns(client, qinzhou, make_person):
    """On a platform of many sites the 单位 and 栏目 filters of 全站信息检索 are the user's own site's (a province
    has tens of thousands of units), never another locality's."""
    import re

    from django.contrib.auth.models import Permission

    from govportal.accounts.models import Unit, UnitKind

    other = Unit.objects.create(
        locality="youyang", code="yyedu", name="酉阳县教育委员会", kind=UnitKind.DEPARTMENT
    )
    user = make_person("市教育局", "editor")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    html = client.get("/admin/search/items/").content.decode()
    unit_select = re.search(r'<select name="unit".*?</select>', html, re.S).group(0)
    assert "市教育局" in unit_select and other.name not in unit_select
    offered = set(re.findall(r'<option value="(\d+)"', unit_select))
    assert offered == {str(pk) for pk in Unit.objects.filter(locality="qinzhou").values_list("pk", flat=True)}
    column_select = re.search(r'<select name="column".*?</select>', html, re.S).group(0)
    assert "政务要闻" in column_select


def test_site_filter_keeps_search_within_the_site(news):
    article(news, "全市防汛工作会议召开", "会议强调要做好城区内涝防范。")
    other_root = Filters(site_root_id=999_999)
    assert search("防汛", other_root).total == 0
    assert search("防汛").total == 1


def test_column_filter_offers_lower_columns_under_their_channel(client, qinzhou, news, documents):
    """栏目 filter: a citizen can pick a column below a channel (grouped under the channel's name)."""
    import re

    county = column(qinzhou, "动态信息", "县区动态")
    article(news, "全市防汛工作会议召开", "部署防汛工作。")
    article(county, "灵山县防汛演练", "开展防汛演练。")
    html = client.get("/search/", {"q": "防汛"}).content.decode()
    select = html[html.index('name="column"') : html.index("</select>", html.index('name="column"'))]
    assert '<optgroup label="动态信息">' in select and '<optgroup label="政府信息公开">' in select
    assert f'<option value="{news.pk}">\u3000政务要闻</option>' in select
    assert f'<option value="{documents.pk}">\u3000政策文件</option>' in select
    assert re.search(rf'<option value="{news.get_parent().pk}">动态信息（全部）</option>', select)

    assert titles(client, q="防汛", column=county.pk) == ["灵山县防汛演练"]
    html = client.get("/search/", {"q": "防汛", "column": county.pk}).content.decode()
    assert f'<option value="{county.pk}" selected>\u3000县区动态</option>' in html
    assert sorted(titles(client, q="防汛", column=news.get_parent().pk)) == sorted(
        ["全市防汛工作会议召开", "灵山县防汛演练"]
    )
