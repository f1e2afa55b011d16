"""The public forms against one hostile address: per-address limits on the shared cache, the CAPTCHA
only near a limit, page addresses of this site only, CSRF on every POST, payloads held."""

from __future__ import annotations

import multiprocessing
import re

import pytest
from django.test import Client

from govportal.interaction.models import DisclosureRequest, ErrorReport
from govportal.textcheck.batch import default_signals
from tests.interaction.conftest import solve_form

from .conftest import record_payload
from .payloads import BAD_UTF8, TEXT_PAYLOADS, XSS, XSS_ATTR

pytestmark = pytest.mark.django_db


def _report(client, description="“招生”误写为“招声”，请更正。", **extra):
    html = client.get("/jiucuo/", {"url": "/"}).content.decode()
    token, answer = solve_form(html)
    data = {"token": token, "captcha": answer, "page_url": "/", "kind": "typo", "description": description}
    data.update(extra)
    return client.post("/jiucuo/", data)


def test_error_reports_from_one_address_are_limited_and_keep_the_text(client, qinzhou):
    """Found: 40 of 40 stored from one address, each starting a legal deadline."""
    statuses = [_report(client, description=f"第{n}处错字，请更正。").status_code for n in range(40)]
    assert ErrorReport.objects.count() == 10  # 10/h (GOVPORTAL_RATE_LIMITS: error_report)
    refused = _report(client, description="这段文字应当保留下来。")
    html = refused.content.decode()
    assert refused.status_code == 429 and statuses.count(429) == 30
    assert "提交纠错过于频繁（上限为每小时 10 次）" in html
    assert "这段文字应当保留下来。" in html  # nothing typed is lost


def test_the_captcha_is_asked_only_near_the_limit(client, qinzhou):
    first = client.get("/jiucuo/").content.decode()
    assert 'name="captcha"' not in first
    for n in range(5):
        assert _report(client, description=f"第{n}处错字，请更正。", captcha="").status_code == 200
    near = client.get("/jiucuo/").content.decode()
    assert 'name="captcha"' in near and 'id="captcha-words"' in near
    response = _report(client, captcha="")
    assert response.status_code == 400 and "请填写验证码" in response.content.decode()


def test_disclosure_requests_from_one_address_are_limited(client, qinzhou):
    from govportal.accounts.models import Unit

    host = Unit.objects.get(locality="qinzhou", name="市人民政府办公室")
    for n in range(14):
        html = client.get("/yishenqing/").content.decode()
        token, answer = solve_form(html)
        client.post(
            "/yishenqing/",
            {
                "token": token,
                "captcha": answer,
                "applicant_kind": "person",
                "name": "张三",
                "id_number": "450702199001011234",
                "phone": "13877700000",
                "unit": host.pk,
                "description": f"2026年第{n}批学校维修经费的使用情况",
                "form_wanted": "电子邮件",
                "delivery": "在线查看",
            },
        )
    assert DisclosureRequest.objects.count() == 10


def _bump(args):
    import django

    django.setup()
    from django.test import RequestFactory

    from govportal import ratelimits

    n, key = args
    request = RequestFactory().get("/")
    for _ in range(n):
        ratelimits.usage(request, "query_failure", key, increment=True)
    return True


def test_query_failures_are_counted_across_processes(rf, settings):
    """Found: the citizen query lockout counted per process (5 workers let 33 of 60 tries through). Five
    processes add 12 failures each on the shared counter: it holds 60, and the address is locked."""
    from govportal import ratelimits

    settings.GOVPORTAL_RATE_LIMITS = {"query_failure": "1000/15m"}
    with multiprocessing.get_context("fork").Pool(5, initializer=default_signals) as pool:
        assert all(pool.map(_bump, [(12, "letter:203.0.113.9")] * 5))
    used = ratelimits.usage(rf.get("/"), "query_failure", "letter:203.0.113.9")
    assert used.count == 60


def test_the_letter_query_locks_after_ten_failures_for_every_worker(client, qinzhou):
    for _ in range(10):
        client.post("/xinjian/chaxun/", {"code": "NOSUCHCODE", "password": "WRONG123"})
    other_worker = Client()  # another process would see the same shared counter
    html = other_worker.post(
        "/xinjian/chaxun/", {"code": "NOSUCHCODE", "password": "WRONG123"}
    ).content.decode()
    assert "查询失败次数过多" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "http://evil.example/phish",
        "//evil.example/x",
        "http://localhost\\@evil.example/",
    ],
)
def test_error_report_page_url_must_be_a_page_of_this_site(client, qinzhou, url):
    response = _report(client, page_url=url)
    html = response.content.decode()
    assert response.status_code == 400
    assert "纠错只受理本网站的网页" in html and "以 http:// 或 https:// 开头" in html
    assert "“招生”误写为“招声”" in html
    assert not ErrorReport.objects.exists()


def test_the_back_office_never_links_a_stored_script_address(client, qinzhou, make_person):
    from django.urls import reverse

    from govportal.interaction import error_reports

    report, _ = error_reports.submit(
        locality="qinzhou",
        token_nonce="old",
        page_url="javascript:alert(document.cookie)",  # stored before the rule existed
        kind="link",
        description="旧数据",
    )
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("sec_root", password="Test@2026pw"))
    for name in ("interaction_admin:error",):
        html = client.get(reverse(name, args=[report.pk])).content.decode()
        assert 'href="javascript:' not in html and "非网页地址，不提供链接" in html


