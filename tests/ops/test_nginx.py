"""The shipped front (deploy/nginx/ + govportal/ops/gunicorn_conf.py), run for real: Debian's nginx on
127.0.0.1 with the shipped config rendered into a temporary folder, in front of gunicorn or of the app.

Tried as an attacker would: forwarding headers and a SCRIPT_NAME header are not believed; 25 slow request
bodies do not starve the app; an unknown Host gets nothing. And as a visitor: published pages come from
the files with the security headers, a withdrawn item is gone at once, editors never get a shared page
and the public never gets an editor's, and with the app stopped every published page still answers."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

import pytest

from govportal.ops import nginx

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not Path(nginx.NGINX).exists(), reason="没有安装 nginx（apt-get install nginx）"
)


def request(port, path, host="localhost", method="GET", headers=None, body=None, timeout=5.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": host, **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def wait_port(port, proc=None, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError("gunicorn 未能启动") from None
            time.sleep(0.1)
    raise RuntimeError(f"127.0.0.1:{port} 未开始监听")


@contextmanager
def gunicorn_echo(trusted: str, threads: int = 4):
    """gunicorn with the shipped config running the echo application."""
    port = nginx.free_port()
    env = {
        **os.environ,
        "GOVPORTAL_TRUSTED_PROXIES": trusted,
        "GUNICORN_THREADS": str(threads),
        "GOVPORTAL_WARM": "0",  # the echo application needs no Django
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.ops.echo_app:app",
            "--config",
            "python:govportal.ops.gunicorn_conf",
        ]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port, proc)
        yield port
    finally:
        proc.send_signal(signal.SIGINT)  # quick shutdown
        proc.wait(10)


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    """nginx (shipped config) in front of gunicorn (shipped config) trusting only that nginx."""
    with gunicorn_echo("127.0.0.1") as app_port:
        server = nginx.start_test_nginx(
            tmp_path_factory.mktemp("nginx"), app=f"127.0.0.1:{app_port}", server_names=["localhost"]
        )
        try:
            yield server.port, app_port
        finally:
            server.stop()


def test_forwarding_and_script_name_headers_are_not_believed(front):
    port, _ = front
    spoof = {
        "SCRIPT_NAME": "/tzgg",
        "Script-Name": "/tzgg",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-For": "6.6.6.6",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Prefix": "/tzgg",
        "Forwarded": "for=6.6.6.6;proto=https",
    }
    status, headers, body = request(port, "/?spoof=1", headers=spoof)
    seen = json.loads(body)
    assert status == 200
    assert seen.get("SCRIPT_NAME", "") == "" and seen["PATH_INFO"] == "/"
    assert seen["wsgi.url_scheme"] == "http"  # nginx said http; the client's "https" was replaced
    assert seen["HTTP_X_FORWARDED_FOR"] == "127.0.0.1" and seen["HTTP_X_FORWARDED_PROTO"] == "http"
    for name in (
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PORT",
        "HTTP_X_FORWARDED_PREFIX",
        "HTTP_FORWARDED",
    ):
        assert name not in seen, name
    assert not any("tzgg" in str(v) for v in seen.values())
    # The next visitor of the same address gets the same, correct page from the microcache.
    status, headers, body = request(port, "/?spoof=1")
    assert headers["x-cache"] == "HIT" and json.loads(body).get("SCRIPT_NAME", "") == ""


def test_gunicorn_alone_believes_no_forwarding_header_and_drops_underscores():
    """Without nginx (the embedded default), nobody is a trusted proxy: not even a local client."""
    with gunicorn_echo("") as app_port:
        status, _, body = request(
            app_port,
            "/x",
            headers={"X-Forwarded-Proto": "https", "SCRIPT_NAME": "/tzgg", "X_Forwarded_For": "1"},
        )
    seen = json.loads(body)
    assert status == 200 and seen["wsgi.url_scheme"] == "http"
    assert seen.get("SCRIPT_NAME", "") == "" and seen["PATH_INFO"] == "/x"
    assert "HTTP_SCRIPT_NAME" not in seen and "HTTP_X_FORWARDED_FOR" not in seen


def test_an_unknown_host_gets_nothing(front):
    port, _ = front
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        request(port, "/?a=1", host="evil.example")
    assert request(port, "/?a=1", host="")[0] == 400  # HTTP/1.1 without a host name


def _slow_bodies(port, n=25):
    """n clients each sending a POST body one byte at a time (a CSRF cookie, as in the attack)."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(
            b"POST /jiucuo/ HTTP/1.1\r\nHost: localhost\r\nCookie: csrftoken=abc\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\na"
        )
        socks.append(s)
    return socks


