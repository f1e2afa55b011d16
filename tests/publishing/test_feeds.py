"""Feeds in (entries arrive as reposts awaiting the administrator's review, hostile feeds are skipped) and
feeds out (JSON and RSS of what was published, signed webhooks sent by a job). No network: upstream
feeds are local fixture files and webhook receivers are stubs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from django.urls import reverse

from govportal.notices.models import Notice
from govportal.portal.models import RepostPage
from govportal.publishing.feeds_in import FeedError, import_feed, parse
from govportal.publishing.feeds_out import send_pending, verify
from govportal.publishing.models import FeedEntry, FeedSubscription, WebhookDelivery, WebhookEndpoint
from tests.conftest import column

from .conftest import approve_all, current, publish_reviewed, submit, text

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def from_file(name):
    def fetcher(url, max_bytes):
        data = (FIXTURES / name).read_bytes()
        if len(data) > max_bytes:
            raise FeedError(f"订阅内容超过上限 {max_bytes} 字节，已停止下载并跳过。")
        return data

    return fetcher


@pytest.fixture
def subscription(qinzhou):
    news = column(qinzhou, "动态信息", "国务院头条")
    return FeedSubscription.objects.create(
        column=news, name="中国政府网要闻", url="https://www.gov.cn/rss/yaowen.xml", source_name="中国政府网"
    )


def test_feed_entries_arrive_as_reposts_awaiting_the_administrators_review(client, people, subscription):
    log = import_feed(subscription, from_file("rss.xml"))
    assert log.status == "ok" and log.new_entries == 2
    pages = RepostPage.objects.child_of(subscription.column).order_by("title")
    assert [p.title for p in pages] == [
        "国务院办公厅印发关于优化政务服务的意见",
        "国务院常务会议部署进一步稳就业工作",
    ]
    page = pages[1]
    assert page.info_category == "repost" and page.source == "中国政府网"
    assert page.original_url == "https://www.gov.cn/yaowen/2026-03/01/content_0001.htm"
    assert "多措并举稳定和扩大就业" in page.body
    # Never public before review: not live, the public URL does not answer, it waits at the admin's stage.
    assert not page.live
    assert client.get(page.get_url() or "/nonexistent/").status_code == 404
    state = current(page)
    assert state.task.name == "网站管理员审核（网上采集）"
    assert Notice.objects.filter(user=people.site_admin, kind="review", title__contains=page.title).exists()
    # A unit's leader cannot pass it; the site administrator can.
    approve_all(client, page, people.leader)  # refused silently by the review page (no right to act)
    page.refresh_from_db()
    assert not page.live and current(page).pk == state.pk
    approve_all(client, page, people.site_admin)
    page.refresh_from_db()
    assert page.live and client.get(page.url).status_code == 200


def test_the_same_entry_is_imported_once(subscription):
    import_feed(subscription, from_file("rss.xml"))
    again = import_feed(subscription, from_file("rss.xml"))
    assert again.status == "ok" and again.new_entries == 0
    assert FeedEntry.objects.filter(subscription=subscription).count() == 2


@pytest.mark.parametrize("name", ["atom.xml", "feed.json"])
def test_atom_and_json_feeds(subscription, name):
    log = import_feed(subscription, from_file(name))
    assert log.status == "ok" and log.new_entries == 1
    page = RepostPage.objects.child_of(subscription.column).get()
    assert page.title in ("自治区部署春季农业生产工作", "钦州港新开两条外贸航线")
    assert page.original_url.startswith("https://") and not page.live


def test_script_in_content_is_removed(subscription):
    log = import_feed(subscription, from_file("hostile_script.xml"))
    assert log.new_entries == 1 and log.skipped_entries == 1 and "没有可用的原文链接" in log.message
    page = RepostPage.objects.child_of(subscription.column).get()
    assert page.title == "通知公告"
    body = page.body.lower()
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "evil.example", "<img"):
        assert bad not in body, bad
    assert "正文第一段" in page.body and 'href="https://www.gov.cn/"' in page.body
    assert "原文含图片 1 张" in page.body


@pytest.mark.parametrize(
    "name,message",
    [("broken.xml", "XML 格式错误"), ("entities.xml", "被禁止的 XML 结构")],
)
def test_broken_or_hostile_feed_is_logged_and_skipped(subscription, name, message):
    log = import_feed(subscription, from_file(name))
    assert log.status == "error" and message in log.message
    subscription.refresh_from_db()
    assert message in subscription.last_error
    assert not RepostPage.objects.child_of(subscription.column).exists()


def test_huge_feed_is_capped(subscription, tmp_path):
    big = b'<?xml version="1.0"?><rss version="2.0"><channel>' + b"<item><title>x</title></item>" * 200_000
    (tmp_path / "big.xml").write_bytes(big)

    def fetcher(url, max_bytes):
        data = (tmp_path / "big.xml").read_bytes()
        return data  # a fetcher that ignores the cap: import_feed still refuses it

    log = import_feed(subscription, fetcher)
    assert log.status == "error" and "超过上限" in log.message
    assert not RepostPage.objects.child_of(subscription.column).exists()


def test_parse_refuses_unknown_formats():
    with pytest.raises(FeedError, match="无法识别的订阅格式"):
        parse(b"<html><body>not a feed</body></html>")
    with pytest.raises(FeedError, match="JSON Feed"):
        parse(b'{"hello": "world"}')


def test_fetch_now_button_for_site_admins(client, people, subscription, monkeypatch):
    monkeypatch.setattr("govportal.publishing.feeds_in.fetch", from_file("rss.xml"))
    client.force_login(people.site_admin)
    response = client.post(reverse("publishing_feed_fetch", args=[subscription.pk]), follow=True)
    assert "新增 2 条（待审核）" in text(response)
    client.force_login(people.editor)
    client.post(reverse("publishing_feed_fetch", args=[subscription.pk]))
    assert RepostPage.objects.child_of(subscription.column).count() == 2


# --- feeds out -----------------------------------------------------------------------------------------


def test_json_and_rss_feeds_list_newly_published_items(client, people, draft):
    published = publish_reviewed(client, people, draft, title="市教育局召开2026年春季学期开学工作部署会")
    pending = draft(title="关于做好2026年义务教育招生工作的通知")
    submit(pending, people.editor)

    data = json.loads(client.get("/feeds/latest.json").content)
    titles = [i["title"] for i in data["items"]]
    assert published.title in titles and pending.title not in titles
    item = next(i for i in data["items"] if i["title"] == published.title)
    assert item["_govportal"]["unit"] == "市教育局" and "开学前安全检查" in item["summary"]

    rss = fromstring(client.get("/feeds/latest.xml").content)
    rss_titles = [el.text for el in rss.iter("title")]
    assert published.title in rss_titles and pending.title not in rss_titles
    # Per unit, for the unit's WeChat account.
    other = json.loads(client.get("/feeds/latest.json?unit=finance").content)
    assert published.title not in [i["title"] for i in other["items"]]
    assert client.get("/feeds/latest.json?unit=no-such-unit").status_code == 404


def test_signed_webhook_on_publish_and_withdrawal(client, people, draft):
    endpoint = WebhookEndpoint.objects.create(
        locality="qinzhou",
        name="市教育局微信公众号",
        url="https://wx.example/hook",
        secret="s3cret-s3cret-s3cret",
    )
    page = publish_reviewed(client, people, draft)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event == "published" and delivery.status == "pending"

    received = []

    class Ok:
        status_code = 200

    def post(url, data, headers, timeout):
        received.append((url, data, headers))
        return Ok()

    counts = send_pending(post=post)
    assert counts["sent"] == 1
    url, body, headers = received[0]
    assert url == "https://wx.example/hook"
    assert verify(endpoint.secret, headers["X-GovPortal-Timestamp"], body, headers["X-GovPortal-Signature"])
    assert not verify(
        "wrong-secret", headers["X-GovPortal-Timestamp"], body, headers["X-GovPortal-Signature"]
    )
    payload = json.loads(body)
    assert payload["event"] == "published" and payload["item"]["title"] == page.title

    client.force_login(people.leader)
    client.post(reverse("publishing_withdraw", args=[page.pk]), {"reason": "信息已过期"})
    withdrawn = WebhookDelivery.objects.get(endpoint=endpoint, event="unpublished")

    class Down:
        status_code = 503

    counts = send_pending(post=lambda *a, **k: Down())
    withdrawn.refresh_from_db()
    assert counts["retry"] == 1 and withdrawn.status == "pending" and "503" in withdrawn.last_error
    assert withdrawn.next_attempt_at > withdrawn.created_at


def test_a_delivery_is_sent_once_when_two_senders_run_at_the_same_time(client, people, draft):
    """The task queued on publish and the one-minute job may run together: each delivery is claimed
    before it is sent, so the receiver gets it once."""
    endpoint = WebhookEndpoint.objects.create(
        locality="qinzhou", name="省级平台", url="https://prov.example/hook", secret="s3cret-s3cret-s3cret"
    )
    publish_reviewed(client, people, draft)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    received = []
    inner_counts = []

    class Ok:
        status_code = 200

    def post(url, data, headers, timeout):
        received.append(headers["X-GovPortal-Delivery"])
        if len(received) == 1:
            # The other sender starts while this one waits for the receiver.
            inner_counts.append(send_pending(post=post))
        return Ok()

    counts = send_pending(post=post)
    assert received == [str(delivery.pk)]
    assert counts["sent"] == 1 and inner_counts == [{"sent": 0, "retry": 0, "failed": 0}]
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 1
    assert send_pending(post=post) == {"sent": 0, "retry": 0, "failed": 0}
    assert received == [str(delivery.pk)]


def test_the_administrator_opens_a_harvested_items_review_page(client, people, subscription):
    # 信息采集 starts the review with no person: the review and history pages name the system (a filter
    # argument on the missing submitter raised VariableDoesNotExist: a 500 for the administrator).
    import_feed(subscription, from_file("rss.xml"))
    page = RepostPage.objects.child_of(subscription.column).order_by("title")[1]
    state = current(page)
    client.force_login(people.site_admin)
    for url in (reverse("publishing_review", args=[state.pk]), reverse("publishing_item", args=[page.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "信息采集（系统）" in text(response)