# --- CSRF on every public POST --------------------------------------------------------------------------

PUBLIC_POSTS = ["/xinjian/xie/", "/xinjian/chaxun/", "/jiucuo/", "/yishenqing/", "/yishenqing/chaxun/"]


@pytest.mark.parametrize("url", PUBLIC_POSTS)
def test_csrf_is_enforced_on_every_public_form(qinzhou, url):
    client = Client(enforce_csrf_checks=True)
    html = client.get(url).content.decode()
    assert "csrfmiddlewaretoken" in html
    response = client.post(url, {"description": "没有令牌的提交内容", "code": "X", "password": "Y"})
    assert response.status_code == 403
    assert not ErrorReport.objects.exists() and not DisclosureRequest.objects.exists()


# --- payloads on every public form and query parameter ------------------------------------------------------

GET_TARGETS = [
    ("/search/", "q"),
    ("/xinjian/", "q"),
    ("/xinjian/wenti/", "q"),
    ("/xinjian/wenti/tishi/", "q"),
    ("/jiucuo/chaxun/", "code"),
    ("/xinjian/tongji/", "year"),
    ("/xinjian/xie/", "type"),
    ("/jiucuo/", "url"),
    ("/yishenqing/chaxun/", "code"),
    ("/gkml/", "q"),
    ("/", "page"),
]
FORM_FIELDS = {
    "/jiucuo/": ["page_url", "description", "name", "contact"],
    "/xinjian/xie/": ["subject", "content", "writer_name", "writer_contact"],
    "/yishenqing/": ["name", "id_number", "phone", "address", "description"],
    "/xinjian/chaxun/": ["code", "password"],
}
RAW_MARKERS = ("<script>alert(document.domain)", "<img src=x onerror=alert(1)>")


def _held(response) -> bool:
    body = response.content.decode(errors="replace")
    return response.status_code < 500 and not any(m in body for m in RAW_MARKERS)


def test_payloads_on_every_query_parameter(client, qinzhou):
    client.raise_request_exception = False
    bad = []
    for url, param in GET_TARGETS:
        for name, payload in TEXT_PAYLOADS.items():
            response = client.get(url, {param: payload})
            held = _held(response)
            record_payload(f"GET {url}?{param}", name, response.status_code, held)
            if not held:
                bad.append(f"{url}?{param}={name} -> {response.status_code}")
        response = client.get(f"{url}?{param}=%FF%FE%C3%28")  # invalid UTF-8
        held = _held(response)
        record_payload(f"GET {url}?{param}", "invalid-utf8", response.status_code, held)
        if not held:
            bad.append(f"{url}?{param}=<invalid utf-8> -> {response.status_code}")
    assert not bad, "\n".join(bad)


def test_payloads_on_every_public_form_field(client, qinzhou, settings):
    """Each field of each form gets each payload (the other fields valid): no 500, never reflected raw,
    and a submission is stored whole or not at all."""
    settings.GOVPORTAL_RATE_LIMITS = {"letter": "1000/h", "error_report": "1000/h", "disclosure": "1000/h"}
    from govportal.accounts.models import Unit

    host = Unit.objects.get(locality="qinzhou", name="市人民政府办公室")
    valid = {
        "/jiucuo/": {"page_url": "/", "kind": "typo", "description": "“招生”误写为“招声”。"},
        "/xinjian/xie/": {
            "type": "consult",
            "subject": "孩子入学划片怎么查询",
            "content": "您好，我想咨询孩子义务教育入学的划片范围和报名时间。",
            "writer_name": "李明",
            "writer_contact": "13877712345",
        },
        "/yishenqing/": {
            "applicant_kind": "person",
            "name": "张三",
            "id_number": "450702199001011234",
            "phone": "13877700000",
            "unit": host.pk,
            "description": "2026年学校维修经费的使用情况",
            "form_wanted": "电子邮件",
            "delivery": "在线查看",
        },
        "/xinjian/chaxun/": {"code": "ABC", "password": "DEF"},
    }
    client.raise_request_exception = False
    bad = []
    for url, fields in FORM_FIELDS.items():
        for field in fields:
            for name, payload in list(TEXT_PAYLOADS.items()) + [("invalid-utf8", None)]:
                html = client.get(url).content.decode()
                token_match = re.search(r'name="token" value="([^"]+)"', html)
                data = dict(valid[url])
                if token_match:
                    data["token"], data["captcha"] = solve_form(html)
                before = ErrorReport.objects.count() + DisclosureRequest.objects.count()
                if payload is None:
                    from urllib.parse import urlencode

                    body = urlencode({k: v for k, v in data.items() if k != field}).encode()
                    body += b"&" + field.encode() + b"=" + BAD_UTF8
                    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
                else:
                    data[field] = payload
                    response = client.post(url, data)
                held = _held(response)
                stored = ErrorReport.objects.count() + DisclosureRequest.objects.count() - before
                if stored and payload is not None and name in ("oversized", "nul"):
                    held = False  # an oversized or NUL text must be refused whole, never cut and stored
                record_payload(f"POST {url} {field}", name, response.status_code, held)
                if not held:
                    bad.append(f"{url} {field}={name} -> {response.status_code} stored={stored}")
    assert not bad, "\n".join(bad)
    assert XSS and XSS_ATTR
