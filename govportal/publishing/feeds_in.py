"""Feeds in (网上采集 / 数据接口): a column subscribes to an upstream RSS, Atom or JSON feed (e.g. the State
Council's); each new entry becomes a draft repost (information category ``repost``, with its source and
original link) submitted to the review workflow, so it waits for the site administrator's review and is
never published unreviewed (钦州办法第十一条（一）, 象山制度第八条（三）).

A broken or hostile feed is logged and skipped, never half-imported: XML is parsed with ``defusedxml``
(no entities, no DTDs), downloads stop at a byte cap, and entry HTML keeps only a small allow-list of
tags (no scripts, styles, frames, event handlers, ``javascript:`` links, or remote images).
"""

from __future__ import annotations

import html as html_lib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlparse

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags

from govportal.portal.homes import home_of
from govportal.portal.models import InfoCategory, RepostPage
from govportal.rules.profile import profile_section

from .models import FeedEntry, FeedFetchLog, FeedSubscription

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 50
MAX_HTML_CHARS = 200_000
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
RSS1 = "{http://purl.org/rss/1.0/}"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"


class FeedError(Exception):
    """The feed cannot be used; the message (Chinese) says why."""


@dataclass
class Entry:
    guid: str
    title: str
    link: str
    html: str
    published: datetime | None = None


# --- fetching ------------------------------------------------------------------------------------------


def fetch(url: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Download ``url`` (http/https only), refusing more than ``max_bytes``."""
    import requests

    if urlparse(url).scheme not in ("http", "https"):
        raise FeedError(f"订阅地址须以 http:// 或 https:// 开头：{url}")
    try:
        with requests.get(
            url, stream=True, timeout=(10, 30), headers={"User-Agent": "GovPortal-FeedReader/1"}
        ) as response:
            if response.status_code != 200:
                raise FeedError(f"订阅地址返回 HTTP {response.status_code}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FeedError(f"订阅内容 {int(declared)} 字节，超过上限 {max_bytes} 字节，已跳过。")
            data = bytearray()
            for chunk in response.iter_content(64 * 1024):
                data.extend(chunk)
                if len(data) > max_bytes:
                    raise FeedError(f"订阅内容超过上限 {max_bytes} 字节，已停止下载并跳过。")
            return bytes(data)
    except requests.RequestException as exc:
        raise FeedError(f"无法连接订阅地址：{type(exc).__name__}") from exc


# --- parsing ---------------------------------------------------------------------------------------------


def _text(el) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _date(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        dt = None
    if dt is None:
        try:
            dt = parse_datetime(value)
        except ValueError:
            dt = None
    if dt is not None and timezone.is_naive(dt):
        dt = timezone.make_aware(dt)
    return dt


def parse(data: bytes, max_entries: int = DEFAULT_MAX_ENTRIES) -> list[Entry]:
    """Entries of an RSS 2.0 / RSS 1.0 / Atom / JSON Feed document."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return _parse_json(data, max_entries)
    return _parse_xml(data, max_entries)


def _parse_json(data: bytes, max_entries: int) -> list[Entry]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"JSON 格式错误：{exc}") from exc
    items = doc.get("items") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise FeedError("不是 JSON Feed：缺少 items 列表。")
    entries = []
    for item in items[:max_entries]:
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or item.get("external_url") or "")
        html = item.get("content_html")
        if not isinstance(html, str):
            text = item.get("content_text") or item.get("summary") or ""
            html = _paragraphs(str(text))
        entries.append(
            Entry(
                guid=str(item.get("id") or link or item.get("title") or ""),
                title=str(item.get("title") or ""),
                link=link,
                html=html,
                published=_date(str(item.get("date_published") or "")),
            )
        )
    return entries


