"""Tampering: a page is fingerprinted when published; a served copy that differs beyond CSRF tokens and
captchas is reported with a diff as the highest-level alert, and makes the inspection veto ``tampered``."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govportal.monitoring.tamper import check, fingerprint, normalise

PAGE = (
    b'<html><head><meta name="csrf-token" content="abc"><script nonce="n1">x()</script></head><body>'
    b'<form><input type="hidden" name="csrfmiddlewaretoken" value="TOKEN1">'
    b'<img src="/xinjian/yanzhengma/Zm9v.png"></form><p>\xe6\xad\xa3\xe6\x96\x87</p></body></html>'
)


def test_tokens_captchas_and_nonces_do_not_change_the_fingerprint():
    other = (
        PAGE.replace(b"TOKEN1", b"TOKEN2")
        .replace(b"Zm9v", b"YmFy")
        .replace(b"n1", b"n2")
        .replace(b"abc", b"xyz")
    )
    assert fingerprint(other) == fingerprint(PAGE)
    assert b"TOKEN" not in normalise(PAGE)
    assert fingerprint(PAGE.replace(b"\xe6\xad\xa3", b"\xe5\x81\x87")) != fingerprint(PAGE)


class _Served(BaseHTTPRequestHandler):
    pages: dict[str, bytes] = {}

    def do_GET(self):
        body = type(self).pages.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


@pytest.fixture
def served():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Served)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Served.pages = {}
    yield f"http://127.0.0.1:{server.server_port}", _Served.pages
    server.shutdown()


def test_a_published_page_is_fingerprinted_and_an_altered_copy_is_a_critical_alert(
    qinzhou, edu, publish, served, make_person, django_capture_on_commit_callbacks
):
    from govportal.monitoring.inspection import inspect
    from govportal.monitoring.models import Alert, PageFingerprint
    from govportal.monitoring.tamper import render
    from govportal.notices.models import Notice

    operator = make_person("市人民政府办公室电子政务中心", "operator")
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(edu, "关于做好寒假安全工作的通知", "<p>请各学校做好寒假安全工作。</p>")
    fp = PageFingerprint.objects.get(page=page)
    assert "关于做好寒假安全工作的通知" in fp.content

    base, pages = served
    original = render(page)
    pages[fp.url] = original
    assert check(base)["tampered"] == 0
    assert not Alert.objects.filter(kind="tampering").exists()

    pages[fp.url] = original.replace(
        "请各学校做好寒假安全工作。".encode(),
        '请各学校做好寒假安全工作。<script src="http://evil.example/x.js"></script>'.encode(),
    )
    assert check(base)["tampered"] == 1
    alert = Alert.objects.get(kind="tampering")
    assert alert.severity == "critical" and alert.unit == edu
    assert any(line.startswith("+") and "evil.example" in line for line in alert.evidence[0]["diff"])
    assert Notice.objects.filter(user=operator, title__startswith="【紧急】网页被篡改").count() == 1
    check(base)  # the same tampering again is merged, not sent again
    assert Notice.objects.filter(user=operator, title__startswith="【紧急】网页被篡改").count() == 1

    report = inspect(qinzhou)
    veto = next(v for v in report.vetoes if v.code == "tampered")
    assert "关于做好寒假安全工作的通知" in veto.evidence[0]["subject"]

    pages[fp.url] = original  # restored
    check(base)
    alert.refresh_from_db()
    assert alert.state == "resolved"
