"""Static publishing (静态发布): public pages written to files when they change, served by nginx.

How it works
------------
- The **publish directory** (``PUBLISH_ROOT``, default ``$GOVPORTAL_HOME/publish``) holds one folder per
  site, named by the site's host name. A page at ``/dongtai/zwyw/`` is the file
  ``<root>/<host>/dongtai/zwyw/index.html`` (and ``index.html.gz`` beside it, for nginx's
  ``gzip_static``); a feed ``/feeds/12.xml`` is ``<root>/<host>/feeds/12.xml``. nginx
  (``deploy/nginx/``) answers a GET without a query string, a session cookie or an Authorization header
  from these files, and passes everything else to the app. Without nginx, ``PublishedPageMiddleware``
  does the same in a few lines (WhiteNoise-style).
- **What a change re-renders** is worked out from the data, never "everything": for an item, the item,
  the first page of the list of every column above it (its column, its channel, the sub-site home and the
  home of its site), the feeds of those columns, the sitemap, the disclosure catalogue if it is catalogued,
  and the pages that refer to it (the policy document an interpretation explains, pages linking to it in
  Wagtail's reference index). A withdrawn, expired, deleted or restricted page's file is removed at once.
  Deeper list pages (``?page=2``) and anything with a query string are rendered by the app (nginx keeps
  them a few seconds in its microcache). Changes that every page shows (a site's footer settings, a site,
  a unit's name) ask for a rebuild of the site (``request_rebuild``), done by the ``publish_rebuilds``
  periodic job, resumably, in the background.
- **Where the rendering runs**: in the job worker (task ``static_publish_task``, queue ``publish``); the
  editor's request only enqueues, after its commit (``later``), and records 正在发布 (``StaticPublish``),
  which the edit page shows until the worker records the result. A withdrawn, expired, deleted or
  restricted page's own file is removed in the request itself (``withdraw_files``): cheap, and the page
  must be gone at once. ``STATIC_PUBLISHING_SYNC`` (the test runner) renders in the request instead.
- A page is **written only if it is the same for everyone**: rendered as an anonymous visitor, status 200,
  no cookie set, no CSRF token used, not ``Cache-Control: private/no-store``. A page with a form carrying
  a CSRF token, or anything personal, is never written (and a file it had is removed).
- Writes are **atomic** (a temporary file in the same folder, then ``os.replace``); a file whose bytes
  did not change is not rewritten. Each written file is recorded (``PublishedFile``: path, sha256, size,
  when), so ``govportal check-published`` lists files missing, stale or altered on disk.
- **A burst of publishes is rendered once**: a shared page (a column list, a home page, a feed) that the
  worker began to render after a change was committed already shows that change, so the change's task
  does not render it again (``Outcome.coalesced``); only the item's own page is always rendered. Ten
  publishes queued behind one worker render their column and home page once, not ten times. The start of a
  render is compared with the change's commit (``StaticPublish.requested_at``) with a margin for the
  nodes' clocks (``STATIC_PUBLISHING_CLOCK_MARGIN``, 0.5 s).
- A CDN or a Varnish in front is purged for the URLs written or removed when ``WAGTAILFRONTENDCACHE`` is
  configured (Wagtail's ``frontend_cache`` backends).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tasks import task

from govportal.portal.listing import forget_kinds
from govportal.portal.signals import bulk_load, bulk_load_finished, in_bulk_load
from govportal.security.headers import security_headers

from .models import PublishedFile, SiteBuild, StaticPublish

logger = logging.getLogger(__name__)

HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
WRITABLE_TYPES = ("text/html", "application/xml", "text/xml", "application/rss+xml", "application/atom+xml")
GZIP_MIN = 512
ALLOWED_VARY = {"cookie", "accept-language", "accept-encoding"}
# Pages rebuilt inline after a move or a restriction; a bigger subtree is left to the rebuild job.
INLINE_SUBTREE = 200


def enabled() -> bool:
    return bool(getattr(settings, "STATIC_PUBLISHING", False))


def publish_root() -> Path:
    return Path(getattr(settings, "PUBLISH_ROOT", Path(settings.DATA_DIR) / "publish"))


def bypass_cookies() -> tuple[str, ...]:
    return (settings.SESSION_COOKIE_NAME, "messages")


# --- sites, URLs and files ------------------------------------------------------------------------------


def site_dir(site) -> Path | None:
    host = (site.hostname or "").lower()
    if not HOSTNAME.match(host):
        return None
    return publish_root() / host


def file_for(url: str) -> str | None:
    """The file (relative to the site's folder) of a site-relative URL path, or None if it has none."""
    if not url.startswith("/") or "\x00" in url or "\\" in url:
        return None
    parts = url.split("/")[1:]
    if any(p in (".", "..") or p.startswith(".") for p in parts[:-1] if p) or "//" in url:
        return None
    rel = url.lstrip("/")
    if url.endswith("/"):
        return rel + "index.html"
    if parts[-1].startswith(".") or "." not in parts[-1]:
        return None  # only pages (folders) and named files (feeds/1.xml, sitemap.xml)
    return rel


def site_url(page, site=None) -> tuple[object, str] | None:
    """(site, URL path within the site) of a page, or None when it is under no site."""
    sites = _sites()
    for s in sites:
        root_path, root_url_path = s._root_path, s._root_url_path
        if page.path.startswith(root_path):
            if site is not None and s.pk != site.pk:
                continue
            return s, "/" + page.url_path[len(root_url_path) :]
    return None


_site_memo: tuple[float, list] = (0.0, [])


def _sites() -> list:
    """Every site with its root's tree path and URL path, longest root first (read at most once a second)."""
    global _site_memo
    checked, value = _site_memo
    if value and time.monotonic() - checked < 1.0:
        return value
    from wagtail.models import Site

    value = []
    for s in Site.objects.select_related("root_page").order_by("-root_page__depth", "pk"):
        s._root_path, s._root_url_path = s.root_page.path, s.root_page.url_path
        value.append(s)
    _site_memo = (time.monotonic(), value)
    return value


def forget_sites() -> None:
    """Forget the sites this process knows, and what it rendered for them: a site deleted and another made
    can get the same id (SQLite reuses the highest), and its pages must not count as already rendered."""
    global _site_memo
    _site_memo = (0.0, [])
    _render_began.clear()


def known_hosts() -> dict[str, object]:
    return {s.hostname.lower(): s for s in _sites()}


# --- rendering and writing -----------------------------------------------------------------------------

_handler_lock = threading.Lock()
_handler = None


def _get_handler():
    global _handler
    with _handler_lock:
        if _handler is None:
            from django.core.handlers.base import BaseHandler

            h = BaseHandler()
            h.load_middleware()
            _handler = h
    return _handler


def render(site, url: str) -> tuple:
    """The response the app gives an anonymous visitor for ``url`` on ``site`` (full middleware)."""
    from django.test import RequestFactory

    secure = site.port == 443 or bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
    port = site.port or 80
    host = site.hostname if port in (80, 443) else f"{site.hostname}:{port}"
    request = RequestFactory().get(
        url,
        HTTP_HOST=host,
        SERVER_PORT=str(port),
        REMOTE_ADDR="127.0.0.1",
        secure=secure,
    )
    request.META["GOVPORTAL_RENDERING"] = True
    return _get_handler().get_response(request), request


def writable(response, request_meta: dict | None = None) -> tuple[bool, str]:
    """Whether a rendered response may be written to disk, and if not why (in Chinese, for the log)."""
    if response.status_code != 200:
        return False, f"状态码 {response.status_code}"
    if getattr(response, "streaming", False):
        return False, "流式响应"
    if response.cookies:
        return False, "设置了 Cookie（含表单令牌或个人信息）"
    meta = request_meta or {}
    if meta.get("CSRF_COOKIE_NEEDS_UPDATE") or meta.get("CSRF_COOKIE_USED"):
        return False, "含 CSRF 表单令牌"
    cc = response.get("Cache-Control", "").lower()
    if any(word in cc for word in ("private", "no-store", "no-cache")):
        return False, "Cache-Control 为私有或不缓存"
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - ALLOWED_VARY:
        return False, f"按 {response.get('Vary')} 区分内容"
    if not response.get("Content-Type", "").startswith(WRITABLE_TYPES):
        return False, "不是网页或 XML"
    return True, ""


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _remove(path: Path) -> bool:
    removed = False
    for p in (path, path.with_name(path.name + ".gz")):
        try:
            p.unlink()
            removed = True
        except FileNotFoundError:
            pass
    return removed


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    coalesced: list[str] = field(default_factory=list)

    def merge(self, other: Outcome) -> Outcome:
        for name in ("written", "unchanged", "removed", "skipped", "coalesced"):
            getattr(self, name).extend(getattr(other, name))
        return self

    @property
    def changed(self) -> list[str]:
        return self.written + self.removed


# When this process last began a render of (site, url) that it then wrote or found unchanged (time.time()),
# and the commit time of the change the worker is carrying out (``run_change``): see "A burst of publishes".
_render_began: dict[tuple[int, str], float] = {}
_change = threading.local()
RENDER_MEMORY = 100_000  # entries kept (a few MB); forgetting only costs a render


def _already_rendered(site, url: str) -> bool:
    since = getattr(_change, "committed", None)
    if since is None:
        return False
    return _render_began.get((site.pk, url), 0.0) > since + settings.STATIC_PUBLISHING_CLOCK_MARGIN


def _rendered(site, url: str, began: float) -> None:
    if len(_render_began) >= RENDER_MEMORY:
        _render_began.clear()
    _render_began[(site.pk, url)] = began


def publish_url(site, url: str, page_id: int | None = None) -> Outcome:
    """Render ``url`` of ``site`` and write it (or remove its file when it may not be written). A shared page
    (no ``page_id``) whose last render began after the current change's commit is left as it is."""

    out = Outcome()
    folder, rel = site_dir(site), file_for(url)
    if folder is None or rel is None:
        out.skipped.append((url, "无法对应到发布目录中的文件"))
        return out
    if page_id is None and _already_rendered(site, url):
        out.coalesced.append(url)
        return out
    began = time.time()
    response, request = render(site, url)
    ok, why = writable(response, request.META)
    target = folder / rel
    if not ok:
        if _remove(target):
            out.removed.append(url)
        PublishedFile.objects.filter(site=site, url=url).delete()
        out.skipped.append((url, why))
        return out
    body = bytes(response.content)
    digest = hashlib.sha256(body).hexdigest()
    record = PublishedFile.objects.filter(site=site, url=url).first()
    if record is not None and record.sha256 == digest and _same_on_disk(target, digest):
        out.unchanged.append(url)
        from django.utils import timezone

        PublishedFile.objects.filter(pk=record.pk).update(written_at=timezone.now(), page_id=page_id)
        _rendered(site, url, began)
        return out
    if len(body) >= GZIP_MIN:
        _atomic_write(target.with_name(target.name + ".gz"), gzip.compress(body, 6, mtime=0))
    else:
        _remove(target.with_name(target.name + ".gz"))
    _atomic_write(target, body)
    PublishedFile.objects.update_or_create(
        site=site,
        url=url,
        defaults={"file": rel, "sha256": digest, "size": len(body), "page_id": page_id},
    )
    _rendered(site, url, began)
    out.written.append(url)
    return out


def _same_on_disk(path: Path, digest: str) -> bool:
    """The file holds what was written, and so does the ``.gz`` beside it (what nginx's gzip_static sends to
    every browser that takes gzip): there for a page of ``GZIP_MIN`` bytes or more, absent below."""
    try:
        body = path.read_bytes()
    except OSError:
        return False
    if hashlib.sha256(body).hexdigest() != digest:
        return False
    try:
        packed = path.with_name(path.name + ".gz").read_bytes()
    except FileNotFoundError:
        return len(body) < GZIP_MIN
    except OSError:
        return False
    try:
        return len(body) >= GZIP_MIN and gzip.decompress(packed) == body
    except (OSError, EOFError, zlib.error):  # not gzip, or cut short
        return False


def unpublish_url(site, url: str) -> Outcome:
    """Remove the file of ``url`` (and its record)."""

    out = Outcome()
    folder, rel = site_dir(site), file_for(url)
    if folder is not None and rel is not None and _remove(folder / rel):
        out.removed.append(url)
    PublishedFile.objects.filter(site=site, url=url).delete()
    return out


def unpublish_prefix(site, prefix: str) -> Outcome:
    """Remove the files of ``prefix`` and of every page below it (a withdrawn column, a moved subtree)."""

    out = Outcome()
    urls = set(PublishedFile.objects.filter(site=site, url__startswith=prefix).values_list("url", flat=True))
    urls.add(prefix)
    for url in sorted(urls):
        out.merge(unpublish_url(site, url))
    return out


# --- what a change affects -----------------------------------------------------------------------------

LIST_KINDS = ("columnpage", "homepage", "subsitehomepage", "specialtopicpage", "subsiteindexpage")
FEED_KINDS = ("columnpage", "homepage", "subsitehomepage")


def affected_urls(page) -> tuple[object, list[str]] | None:
    """(site, URLs) a change of ``page`` (published, withdrawn, edited) shows on, the page itself first.

    Worked out from the tree: the page; the first list page of every column, channel and home above it
    and their feeds; the disclosure catalogue for a catalogued item; and the pages that show it (the
    policy document of an interpretation, pages linking to it). The sitemap lists every page of the site
    (its cost grows with the site): it is marked due (``sitemap_due``) and rewritten by the
    ``publish_rebuilds`` job within a minute, so that a publish costs the same at any size."""
    from wagtail.models import Page

    found = site_url(page)
    if found is None:
        return None
    site, url = found
    urls, feeds = [url], []
    ancestors = Page.objects.ancestor_of(page).filter(depth__gte=site.root_page.depth).order_by("-depth")
    for anc_id, anc_path, anc_url_path, model in ancestors.values_list(
        "pk", "path", "url_path", "content_type__model"
    ):
        if model not in LIST_KINDS:
            continue
        a = site_url(Page(pk=anc_id, path=anc_path, url_path=anc_url_path), site)
        if a is None:
            continue
        urls.append(a[1])
        if model in FEED_KINDS:
            feeds += [f"/feeds/{anc_id}.xml", f"/feeds/{anc_id}.atom"]
    urls += feeds  # after the pages: what a visitor sees first is written first
    specific = page.specific
    if getattr(specific, "index_number", "") or getattr(specific, "always_in_catalogue", False):
        urls.append("/gkml/")
    urls += [u for u in related_urls(specific, site) if u not in urls]
    if getattr(specific, "_meta", None) and specific._meta.model_name in ("columnpage", "subsitehomepage"):
        urls.append("/sitemap/")
    return site, list(dict.fromkeys(urls))


RELATED_LIMIT = 50


def related_urls(page, site) -> list[str]:
    """URLs of other live pages that show ``page``: pages it names by a foreign key (an interpretation's
    policy document), the live pages naming it (a document's interpretations), and pages that link to it
    (Wagtail's reference index). At most ``RELATED_LIMIT``."""
    from django.db.models import ForeignKey
    from wagtail.models import Page, ReferenceIndex

    ids: list[int] = []
    for f in page._meta.get_fields():
        if isinstance(f, ForeignKey) and issubclass(f.related_model, Page) and f.name != "page_ptr":
            if f.name in ("owner", "locked_by", "latest_revision", "live_revision", "alias_of"):
                continue
            value = getattr(page, f.attname, None)
            if value:
                ids.append(value)
        elif f.one_to_many and f.auto_created and issubclass(f.related_model, Page):
            if f.related_model is Page or f.remote_field.name in ("alias_of",):
                continue
            try:
                ids += list(
                    f.related_model.objects.filter(**{f.remote_field.name: page.pk})
                    .live()
                    .values_list("pk", flat=True)[:RELATED_LIMIT]
                )
            except Exception:
                pass
    try:
        ids += [
            int(pk)
            for (pk,) in ReferenceIndex.get_references_to(page)
            .filter(base_content_type__model__isnull=False)
            .values_list("object_id")[:RELATED_LIMIT]
            if str(pk).isdigit()
        ]
    except Exception:
        pass
    urls = []
    for p in Page.objects.filter(pk__in=set(ids) - {page.pk}).live().only("path", "url_path")[:RELATED_LIMIT]:
        found = site_url(p, site)
        if found:
            urls.append(found[1])
    return urls


def _restricted(page) -> bool:
    return page.get_view_restrictions().exists()


def page_changed(page, removed: bool = False) -> Outcome:
    """Write (or remove) what a change of ``page`` affects. Called after the change is committed."""
    out = Outcome()
    if not enabled():
        return out
    found = affected_urls(page)
    if found is None:
        return out
    site, urls = found
    own, rest = urls[0], urls[1:]
    page = page.specific_deferred if hasattr(page, "specific_deferred") else page
    fresh = type(page).objects.filter(pk=page.pk).first()
    if removed or fresh is None or not fresh.live or _restricted(fresh):
        out.merge(unpublish_prefix(site, own) if own.endswith("/") else unpublish_url(site, own))
    else:
        out.merge(publish_url(site, own, page.pk))
    for url in rest:
        out.merge(publish_url(site, url))
    sitemap_due(site)
    purge(site, out.changed)
    return out


def sitemap_due(site) -> None:
    """The site's sitemap no longer lists what is published: rewrite it in the next ``publish_rebuilds``."""

    if not SiteBuild.objects.filter(site=site).update(sitemap_due=True):
        SiteBuild.objects.get_or_create(site=site, defaults={"done": True, "sitemap_due": True})


def _structure_changed(page) -> None:
    """A column, a channel or a home page was published or withdrawn: its title is in the navigation and
    breadcrumbs of the pages below it, which the rebuild job brings up to date in the background."""
    found = site_url(page)
    if found is not None:
        request_rebuild(found[0], f"栏目 {page.title} 变更")


def subtree_changed(page, old_url: str | None = None) -> Outcome:
    """A page whose URL changed (moved, slug) or whose access changed (a view restriction): remove the
    files under its old place, then write it and what is below it (or ask for a site rebuild if big)."""
    from wagtail.models import Page

    out = Outcome()
    if not enabled():
        return out
    found = site_url(page)
    if old_url is not None and found is not None:
        out.merge(unpublish_prefix(found[0], old_url))
    fresh = Page.objects.filter(pk=page.pk).first()
    if fresh is None:
        return out
    if found is not None:
        site, url = found
        if not fresh.live or _restricted(fresh):
            out.merge(unpublish_prefix(site, url))
            descendants = []
        else:
            descendants = list(Page.objects.descendant_of(fresh).live().public()[: INLINE_SUBTREE + 1])
        if len(descendants) > INLINE_SUBTREE:
            request_rebuild(site, f"页面 {fresh.title} 下的页面位置或访问权限变更")
        else:
            for d in descendants:
                u = site_url(d, site)
                if u:
                    out.merge(publish_url(site, u[1], d.pk))
    out.merge(page_changed(fresh))
    return out


# Publish nothing page by page inside a bulk load (the demo, a profile: portal's ``bulk_load()``); every
# site is rebuilt once when it ends (``_on_bulk_load_finished``).
paused = bulk_load


def _on_bulk_load_finished(sender, **kwargs) -> None:
    if enabled():
        from wagtail.models import Site

        for s in Site.objects.all():
            request_rebuild(s, "批量导入")


def on_commit(func, *args, **kwargs) -> None:
    """Run ``func`` after the current transaction commits, here (for what is cheap: removing a file,
    asking for a rebuild); a failure is logged, never raised into the editor's request
    (``govportal check-published`` and ``publish-site`` repair what was missed)."""
    if not enabled() or in_bulk_load():
        return

    def run():
        try:
            func(*args, **kwargs)
        except Exception:
            logger.exception("静态发布失败：%s", getattr(func, "__name__", func))

    transaction.on_commit(run)


def in_worker() -> bool:
    """Whether pages are rendered by the job worker (the default) rather than in the editor's request
    (``STATIC_PUBLISHING_SYNC``: the test runner, scripts)."""
    return not getattr(settings, "STATIC_PUBLISHING_SYNC", False)


# What a change re-renders, by name (the job worker gets the name and the page id, never code).
CHANGES = {
    "page": lambda page, removed=False: page_changed(page, removed),
    "subtree": lambda page, old_url=None: subtree_changed(page, old_url),
    "old_place": lambda page, old_url_path: _old_place_changed(page, old_url_path),
}


def later(name: str, page_id: int, *args) -> None:
    """After the commit, re-render what ``CHANGES[name]`` of page ``page_id`` affects: in the job worker
    (``static_publish_task``, queue ``publish``; the editor's request only enqueues) or,
    with ``STATIC_PUBLISHING_SYNC`` or if the task cannot be queued, here."""
    if not enabled() or in_bulk_load():
        return

    def run():
        try:
            if in_worker():
                try:
                    progress_pending(page_id)
                    static_publish_task.enqueue(name, page_id, list(args))
                    return
                except Exception:
                    logger.exception("静态发布任务未能排队，改为当场生成")
            run_change(name, page_id, list(args))
        except Exception:
            logger.exception("静态发布失败：%s %s", name, page_id)

    transaction.on_commit(run)


def run_change(name: str, page_id: int, args: list) -> Outcome:
    """Carry out a change queued by ``later`` (in the worker), recording its outcome for the editor."""
    from django.utils import timezone
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first()
    if page is None or name not in CHANGES:
        StaticPublish.objects.filter(page_id=page_id).delete()
        return Outcome()
    started = timezone.now()
    try:
        # The map of item kinds per column (``portal.listing.kinds_below``) is cached per process and was
        # dropped by the process that published, not by this one.

        forget_kinds(page.path)
        # Only for a change queued for this worker (PENDING, its time set when it was queued after the commit):
        # an older record's time would say nothing about this change.
        pending = StaticPublish.objects.filter(page_id=page_id, state=StaticPublish.PENDING)
        committed = pending.values_list("requested_at", flat=True).first()
        _change.committed = committed.timestamp() if committed else None
        try:
            out = CHANGES[name](page, *args)
        finally:
            _change.committed = None
    except Exception as exc:
        StaticPublish.objects.update_or_create(
            page_id=page_id,
            defaults={
                "state": StaticPublish.FAILED,
                "detail": f"{type(exc).__name__}: {exc}"[:500],
                "finished_at": timezone.now(),
            },
        )
        raise
    StaticPublish.objects.filter(page_id=page_id, requested_at__lte=started).update(
        state=StaticPublish.DONE,
        detail=f"写入 {len(out.written)} 个文件，删除 {len(out.removed)} 个，未变 {len(out.unchanged)} 个"
        + (f"，{len(out.coalesced)} 个已由稍后的生成包含" if out.coalesced else ""),
        finished_at=timezone.now(),
    )
    return out


@task(queue_name="publish")
def static_publish_task(name: str, page_id: int, args: list) -> dict:
    """Static publishing of one change (``later``): re-render and write the pages it affects."""
    out = run_change(name, page_id, args)
    return {"written": len(out.written), "removed": len(out.removed), "unchanged": len(out.unchanged)}


def progress_pending(page_id: int) -> None:
    from django.utils import timezone

    StaticPublish.objects.update_or_create(
        page_id=page_id,
        defaults={"state": StaticPublish.PENDING, "detail": "", "requested_at": timezone.now()},
    )


# --- site rebuilds --------------------------------------------------------------------------------------


def site_urls(site) -> Iterable[tuple[str, int | None]]:
    """Every URL of ``site`` that is published to disk: its public live pages (in tree order), the feeds
    of its columns, the sitemap, the site map and the catalogue. (url, page id or None)."""
    from wagtail.models import Page

    root = site.root_page
    pages = Page.objects.live().public().descendant_of(root, inclusive=True).order_by("path")
    feed_ids = []
    for pk, url_path, model in pages.values_list("pk", "url_path", "content_type__model").iterator(
        chunk_size=2000
    ):
        yield "/" + url_path[len(root.url_path) :], pk
        if model in FEED_KINDS:
            feed_ids.append(pk)
    for pk in feed_ids:
        yield f"/feeds/{pk}.xml", None
        yield f"/feeds/{pk}.atom", None
    for url in ("/sitemap.xml", "/sitemap/", "/gkml/"):
        yield url, None


def request_rebuild(site, reason: str) -> None:
    """Ask for a rebuild of ``site`` (by the ``publish_rebuilds`` job): something every page shows changed."""
    from django.utils import timezone

    SiteBuild.objects.update_or_create(
        site=site,
        defaults={"requested_at": timezone.now(), "reason": reason[:200], "cursor": "", "done": False},
    )


def rebuild_site(site, resume: bool = True, progress=None, limit_seconds: float | None = None) -> Outcome:
    """Write every page of ``site``; ``resume`` continues after the last URL a previous (interrupted) run
    finished. ``progress(done, total)`` is called now and then. Stops after ``limit_seconds`` (resumable)."""
    from django.utils import timezone

    build, _ = SiteBuild.objects.get_or_create(site=site, defaults={"requested_at": timezone.now()})
    if not resume or build.done:
        build.cursor, build.done, build.started_at = "", False, timezone.now()
        build.save()
    started = time.monotonic()
    urls = list(site_urls(site))
    total = len(urls)
    order = {u: i for i, (u, _) in enumerate(urls)}
    start = order.get(build.cursor, -1) + 1 if build.cursor else 0
    out = Outcome()
    for i in range(start, total):
        url, page_id = urls[i]
        try:
            out.merge(publish_url(site, url, page_id))
        except Exception as exc:
            logger.exception("静态发布失败：%s", url)
            out.skipped.append((url, f"{type(exc).__name__}: {exc}"))
        if (i + 1) % 25 == 0 or i + 1 == total:
            SiteBuild.objects.filter(pk=build.pk).update(cursor=url)
            if progress:
                progress(i + 1, total)
        if limit_seconds is not None and time.monotonic() - started > limit_seconds and i + 1 < total:
            SiteBuild.objects.filter(pk=build.pk).update(cursor=url)
            return out
    # Files of pages that are no longer published (withdrawn while nobody was listening, or left over).
    wanted = {u for u, _ in urls}
    for url in PublishedFile.objects.filter(site=site).values_list("url", flat=True):
        if url not in wanted:
            out.merge(unpublish_url(site, url))
    SiteBuild.objects.filter(pk=build.pk).update(done=True, finished_at=timezone.now(), cursor="")
    purge(site, out.changed)
    return out


def publish_rebuilds() -> str:
    """Periodic job: carry on the rebuilds that were asked for (at most ~50 s a run; resumable)."""

    if not enabled():
        return "静态发布未开启（GOVPORTAL_STATIC_PUBLISHING=0）"
    said = []
    for build in SiteBuild.objects.filter(sitemap_due=True).select_related("site"):
        SiteBuild.objects.filter(pk=build.pk).update(sitemap_due=False)
        for url in ("/sitemap.xml",):
            publish_url(build.site, url)
        said.append(f"{build.site.hostname}：网站地图已更新")
    for build in SiteBuild.objects.filter(done=False).select_related("site", "site__root_page"):
        out = rebuild_site(build.site, resume=True, limit_seconds=50)
        build.refresh_from_db()
        said.append(
            f"{build.site.hostname}：写入 {len(out.written)}，删除 {len(out.removed)}"
            + ("，已完成" if build.done else "，未完成，下次继续")
        )
    return "；".join(said) or "没有待重建的站点"


@dataclass
class Problem:
    url: str
    kind: str  # missing / stale / altered / extra
    detail: str = ""


def check_site(site) -> list[Problem]:
    """Files missing, stale (the page was published after its file was written) or altered on disk
    (their bytes differ from what was written: tampering), and files of pages no longer published."""
    from wagtail.models import Page

    folder = site_dir(site)
    records = {r.url: r for r in PublishedFile.objects.filter(site=site)}
    published_at = dict(
        Page.objects.live()
        .descendant_of(site.root_page, inclusive=True)
        .values_list("pk", "last_published_at")
    )
    problems = []
    wanted = set()
    for url, page_id in site_urls(site):
        wanted.add(url)
        record = records.get(url)
        rel = file_for(url)
        if rel is None or folder is None:
            continue
        path = folder / rel
        if record is None or not path.exists():
            problems.append(Problem(url, "missing", "文件不存在"))
            continue
        if not _same_on_disk(path, record.sha256):
            problems.append(Problem(url, "altered", "文件或其压缩副本（.gz）内容与发布时不同（可能被篡改）"))
            continue
        when = published_at.get(page_id) if page_id else None
        if when is not None and when > record.written_at:
            problems.append(Problem(url, "stale", "页面在文件写入后又发布过"))
    for url in records:
        if url not in wanted:
            problems.append(Problem(url, "extra", "页面已不再公开，文件仍在"))
    return problems


# --- CDN / Varnish ---------------------------------------------------------------------------------------


def purge(site, urls: list[str]) -> None:
    """Purge ``urls`` of ``site`` from a CDN or Varnish (Wagtail's frontend_cache backends), if configured."""
    if not urls or not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    try:
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        purge_urls_from_cache([site.root_url.rstrip("/") + u for u in urls])
    except Exception:
        logger.exception("前端缓存（CDN/Varnish）清除失败")


# --- the embedded default: the app answers from the publish directory -------------------------------------

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
}