def _parse_xml(data: bytes, max_entries: int) -> list[Entry]:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FeedError(
            f"订阅内容含有被禁止的 XML 结构（{type(exc).__name__}），可能是恶意内容，已跳过。"
        ) from exc
    except ParseError as exc:
        raise FeedError(f"XML 格式错误：{exc}") from exc
    entries = []
    if root.tag == f"{ATOM}feed":
        for el in root.findall(f"{ATOM}entry")[:max_entries]:
            link = ""
            for ln in el.findall(f"{ATOM}link"):
                if ln.get("rel", "alternate") == "alternate":
                    link = ln.get("href", "")
                    break
            content = el.find(f"{ATOM}content")
            if content is None:
                content = el.find(f"{ATOM}summary")
            html = _text(content)
            if content is not None and content.get("type", "text") == "text":
                html = _paragraphs(html)
            entries.append(
                Entry(
                    guid=_text(el.find(f"{ATOM}id")) or link,
                    title=_text(el.find(f"{ATOM}title")),
                    link=link,
                    html=html,
                    published=_date(_text(el.find(f"{ATOM}published")) or _text(el.find(f"{ATOM}updated"))),
                )
            )
        return entries
    if root.tag == "rss":
        channel = root.find("channel")
        items = channel.findall("item") if channel is not None else []
        prefix = ""
    elif root.tag.endswith("RDF"):
        items, prefix = root.findall(f"{RSS1}item"), RSS1
    else:
        raise FeedError(f"无法识别的订阅格式（根元素 {root.tag}），支持 RSS、Atom 和 JSON Feed。")
    for el in items[:max_entries]:
        link = _text(el.find(f"{prefix}link"))
        html = _text(el.find(CONTENT)) or _text(el.find(f"{prefix}description"))
        entries.append(
            Entry(
                guid=_text(el.find("guid")) or link or _text(el.find(f"{prefix}title")),
                title=_text(el.find(f"{prefix}title")),
                link=link,
                html=html,
                published=_date(_text(el.find("pubDate")) or _text(el.find(DC_DATE))),
            )
        )
    return entries


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n") if p.strip())


# --- sanitizing -----------------------------------------------------------------------------------------

ALLOWED = {"p": "p", "br": "br", "b": "b", "strong": "b", "i": "i", "em": "i", "ul": "ul", "ol": "ol"}
ALLOWED |= {"li": "li", "h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4", "a": "a"}
ALLOWED |= {"blockquote": "blockquote", "div": "p", "section": "p", "article": "p"}
DROP_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noscript",
    "template",
    "svg",
    "math",
    "form",
    "select",
    "textarea",
    "button",
    "head",
    "title",
    "audio",
    "video",
}
VOID = {"br"}


