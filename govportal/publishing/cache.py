"""The public-page cache: a public page that has not changed costs no rendering.

How it works
------------
- ``PublicPageCacheMiddleware`` stores the response of a public page (a Wagtail page, or a view marked
  with ``@public_page``) the first time it is rendered, under a key made of the site's host name, the
  path, the query string and the current *generation*; later requests for the same key get the stored
  bytes. The production server's front processes (``govportal serve``) read the same store and answer
  without reaching Django at all.
- Publishing moves the generation on: any change the public can see — publish, unpublish (withdrawal
  uses Wagtail's unpublish), move, delete, a slug change, a view restriction, a site, a site setting
  such as the footer (``PortalSettings``), a unit, an image, a document, a snippet, or any model listed
  in ``PUBLIC_CACHE_INVALIDATE_MODELS`` — changes the generation when its transaction commits, so every
  page of the site is rendered afresh on its next request. One publish changes the home page, the
  column lists above the item, the feeds, the site map and the catalogue; rather than guess which
  pages show what, all of them are refreshed (rendering on demand is cheap; a stale home page is not).
- The generation lives in the shared store (a file cache under ``GOVPORTAL_HOME`` by default, Redis
  when ``REDIS_URL`` is set), so every gunicorn worker and front process sees it; each process reads it
  at most every ``PUBLIC_CACHE_GENERATION_TTL`` seconds (0.5 s): a change is public within a second.

Never cached: admin and other excluded paths, requests with a session or messages cookie (logged-in
users, visitors with a pending message), ``Authorization`` headers, anything but GET/HEAD, responses
other than 200, responses that set a cookie, use a CSRF token, vary on anything but Cookie /
Accept-Language / Accept-Encoding, or say ``Cache-Control: private / no-cache / no-store``, streaming
responses, bodies over ``PUBLIC_CACHE_MAX_BYTES``.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import random
import threading
import time
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.http import HttpResponse

logger = logging.getLogger(__name__)

GENERATION_KEY = "gp:pc:generation"
FORMAT = 1
COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml", "application/atom+xml", "application/json")
ALLOWED_VARY = {"cookie", "accept-language", "accept-encoding"}
SKIP_HEADERS = {"set-cookie", "content-length", "date", "x-cache", "connection", "transfer-encoding"}


def _setting(name: str, default):
    return getattr(settings, name, default)


def enabled() -> bool:
    return bool(_setting("PUBLIC_CACHE_ENABLED", False))


def alias() -> str:
    return _setting("PUBLIC_CACHE_ALIAS", "public_pages")


def store():
    name = alias()
    return caches[name] if name in settings.CACHES else caches["default"]


def timeout() -> int:
    return int(_setting("PUBLIC_CACHE_TIMEOUT", 3600))


def excluded_prefixes() -> tuple[str, ...]:
    extra = tuple(_setting("PUBLIC_CACHE_EXCLUDE", ()))
    return ("/admin/", "/django-admin/", "/documents/", "/search/", "/media/", settings.STATIC_URL) + extra


def bypass_cookies() -> tuple[str, ...]:
    extra = tuple(_setting("PUBLIC_CACHE_BYPASS_COOKIES", ()))
    return (settings.SESSION_COOKIE_NAME, "messages") + extra


# --- the generation -----------------------------------------------------------------------------------------

_memo_lock = threading.Lock()
_memo: tuple[float, str] = (0.0, "")


def _new_generation() -> str:
    return f"{time.time_ns():x}{random.getrandbits(32):08x}"


def generation(fresh: bool = False) -> str:
    """The current generation (read from the shared store at most every TTL seconds per process)."""
    global _memo
    now = time.monotonic()
    checked, value = _memo
    if not fresh and value and now - checked < float(_setting("PUBLIC_CACHE_GENERATION_TTL", 0.5)):
        return value
    s = store()
    value = s.get(GENERATION_KEY)
    if not value:
        s.add(GENERATION_KEY, _new_generation(), None)
        value = s.get(GENERATION_KEY) or _new_generation()
    with _memo_lock:
        _memo = (now, value)
    return value


def bump(reason: str = "") -> str:
    """Move to a new generation now: every cached page is stale from this moment (in this process) and
    within the TTL everywhere else."""
    global _memo
    value = _new_generation()
    store().set(GENERATION_KEY, value, None)
    with _memo_lock:
        _memo = (time.monotonic(), value)
    logger.info("public page cache invalidated: %s", reason)
    return value


def invalidate(reason: str = "", using: str | None = None) -> None:
    """Invalidate every cached public page when the current transaction commits (at once outside one),
    so that no request renders the old content under the new generation. Other apps call this when
    something the public pages show changes outside the page tree."""
    if not enabled():
        return
    transaction.on_commit(lambda: bump(reason), using=using)


# --- keys and entries ---------------------------------------------------------------------------------------


def page_key(gen: str, host: str, path: str, query: str) -> str:
    digest = hashlib.sha1(f"{host.lower()}\n{path}\n{query}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"gp:pc:{gen}:{digest}"


def path_from_target(raw_path: bytes) -> str | None:
    """The decoded path of a raw request target, as Django sees it (None if it cannot be decoded)."""
    try:
        return unquote_to_bytes(raw_path).decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return None


def cookie_blocks(cookie_header: str) -> bool:
    if not cookie_header:
        return False
    names = {part.split("=", 1)[0].strip() for part in cookie_header.split(";")}
    return any(name in names for name in bypass_cookies())


def may_use_cache(method: str, path: str, cookie_header: str, authorization: bool) -> bool:
    if method not in ("GET", "HEAD") or authorization:
        return False
    if path.startswith(excluded_prefixes()):
        return False
    return not cookie_blocks(cookie_header)


def pack(response) -> tuple:
    """What is stored for a response: (format, status, headers, body, gzip body or None, expires at)."""
    body = bytes(response.content)
    headers = [(k, v) for k, v in response.items() if k.lower() not in SKIP_HEADERS]
    ctype = response.get("Content-Type", "")
    gz = None
    if len(body) >= 1024 and ctype.startswith(COMPRESSIBLE) and not response.has_header("Content-Encoding"):
        gz = gzip.compress(body, compresslevel=6, mtime=0)
    return (FORMAT, response.status_code, headers, body, gz, time.time() + timeout())


def valid_entry(value) -> bool:
    return isinstance(value, tuple) and len(value) == 6 and value[0] == FORMAT and value[5] > time.time()


def storable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if (
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or request.META.get("CSRF_COOKIE_USED")
    ):
        return False
    cc = response.get("Cache-Control", "").lower()
    if any(word in cc for word in ("private", "no-cache", "no-store")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - ALLOWED_VARY:
        return False
    if len(response.content) > int(_setting("PUBLIC_CACHE_MAX_BYTES", 2 * 1024 * 1024)):
        return False
    return _cacheable_view(request)


def _cacheable_view(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    func = match.func
    if getattr(func, "public_page", False):
        return True
    name = f"{getattr(func, '__module__', '')}.{getattr(func, '__name__', '')}"
    allowed = {"wagtail.views.serve", *(_setting("PUBLIC_CACHE_VIEWS", ()))}
    return name in allowed or (match.url_name or "") in set(_setting("PUBLIC_CACHE_URL_NAMES", ()))


def public_page(view):
    """Mark a view whose response is the same for every anonymous visitor and changes only when
    something published changes (a list of published items, a site map, a feed)."""
    view.public_page = True
    return view


def accepts_gzip(accept_encoding: str) -> bool:
    for part in (accept_encoding or "").lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() == "gzip":
            q = 1.0
            for p in params.split(";"):
                k, _, v = p.strip().partition("=")
                if k == "q":
                    try:
                        q = float(v)
                    except ValueError:
                        q = 0.0
            return q > 0
    return False


def response_from(value, request) -> HttpResponse:
    _, status, headers, body, gz, _ = value
    use_gz = gz is not None and accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    response = HttpResponse(gz if use_gz else body, status=status)
    for k, v in headers:
        response[k] = v
    if gz is not None:
        response["Vary"] = ", ".join(filter(None, [response.get("Vary", ""), "Accept-Encoding"]))
    if use_gz:
        response["Content-Encoding"] = "gzip"
    response["X-Cache"] = "HIT"
    return response


class PublicPageCacheMiddleware:
    """Serve public pages from the cache; store them on the way out. Put it early in MIDDLEWARE (after
    security and static files, before sessions), so a hit skips sessions, CSRF and authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not may_use_cache(
            request.method,
            request.path,
            request.META.get("HTTP_COOKIE", ""),
            "HTTP_AUTHORIZATION" in request.META,
        ):
            return self.get_response(request)
        try:
            key = page_key(
                generation(),
                request.META.get("HTTP_HOST", ""),
                request.path,
                request.META.get("QUERY_STRING", ""),
            )
            value = store().get(key)
        except Exception:  # the cache must never take the site down
            logger.exception("public page cache unavailable")
            return self.get_response(request)
        if valid_entry(value):
            return response_from(value, request)
        response = self.get_response(request)
        try:
            if storable(request, response):
                store().set(key, pack(response), timeout())
                response["X-Cache"] = "MISS"
        except Exception:
            logger.exception("public page cache: could not store %s", request.path)
        return response


