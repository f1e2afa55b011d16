"""The site's headers and settings hold against a hostile visitor: a CSP without inline script on the public
site (cached pages too), the usual hardening headers, production that refuses DEBUG and a missing or "*"
ALLOWED_HOSTS, no debug page for a request without Host, the back office only from configured networks, and
uploaded media served with a safe type — private documents never through the raw /media/ path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from govportal.portal.models import ArticlePage
from govportal.security import networks
from tests.conftest import column
from tests.portal.kinds import publish

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db

HARDENING = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def csp(response) -> dict[str, list[str]]:
    out = {}
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def inline_scripts(html: str) -> list[str]:
    """<script> elements that would run without a src (JSON data blocks are not scripts), and on* handlers."""
    found = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        if "src=" in attrs or 'type="application/json"' in attrs:
            continue
        found.append(body[:80])
    found += re.findall(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.I)
    return found


@pytest.fixture
def item(qinzhou):
    return publish(column(qinzhou, "通知公告"), ArticlePage, "关于停水的通知", body="<p>停水一天。</p>")


def test_public_pages_have_a_csp_without_inline_script(client, item):
    for url in ["/", item.url, "/xinjian/xie/", "/search/?q=停水", "/jiucuo/", "/sitemap/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = csp(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
        assert inline_scripts(response.content.decode()) == [], url
        for header, value in HARDENING.items():
            assert response[header] == value, (url, header)


def test_a_page_answered_from_the_publish_directory_has_the_same_headers(
    client, item, settings, tmp_path, django_capture_on_commit_callbacks
):
    from govportal.publishing import static_site

    settings.STATIC_PUBLISHING = True
    settings.PUBLISH_ROOT = tmp_path / "publish"
    static_site.forget_sites()
    try:
        rendered = client.get(item.url, HTTP_HOST="localhost")
        static_site.page_changed(item)
        answered = client.get(item.url, HTTP_HOST="localhost")
        assert "X-Published" not in rendered and answered["X-Published"] == "file"
        assert csp(answered) == csp(rendered)
        for header, value in HARDENING.items():
            assert answered[header] == value, header
        body = b"".join(answered.streaming_content).decode()
        assert "Set-Cookie" not in answered and "csrftoken" not in body
        assert inline_scripts(body) == []
    finally:
        static_site.forget_sites()


def test_the_back_office_has_the_strictest_csp_wagtail_allows(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("csp-root", password="Test@2026pw"))
    response = client.get("/admin/")
    policy = csp(response)
    # Wagtail 8's admin writes inline <script> (InlinePanel, date widgets): 'unsafe-inline', but no eval
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_cookies_are_httponly_and_samesite(client):
    response = client.get("/xinjian/xie/")
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


# --- production settings (each in a fresh interpreter: settings are read once) -------------------------------


def settings_in(env: dict, expr: str = "settings.DEBUG") -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "ALLOWED_HOSTS", "GOVPORTAL_ENV")}
    base.update({"DJANGO_SETTINGS_MODULE": "govportal.settings", "PYTHONPATH": str(ROOT), **env})
    code = f"from django.conf import settings; print(repr({expr}))"
    return subprocess.run([sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=60)


PROD = {"GOVPORTAL_ENV": "production", "SECRET_KEY": "x" * 50}


def test_production_refuses_debug_and_a_missing_or_star_allowed_hosts():
    missing = settings_in(PROD)
    assert missing.returncode != 0 and "生产环境必须设置环境变量 ALLOWED_HOSTS" in missing.stderr
    star = settings_in({**PROD, "ALLOWED_HOSTS": "*"})
    assert star.returncode != 0 and "ALLOWED_HOSTS 不得为“*”" in star.stderr
    debug = settings_in({**PROD, "ALLOWED_HOSTS": "www.example.gov.cn", "DEBUG": "1"})
    assert debug.returncode != 0 and "不得开启 DEBUG" in debug.stderr


def test_production_has_hsts_and_secure_cookies():
    expr = (
        "(settings.DEBUG, settings.ALLOWED_HOSTS, settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE,"
        " settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.CSRF_COOKIE_HTTPONLY,"
        " settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests'])"
    )
    ok = settings_in({**PROD, "ALLOWED_HOSTS": "www.example.gov.cn"}, expr)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "(False, ['www.example.gov.cn'], 31536000, True, True, True, True, True)"
    dev = settings_in({}, "settings.ALLOWED_HOSTS")
    assert "*" not in dev.stdout and "'localhost'" in dev.stdout  # a sensible default, never "*"


@override_settings(DEBUG=True)
def test_a_request_without_host_never_shows_the_debug_page(client):
    for extra in ({"HTTP_HOST": ""}, {"HTTP_HOST": "evil.example.com"}, {"HTTP_HOST": "a b"}):
        response = client.get("/", **extra)
        html = response.content.decode()
        assert response.status_code == 400
        assert "请求无效" in html and "DisallowedHost" not in html and "SECRET_KEY" not in html
        assert "settings" not in html.lower()


def test_with_debug_on_a_hsts_header_is_absent_and_on_production_present(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/sitemap/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


# --- the back office by network -----------------------------------------------------------------------------


@pytest.fixture
def clean_networks():
    networks.clear_cache()
    yield
    networks.clear_cache()


def test_the_back_office_only_from_configured_networks(
    client, qinzhou, monkeypatch, settings, clean_networks
):
    monkeypatch.setenv("GOVPORTAL_ADMIN_NETWORKS", "10.0.0.0/8, 192.168.1.0/24")
    refused = client.get("/admin/login/", REMOTE_ADDR="203.0.113.9")
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "后台管理不对此网络开放" in html and "203.0.113.9" in html and "GOVPORTAL_ADMIN_NETWORKS" in html
    assert client.get("/admin/login/", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/admin/login/", REMOTE_ADDR="192.168.1.7").status_code == 200
    assert client.get("/", REMOTE_ADDR="203.0.113.9").status_code == 200  # the public site stays open
    # behind the trusted proxy the visitor's address is the forwarded one (the platform's client_ip)
    settings.GOVPORTAL_TRUSTED_PROXIES = "127.0.0.1"
    spoofed = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.0.0.1, 203.0.113.9"}
    assert client.get("/admin/login/", **spoofed).status_code == 403
    inside = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.0.0.1"}
    assert client.get("/admin/login/", **inside).status_code == 200
    # an untrusted client's own X-Forwarded-For is ignored
    assert (
        client.get("/admin/login/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.1").status_code
        == 403
    )


def test_the_profile_names_the_networks_and_the_article(client, qinzhou, monkeypatch, clean_networks):
    import govportal.rules.profile as profile_module

    real = profile_module.load_profile

    def with_networks(code):
        profile = real(code)
        sections = {
            **profile.sections,
            "security": {"admin_networks": ["10.8.0.0/16"], "admin_networks_article": "第二十五条"},
        }
        return type("P", (), {"sections": sections, "regulation": profile.regulation})()

    monkeypatch.delenv("GOVPORTAL_ADMIN_NETWORKS", raising=False)
    monkeypatch.setattr(profile_module, "load_profile", with_networks)
    html = client.get("/admin/login/", REMOTE_ADDR="10.9.0.1").content.decode()
    assert "钦州市人民政府门户网站管理办法》第二十五条" in html
    assert client.get("/admin/login/", REMOTE_ADDR="10.8.3.4").status_code == 200
    monkeypatch.setenv("GOVPORTAL_ADMIN_NETWORKS", "*")  # the deployment opens it again
    assert client.get("/admin/login/", REMOTE_ADDR="10.9.0.1").status_code == 200


def test_a_mistyped_network_closes_the_back_office_and_says_which(
    client, qinzhou, monkeypatch, clean_networks
):
    monkeypatch.setenv("GOVPORTAL_ADMIN_NETWORKS", "10.0.0.0/8,10.300.0.0/16")
    response = client.get("/admin/login/", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 403 and "10.300.0.0/16" in response.content.decode()


# --- media ------------------------------------------------------------------------------------------------------


@pytest.fixture
def documents(settings, tmp_path):
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction

    settings.MEDIA_ROOT = str(tmp_path / "media")
    Document = get_document_model()
    root = Collection.get_first_root_node()
    private = root.add_child(name="内部资料")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    secret = Document.objects.create(
        title="内部通知", collection=private, file=ContentFile(b"%PDF-1.4 SECRET-CONTENT", name="neibu.pdf")
    )
    public = Document.objects.create(
        title="公开通知", collection=root, file=ContentFile(b"%PDF-1.4 public", name="gongkai.pdf")
    )
    return secret, public


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_private_documents_are_never_served_from_the_raw_media_path(client, documents, django_user_model):
    secret, _ = documents
    name = secret.file.name  # documents/neibu.pdf
    for url in [f"/media/{name}", f"/media//{name}", f"/media/documents//{name.split('/', 1)[1]}",
                f"/media/%2F{name}"]:  # fmt: skip
        response = client.get(url)
        assert b"SECRET-CONTENT" not in body(response), url
        assert response.status_code == 302 and response["Location"] == secret.url, url
    for url in [f"/media/./{name}", f"/media/images/../{name}"]:
        response = client.get(url)
        assert response.status_code == 404 and b"SECRET-CONTENT" not in body(response), url
    # Wagtail's view checks the collection's restriction: a visitor is sent to log in
    followed = client.get(secret.url)
    assert followed.status_code == 302 and "login" in followed["Location"]
    client.force_login(django_user_model.objects.create_user("reader", password="Test@2026pw"))
    assert b"SECRET-CONTENT" in body(client.get(secret.url))


def test_public_media_has_a_safe_type_and_documents_download(client, documents, settings):
    _, public = documents
    response = client.get(f"/media/{public.file.name}")
    assert response.status_code == 200 and body(response) == b"%PDF-1.4 public"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    media = Path(settings.MEDIA_ROOT)
    (media / "images").mkdir(parents=True, exist_ok=True)
    (media / "images" / "logo.svg").write_bytes(b"<svg onload='alert(1)'/>")
    (media / "images" / "page.html").write_bytes(b"<script>alert(1)</script>")
    for name in ("logo.svg", "page.html"):
        response = client.get(f"/media/images/{name}")
        assert response["Content-Type"] == "application/octet-stream", name
    (media / "documents" / "stray.pdf").write_bytes(b"%PDF-1.4 stray")  # no document record: not served
    assert client.get("/media/documents/stray.pdf").status_code == 404
    assert client.get("/media/../secret_key").status_code == 404
    assert client.get("/media/images/%00x").status_code == 404