class _Sanitizer(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.dropping = 0
        self.images = 0

    def handle_starttag(self, tag, attrs):
        if self.dropping:
            if tag in DROP_WITH_CONTENT:
                self.dropping += 1
            return
        if tag in DROP_WITH_CONTENT:
            self.dropping = 1
            return
        if tag == "img":
            self.images += 1
            return
        name = ALLOWED.get(tag)
        if not name:
            return
        if name in VOID:
            self.out.append("<br/>")
            return
        if name == "a":
            href = dict(attrs).get("href") or ""
            if urlparse(href.strip()).scheme not in ("http", "https"):
                return  # javascript:, data:, relative links to the upstream site: keep the text only
            self.out.append(f'<a href="{escape(href.strip(), quote=True)}">')
        else:
            self.out.append(f"<{name}>")
        self.stack.append(name)

    def handle_endtag(self, tag):
        if self.dropping:
            if tag in DROP_WITH_CONTENT:
                self.dropping -= 1
            return
        name = ALLOWED.get(tag)
        if not name or name in VOID or name not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            self.out.append(f"</{top}>")
            if top == name:
                break

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
        return "".join(self.out)


def sanitize_html(html: str) -> tuple[str, int]:
    """(safe HTML for a rich-text body, number of images dropped)."""
    parser = _Sanitizer()
    parser.feed(html[:MAX_HTML_CHARS])
    parser.close()
    body = parser.result().strip()
    if body and not body.startswith("<"):
        body = f"<p>{body}</p>"
    return body, parser.images


def plain(text: str, limit: int = 255) -> str:
    """Text only (a title): scripts dropped with their content, tags removed, entities decoded."""
    parser = _Sanitizer()
    parser.feed(text)
    parser.close()
    return " ".join(html_lib.unescape(strip_tags(parser.result())).split())[:limit]


# --- importing ------------------------------------------------------------------------------------------


def limits(subscription: FeedSubscription) -> tuple[int, int]:
    home = home_of(subscription.column)
    section = profile_section(home.locality, "feeds") if home else {}
    return (
        int(section.get("max_bytes", DEFAULT_MAX_BYTES)),
        int(section.get("max_entries", DEFAULT_MAX_ENTRIES)),
    )


def import_feed(subscription: FeedSubscription, fetcher=None) -> FeedFetchLog:
    """Fetch and import one subscription; never raises for a bad feed (the log says what happened)."""
    fetcher = fetcher or fetch
    now = timezone.now()
    subscription.last_checked_at = now
    max_bytes, max_entries = limits(subscription)
    log = FeedFetchLog(subscription=subscription, started_at=now, status=FeedFetchLog.ERROR)
    try:
        data = fetcher(subscription.url, max_bytes)
        if len(data) > max_bytes:
            raise FeedError(f"订阅内容 {len(data)} 字节，超过上限 {max_bytes} 字节，已跳过。")
        log.size = len(data)
        entries = parse(data, max_entries)
        created, skipped, notes = _import_entries(subscription, entries)
    except FeedError as exc:
        log.message = str(exc)
        subscription.last_error = f"{timezone.localtime(now):%Y-%m-%d %H:%M} {exc}"
        logger.warning("信息采集订阅“%s”已跳过：%s", subscription.name, exc)
    except Exception as exc:  # a feed must never take the job down
        log.message = f"处理订阅时出错：{type(exc).__name__}: {exc}"
        subscription.last_error = f"{timezone.localtime(now):%Y-%m-%d %H:%M} {log.message}"
        logger.exception("信息采集订阅“%s”处理失败", subscription.name)
    else:
        log.status = FeedFetchLog.OK
        log.new_entries, log.skipped_entries = created, skipped
        log.message = f"新增 {created} 条（待审核），跳过 {skipped} 条" + (
            f"：{'；'.join(notes[:5])}" if notes else ""
        )
        subscription.last_ok_at, subscription.last_error = now, ""
    log.save()
    subscription.save(update_fields=["last_checked_at", "last_ok_at", "last_error"])
    return log


def _import_entries(subscription, entries: list[Entry]) -> tuple[int, int, list[str]]:
    seen = set(subscription.entries.values_list("guid", flat=True))
    created = skipped = 0
    notes: list[str] = []
    for entry in entries:
        guid = entry.guid.strip()[:500]
        if not guid or guid in seen:
            skipped += 1 if not guid else 0
            continue
        title = plain(entry.title)
        if not title:
            skipped += 1
            notes.append("一条没有标题的条目")
            continue
        if urlparse(entry.link.strip()).scheme not in ("http", "https"):
            skipped += 1
            notes.append(f"“{title[:20]}”没有可用的原文链接（转载须注明出处）")
            continue
        try:
            with transaction.atomic():
                _create_repost(subscription, entry, guid, title)
        except Exception as exc:
            skipped += 1
            notes.append(f"“{title[:20]}”未能导入（{type(exc).__name__}）")
            logger.exception("采集条目导入失败：%s", title)
            continue
        seen.add(guid)
        created += 1
    return created, skipped, notes


def _create_repost(subscription, entry: Entry, guid: str, title: str):
    body, images = sanitize_html(entry.html)
    link = entry.link.strip()
    if images:
        body += f"<p>（原文含图片 {images} 张，转载时未引用外部图片，请到原文查看或上传本站图片。）</p>"
    page = RepostPage(
        title=title,
        body=body,
        source=subscription.source_name[:120],
        original_url=link[:500],
        original_date=timezone.localtime(entry.published).date() if entry.published else None,
        info_category=InfoCategory.REPOST,
        date=timezone.now(),
        live=False,
    )
    column = subscription.column.specific
    column.add_child(instance=page)
    page.save_revision(log_action=True)
    FeedEntry.objects.create(subscription=subscription, guid=guid, url=link, title=title, page=page)
    workflow = page.get_workflow()
    if workflow is None:
        raise FeedError("该栏目未设置审核流程，采集的信息不能进入审核。")
    workflow.start(page, None)
    return page


def poll_due(now=None) -> str:
    now = now or timezone.now()
    done = []
    for sub in FeedSubscription.objects.filter(active=True).select_related("column"):
        if sub.last_checked_at and (now - sub.last_checked_at).total_seconds() < sub.poll_minutes * 60:
            continue
        log = import_feed(sub)
        done.append(f"{sub.name}：{log.message}")
    return "；".join(done) or "没有到期的订阅"
