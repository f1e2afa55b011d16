"""The open API as a provincial platform uses it: a token per consumer, only public data, only its sites,
cursor pages that walk every item once, a rate limit per token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from govportal.api.models import ApiConsumer
from govportal.portal.models import ArticlePage, PolicyDocumentPage
from tests import factories
from tests.factories import column
from tests.portal.kinds import publish

pytestmark = pytest.mark.django_db


def news(home):
    return column(home, "动态信息", "政务要闻")


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()
    return [i["title"] for i in response.json()["items"]]


# --- tokens ----------------------------------------------------------------------------------------------


def test_without_a_valid_token_the_answer_is_401_in_chinese(call, token, main_site):
    consumer, raw = token(all_sites=True)
    for bad in (None, "gpk_not-a-real-token", raw + "x"):
        response = call(bad, "/items")
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "访问令牌" in response.json()["detail"]
    ok = call(raw, "/items")
    assert ok.status_code == 200 and "private" in ok["Cache-Control"] and "Authorization" in ok["Vary"]
    # Only the hash is stored; a revoked token stops working at once.
    stored = ApiConsumer.objects.get(pk=consumer.pk)
    assert raw not in str(stored.__dict__) and len(stored.token_hash) == 64
    from govportal.api.tokens import revoke

    revoke(stored)
    assert call(raw, "/items").status_code == 401


def test_every_call_is_counted_on_its_consumer(call, token, main_site):
    consumer, raw = token(all_sites=True)
    for _ in range(3):
        call(raw, "/sites")
    consumer.refresh_from_db()
    assert consumer.calls == 3 and consumer.last_used_at is not None


def test_openapi_document_is_public_and_there_is_no_cdn_docs_page(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    doc = schema.json()
    assert {"/api/v1/items", "/api/v1/policy-documents", "/api/v1/sites/{site_id}/statistics"} <= set(
        doc["paths"]
    )
    assert doc["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert doc["components"]["schemas"]["ItemOut"]["properties"]["date"]["description"] == "发布日期"
    assert client.get("/api/v1/docs", follow=True).status_code == 404


# --- scope -----------------------------------------------------------------------------------------------


def test_a_token_limited_to_one_site_never_sees_another_sites_items(
    call, token, qinzhou, main_site, other_site
):
    mine = publish(news(qinzhou), ArticlePage, "钦州的政务要闻", body="<p>x</p>")
    _, raw = token(sites=[main_site])
    assert [s["id"] for s in call(raw, "/sites").json()["items"]] == [main_site.pk]
    listed = titles(call(raw, "/items", limit=100))
    assert mine.title in listed and other_site.item.title not in listed
    refused = call(raw, "/items", site=other_site.pk)
    assert refused.status_code == 403 and "测试小站" in refused.json()["detail"]
    assert call(raw, f"/items/{other_site.item.pk}").status_code == 404
    assert call(raw, "/items", column=other_site.column.pk).status_code == 404
    assert call(raw, f"/sites/{other_site.pk}/columns").status_code == 403
    assert call(raw, f"/sites/{other_site.pk}/statistics").status_code == 403
    assert call(raw, f"/items/{mine.pk}").json()["title"] == mine.title

    # A token for every site reads both, one site at a time or all together.
    _, everything = token(all_sites=True)
    assert other_site.item.title in titles(call(everything, "/items", site=other_site.pk))
    assert mine.title not in titles(call(everything, "/items", site=other_site.pk))
    both = titles(call(everything, "/items", limit=100))
    assert mine.title in both and other_site.item.title in both
    item = call(everything, f"/items/{other_site.item.pk}").json()
    assert item["site_id"] == other_site.pk and item["url"].startswith("http://xiaozhan.test/")


def test_a_token_for_several_sites_names_the_site_it_lists(call, token, main_site, other_site):
    _, raw = token(sites=[main_site, other_site])
    response = call(raw, "/items")
    assert response.status_code == 403 and "site 参数" in response.json()["detail"]
    assert other_site.item.title in titles(call(raw, "/items", site=other_site.pk))


# --- only public data ------------------------------------------------------------------------------------


def test_drafts_restricted_withdrawn_and_expired_items_never_appear(call, token, qinzhou, main_site):
    col = news(qinzhou)
    public = publish(col, ArticlePage, "公开的新闻", body="<p>公开</p>")
    draft = ArticlePage(title="草稿新闻", body="<p>草稿</p>", live=False)
    col.add_child(instance=draft)
    draft.save_revision()
    changed = publish(col, ArticlePage, "已发布但有未发布修改", body="<p>旧稿</p>")
    changed.title = "未发布的新标题"
    changed.save_revision()
    hidden = publish(col, ArticlePage, "内部值班安排", body="<p>13800000000</p>")
    PageViewRestriction.objects.create(page=hidden, restriction_type="password", password="pw-2026")
    withdrawn = publish(col, ArticlePage, "已撤回的新闻", body="<p>撤回</p>")
    from govportal.publishing.publication import withdraw

    withdraw(withdrawn, None, "内容有误")
    _, raw = token(sites=[main_site])
    listed = titles(call(raw, "/items", column=col.pk, limit=100))
    assert public.title in listed and "已发布但有未发布修改" in listed
    for absent in ("草稿新闻", "未发布的新标题", "内部值班安排", "已撤回的新闻"):
        assert absent not in listed
    for page in (draft, hidden, withdrawn):
        assert call(raw, f"/items/{page.pk}").status_code == 404
    detail = call(raw, f"/items/{changed.pk}").json()
    assert detail["title"] == "已发布但有未发布修改" and "旧稿" in detail["text"]
    # A restricted column hides its items too.
    PageViewRestriction.objects.create(page=col, restriction_type="password", password="pw-2026")
    assert public.title not in titles(call(raw, "/items", limit=100))
    assert col.pk not in [c["id"] for c in call(raw, f"/sites/{main_site.pk}/columns").json()["items"]]
    assert call(raw, "/items", column=col.pk).status_code == 404


# --- cursor ----------------------------------------------------------------------------------------------


def test_the_cursor_walks_every_item_exactly_once_while_items_are_added(call, token, qinzhou, main_site):
    col = news(qinzhou)
    now = timezone.now()
    same_second = now.replace(microsecond=0) - timedelta(days=3)
    made = []
    for i in range(23):
        when = same_second if i < 5 else now - timedelta(hours=i)  # five in the same second: ordered by id
        made.append(publish(col, ArticlePage, f"第{i}条", body="<p>x</p>", date=when).pk)
    _, raw = token(sites=[main_site])
    seen, cursor, pages = [], None, 0
    while True:
        params = {"column": col.pk, "limit": 5}
        if cursor:
            params["cursor"] = cursor
        body = call(raw, "/items", **params).json()
        assert len(body["items"]) <= 5
        seen += [i["id"] for i in body["items"]]
        pages += 1
        if pages == 2:  # published during the walk: newer than the cursor, not in this walk
            publish(col, ArticlePage, "翻页期间发布", body="<p>x</p>", date=timezone.now())
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen)) == 23
    dates = [i["date"] for i in call(raw, "/items", column=col.pk, limit=100).json()["items"]]
    assert dates == sorted(dates, reverse=True)
    bad = call(raw, "/items", cursor="bm90LWEtY3Vyc29y")
    assert bad.status_code == 400 and "游标" in bad.json()["detail"]
    assert call(raw, "/items", limit=101).status_code == 422


# --- rate limit ------------------------------------------------------------------------------------------


def test_a_token_over_its_rate_limit_gets_429_with_the_time_to_wait(call, token, main_site):
    _, raw = token(sites=[main_site], rate="3/m")
    _, other = token(name="另一个调用方", sites=[main_site], rate="3/m")
    for _ in range(3):
        assert call(raw, "/sites").status_code == 200
    refused = call(raw, "/sites")
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60 and refused.json()["retry_after"] == wait
    assert "每分钟 3 次" in refused.json()["detail"] and "后" in refused.json()["detail"]
    assert call(other, "/sites").status_code == 200  # limits are per token


# --- kinds of data ---------------------------------------------------------------------------------------


def test_policy_documents_with_number_validity_and_fields(call, token, qinzhou, main_site):
    docs = column(qinzhou, "政府信息公开", "政策文件")
    doc = publish(
        docs,
        PolicyDocumentPage,
        "钦州市城市绿化管理办法",
        document_number="钦政规〔2026〕3号",
        issuing_organ="钦州市人民政府",
        body="<p>第一条 为了加强城市绿化管理……</p>",
    )
    publish(
        docs,
        PolicyDocumentPage,
        "已废止的旧办法",
        document_number="钦政规〔2019〕1号",
        issuing_organ="钦州市人民政府",
        validity="已废止",
        validity_date=timezone.localdate(),
        validity_note="被钦政规〔2026〕3号废止",
        body="<p>x</p>",
    )
    publish(news(qinzhou), ArticlePage, "不是文件的新闻", body="<p>x</p>")
    _, raw = token(sites=[main_site])
    listed = call(raw, "/policy-documents").json()["items"]
    assert {d["title"] for d in listed} == {doc.title, "已废止的旧办法"}
    found = call(raw, "/policy-documents", number="钦政规[2026]3号").json()["items"]
    assert [d["id"] for d in found] == [doc.pk]
    assert found[0]["issuing_organ"] == "钦州市人民政府" and found[0]["validity"] == "有效"
    assert found[0]["index_number"] == doc.index_number
    repealed = call(raw, "/policy-documents", validity="已废止").json()["items"]
    assert [d["title"] for d in repealed] == ["已废止的旧办法"]
    detail = call(raw, f"/items/{doc.pk}").json()
    assert "加强城市绿化管理" in detail["text"] and "<p>" in detail["html"]
    assert {"name": "issuing_organ", "label": "发文机关", "value": "钦州市人民政府"} in detail["fields"]
    assert not {"source", "date", "summary", "body"} & {f["name"] for f in detail["fields"]}


def test_only_published_letters_with_their_public_text(call, token, qinzhou, main_site):
    from govportal.interaction.models import Publication

    def letter(n, publication, **kw):
        return factories.letter(
            subject=f"原标题{n}",
            content="我是张晓红，电话13877712345",
            writer_name="张晓红",
            writer_contact="13877712345",
            query_code=f"Q{n}",
            publication=publication,
            **kw,
        )

    shown = letter(
        1,
        Publication.PUBLISHED,
        published_at=timezone.now(),
        public_subject="入学划片怎么查询",
        public_content="我想咨询入学划片。",
        public_reply="请登录教育局网站查询。",
    )
    letter(2, Publication.WITHHELD)
    letter(3, Publication.UNDECIDED)
    _, raw = token(sites=[main_site])
    response = call(raw, "/letters")
    body = response.content.decode()
    assert [x["id"] for x in response.json()["items"]] == [shown.pk]
    assert response.json()["items"][0]["subject"] == "入学划片怎么查询"
    assert "张晓红" not in body and "13877712345" not in body and "原标题" not in body


def test_site_statistics_count_items_per_column_and_month(call, token, qinzhou, main_site):
    col = news(qinzhou)
    year = timezone.localdate().year
    jan = timezone.make_aware(timezone.datetime(year, 1, 15, 10, 0))
    for i in range(3):
        publish(col, ArticlePage, f"一月的新闻{i}", body="<p>x</p>", date=jan)
    _, raw = token(sites=[main_site])
    stats = call(raw, f"/sites/{main_site.pk}/statistics", year=year).json()
    by_column = {c["column_id"]: c for c in stats["items"]["by_column"]}
    assert by_column[col.pk]["count"] == 3 and by_column[col.pk]["frequency"] == col.frequency_text
    assert stats["items"]["by_month"][0] == {"month": f"{year}-01", "count": 3}
    assert stats["items"]["total"] >= 3
    assert stats["letters"]["total"]["label"] == "合计"


def test_sites_and_columns(call, token, qinzhou, main_site, other_site):
    _, raw = token(all_sites=True)
    sites = call(raw, "/sites", limit=1).json()
    assert len(sites["items"]) == 1 and sites["next_cursor"]
    rest = call(raw, "/sites", cursor=sites["next_cursor"]).json()["items"]
    assert {s["id"] for s in sites["items"] + rest} >= {main_site.pk, other_site.pk}
    site = call(raw, f"/sites/{main_site.pk}").json()
    assert site["locality"] == "qinzhou" and site["name"]
    columns = call(raw, f"/sites/{main_site.pk}/columns").json()["items"]
    col = news(qinzhou)
    row = next(c for c in columns if c["id"] == col.pk)
    assert row["parent_id"] == col.get_parent().pk and row["level"] == 2 and row["url"].startswith("http")
    assert call(raw, "/sites/999999").status_code == 404