class PageFileCache(FileBasedCache):
    """Django's file cache, culling only now and then: Django lists the whole directory on every set to
    decide whether to cull, which grows with the number of pages cached."""

    cull_every = 200

    def _cull(self):
        if random.randrange(self.cull_every) == 0:
            super()._cull()


# --- what invalidates ---------------------------------------------------------------------------------------

DRAFT_ONLY_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "go_live_at",
        "expire_at",
    }
)


def _on_page_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is not None and not (set(update_fields) - DRAFT_ONLY_FIELDS):
        return
    if created and not instance.live:
        return
    invalidate(f"page saved: {instance.pk}")


def _on_change(sender, instance=None, **kwargs):
    if kwargs.get("raw"):
        return
    invalidate(f"{sender._meta.label} changed")


def _on_page_event(sender, instance=None, **kwargs):
    invalidate(f"page event: {getattr(instance, 'pk', '')}")


def _invalidating_models() -> list:
    from django.apps import apps
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import PageViewRestriction, Site

    models = [Site, PageViewRestriction]
    for model in apps.get_models():
        if issubclass(model, (BaseSiteSetting, BaseGenericSetting, AbstractImage, AbstractDocument)):
            models.append(model)
    try:
        from wagtail.snippets.models import get_snippet_models

        models += list(get_snippet_models())
    except Exception:
        pass
    for label in ("accounts.Unit", *(_setting("PUBLIC_CACHE_INVALIDATE_MODELS", ()))):
        try:
            models.append(apps.get_model(label))
        except LookupError:
            logger.warning("PUBLIC_CACHE_INVALIDATE_MODELS: no model %s", label)
    return list(dict.fromkeys(models))


def connect_signals() -> None:
    """Connect the invalidation handlers (called from an AppConfig.ready, in every process)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    def page_saved(sender, instance, **kwargs):
        if isinstance(instance, Page):
            _on_page_saved(sender, instance, **kwargs)

    def page_deleted(sender, instance, **kwargs):
        if isinstance(instance, Page):
            _on_page_event(sender, instance)

    post_save.connect(page_saved, weak=False, dispatch_uid="public_cache.page_saved")
    post_delete.connect(page_deleted, weak=False, dispatch_uid="public_cache.page_deleted")
    for signal, uid in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
        (page_slug_changed, "slug"),
    ):
        signal.connect(_on_page_event, dispatch_uid=f"public_cache.{uid}")
    for model in _invalidating_models():
        post_save.connect(_on_change, sender=model, dispatch_uid=f"public_cache.save.{model._meta.label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"public_cache.del.{model._meta.label}")
