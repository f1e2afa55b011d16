"""The link checker (链接可用性): every link of every live item, internal and external.

Internal links (Wagtail's ``<a linktype="page" id="N">``, documents, and paths on the site itself) are
resolved against the database: a link to a page that is no longer live is dead, and when the page was
withdrawn (publishing's ``Withdrawal``, through ``registry.last_withdrawal``) it is named as such — “链接指向已撤回的信息《…》”.

External links are checked over HTTP by an asyncio checker built on the standard library
(``asyncio.open_connection``): it needs only the status line and headers of a HEAD (GET when HEAD is
refused), follows up to 5 redirects, and closes the connection — no body is read, so memory stays flat.
Chosen over httpx/aiohttp because the platform has neither as a dependency and this job needs none of their
features (cookies, bodies, pooling across requests to the same page); what it needs is bounded concurrency,
which is two semaphores. Politeness: at most ``PER_HOST`` requests at once to a host, a timeout per request,
``RETRIES`` retries of timeouts, connection errors and 5xx with a pause, and each external host's
robots.txt obeyed (a disallowed link is “未检查”, not dead).

Resumable: the distinct links of a run are rows (:class:`LinkTarget`) and the checker takes the pending ones
in batches by id, so a run stopped at any point continues where it was (1M links: a batch in memory at a time).
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
import urllib.robotparser
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.utils import timezone

from govportal.portal.models import HomePage

from . import registry
from .freshness import item_models
from .models import LinkCheckRun, LinkSource, LinkState, LinkTarget, ScanStatus

USER_AGENT = "GovPortal-LinkCheck/1.0"
CONCURRENCY = 200
PER_HOST = 4
TIMEOUT = 10.0
RETRIES = 1
BATCH = 2000
MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512 * 1024  # bytes of a robots.txt read at most (RFC 9309 asks for at least 500 KiB)
ROBOTS_TIMEOUT = 5.0  # seconds for a host's robots.txt, at least (fetched once per host and run)

_HREF = re.compile(r"""<a\b[^>]*?\bhref=["']([^"'#]+)""", re.I)
_PAGE_LINK = re.compile(r"""<a\b[^>]*?linktype=["']page["'][^>]*?\bid=["'](\d+)""", re.I)
_DOC_LINK = re.compile(r"""<a\b[^>]*?linktype=["']document["'][^>]*?\bid=["'](\d+)""", re.I)


# --- collecting -------------------------------------------------------------------------------------


def links_of(html: str) -> list[str]:
    """Links in stored rich text: ``page:N``, ``document:N`` or an href."""
    out = [f"page:{n}" for n in _PAGE_LINK.findall(html)]
    out += [f"document:{n}" for n in _DOC_LINK.findall(html)]
    out += [
        h.strip() for h in _HREF.findall(html) if not h.lower().startswith(("mailto:", "tel:", "javascript:"))
    ]
    return out


def collect(home, run: LinkCheckRun) -> int:
    """Record every distinct link of the live items below ``home`` with the pages that carry it."""
    from wagtail.models import Page

    hosts = _own_hosts(home)
    targets: dict[str, LinkTarget] = {}
    sources: list[tuple[str, int, int | None, int | None]] = []
    columns: dict[str, int | None] = {}
    for model in item_models():
        for page in model.objects.descendant_of(home).live().iterator(chunk_size=500):
            found = set(links_of(page.content_html()))
            for block in page.attachments.raw_data or []:
                doc = (block.get("value") or {}).get("document") if isinstance(block, dict) else None
                if doc:
                    found.add(f"document:{doc}")
            parent_path = page.path[: -Page.steplen]
            if parent_path not in columns:
                columns[parent_path] = (
                    Page.objects.filter(path=parent_path).values_list("id", flat=True).first()
                )
            column_id = columns[parent_path]
            for link in found:
                url, internal, host = _classify(link, hosts)
                if url not in targets:
                    targets[url] = LinkTarget(run=run, url=url, host=host, internal=internal)
                sources.append((url, page.pk, getattr(page, "unit_id", None), column_id))
    LinkTarget.objects.bulk_create(targets.values(), batch_size=1000)
    ids = dict(LinkTarget.objects.filter(run=run).values_list("url", "id"))
    LinkSource.objects.bulk_create(
        [LinkSource(target_id=ids[u], page_id=p, unit_id=un, column_id=c) for u, p, un, c in sources],
        batch_size=1000,
    )
    run.total = len(targets)
    run.save(update_fields=["total"])
    return run.total


def _own_hosts(home) -> set[tuple[str, int]]:
    """(host, port) pairs that are this platform: every Wagtail site and the back office's base URL."""
    from django.conf import settings
    from wagtail.models import Site

    own: set[tuple[str, int]] = set()
    for s in Site.objects.all():
        own.add((s.hostname, s.port))
        if s.port == 80:
            own.add((s.hostname, 443))
    base = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", ""))
    if base.hostname:
        own.add((base.hostname, base.port or (443 if base.scheme == "https" else 80)))
    return own


def _classify(link: str, own_hosts: set[tuple[str, int]]) -> tuple[str, bool, str]:
    if link.startswith(("page:", "document:")):
        return link, True, ""
    parts = urlsplit(link)
    if not parts.scheme:
        return link, True, ""
    if parts.scheme not in ("http", "https"):
        return link, True, ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if (parts.hostname, port) in own_hosts:
        return parts.path or "/", True, ""
    return link, False, (parts.hostname or "").lower()


# --- internal links --------------------------------------------------------------------------------


def check_internal(target: LinkTarget, home) -> tuple[str, str]:
    """(state, reason) of a link to the site itself, from the database."""
    from django.urls import Resolver404, resolve
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    url = target.url
    page = None
    if url.startswith("document:"):
        ok = get_document_model().objects.filter(pk=int(url.split(":")[1])).exists()
        return (LinkState.OK, "") if ok else (LinkState.DEAD, "附件已被删除")
    if url.startswith("page:"):
        page = Page.objects.filter(pk=int(url.split(":")[1])).first()
        if page is None:
            return LinkState.DEAD, "链接指向的页面已被删除"
    else:
        path = urlsplit(url).path or "/"
        wanted = home.url_path.rstrip("/") + (path if path.endswith("/") else path + "/")
        page = Page.objects.filter(url_path=wanted).first() if home is not None else None
        if page is None:
            try:
                resolve(path)
                return LinkState.OK, ""
            except Resolver404:
                if path.startswith(("/media/", "/static/", "/documents/")):
                    return LinkState.OK, ""
                return LinkState.DEAD, "站内页面不存在（404）"
    if page.live:
        return LinkState.OK, ""
    w = registry.last_withdrawal(page.pk)
    if w is not None:
        return (
            LinkState.DEAD,
            f"链接指向已撤回的信息《{w.title}》（{timezone.localtime(w.created_at):%Y-%m-%d}撤回）",
        )
    return LinkState.DEAD, f"链接指向未发布的页面《{page.title}》"


# --- external links --------------------------------------------------------------------------------


@dataclass
class Outcome:
    state: str
    status: int | None = None
    error: str = ""
    final_url: str = ""


async def _head(url: str, timeout: float, method: str = "HEAD") -> tuple[int, dict[str, str]]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    ctx = ssl.create_default_context() if parts.scheme == "https" else None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(
            parts.hostname, port, ssl=ctx, server_hostname=parts.hostname if ctx else None
        ),
        timeout,
    )
    try:
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\nAccept: */*\r\n"
            f"Connection: close\r\n\r\n".encode("latin-1", "replace")
        )
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    finally:
        writer.close()
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers


async def _read_to_end(reader: asyncio.StreamReader, limit: int) -> bytes:
    """The whole answer, up to ``limit`` bytes: one ``read()`` returns what has arrived so far, and a server that
    sends its headers and its body in two writes (most do) left the body out, so every link was allowed."""
    data = b""
    while len(data) < limit:
        chunk = await reader.read(limit - len(data))
        if not chunk:
            break
        data += chunk
    return data


class Checker:
    """Checks external URLs with bounded concurrency overall and per host, and each host's robots.txt."""

    def __init__(
        self,
        concurrency: int = CONCURRENCY,
        per_host: int = PER_HOST,
        timeout: float = TIMEOUT,
        retries: int = RETRIES,
        robots: bool = True,
        retry_pause: float = 0.5,
    ) -> None:
        self.sem = asyncio.Semaphore(concurrency)
        self.per_host = per_host
        self.host_sems: dict[str, asyncio.Semaphore] = {}
        self.timeout, self.retries, self.robots, self.retry_pause = timeout, retries, robots, retry_pause
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._robots_lock: dict[str, asyncio.Lock] = {}

    def _host_sem(self, key: str) -> asyncio.Semaphore:
        if key not in self.host_sems:
            self.host_sems[key] = asyncio.Semaphore(self.per_host)
        return self.host_sems[key]

    async def _allowed(self, url: str) -> bool:
        if not self.robots:
            return True
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_lock.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._robots:
                self._robots[key] = await self._fetch_robots(key)
        rp = self._robots[key]
        return rp is None or rp.can_fetch(USER_AGENT, url)

    async def _fetch_robots(self, base: str):
        # Fetched once per host and obeyed for all its links: a busy host (or a busy checker) answering it in
        # more than the links' timeout must not make every disallowed link be checked anyway.
        timeout = max(self.timeout, ROBOTS_TIMEOUT)
        parts = urlsplit(base)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        ctx = ssl.create_default_context() if parts.scheme == "https" else None
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    parts.hostname, port, ssl=ctx, server_hostname=parts.hostname if ctx else None
                ),
                timeout,
            )
            writer.write(
                f"GET /robots.txt HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: {USER_AGENT}\r\n"
                f"Connection: close\r\n\r\n".encode()
            )
            await writer.drain()
            data = await asyncio.wait_for(_read_to_end(reader, ROBOTS_MAX_BYTES), timeout)
            writer.close()
        except (TimeoutError, OSError, ValueError):
            return None
        head, _, body = data.partition(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n", 1)[0] + b" ":
            return None
        rp = urllib.robotparser.RobotFileParser()
        rp.parse(body.decode("utf-8", "replace").splitlines())
        return rp

    async def check(self, url: str) -> Outcome:
        async with self.sem:
            if not await self._allowed(url):
                return Outcome(LinkState.SKIPPED, error="该网站的 robots.txt 不允许检查")
            current = url
            for _ in range(MAX_REDIRECTS + 1):
                parts = urlsplit(current)
                async with self._host_sem(parts.netloc):
                    outcome, location = await self._one(current)
                if location is None:
                    if current != url:
                        outcome.final_url = current
                    return outcome
                current = urljoin(current, location)
            return Outcome(LinkState.DEAD, error=f"跳转超过{MAX_REDIRECTS}次", final_url=current)

    async def _one(self, url: str) -> tuple[Outcome, str | None]:
        last = Outcome(LinkState.DEAD, error="未能访问")
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self.retry_pause)
            try:
                status, headers = await _head(url, self.timeout)
                if status in (405, 501):
                    status, headers = await _head(url, self.timeout, "GET")
            except TimeoutError:
                last = Outcome(LinkState.DEAD, error=f"{self.timeout:g} 秒内无响应")
                continue
            except (
                OSError,
                ValueError,
                IndexError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
            ) as exc:
                last = Outcome(LinkState.DEAD, error=f"无法连接（{type(exc).__name__}）")
                continue
            if status in (301, 302, 303, 307, 308) and headers.get("location"):
                return Outcome(LinkState.OK, status), headers["location"]
            if status >= 500:
                last = Outcome(LinkState.DEAD, status, f"HTTP {status}")
                continue
            if status >= 400:
                return Outcome(LinkState.DEAD, status, f"HTTP {status}"), None
            return Outcome(LinkState.OK, status), None
        return last, None


# --- running ---------------------------------------------------------------------------------------


async def _check_batch(checker: Checker, batch: list[LinkTarget]) -> list[Outcome]:
    return await asyncio.gather(*(checker.check(t.url) for t in batch))


def check_pending(
    run: LinkCheckRun,
    home=None,
    checker_kwargs: dict | None = None,
    batch: int = BATCH,
    limit: int | None = None,
) -> dict[str, int]:
    """Check the run's pending links batch by batch (resumable); returns counts of this call."""
    counts = {"checked": 0, "dead": 0}
    run.status, run.started_at = ScanStatus.RUNNING, run.started_at or timezone.now()
    run.save(update_fields=["status", "started_at"])
    last_id = 0
    loop = asyncio.new_event_loop()
    try:
        checker = None
        while True:
            targets = list(
                LinkTarget.objects.filter(run=run, state=LinkState.PENDING, id__gt=last_id).order_by("id")[
                    :batch
                ]
            )
            if not targets:
                break
            last_id = targets[-1].id
            now = timezone.now()
            external = [t for t in targets if not t.internal]
            for t in targets:
                if t.internal:
                    t.state, t.error = check_internal(t, home)
                    t.checked_at = now
            if external:
                if checker is None:
                    checker = loop.run_until_complete(_make_checker(checker_kwargs or {}))
                outcomes = loop.run_until_complete(_check_batch(checker, external))
                for t, o in zip(external, outcomes, strict=True):
                    t.state, t.status, t.error, t.final_url, t.checked_at = (
                        o.state,
                        o.status,
                        o.error,
                        o.final_url,
                        now,
                    )
            LinkTarget.objects.bulk_update(targets, ["state", "status", "error", "final_url", "checked_at"])
            counts["checked"] += len(targets)
            counts["dead"] += sum(1 for t in targets if t.state == LinkState.DEAD)
            if limit is not None and counts["checked"] >= limit:
                break
    finally:
        loop.close()
    run.checked = LinkTarget.objects.filter(run=run).exclude(state=LinkState.PENDING).count()
    run.dead = LinkTarget.objects.filter(run=run, state=LinkState.DEAD).count()
    if not LinkTarget.objects.filter(run=run, state=LinkState.PENDING).exists():
        run.status, run.finished_at = ScanStatus.DONE, timezone.now()
        run.message = f"检查链接 {run.checked} 个，失效 {run.dead} 个"
    run.save(update_fields=["checked", "dead", "status", "finished_at", "message"])
    return counts


async def _make_checker(kwargs: dict) -> Checker:
    return Checker(**kwargs)  # semaphores belong to the running loop


def dead_links(run: LinkCheckRun, unit=None) -> Iterable[LinkSource]:
    """The dead links of a run with the page, unit and column that carry each."""
    qs = LinkSource.objects.filter(target__run=run, target__state=LinkState.DEAD).select_related(
        "target", "page", "unit", "column"
    )
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("unit_id", "column_id", "page_id")


def run_site(home) -> LinkCheckRun:
    """Continue the site's unfinished run, or start a new one; check everything pending."""
    run = LinkCheckRun.objects.filter(locality=home.locality).exclude(status=ScanStatus.DONE).first()
    if run is None:
        run = LinkCheckRun.objects.create(locality=home.locality)
        collect(home, run)
    check_pending(run, home)
    return run


def scheduled_check() -> str:
    started = time.monotonic()
    parts = []
    for home in HomePage.objects.live():
        run = run_site(home)
        parts.append(f"{home.locality}：{run.message or '进行中'}")
    return "；".join(parts) + f"（用时 {time.monotonic() - started:.0f} 秒）"