def test_slow_request_bodies_do_not_starve_the_app(front):
    port, _ = front
    # The same attack straight at gunicorn (no nginx): its threads wait for the bodies; a visitor waits.
    with gunicorn_echo("", threads=2) as app_port:
        socks = _slow_bodies(app_port)
        try:
            with pytest.raises((TimeoutError, socket.timeout)):
                request(app_port, "/?direct=1", timeout=2)
        finally:
            for s in socks:
                s.close()
    # Through the shipped nginx: the bodies are read by nginx, with a timeout; the app is free.
    socks = _slow_bodies(port)
    try:
        for _ in range(3):
            for s in socks:
                s.sendall(b"a")
            started = time.monotonic()
            status, _, _ = request(port, f"/?uncached={time.time_ns()}", timeout=3)
            assert status == 200 and time.monotonic() - started < 1.0
            time.sleep(0.3)
    finally:
        for s in socks:
            s.close()


def test_shipped_security_headers_match_the_settings():
    from govportal.security.headers import nginx_include, security_headers

    shipped = (ROOT / "deploy" / "nginx" / "security-headers.conf").read_text()
    assert shipped == nginx_include(), (
        "deploy/nginx/security-headers.conf 与设置不一致：运行 govportal nginx-config"
    )
    names = {n for n, _ in security_headers()}
    assert {"X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"} <= names


def test_with_one_of_two_app_nodes_down_every_request_reaches_the_other(tmp_path):
    """Two app nodes in the upstream (``--app A,B``), one not running: visitors' GETs and letters' POSTs
    are all answered by the other (nginx passes on a request the dead node never received)."""
    with gunicorn_echo("127.0.0.1") as app_port:
        dead = f"127.0.0.1:{nginx.free_port()}"
        server = nginx.start_test_nginx(
            tmp_path / "n", app=[dead, f"127.0.0.1:{app_port}"], server_names=["localhost"]
        )
        try:
            upstream = (tmp_path / "n" / "govportal-http.conf").read_text()
            assert f"server {dead};" in upstream and f"server 127.0.0.1:{app_port};" in upstream
            answers = [
                request(
                    server.port, f"/xinjian/xie/?n={i}", method=method, body=b"subject=x" if i % 2 else None
                )
                for i, method in enumerate(["GET", "POST"] * 3)
            ]
        finally:
            server.stop()
    assert [status for status, _, _ in answers] == [200] * 6
    assert [json.loads(body)["REQUEST_METHOD"] for _, _, body in answers] == ["GET", "POST"] * 3
    with pytest.raises(ValueError, match="应用地址"):
        nginx.render(tmp_path / "bad", app="127.0.0.1:8001; include /etc/passwd", server_names=["localhost"])


