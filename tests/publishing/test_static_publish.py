"""Static publishing: a publish writes exactly the pages it changes, atomically; a withdrawal removes the
item's file at once; pages with a CSRF form, restricted pages and logged-in users' pages never reach
the disk; without nginx the app answers from the files; rebuilds resume where they stopped; the check
lists missing, stale and altered files. (Replaces the tests of the former whole-site page cache.)"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from wagtail.models import Page, PageViewRestriction, Site

from govportal.portal.models import ArticlePage, ColumnPage, HomePage
from govportal.publishing import static_site
from govportal.publishing.models import PublishedFile, SiteBuild
from tests.factories import column
from tests.factories import item as publish  # a live ArticlePage: publish(column, title)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(qinzhou):
    return Site.objects.get(root_page=qinzhou)


@pytest.fixture
def news(qinzhou):
    return column(qinzhou, "动态信息", "政务要闻")


def rel(page) -> str:
    return static_site.site_url(page)[1]


def files(root: Path) -> dict[str, str]:
    """Every file of the publish directory (relative path -> sha256), temporary files included."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def expected_urls(item) -> set[str]:
    """What a publish of ``item`` must write, from the tree: the item; the home, the channel and every
    column above it with their RSS and Atom feeds; the catalogue when it is catalogued."""
    urls = {rel(item)}
    for page in item.get_ancestors().filter(depth__gte=2):
        urls |= {rel(page), f"/feeds/{page.pk}.xml", f"/feeds/{page.pk}.atom"}
    if item.index_number:
        urls.add("/gkml/")
    return urls


def test_a_publish_writes_exactly_the_pages_that_show_the_item(publish_dir, committed, qinzhou, site, news):
    channel = news.get_parent().specific
    with committed():
        first = publish(news, "全市秋冬季森林防火工作会议召开")
    want = expected_urls(first)
    assert {r.url for r in PublishedFile.objects.filter(site=site)} == want
    assert len(want) == 1 + 3 * 3 + bool(first.index_number)  # the item; home, channel, column + their feeds
    before = files(publish_dir)
    assert sorted(f for f in before if not f.endswith(".gz")) == sorted(
        "localhost/" + static_site.file_for(u) for u in want
    )  # no other file, no temporary file
    for url in (rel(first), "/", rel(news), rel(channel)):
        assert (
            "全市秋冬季森林防火工作会议召开"
            in (publish_dir / "localhost" / static_site.file_for(url)).read_text()
        )

    # A second item in another channel: only its own pages may change; the first item's do not.
    notices = column(qinzhou, "通知公告")
    with committed():
        second = publish(notices, "关于开展消防安全检查的通知")
    after = files(publish_dir)
    changed = {f for f in after if before.get(f) != after[f] and not f.endswith(".gz")}
    allowed = {"localhost/" + static_site.file_for(u) for u in expected_urls(second)}
    assert changed <= allowed
    must = {"localhost/" + static_site.file_for(u) for u in (rel(second), rel(notices), "/")}
    assert must <= changed
    untouched = {f for f in before if not f.endswith(".gz")} - allowed
    assert all(after[f] == before[f] for f in untouched)
    assert "localhost/" + static_site.file_for(rel(first)) in untouched
    assert "localhost/" + static_site.file_for(rel(news)) in untouched
    assert len(changed) <= len(allowed) <= 1 + 3 * 4 + 2

    # The sitemap (which grows with the site) follows within a minute, from the periodic job.
    from govportal.publishing.schedule import run_job

    assert SiteBuild.objects.get(site=site).sitemap_due
    assert "网站地图已更新" in run_job("publish_rebuilds")
    sitemap = (publish_dir / "localhost" / "sitemap.xml").read_text()
    assert (
        rel(first).strip("/").rsplit("/", 1)[1] in sitemap
        and rel(second).strip("/").rsplit("/", 1)[1] in sitemap
    )


