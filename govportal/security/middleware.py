"""Middleware of the site's security.

- :class:`HostCheckMiddleware` (first): a request whose Host is missing or not in ALLOWED_HOSTS gets a
  plain Chinese 400 page, never Django's debug page (which shows every setting when DEBUG is on); so does
  one with a NUL character in a parameter or form field (a server error on PostgreSQL otherwise).
- :class:`ContentSecurityPolicyMiddleware`: django-csp's middleware with two policies — the public site's
  (``CONTENT_SECURITY_POLICY``: no inline script at all) and the back office's
  (``GOVPORTAL_ADMIN_CSP``: what Wagtail 8's admin needs, see settings). It sits before the public-page
  cache, so a page answered from the cache carries the same header as a fresh one.
- :class:`AdminNetworkMiddleware`: /admin/ only from the networks the profile (or the deployment) allows,
  otherwise a Chinese 403 page naming the rule.

The other headers (X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS) are set by
Django's SecurityMiddleware and X-Frame-Options by its XFrameOptionsMiddleware, from settings.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape

ADMIN_PREFIX = "/admin/"

_BAD_HOST_PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>请求无效</title></head>'
    "<body><h1>请求无效</h1><p>请求的网站地址（Host）缺失或不属于本网站，请检查地址后重试。</p></body></html>"
)


_NUL_PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>请求无效</title></head>'
    "<body><h1>请求无效</h1><p>提交的内容含有不可见的控制字符（NUL），无法处理，请删除后重新提交。</p></body></html>"
)


def _bad_request(page: str) -> HttpResponse:
    response = HttpResponse(page, status=400, content_type="text/html; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _has_nul(request) -> bool:
    """A NUL character in the query string or a form field (never legitimate text; PostgreSQL cannot even
    store it, so it would end in a server error instead of a message). Uploaded files are not looked at."""
    if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if any("\x00" in v for values in request.GET.lists() for v in values[1]):
        return True
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return any("\x00" in v for values in request.POST.lists() for v in values[1])
    return False


class HostCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.get_host()
        except DisallowedHost:
            return _bad_request(_BAD_HOST_PAGE)
        if _has_nul(request):
            return _bad_request(_NUL_PAGE)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(ADMIN_PREFIX):
            from csp.utils import default_config

            parts.config = default_config(settings.GOVPORTAL_ADMIN_CSP)
        return parts


def _site_locality(request) -> str:
    from wagtail.models import Site

    from govportal.portal.models import HomePage

    try:
        site = Site.find_for_request(request)
        if site is not None:
            locality = (
                HomePage.objects.filter(pk=site.root_page_id).values_list("locality", flat=True).first()
            )
            if locality:
                return locality
        localities = set(HomePage.objects.exclude(locality="").values_list("locality", flat=True)[:2])
    except Exception:  # no database yet (first migrate): no rule to apply
        return ""
    return localities.pop() if len(localities) == 1 else ""


def admin_refusal(request, rule) -> HttpResponse:
    from .networks import client_ip

    html = render_to_string(
        "security/admin_network_refused.html",
        {"address": client_ip(request) or "未知", "source": rule.source},
    )
    response = HttpResponse(html, status=403, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class AdminNetworkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(ADMIN_PREFIX):
            from .networks import admin_networks, client_ip

            try:
                rule = admin_networks(_site_locality(request))
            except ValueError as exc:  # a mistyped network: closed, and the page says which entry
                html = f"<!DOCTYPE html><html lang='zh-CN'><meta charset='utf-8'><h1>后台访问配置有误</h1><p>{escape(exc)}</p>"
                return HttpResponse(html, status=403, content_type="text/html; charset=utf-8")
            if not rule.allows(client_ip(request)):
                return admin_refusal(request, rule)
        return self.get_response(request)