def test_the_production_sample_with_tls_and_http2_is_valid(tmp_path):
    """``nginx -t`` on the sample (TLS, HTTP/2, default servers refusing unknown hosts), its main-context part
    (govportal-main.conf: PCRE JIT for the regular expressions every request runs) included outside http as
    Debian's nginx.conf includes modules-enabled/, and the same part in the front the tests and benchmark run."""
    out = tmp_path / "conf"
    main = nginx.render(out, app="127.0.0.1:8001", server_names=["www.qinzhou.gov.cn"])
    text = main.read_text()
    assert "ssl http2" in text and "return 444" in text and "ssl_reject_handshake on" in text
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    main.write_text(
        text.replace("/etc/ssl/govportal/fullchain.pem", str(cert)).replace(
            "/etc/ssl/govportal/privkey.pem", str(key)
        )
    )
    wrapper = tmp_path / "nginx.conf"
    (tmp_path / "tmp").mkdir()
    wrapper.write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\ninclude {out / 'govportal-main.conf'};\n"
        "events {}\n"
        f"http {{ include /etc/nginx/mime.types; client_body_temp_path {tmp_path}/tmp; proxy_temp_path {tmp_path}/tmp;"
        f" include {main}; }}\n"
    )
    check = subprocess.run(
        [nginx.NGINX, "-T", "-p", str(tmp_path), "-c", str(wrapper)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    assert "\npcre_jit on;" in check.stdout
    test_main = nginx.render(tmp_path / "t", app="127.0.0.1:8001", server_names=["localhost"], test=True)
    outside_http = test_main.read_text().split("http {")[0]
    assert f"include {tmp_path / 't'}/govportal-main.conf;" in outside_http


# --- the real app behind the shipped nginx -----------------------------------------------------------------


class QuietHandler(WSGIRequestHandler):
    timeout = 5

    def log_message(self, *args):
        pass


class AppInTest:
    """Django served in the TEST's own thread (so it sees the test's transaction), one request at a time,
    while a client thread talks to nginx. ``seen`` counts the requests that reached the app."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.server = WSGIServer(("127.0.0.1", 0), QuietHandler)
        self.server.set_app(WSGIHandler())
        self.server.timeout = 0.02
        self.port = self.server.server_address[1]
        self.seen = 0

    def fetch(self, port, path, **kwargs):
        result = {}

        def client():
            try:
                result["r"] = request(port, path, **kwargs)
            except Exception as exc:  # noqa: BLE001
                result["e"] = exc

        from django.core import signals
        from django.db import close_old_connections

        # As Django's test client does: the start and end of a request must not close the test's connection (on
        # PostgreSQL it would, since the test's open transaction is not autocommit).
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        t = threading.Thread(target=client)
        t.start()
        try:
            while t.is_alive():
                self.server._handle_request_noblock() if self._ready() else None
            t.join()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        if "e" in result:
            raise result["e"]
        return result["r"]

    def _ready(self):
        import selectors

        with selectors.DefaultSelector() as sel:
            sel.register(self.server, selectors.EVENT_READ)
            if sel.select(0.02):
                self.seen += 1
                return True
        return False


@pytest.fixture(scope="module")
def site_front(tmp_path_factory):
    from django.test import override_settings

    base = tmp_path_factory.mktemp("front")
    (base / "static" / "css").mkdir(parents=True)
    (base / "static" / "css" / "site.css").write_text("body { color: #222; }\n")
    (base / "media").mkdir()
    app = AppInTest()
    with override_settings(
        PUBLISH_ROOT=base / "publish", STATIC_ROOT=base / "static", MEDIA_ROOT=base / "media"
    ):
        server = nginx.start_test_nginx(
            base / "nginx", app=f"127.0.0.1:{app.port}", server_names=["localhost"]
        )
    try:
        yield server, app, base / "publish"
    finally:
        server.stop()
        app.server.server_close()


@pytest.fixture
def live(site_front, settings, db, django_capture_on_commit_callbacks):
    from govportal.publishing import static_site

    server, app, root = site_front
    shutil.rmtree(root, ignore_errors=True)
    settings.STATIC_PUBLISHING = True
    settings.PUBLISH_ROOT = root
    static_site.forget_sites()
    app.seen = 0
    yield server.port, app, root
    static_site.forget_sites()


def _publish(parent, title):
    from govportal.portal.models import ArticlePage

    page = ArticlePage(title=title, body="<p>正文</p>")
    parent.add_child(instance=page)
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def _url(page):
    from govportal.publishing.static_site import site_url

    return site_url(page)[1]


def test_published_pages_come_from_the_files_and_a_withdrawn_one_is_gone_at_once(
    live, qinzhou, make_person, django_capture_on_commit_callbacks
):
    from govportal.publishing.publication import withdraw
    from tests.conftest import column

    port, app, root = live
    news = column(qinzhou, "动态信息", "政务要闻")
    with django_capture_on_commit_callbacks(execute=True):
        item = _publish(news, "关于开展城乡环境卫生整治的通知")
    for url in (_url(item), _url(news), "/", f"/feeds/{news.pk}.xml"):
        status, headers, body = app.fetch(port, url, headers={"Accept-Encoding": "gzip"})
        assert status == 200 and headers["x-published"] == "file", url
        for name in (
            "x-content-type-options",
            "referrer-policy",
            "cross-origin-opener-policy",
            "x-frame-options",
        ):
            assert name in headers, (url, name)
    assert app.seen == 0  # none of them reached the app
    status, headers, body = app.fetch(port, _url(item))
    assert "关于开展城乡环境卫生整治的通知" in body.decode()
    status, headers, _ = app.fetch(port, "/static/css/site.css")
    assert status == 200 and headers["x-content-type-options"] == "nosniff"

    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(item, admin, "信息有误，撤回修改")
    status, headers, body = app.fetch(port, _url(item))
    assert status == 404 and "x-published" not in headers
    status, _, body = app.fetch(port, _url(news))
    assert "关于开展城乡环境卫生整治的通知" not in body.decode()


def test_a_published_page_goes_compressed_only_to_who_takes_it_and_always_says_vary(
    live, qinzhou, django_capture_on_commit_callbacks
):
    """The front serves the .gz written beside each page to a browser that takes gzip, the plain file to one that
    does not, and both answers say "Vary: Accept-Encoding" once, so a shared cache never mixes them up."""
    import gzip

    from tests.conftest import column

    port, app, root = live
    news = column(qinzhou, "动态信息", "政务要闻")
    with django_capture_on_commit_callbacks(execute=True):
        item = _publish(news, "关于做好冬季供暖保障工作的通知")
    for url in (_url(item), _url(news), "/"):
        answers = {}
        for accept in ("", "gzip, deflate, br"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", url, headers={"Host": "localhost", "Accept-Encoding": accept})
                response = conn.getresponse()
                answers[accept] = (response.status, response.getheaders(), response.read())
            finally:
                conn.close()
        (s1, h1, plain), (s2, h2, packed) = answers[""], answers["gzip, deflate, br"]
        assert s1 == s2 == 200, url
        for headers in (h1, h2):
            assert [v for k, v in headers if k.lower() == "vary"] == ["Accept-Encoding"], (url, headers)
            assert ("X-Published", "file") in headers, url
        assert not any(k.lower() == "content-encoding" for k, _ in h1), url
        assert ("Content-Encoding", "gzip") in h2, url
        assert gzip.decompress(packed) == plain and len(packed) < len(plain), url
        assert "关于做好冬季供暖保障工作的通知" in plain.decode(), url  # the item, its column, the home page
    assert app.seen == 0  # all from the files


def test_what_a_file_cannot_answer_reaches_the_app(live, qinzhou, django_capture_on_commit_callbacks):
    """Whatever way the front finds published files, a form POST, another method, a query string and a search
    must fall through to the app, body and all, with the app's own status (a guard for changes of the config
    that benchmarks/RESULTS-public.md tries for speed)."""
    from tests.conftest import column

    port, app, root = live
    news = column(qinzhou, "动态信息", "政务要闻")
    with django_capture_on_commit_callbacks(execute=True):
        _publish(news, "市政府召开第十次常务会议")
    assert (root / "localhost" / _url(news).lstrip("/") / "index.html").exists()
    seen = app.seen
    form = b"page_url=http%3A%2F%2Flocalhost%2F&description=" + "链接打不开".encode()
    status, headers, _ = app.fetch(
        port,
        "/jiucuo/",
        method="POST",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert app.seen == seen + 1 and "x-published" not in headers and status == 403  # Django's CSRF refusal
    status, headers, body = app.fetch(port, _url(news), method="PUT", body=b"x")
    assert app.seen == seen + 2 and "x-published" not in headers
    status, headers, body = app.fetch(port, _url(news) + "?page=2")
    assert status == 200 and app.seen == seen + 3 and "x-published" not in headers
    assert "市政府召开第十次常务会议" in body.decode()
    status, headers, body = app.fetch(port, "/search/?q=%E4%BC%9A%E8%AE%AE")  # 会议
    assert status == 200 and app.seen == seen + 4 and "x-published" not in headers
    # A published folder asked for without its slash: sent on on the visitor's own scheme, host and port.
    status, headers, _ = app.fetch(port, _url(news).rstrip("/"))
    assert status == 301 and headers["location"] == _url(news)


def test_editors_never_get_a_shared_page_and_the_public_never_gets_an_editors(
    live, qinzhou, make_person, client, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    from tests.conftest import column

    port, app, root = live
    news = column(qinzhou, "动态信息", "政务要闻")
    with django_capture_on_commit_callbacks(execute=True):
        public = _publish(news, "全市秋冬季森林防火工作会议召开")
        private = _publish(news, "内部工作安排：仅限登录查看")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    assert not (root / "localhost" / _url(private).lstrip("/") / "index.html").exists()
    editor = make_person("市教育局", "editor")
    client.force_login(editor)
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    before = app.seen
    status, headers, body = app.fetch(port, _url(public), headers=cookie)
    assert status == 200 and "x-published" not in headers and app.seen == before + 1  # the app, not a file
    assert "private" in headers["cache-control"] and headers["x-cache"] == "BYPASS"
    # The editor reads the restricted item; the public right after gets the login page, not the copy.
    status, headers, body = app.fetch(port, _url(private), headers=cookie)
    assert status == 200 and "仅限登录查看" in body.decode()
    for _ in range(2):
        status, headers, body = app.fetch(port, _url(private))
        assert status in (302, 403) or "仅限登录查看" not in body.decode()
        assert "内部工作安排" not in body.decode()


def test_with_the_app_stopped_every_published_page_still_answers(
    live, tmp_path, django_capture_on_commit_callbacks
):
    from django.test import override_settings
    from wagtail.models import Page, Site

    from govportal.portal.models import ColumnPage, HomePage
    from govportal.publishing.models import PublishedFile
    from govportal.publishing.static_site import rebuild_site

    port, app, root = live
    home = HomePage(title="测试小站", slug="xiaozhan")
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    col = ColumnPage(title="工作动态", slug="gzdt", show_in_menus=True)
    home.add_child(instance=col)
    col.save_revision().publish()
    for i in range(3):
        _publish(col, f"小站第{i}条信息")
    site = Site.objects.create(hostname="xiaozhan.test", port=80, root_page=home, site_name="测试小站")
    rebuild_site(site)
    urls = list(PublishedFile.objects.filter(site=site).values_list("url", flat=True))
    assert len(urls) >= 9
    # A second nginx on the same publish directory whose app is not running at all.
    with override_settings(PUBLISH_ROOT=root):
        stopped = nginx.start_test_nginx(
            tmp_path / "n", app=f"127.0.0.1:{nginx.free_port()}", server_names=["xiaozhan.test"]
        )
    try:
        answered = [request(stopped.port, u, host="xiaozhan.test")[0] for u in urls]
        assert answered == [200] * len(urls)
        assert (
            request(stopped.port, "/gzdt/?page=2", host="xiaozhan.test")[0] == 502
        )  # only the app renders these
    finally:
        stopped.stop()