def test_writes_are_atomic_and_an_unchanged_page_is_not_rewritten(publish_dir, site, monkeypatch):
    out = static_site.publish_url(site, "/")
    assert out.written == ["/"]
    path = publish_dir / "localhost" / "index.html"
    inode = path.stat().st_ino
    assert static_site.publish_url(site, "/").unchanged == ["/"] and path.stat().st_ino == inode
    # A write that fails half-way leaves the old file whole and no temporary file behind.
    old = path.read_bytes()
    monkeypatch.setattr(static_site.os, "replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    path.write_bytes(old + b"<!-- tampered -->")  # so that the page is written again
    with pytest.raises(OSError):
        static_site.publish_url(site, "/")
    assert path.read_bytes() == old + b"<!-- tampered -->"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp-")]


def test_withdrawal_removes_the_file_at_once_and_the_lists_lose_the_item(
    publish_dir, committed, news, make_person
):
    from govportal.publishing.publication import withdraw

    with committed():
        item = publish(news, "关于临时交通管制的通告")
    item_file = publish_dir / "localhost" / static_site.file_for(rel(item))
    assert item_file.exists()
    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    with committed():
        withdraw(item, admin, "信息有误，撤回修改")
    assert not item_file.exists() and not item_file.with_name("index.html.gz").exists()
    assert not PublishedFile.objects.filter(url=rel(item)).exists()
    for url in ("/", rel(news)):
        assert (
            "关于临时交通管制的通告"
            not in (publish_dir / "localhost" / static_site.file_for(url)).read_text()
        )


def test_move_and_delete_remove_the_old_files(publish_dir, committed, qinzhou, news):
    notices = column(qinzhou, "通知公告")
    with committed():
        item = publish(news, "关于开展消防安全检查的通知")
    old = publish_dir / "localhost" / static_site.file_for(rel(item))
    with committed():
        ArticlePage.objects.get(pk=item.pk).move(notices, pos="last-child")
    moved = ArticlePage.objects.get(pk=item.pk)
    assert not old.exists()
    assert (publish_dir / "localhost" / static_site.file_for(rel(moved))).exists()
    assert (
        "关于开展消防安全检查的通知"
        not in (publish_dir / "localhost" / static_site.file_for(rel(news))).read_text()
    )
    assert (
        "关于开展消防安全检查的通知"
        in (publish_dir / "localhost" / static_site.file_for(rel(notices))).read_text()
    )
    new = publish_dir / "localhost" / static_site.file_for(rel(moved))
    with committed():
        moved.delete()
    assert not new.exists()
    assert (
        "关于开展消防安全检查的通知"
        not in (publish_dir / "localhost" / static_site.file_for(rel(notices))).read_text()
    )


def test_a_draft_does_not_touch_the_files(publish_dir, committed, news):
    with committed():
        item = publish(news, "关于做好冬季供暖工作的通知")
    before = files(publish_dir)
    with committed():
        page = ArticlePage.objects.get(pk=item.pk)
        page.title = "草稿：尚未发布的新标题"
        page.save_revision()
    assert files(publish_dir) == before


def test_pages_with_a_csrf_form_or_a_restriction_are_never_written(publish_dir, committed, site, news):
    out = static_site.publish_url(site, "/jiucuo/")
    assert out.written == [] and out.skipped
    assert "CSRF" in out.skipped[0][1] or "Cookie" in out.skipped[0][1], out.skipped
    assert not (publish_dir / "localhost" / "jiucuo").exists()
    with committed():
        item = publish(news, "内部通知：仅限登录查看")
    path = publish_dir / "localhost" / static_site.file_for(rel(item))
    assert path.exists()
    with committed():
        PageViewRestriction.objects.create(page=item, restriction_type=PageViewRestriction.LOGIN)
    assert not path.exists()
    with committed():
        page = ArticlePage.objects.get(pk=item.pk)
        page.title = "内部通知：仅限登录查看（修订）"
        page.save_revision().publish()
    assert not path.exists()
    assert "仅限登录查看" not in (publish_dir / "localhost" / static_site.file_for(rel(news))).read_text()


def test_no_published_file_carries_a_session_a_csrf_token_or_a_name(
    publish_dir, committed, news, client, make_person
):
    editor = make_person("市教育局", "editor")
    client.force_login(editor)
    client.get("/admin/")  # an editor working at the same time changes nothing on disk
    with committed():
        publish(news, "全市冬春季造林绿化动员会召开")
    for path in publish_dir.rglob("*.html"):
        text = path.read_text()
        assert "csrfmiddlewaretoken" not in text and editor.username not in text, path
        assert "退出" not in text, path


# --- without nginx: the app answers from the publish directory -----------------------------------------


def test_the_app_answers_published_pages_from_the_files_with_the_security_headers(
    publish_dir, committed, client, news
):
    with committed():
        item = publish(news, "关于开展城乡环境卫生整治的通知")
    response = client.get(rel(item), HTTP_HOST="localhost")
    assert response["X-Published"] == "file" and response["Content-Type"].startswith("text/html")
    assert "关于开展城乡环境卫生整治的通知" in b"".join(response.streaming_content).decode()
    for name in (
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Frame-Options",
    ):
        assert response.has_header(name), name
    feed = client.get(f"/feeds/{news.pk}.xml", HTTP_HOST="localhost")
    assert feed["X-Published"] == "file" and feed["Content-Type"].startswith("application/rss+xml")
    gz = client.get(rel(item), HTTP_HOST="localhost", HTTP_ACCEPT_ENCODING="gzip")
    assert gz["Content-Encoding"] == "gzip"
    # A query string, an unknown host, a POST: the app renders.
    assert not client.get(rel(news), {"page": "1"}, HTTP_HOST="localhost").has_header("X-Published")
    assert not client.get(rel(item), HTTP_HOST="localhost.evil.example").has_header("X-Published")
    assert not client.post(rel(item), HTTP_HOST="localhost").has_header("X-Published")


def test_logged_in_users_never_get_a_file_and_their_pages_are_private(
    publish_dir, committed, client, news, make_person
):
    with committed():
        item = publish(news, "关于做好冬季供暖工作的通知")
    assert client.get(rel(item), HTTP_HOST="localhost")["X-Published"] == "file"
    client.force_login(make_person("市教育局", "editor"))
    response = client.get(rel(item), HTTP_HOST="localhost")
    assert response.status_code == 200 and not response.has_header("X-Published")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    client.logout()
    client.cookies["messages"] = "x"  # a visitor with a pending message sees it
    assert not client.get(rel(item), HTTP_HOST="localhost").has_header("X-Published")


# --- rebuilds and the check -------------------------------------------------------------------------------


@pytest.fixture
def small_site(db):
    """A site of its own with a column and three items (a full rebuild of it is quick)."""
    root = Page.get_first_root_node()
    home = HomePage(title="测试小站", slug="xiaozhan")
    root.add_child(instance=home)
    home.save_revision().publish()
    col = ColumnPage(title="工作动态", slug="gzdt", show_in_menus=True)
    home.add_child(instance=col)
    col.save_revision().publish()
    for i in range(3):
        publish(col, f"小站第{i}条信息")
    return Site.objects.create(hostname="xiaozhan.test", port=80, root_page=home, site_name="测试小站")


def test_publish_site_rebuilds_with_a_progress_bar_and_resumes(publish_dir, small_site, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    static_site.forget_sites()
    total = len(list(static_site.site_urls(small_site)))
    rendered = []
    real = static_site.render
    monkeypatch.setattr(static_site, "render", lambda s, u: (rendered.append(u), real(s, u))[1])
    # Interrupted after the first page (a time limit of 0 s: as if the machine stopped).
    static_site.rebuild_site(small_site, limit_seconds=0)
    build = SiteBuild.objects.get(site=small_site)
    assert not build.done and build.cursor
    assert len(rendered) == 1
    out = StringIO()
    call_command("publish_site", "--site", "xiaozhan.test", stdout=out)
    assert len(rendered) == total  # the second run did only what the first had not
    assert f"{total}/{total}" in out.getvalue() and "#" * 40 in out.getvalue()
    assert SiteBuild.objects.get(site=small_site).done
    assert (publish_dir / "xiaozhan.test" / "gzdt" / "index.html").exists()
    call_command("check_published", "--site", "xiaozhan.test", stdout=StringIO())


def test_check_lists_missing_altered_and_stale_files(publish_dir, small_site):
    from io import StringIO

    from django.core.management import CommandError, call_command

    static_site.forget_sites()
    static_site.rebuild_site(small_site)
    folder = publish_dir / "xiaozhan.test"
    (folder / "gzdt" / "index.html").write_text("<h1>被篡改的页面</h1>")
    item = ArticlePage.objects.filter(title="小站第0条信息").get()
    (folder / static_site.file_for(rel(item))).unlink()
    other = ArticlePage.objects.filter(title="小站第1条信息").get()
    PublishedFile.objects.filter(site=small_site, url=rel(other)).update(written_at="2000-01-01T00:00:00Z")
    out = StringIO()
    with pytest.raises(CommandError, match="发现 3 个问题"):
        call_command("check_published", "--site", "xiaozhan.test", stdout=out)
    text = out.getvalue()
    assert "被改动\txiaozhan.test/gzdt/" in text and "可能被篡改" in text
    assert f"缺失\txiaozhan.test{rel(item)}" in text
    assert f"过期\txiaozhan.test{rel(other)}" in text


def test_a_tampered_or_missing_gz_is_found_by_the_check_and_written_again(publish_dir, small_site):
    """nginx sends the .gz beside a page to every browser that takes gzip: the check compares it with what
    was written as it does the page, and the next rebuild writes it again instead of leaving it alone."""
    import gzip

    static_site.forget_sites()
    static_site.rebuild_site(small_site)
    page = publish_dir / "xiaozhan.test" / "gzdt" / "index.html"
    packed = page.with_name("index.html.gz")
    assert len(page.read_bytes()) >= static_site.GZIP_MIN
    assert gzip.decompress(packed.read_bytes()) == page.read_bytes()
    assert static_site.check_site(small_site) == []
    for harm in ("tampered", "cut short", "missing"):
        if harm == "tampered":
            packed.write_bytes(gzip.compress("<h1>被篡改的页面</h1>".encode()))
        elif harm == "cut short":
            packed.write_bytes(packed.read_bytes()[:40])
        else:
            packed.unlink()
        assert [(p.url, p.kind) for p in static_site.check_site(small_site)] == [("/gzdt/", "altered")], harm
        out = static_site.rebuild_site(small_site)
        assert "/gzdt/" in out.written and "/gzdt/" not in out.unchanged, harm
        assert gzip.decompress(packed.read_bytes()) == page.read_bytes(), harm
        assert static_site.check_site(small_site) == [], harm


def test_a_footer_change_rebuilds_its_site_in_the_background(publish_dir, committed, small_site):
    from govportal.portal.models import PortalSettings
    from govportal.publishing.schedule import run_job

    static_site.forget_sites()
    static_site.rebuild_site(small_site)
    footer = PortalSettings.for_site(small_site)
    with committed():
        footer.phone = "0777-9999999"
        footer.save()
    build = SiteBuild.objects.get(site=small_site)
    assert not build.done and "变更" in build.reason
    said = run_job("publish_rebuilds")
    assert "xiaozhan.test" in said and "已完成" in said
    for path in (publish_dir / "xiaozhan.test").rglob("index.html"):
        assert "0777-9999999" in path.read_text(), path


def test_cdn_purge_gets_the_urls_written_or_removed(
    publish_dir, committed, small_site, settings, monkeypatch
):
    purged = []
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:1",
        }
    }
    import wagtail.contrib.frontend_cache.utils as fc

    monkeypatch.setattr(fc, "purge_urls_from_cache", lambda urls, **kw: purged.extend(urls))
    static_site.forget_sites()
    col = ColumnPage.objects.get(slug="gzdt")
    with committed():
        item = publish(col, "小站新信息")
    assert f"http://xiaozhan.test{rel(item)}" in purged and "http://xiaozhan.test/gzdt/" in purged


