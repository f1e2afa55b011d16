"""Static publishing in the job worker: the editor's request only enqueues (the editor sees 正在发布, then
the result); the worker writes the item, its column list with the new count, and the feeds; a withdrawal
removes the item's file in the request itself, before any worker runs. Column lists, counts and feeds are
read from the search listing, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from wagtail.models import Site

from govportal.portal.models import ArticlePage
from govportal.publishing import static_site
from govportal.publishing.models import PublishedFile, StaticPublish
from tests.factories import column
from tests.factories import item as publish  # a live ArticlePage: publish(column, title)

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish_dir(publish_dir):
    """The folder of the site at localhost."""
    return publish_dir / "localhost"


@pytest.fixture
def in_worker(settings, monkeypatch):
    settings.STATIC_PUBLISHING_SYNC = False
    # The worker closes "old" connections between tasks; here that would be the test's own connection,
    # inside its transaction (on PostgreSQL the test would lose it).
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def news(qinzhou):
    return column(qinzhou, "动态信息", "政务要闻")


def url_of(page) -> str:
    return static_site.site_url(page)[1]


def read(folder, url) -> str:
    return (folder / static_site.file_for(url)).read_text()


def total(html: str) -> int:
    """The count a visitor sees: the pager's 共 N 条, or the items listed when there is one page."""
    found = re.search(r"共 (\d+) 条", html)
    return int(found.group(1)) if found else html.count('<li><span class="item-title">')


def run_worker() -> int:
    """What ``govportal serve``'s publish worker does: run every queued task of the ``publish`` queue."""
    queued = DBTaskResult.objects.filter(queue_name="publish", status="READY").count()
    call_command("publish_worker", "--batch", "-v", "0")
    return queued


def publish_task_results():
    return DBTaskResult.objects.filter(queue_name="publish", task_path__endswith="static_publish_task")


def test_a_publish_is_rendered_by_the_worker_and_the_editor_sees_its_progress(
    publish_dir, in_worker, committed, news, client, make_person
):
    with committed():
        for n in range(3):
            publish(news, f"较早的工作动态{n}")
    assert run_worker() == 3
    before = total(read(publish_dir, url_of(news)))

    with committed():
        item = publish(news, "市政府召开常务会议研究部署秋冬季安全生产")
    # The editor's request only queued the work: nothing of the new item is on disk yet.
    assert publish_task_results().filter(status="READY").count() == 1
    assert not (publish_dir / static_site.file_for(url_of(item))).exists()
    assert "秋冬季安全生产" not in read(publish_dir, url_of(news))
    assert StaticPublish.objects.get(page_id=item.pk).state == StaticPublish.PENDING

    editor = make_person("市人民政府办公室电子政务中心", "site_admin")
    client.force_login(editor)
    page = client.get(f"/admin/pages/{item.pk}/edit/")
    assert "正在发布" in page.content.decode()

    assert run_worker() == 1
    assert publish_task_results().filter(status="SUCCESSFUL").count() == 4
    assert "市政府召开常务会议研究部署秋冬季安全生产" in read(publish_dir, url_of(item))
    column_page = read(publish_dir, url_of(news))
    assert "市政府召开常务会议研究部署秋冬季安全生产" in column_page
    assert total(column_page) == before + 1
    for feed in (f"/feeds/{news.pk}.xml", f"/feeds/{news.pk}.atom"):
        assert "市政府召开常务会议研究部署秋冬季安全生产" in read(publish_dir, feed)
    assert "市政府召开常务会议研究部署秋冬季安全生产" in read(publish_dir, "/")

    state = StaticPublish.objects.get(page_id=item.pk)
    assert state.state == StaticPublish.DONE and "写入" in state.detail
    page = client.get(f"/admin/pages/{item.pk}/edit/")
    assert "已发布到网站" in page.content.decode()


def test_a_withdrawal_removes_the_file_in_the_request_and_the_worker_updates_the_lists(
    publish_dir, in_worker, committed, news, make_person
):
    from govportal.publishing.publication import withdraw

    with committed():
        item = publish(news, "关于调整部分公交线路的通告")
    run_worker()
    item_file = publish_dir / static_site.file_for(url_of(item))
    assert item_file.exists()
    count = total(read(publish_dir, url_of(news)))

    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    with committed():
        withdraw(item, admin, "内容需要更正")
    # Gone at once, before any worker has run: nginx falls back to the app, which answers 404.
    assert not item_file.exists() and not item_file.with_name("index.html.gz").exists()
    assert not PublishedFile.objects.filter(url=url_of(item)).exists()

    run_worker()
    column_page = read(publish_dir, url_of(news))
    assert "关于调整部分公交线路的通告" not in column_page and total(column_page) == count - 1
    assert "关于调整部分公交线路的通告" not in read(publish_dir, f"/feeds/{news.pk}.xml")
    assert "关于调整部分公交线路的通告" not in read(publish_dir, "/")


