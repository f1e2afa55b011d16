"""The link checker against servers on 127.0.0.1: dead, redirecting, slow and robots-forbidden external links,
a bounded number of requests per host, resuming a stopped run, and a dead internal link to a withdrawn item
named as such with the page, unit and column that carry it."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from govportal.monitoring.linkcheck import check_pending, collect, dead_links
from govportal.monitoring.models import LinkCheckRun, LinkState, LinkTarget

from .conftest import http_server


class _Ext(BaseHTTPRequestHandler):
    active = 0
    peak = 0
    lock = threading.Lock()

    def _answer(self, body: bool):
        cls = type(self)
        # Requests in flight are counted up to the moment the answer goes out (not after it, or a client
        # that already has its answer and opened the next connection would be counted twice).
        with cls.lock:
            cls.active += 1
            cls.peak = max(cls.peak, cls.active)
        try:
            if self.path.startswith("/slow"):
                time.sleep(0.4)
        finally:
            with cls.lock:
                cls.active -= 1
        if self.path == "/robots.txt":
            self.send_response(200)
            self.end_headers()
            if body:
                # The body a moment after the headers, as a busy server sends it: the checker must read on
                # (it once parsed only the first packet, found no rule and checked the disallowed link).
                time.sleep(0.1)
                self.wfile.write(b"User-agent: *\nDisallow: /private/\n")
            return
        if self.path.startswith("/dead"):
            self.send_response(404)
        elif self.path.startswith("/moved"):
            self.send_response(301)
            self.send_header("Location", "/ok/landing")
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def ext():
    with http_server(_Ext) as url:
        yield url


def test_external_links_dead_redirect_slow_and_robots(qinzhou, edu, publish, ext):
    body = "".join(
        f'<p><a href="{ext}{p}">{p}</a></p>'
        for p in ("/ok/1", "/dead/1", "/moved/1", "/slow/1", "/private/x")
    )
    page = publish(edu, "外部链接汇总", body)
    run = LinkCheckRun.objects.create(locality="qinzhou")
    assert collect(qinzhou, run) == 5
    check_pending(run, qinzhou, {"timeout": 0.2, "retries": 1, "retry_pause": 0.01})
    got = {t.url.removeprefix(ext): t for t in LinkTarget.objects.filter(run=run)}
    assert got["/ok/1"].state == LinkState.OK
    assert (got["/dead/1"].state, got["/dead/1"].status, got["/dead/1"].error) == (
        LinkState.DEAD,
        404,
        "HTTP 404",
    )
    assert got["/moved/1"].state == LinkState.OK and got["/moved/1"].final_url == ext + "/ok/landing"
    assert got["/slow/1"].state == LinkState.DEAD and "0.2 秒内无响应" in got["/slow/1"].error
    assert got["/private/x"].state == LinkState.SKIPPED and "robots.txt" in got["/private/x"].error
    run.refresh_from_db()
    assert (run.status, run.total, run.dead) == ("done", 5, 2)
    carriers = list(dead_links(run))
    assert {s.page_id for s in carriers} == {page.pk} and {s.unit_id for s in carriers} == {edu.pk}
    assert all(s.column_id == page.get_parent().pk for s in carriers)


def test_no_more_than_the_per_host_bound_at_once(qinzhou, edu, publish, ext):
    # The server is shared with the test before, whose timed-out slow requests may still be sleeping.
    deadline = time.monotonic() + 5
    while _Ext.active and time.monotonic() < deadline:
        time.sleep(0.05)
    _Ext.peak = 0
    publish(edu, "很多慢链接", "".join(f'<a href="{ext}/slow/{n}">{n}</a>' for n in range(8)))
    run = LinkCheckRun.objects.create(locality="qinzhou")
    collect(qinzhou, run)
    check_pending(run, qinzhou, {"per_host": 2, "timeout": 5, "robots": False})
    assert 1 <= _Ext.peak <= 2
    assert LinkTarget.objects.filter(run=run, state=LinkState.OK).count() == 8


def test_a_stopped_run_resumes_where_it_was(qinzhou, edu, publish, ext):
    publish(edu, "二十个链接", "".join(f'<a href="{ext}/ok/{n}">{n}</a>' for n in range(20)))
    run = LinkCheckRun.objects.create(locality="qinzhou")
    collect(qinzhou, run)
    check_pending(run, qinzhou, {"robots": False}, batch=5, limit=5)  # stopped after one batch
    run.refresh_from_db()
    assert (run.status, run.checked) == ("running", 5)
    first = dict(LinkTarget.objects.filter(run=run).exclude(state="pending").values_list("id", "checked_at"))
    check_pending(run, qinzhou, {"robots": False}, batch=5)
    run.refresh_from_db()
    assert (run.status, run.checked) == ("done", 20)
    again = dict(LinkTarget.objects.filter(run=run, id__in=list(first)).values_list("id", "checked_at"))
    assert again == first  # the links checked before the stop were not checked again


def test_a_link_to_a_withdrawn_item_is_named_as_such(qinzhou, edu, publish, make_person):
    from govportal.publishing.models import Withdrawal

    old = publish(edu, "2025年招生简章", "<p>旧简章</p>")
    old.unpublish()
    Withdrawal.objects.create(page=old, title=old.title, user_name="教育局信息员", reason="已过期")
    live = publish(edu, "2026年招生简章", "<p>新简章</p>")
    carrier = publish(
        edu,
        "招生问答",
        f'<p><a linktype="page" id="{old.pk}">去年的简章</a> <a linktype="page" id="{live.pk}">今年的</a></p>',
    )
    run = LinkCheckRun.objects.create(locality="qinzhou")
    collect(qinzhou, run)
    check_pending(run, qinzhou)
    dead = LinkTarget.objects.get(run=run, url=f"page:{old.pk}")
    assert dead.state == LinkState.DEAD
    assert dead.error.startswith("链接指向已撤回的信息《2025年招生简章》")
    assert LinkTarget.objects.get(run=run, url=f"page:{live.pk}").state == LinkState.OK
    assert [s.page_id for s in dead_links(run)] == [carrier.pk]


def test_a_unit_sees_the_dead_links_on_its_own_pages_only(
    client, qinzhou, edu, finance, publish, make_person
):
    from django.urls import reverse

    from tests.factories import unit_column

    gone = publish(edu, "已删除的页面", "<p>x</p>")
    gone_id = gone.pk
    gone.delete()
    publish(edu, "教育局的页面", f'<a linktype="page" id="{gone_id}">坏链接</a>')
    other = unit_column(qinzhou, finance)
    publish(finance, "财政局的页面", f'<a linktype="page" id="{gone_id}">坏链接</a>', column=other)
    run = LinkCheckRun.objects.create(locality="qinzhou")
    collect(qinzhou, run)
    check_pending(run, qinzhou)
    client.force_login(make_person("市教育局", "editor"))
    html = client.get(reverse("monitoring_links")).content.decode()
    assert "教育局的页面" in html and "链接指向的页面已被删除" in html
    assert "财政局的页面" not in html