def test_file_names_never_leave_the_site_folder():
    assert static_site.file_for("/a/b/") == "a/b/index.html"
    assert static_site.file_for("/feeds/3.xml") == "feeds/3.xml"
    for bad in ("/../etc/passwd", "/a/../../x/", "/.git/config", "//etc/", "/a\\b/", "/x\x00/", "/noext"):
        assert static_site.file_for(bad) is None, bad


# --- pages the app renders: a fixed, small number of queries ------------------------------------------


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm per-process caches (site root paths, settings)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _add_columns(parent, n: int, with_items: int = 2):
    for i in range(n):
        c = ColumnPage(title=f"新增栏目{i}", show_in_menus=True, frequency_text="")
        parent.add_child(instance=c)
        c.save_revision().publish()
        for j in range(with_items):
            publish(c, f"新增栏目{i}的信息{j}")


# The home page's lists come from the search app's listing (see govportal/search/engine.py): 19 queries
# on SQLite, 34 on PostgreSQL for the demo home. What matters most: the count does not grow with columns.
HOME_MAX_QUERIES = {"sqlite": 25, "postgresql": 38}
# PostgreSQL: each listing lookup (count, page) runs under its own planner settings (savepoint, set_config,
# reset, release): a fixed number of statements more per lookup, not per item or column.
COLUMN_MAX_QUERIES = {"sqlite": 25, "postgresql": 32}


