"""Tampering (网页篡改): each published page's output is fingerprinted at publication, and a job fetches the
served pages and reports any whose bytes differ from what the platform publishes, with a diff.

:func:`normalise` and :func:`fingerprint` take bytes, so they work the same on a page rendered by the app, on
a page fetched from the public address, or on a file written by static publishing. The parts of a page that
legitimately vary between two responses — CSRF tokens, captcha tokens and images, CSP nonces, anything an
app template wraps in ``<!--gp:vary-->…<!--/gp:vary-->`` — are replaced by a placeholder first.

A served page that differs from its fingerprint is rendered again from the database: when the new render
matches what is served, the page changed legitimately (a new item in a shared list) and the fingerprint is
renewed; otherwise the served page has been altered, which is an alert of the highest level.

Settings: ``GOVPORTAL_PUBLIC_BASE_URL`` — where the public site is fetched from (default
``WAGTAILADMIN_BASE_URL``).
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.portal.models import ItemPage

from .alerts import raise_alert, resolve_stale
from .models import AlertSeverity, PageFingerprint
from .probe import _operators

logger = logging.getLogger(__name__)

_VARYING = [
    (re.compile(rb"<!--gp:vary-->.*?<!--/gp:vary-->", re.S), b"<!--gp:vary-->"),
    (re.compile(rb'(name=["\']csrfmiddlewaretoken["\'][^>]*?value=["\'])[^"\']*', re.I), rb"\1*"),
    (re.compile(rb'(value=["\'])[^"\']*(["\'][^>]*?name=["\']csrfmiddlewaretoken)', re.I), rb"\1*\2"),
    (re.compile(rb'(name=["\']csrf-token["\'][^>]*?content=["\'])[^"\']*', re.I), rb"\1*"),
    (re.compile(rb"(yanzhengma/)[A-Za-z0-9_\-:.]+(\.png)"), rb"\1*\2"),
    (
        re.compile(
            rb'(name=["\'](?:captcha|captcha_token|submit_token|token)["\'][^>]*?value=["\'])[^"\']*', re.I
        ),
        rb"\1*",
    ),
    (re.compile(rb'(nonce=["\'])[^"\']*', re.I), rb"\1*"),
]


def normalise(data: bytes) -> bytes:
    """``data`` with the parts that legitimately vary replaced by placeholders, line ends unified."""
    for pattern, repl in _VARYING:
        data = pattern.sub(repl, data)
    return data.replace(b"\r\n", b"\n")


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(normalise(data)).hexdigest()


def diff(published: bytes, served: bytes, limit: int = 120) -> list[str]:
    a = normalise(published).decode("utf-8", "replace").splitlines()
    b = normalise(served).decode("utf-8", "replace").splitlines()
    lines = list(difflib.unified_diff(a, b, "发布时", "当前访问", lineterm="", n=2))
    return lines[:limit] + ([f"…（另有 {len(lines) - limit} 行差异）"] if len(lines) > limit else [])


def render(page) -> bytes | None:
    """The page as the app serves it to a visitor now (None when it does not answer 200)."""
    from django.test import Client
    from wagtail.models import Site

    site = (
        Site.objects.filter(root_page__in=page.get_ancestors(inclusive=True))
        .order_by("-root_page__depth")
        .first()
    )
    host = site.hostname if site else "localhost"
    url = page.get_url(None) or page.url_path
    try:
        resp = Client(HTTP_HOST=host, raise_request_exception=False).get(url)
    except Exception:
        logger.exception("页面指纹：无法生成 %s", url)
        return None
    if resp.status_code != 200:
        return None
    return b"".join(resp) if resp.streaming else resp.content


def record(page, data: bytes | None = None) -> PageFingerprint | None:
    data = render(page) if data is None else data
    if data is None:
        return None
    fp, _ = PageFingerprint.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "url": page.get_url(None) or page.url_path,
            "digest": fingerprint(data),
            "content": normalise(data).decode("utf-8", "replace"),
            "taken_at": timezone.now(),
        },
    )
    return fp


def on_published(sender, instance, **kwargs) -> None:
    """``page_published``: fingerprint the item once the publication is committed (items only: columns and
    the home page are lists that change with every new item)."""

    if not isinstance(instance, ItemPage):
        return
    page_id = instance.pk

    def take():
        from wagtail.models import Page

        page = Page.objects.filter(pk=page_id, live=True).first()
        if page is not None:
            try:
                record(page.specific)
            except Exception:  # fingerprinting must never break publishing
                logger.exception("页面指纹记录失败：%s", page_id)

    transaction.on_commit(take)


def connect_signals() -> None:
    from wagtail.signals import page_published

    page_published.connect(on_published, dispatch_uid="monitoring_fingerprint")


def fetch(url: str, timeout: float = 15) -> bytes | None:
    req = urllib.request.Request(url, headers={"User-Agent": "GovPortal-TamperCheck/1.0"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - the site's own address
            return resp.read()
    except Exception as exc:
        logger.warning("篡改检查：无法访问 %s（%s）", url, exc)
        return None


def check(base_url: str | None = None, pages=None) -> dict[str, int]:
    """Fetch every fingerprinted live page from the public address and compare."""

    base = (
        base_url or getattr(settings, "GOVPORTAL_PUBLIC_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    ).rstrip("/")
    counts = {"checked": 0, "tampered": 0, "renewed": 0, "unreachable": 0}
    qs = PageFingerprint.objects.select_related("page").filter(page__live=True)
    if pages is not None:
        qs = qs.filter(page__in=pages)
    for fp in qs.iterator():
        served = fetch(base + fp.url)
        if served is None:
            counts["unreachable"] += 1
            continue
        counts["checked"] += 1
        page = fp.page.specific
        locality = getattr(page.get_site().root_page.specific, "locality", "") if page.get_site() else ""
        key = f"tampering:{locality}:{page.pk}"
        if fingerprint(served) == fp.digest:
            resolve_stale(key, set())
            continue
        now = render(page)
        if now is not None and fingerprint(now) == fingerprint(served):
            record(page, now)
            counts["renewed"] += 1
            resolve_stale(key, set())
            continue
        counts["tampered"] += 1
        unit_id = getattr(page, "unit_id", None)
        raise_alert(
            key,
            kind="tampering",
            severity=AlertSeverity.CRITICAL,
            subject=f"网页被篡改：{page.title}（{fp.url}）",
            users=_operators(locality),
            unit=Unit.objects.filter(pk=unit_id).first() if unit_id else None,
            locality=locality,
            url=base + fp.url,
            evidence=[
                {
                    "url": base + fp.url,
                    "published_at": fp.taken_at.isoformat(),
                    "diff": diff(fp.content.encode(), served),
                }
            ],
        )
    return counts


def scheduled_check() -> str:
    c = check()
    return f"检查 {c['checked']} 页，疑似篡改 {c['tampered']}，正常更新 {c['renewed']}，无法访问 {c['unreachable']}"
