"""The uptime probe against servers on 127.0.0.1: status, time to first byte, the 15-second rule (shortened
here), and the outage alert raised once after consecutive failures and resolved on recovery."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import pytest

from govportal.monitoring.probe import probe_all, visit

from .conftest import http_server


class _Site(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(0.6)
        if self.path == "/gone":
            self.send_response(503)
            self.end_headers()
            return
        body = "<html><body>钦州市人民政府门户网站</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    with http_server(_Site) as url:
        yield url


def test_a_visit_records_status_and_time_to_first_byte(site):
    v = visit(site + "/", timeout=5)
    assert (v.status, v.ok) == (200, True)
    assert 0 <= v.ttfb_ms <= v.total_ms < 5000


def test_a_page_not_open_within_the_limit_fails(site):
    v = visit(site + "/slow", timeout=0.3)
    assert not v.ok and "0.3 秒内未能打开" in v.error


def test_an_error_status_fails_and_a_closed_port_fails(site):
    assert visit(site + "/gone", timeout=2).error == "HTTP 503"
    v = visit("http://127.0.0.1:9/", timeout=1)
    assert not v.ok and v.status is None


def test_two_failures_in_a_row_raise_one_outage_alert_resolved_on_recovery(db, site, make_person):
    from govportal.monitoring.models import Alert, AlertState, ProbeResult, ProbeTarget
    from govportal.notices.models import Notice

    operator = make_person("市人民政府办公室电子政务中心", "operator")
    target = ProbeTarget.objects.create(locality="qinzhou", name="首页", url=site + "/gone")
    probe_all(timeout=2)
    assert not Alert.objects.filter(kind="outage").exists()  # one failure is not yet an outage
    probe_all(timeout=2)
    probe_all(timeout=2)
    alert = Alert.objects.get(kind="outage")
    assert alert.severity == "critical" and alert.occurrences == 2
    assert Notice.objects.filter(user=operator, title__contains="网站无法访问：首页").count() == 1
    target.url = site + "/"
    target.save()
    probe_all(timeout=2)
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED
    assert ProbeResult.objects.filter(target=target).count() == 4
    assert list(ProbeResult.objects.filter(target=target).order_by("at").values_list("ok", flat=True)) == [
        False,
        False,
        False,
        True,
    ]