def _fill(home):
    from govportal.portal.navigation import channels_for

    for channel in channels_for(home):
        target = ColumnPage.objects.child_of(channel).live().order_by("path").first() or channel
        if target.supply_method != "跳转链接":
            publish(target, f"{channel.title}最新信息")


def test_home_page_query_count_does_not_grow_with_columns(client, qinzhou, news):
    _fill(qinzhou)
    from django.db import connection

    before = _queries(client, "/")
    cap = HOME_MAX_QUERIES.get(connection.vendor, max(HOME_MAX_QUERIES.values()))
    assert before <= cap, f"the home page takes {before} queries on {connection.vendor} (at most {cap})"
    _add_columns(qinzhou, 6)
    _add_columns(column(qinzhou, "动态信息"), 4)
    assert _queries(client, "/") == before


def test_column_page_query_count_does_not_grow_with_columns_or_items(client, qinzhou, news):
    channel = column(qinzhou, "动态信息")
    publish(news, "全市秋冬季森林防火工作会议召开")
    list_before = _queries(client, news.url)
    channel_before = _queries(client, channel.url)
    from django.db import connection

    cap = COLUMN_MAX_QUERIES.get(connection.vendor, max(COLUMN_MAX_QUERIES.values()))
    assert list_before <= cap and channel_before <= cap, (list_before, channel_before, cap)
    _add_columns(channel, 5, with_items=3)
    for i in range(30):
        publish(news, f"第{i}条政务要闻")
    assert _queries(client, news.url) == list_before
    assert _queries(client, channel.url) == channel_before


def test_a_bulk_load_writes_nothing_page_by_page_and_asks_for_one_rebuild(publish_dir, committed, news, site):
    with committed(), static_site.paused():
        for i in range(3):
            publish(news, f"批量导入的信息{i}")
    assert not publish_dir.exists() or not any(publish_dir.rglob("*.html"))
    build = SiteBuild.objects.get(site=site)
    assert not build.done and build.reason == "批量导入"


def test_publishing_a_column_asks_for_a_rebuild_of_its_site(publish_dir, committed, news, site):
    with committed():
        page = ColumnPage.objects.get(pk=news.pk)
        page.title = "政务要闻（新）"
        page.save_revision().publish()
    assert "政务要闻（新）" in (publish_dir / "localhost" / static_site.file_for(rel(news))).read_text()
    assert not SiteBuild.objects.get(site=site).done  # the breadcrumbs of its items: in the background