def test_the_synchronous_path_writes_column_list_count_and_feed_at_once(publish_dir, committed, news, client):
    """``STATIC_PUBLISHING_SYNC`` (tests, scripts): written in the request, after the commit."""
    with committed():
        first = publish(news, "第一条要闻")
    count = total(read(publish_dir, url_of(news)))
    with committed():
        second = publish(news, "第二条要闻")
    assert not publish_task_results().exists()
    column_page = read(publish_dir, url_of(news))
    assert total(column_page) == count + 1
    assert column_page.index("第二条要闻") < column_page.index("第一条要闻")  # newest first
    feed = read(publish_dir, f"/feeds/{news.pk}.xml")
    assert "第二条要闻" in feed and "第一条要闻" in feed
    # The app's own answer (a later page, a query string) counts the same.
    html = client.get(url_of(news) + "?page=1").content.decode()
    assert total(html) == count + 1
    assert url_of(second) in html and url_of(first) in html


def test_later_list_pages_come_from_the_listing_in_date_order(publish_dir, news, client):
    from govportal.portal.listing import ITEMS_PER_PAGE

    own = total(client.get(url_of(news)).content.decode())
    for n in range(ITEMS_PER_PAGE + 3):
        publish(news, f"分页测试信息{n:02d}号")
    first = client.get(url_of(news)).content.decode()
    assert total(first) == own + ITEMS_PER_PAGE + 3
    assert "分页测试信息22号" in first and "分页测试信息00号" not in first
    pages = -(-(own + ITEMS_PER_PAGE + 3) // ITEMS_PER_PAGE)
    last = client.get(url_of(news) + f"?page={pages}").content.decode()
    assert "分页测试信息22号" not in last


def test_a_site_without_the_publish_queue_worker_still_gets_the_withdrawal_at_once(
    publish_dir, in_worker, committed, news
):
    """Even if no worker ever runs, a withdrawn item is not served from disk."""
    with committed():
        item = publish(news, "尚未生成页面文件的信息")
    assert not (publish_dir / static_site.file_for(url_of(item))).exists()
    static_site.publish_url(Site.objects.get(is_default_site=True), url_of(item), item.pk)
    assert (publish_dir / static_site.file_for(url_of(item))).exists()
    with committed():
        ArticlePage.objects.get(pk=item.pk).unpublish()
    assert not (publish_dir / static_site.file_for(url_of(item))).exists()


def test_a_burst_of_publishes_renders_the_shared_pages_once_and_every_item_shows(
    publish_dir, in_worker, committed, news, monkeypatch
):
    """Five publishes queued behind one worker (committed a few seconds before it gets to them, as in a
    burst): the column list, the home page and the feeds are rendered once, by the first task, which already
    shows all five; each item's own page is rendered by its task. A change committed after that render still
    gets its own render of the lists."""
    with committed():
        items = [publish(news, f"全市防汛工作第{n}次调度会召开") for n in range(5)]
    # Queued 3 s ago (the worker was busy): more than the clocks' margin before any render below.
    for row in StaticPublish.objects.filter(page_id__in=[i.pk for i in items]):
        StaticPublish.objects.filter(pk=row.pk).update(
            requested_at=row.requested_at - dt.timedelta(seconds=3)
        )
    rendered = []
    real_render = static_site.render
    monkeypatch.setattr(
        static_site, "render", lambda site, url: rendered.append(url) or real_render(site, url)
    )

    assert run_worker() == 5
    shared = [url_of(news), "/", f"/feeds/{news.pk}.xml"]
    for url in shared:
        assert rendered.count(url) == 1, (url, rendered)
    for item in items:
        assert rendered.count(url_of(item)) == 1
        assert item.title in read(publish_dir, url_of(item))
    for url in (url_of(news), "/"):
        html = read(publish_dir, url)
        assert all(item.title in html for item in items), url
    later_ones = StaticPublish.objects.filter(page_id__in=[i.pk for i in items[1:]])
    assert all("已由稍后的生成包含" in s.detail for s in later_ones)

    # A change committed after those renders: the lists are rendered again and show it.
    rendered.clear()
    with committed():
        last = publish(news, "防汛工作调度会议纪要")
    assert run_worker() == 1
    assert rendered.count(url_of(news)) == 1 and "防汛工作调度会议纪要" in read(publish_dir, url_of(news))
    assert "防汛工作调度会议纪要" in read(publish_dir, "/") and last.pk