def cookie_blocks(header: str) -> bool:
    if not header:
        return False
    names = {part.split("=", 1)[0].strip() for part in header.split(";")}
    return any(name in names for name in bypass_cookies())


class PublishedPageMiddleware:
    """Without nginx: answer a GET/HEAD without query string, session cookie or Authorization from the
    publish directory of a known site, the way nginx's ``try_files`` does (WhiteNoise-style)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if (
            enabled()
            and request.method in ("GET", "HEAD")
            and not meta.get("QUERY_STRING")
            and "HTTP_AUTHORIZATION" not in meta
            and "GOVPORTAL_RENDERING" not in meta
            and not cookie_blocks(meta.get("HTTP_COOKIE", ""))
        ):
            response = self._from_file(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _from_file(self, request):
        from django.http import FileResponse

        host = request.META.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
        site = known_hosts().get(host)
        rel = file_for(request.path)
        if site is None or rel is None:
            return None
        folder = site_dir(site)
        path = folder / rel if folder else None
        if path is None or not path.is_file():
            return None
        ctype = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        if request.path.startswith("/feeds/"):
            ctype = (
                "application/atom+xml" if path.suffix == ".atom" else "application/rss+xml"
            ) + "; charset=utf-8"
        gz = path.with_name(path.name + ".gz")
        use_gz = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") and gz.is_file()
        response = FileResponse(open(gz if use_gz else path, "rb"), content_type=ctype)
        if use_gz:
            response["Content-Encoding"] = "gzip"
        response["Vary"] = "Accept-Encoding"

        for name, value in security_headers():
            response.setdefault(name, value)
        response["X-Published"] = "file"
        return response


class NoSharedCacheMiddleware:
    """Tell every shared cache (nginx's microcache, a CDN) not to keep a response that is not the same for
    everyone: logged-in users, a CSRF token used, a session touched, a cookie set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = (
            response.cookies
            or request.META.get("CSRF_COOKIE_USED")
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or (user is not None and getattr(user, "is_authenticated", False))
            or getattr(getattr(request, "session", None), "accessed", False)
            and getattr(getattr(request, "session", None), "session_key", None)
        )
        if personal:
            from django.utils.cache import patch_cache_control

            patch_cache_control(response, private=True, no_store=True)
        elif enabled() and not request.META.get("QUERY_STRING") and "GOVPORTAL_RENDERING" not in request.META:
            # An address without a query string is answered from its file once the worker has written
            # it; until then (or once it is withdrawn) nginx must not keep the app's answer, or a
            # withdrawn item would stay visible for the microcache's seconds. The microcache is for
            # later list pages and searches (addresses with a query string).
            response["X-Accel-Expires"] = "0"
        return response


# --- signals ---------------------------------------------------------------------------------------------


def _is_page(instance) -> bool:
    from wagtail.models import Page

    return isinstance(instance, Page)


def _on_published(sender, instance, **kwargs):
    later("page", instance.pk)
    if not hasattr(instance.specific_deferred, "info_category"):
        on_commit(_structure_changed, instance)


def _on_unpublished(sender, instance, **kwargs):
    # The page's own file goes at once (in the editor's request, after the commit: a file removal is
    # cheap), so nginx answers 404 from the app; the lists that showed it are re-rendered by the worker.
    on_commit(withdraw_files, instance)
    later("page", instance.pk, True)
    if not hasattr(instance.specific_deferred, "info_category"):
        on_commit(_structure_changed, instance)


def withdraw_files(page) -> Outcome:
    """Remove the files of ``page`` (and of what is below it) now: withdrawn, expired or restricted."""
    found = site_url(page)
    if found is None:
        return Outcome()
    site, url = found
    out = unpublish_prefix(site, url) if url.endswith("/") else unpublish_url(site, url)
    purge(site, out.changed)
    return out


def _on_moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    if url_path_before == url_path_after:
        return
    old = _site_relative(url_path_before)
    later("subtree", instance.pk, old)
    # The lists of the old place lose the page.
    if old is not None:
        later("old_place", instance.pk, url_path_before)


def _site_relative(url_path: str | None) -> str | None:
    if not url_path:
        return None
    for s in _sites():
        if url_path.startswith(s._root_url_path):
            return "/" + url_path[len(s._root_url_path) :]
    return None


def _old_place_changed(page, old_url_path: str) -> Outcome:
    """Re-render the lists of the former parent of a moved page."""
    from wagtail.models import Page

    parent_url_path = old_url_path.rstrip("/").rsplit("/", 1)[0] + "/"
    parent = Page.objects.filter(url_path=parent_url_path).first()
    return page_changed(parent) if parent is not None else Outcome()


def _on_slug_changed(sender, instance, instance_before=None, **kwargs):
    if instance_before is not None and instance_before.url_path != instance.url_path:
        later("subtree", instance.pk, _site_relative(instance_before.url_path))


def _on_page_deleted(sender, instance, **kwargs):
    if not _is_page(instance):
        return
    found = site_url(instance)
    if found is None:
        return
    site, url = found
    on_commit(unpublish_prefix, site, url)
    if instance.depth > 1:
        later("page", instance.get_parent().pk)


def _on_restriction(sender, instance, **kwargs):
    from wagtail.models import Page

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        # A page made private leaves the disk at once; what it and its lists show then, in the worker.
        on_commit(_withdraw_if_restricted, page.pk)
        later("subtree", page.pk)


def _withdraw_if_restricted(page_id: int) -> None:
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first()
    if page is not None and _restricted(page):
        withdraw_files(page)


def _on_site_wide(sender, instance=None, **kwargs):
    """Something every page of a site shows (its footer settings, the site itself, a unit): rebuild."""
    if kwargs.get("raw") or not enabled():
        return
    from wagtail.models import Site

    forget_sites()
    site_id = getattr(instance, "site_id", None)
    sites = Site.objects.filter(pk=site_id) if site_id else Site.objects.all()
    if isinstance(instance, Site):
        sites = Site.objects.filter(pk=instance.pk)
    reason = f"{sender._meta.verbose_name}变更"
    for s in sites:
        on_commit(request_rebuild, s, reason)


def _on_referenced(sender, instance=None, **kwargs):
    """An image, a document or a snippet changed: re-render the live pages that use it."""
    if kwargs.get("raw") or not enabled():
        return
    from wagtail.models import Page, ReferenceIndex

    try:
        ids = [
            int(pk)
            for (pk,) in ReferenceIndex.get_references_to(instance).values_list("object_id")[:RELATED_LIMIT]
            if str(pk).isdigit()
        ]
    except Exception:
        return
    for pk in Page.objects.filter(pk__in=ids).live().values_list("pk", flat=True):
        later("page", pk)


def invalidate(reason: str = "") -> None:
    """For other apps: something the public pages of every site show changed outside the page tree
    (rebuilt in the background by the ``publish_rebuilds`` job)."""
    from wagtail.models import Site

    for s in Site.objects.all():
        on_commit(request_rebuild, s, reason or "数据变更")


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save, pre_delete
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    bulk_load_finished.connect(_on_bulk_load_finished, dispatch_uid="static_site.bulk_load_finished")
    page_published.connect(_on_published, dispatch_uid="static_site.published")
    page_unpublished.connect(_on_unpublished, dispatch_uid="static_site.unpublished")
    post_page_move.connect(_on_moved, dispatch_uid="static_site.moved")
    page_slug_changed.connect(_on_slug_changed, dispatch_uid="static_site.slug")
    pre_delete.connect(_on_page_deleted, weak=False, dispatch_uid="static_site.page_deleted")
    for signal, uid in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(_on_restriction, sender=PageViewRestriction, dispatch_uid=f"static_site.restr.{uid}")
    site_wide = [Site]
    referenced = []
    for model in apps.get_models():
        if issubclass(model, (BaseSiteSetting, BaseGenericSetting)):
            site_wide.append(model)
        elif issubclass(model, (AbstractImage, AbstractDocument)):
            referenced.append(model)
    try:
        site_wide.append(apps.get_model("accounts.Unit"))
    except LookupError:
        pass
    for model in site_wide:
        for signal in (post_save, post_delete):
            signal.connect(_on_site_wide, sender=model, dispatch_uid=f"static_site.site.{model._meta.label}")
    for model in referenced:
        post_save.connect(_on_referenced, sender=model, dispatch_uid=f"static_site.ref.{model._meta.label}")
