"""``govportal serve``: the production server.

Three kinds of process, all started and stopped by this command:

- **front** (one per CPU): a small asyncio HTTP/1.1 server (on uvloop), each process listening on the public
  port with a socket of its own (SO_REUSEPORT, so the kernel spreads connections evenly). It answers, without
  Django, the public pages held in the public-page cache (``govportal.publishing.cache``: same keys,
  same generation, so a publish is visible within a second), the collected static files and the
  uploaded media (with ``Range`` for video); everything else (first views of a page, the back office,
  forms, search) it passes to gunicorn over a private Unix socket, one connection per request, with
  the visitor's address.
- **gunicorn** (threaded workers) running Django behind the front.
- the **job worker** (``db_worker``) when jobs use the database backend.
- the **periodic job runner** (``govportal jobs``: scheduled publication and expiry, webhooks, feeds,
  emergency warnings, interpretation and letter-deadline reminders — ``govportal/publishing/schedule.py``),
  restarted if it exits. Several runners on several machines are safe: each job is claimed per interval.

``--no-front`` runs gunicorn directly on the port (for a deployment that has its own nginx in front).
``--no-worker`` starts neither the job worker nor the periodic job runner; ``--no-jobs`` leaves out only
the runner (when ``govportal jobs`` runs elsewhere, or from cron with ``--once``).
"""

from __future__ import annotations

import asyncio
import email.utils
import mimetypes
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

MAX_HEAD = 64 * 1024
HEAD_TIMEOUT = 30.0
IDLE_TIMEOUT = 75.0
LRU_BYTES = 64 * 1024 * 1024
SMALL_FILE = 256 * 1024
FILE_CHUNK = 256 * 1024
REASONS = {
    200: "OK",
    206: "Partial Content",
    304: "Not Modified",
    400: "Bad Request",
    404: "Not Found",
    416: "Range Not Satisfiable",
    431: "Request Header Fields Too Large",
    502: "Bad Gateway",
}
ERROR_PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>{title}</title>'
    '<body style="font-family:sans-serif;padding:2em"><h1>{title}</h1><p>{text}</p></body></html>'
)


# --- WSGI entry behind the front --------------------------------------------------------------------------

_django_app = None


def application(environ, start_response):
    """Django's WSGI application, taking the visitor's address from the front (gunicorn listens only
    on a private Unix socket, so the header cannot come from anyone else)."""
    global _django_app
    if _django_app is None:
        from django.core.wsgi import get_wsgi_application

        _django_app = get_wsgi_application()
    peer = environ.pop("HTTP_X_GOVPORTAL_PEER", None)
    if peer:
        environ["REMOTE_ADDR"] = peer
    return _django_app(environ, start_response)


def on_starting(server):  # gunicorn hook (this module is also gunicorn's config)
    """Load Django and the word-segmentation dictionary once, in the master: the workers forked from it
    share those pages instead of each loading its own copy, and the first search is not slow."""
    try:
        import django

        django.setup()
        from govportal.search.analysis import warm

        warm()
    except Exception:  # pragma: no cover - an optimisation only; the workers load what they need
        pass


# --- front ---------------------------------------------------------------------------------------------------


class _Clock:
    """The HTTP Date header, formatted once per second."""

    def __init__(self):
        self.second, self.value = 0, b""

    def date(self) -> bytes:
        now = int(time.time())
        if now != self.second:
            self.second = now
            self.value = email.utils.formatdate(now, usegmt=True).encode()
        return self.value


CLOCK = _Clock()


class PageLRU:
    """Recently served cache entries as ready-made response parts, bounded in bytes."""

    def __init__(self, limit: int = LRU_BYTES):
        self.limit, self.size, self.items = limit, 0, OrderedDict()

    def get(self, key):
        item = self.items.get(key)
        if item is not None:
            self.items.move_to_end(key)
        return item

    def put(self, key, item, size: int):
        if key in self.items:
            return
        self.items[key] = (item, size)
        self.size += size
        while self.size > self.limit and self.items:
            _, (_, s) = self.items.popitem(last=False)
            self.size -= s


class Prepared:
    """A cached page as bytes: header lines before/after the Date line, and the bodies."""

    __slots__ = ("plain_head", "gzip_head", "body", "gz", "expires", "_full")

    def __init__(self, value):
        _, status, headers, body, gz, expires = value
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}".encode("latin-1")]
        for k, v in headers:
            if k.lower() in ("vary", "content-encoding"):
                continue
            lines.append(f"{k}: {v}".encode("latin-1", "replace"))
        vary = [v for k, v in headers if k.lower() == "vary"]
        vary_value = ", ".join(vary + (["Accept-Encoding"] if gz is not None else []))
        if vary_value:
            lines.append(f"Vary: {vary_value}".encode("latin-1"))
        lines.append(b"X-Cache: HIT")
        common = b"\r\n".join(lines)
        self.plain_head = common + b"\r\nContent-Length: %d\r\n" % len(body)
        self.gzip_head = (
            common + b"\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n" % len(gz)
            if gz is not None
            else None
        )
        self.body, self.gz, self.expires = body, gz, expires
        self._full: dict = {}

    def response(self, use_gz: bool, keep_alive: bool, with_body: bool) -> bytes:
        """The whole response, built once per second (the Date header) and variant."""
        date = CLOCK.date()
        variant = (use_gz, keep_alive, with_body)
        built = self._full.get(variant)
        if built is not None and built[0] is date:
            return built[1]
        head = self.gzip_head if use_gz else self.plain_head
        parts = [head, b"Date: ", date, b"\r\n", b"" if keep_alive else b"Connection: close\r\n", b"\r\n"]
        if with_body:
            parts.append(self.gz if use_gz else self.body)
        data = b"".join(parts)
        self._full[variant] = (date, data)
        return data


class FrontState:
    def __init__(self, upstream: str):
        from govportal.publishing import cache

        self.cache = cache
        self.upstream = upstream
        self.lru = PageLRU()
        self.static_url = settings.STATIC_URL
        self.static_root = Path(settings.STATIC_ROOT).resolve()
        self.media_url = settings.MEDIA_URL
        self.media_root = Path(settings.MEDIA_ROOT).resolve()
        self.files: OrderedDict = OrderedDict()  # small static files: path -> (mtime, size, bytes)
        self.file_prefixes = tuple(p.encode() for p in (self.static_url, self.media_url) if p)
        self.enabled = cache.enabled()
        self.blocking_cookies = tuple(c.encode() for c in cache.bypass_cookies())
        # (generation, host, raw target) -> Prepared: the hit path without decoding or hashing.
        self.fast: dict = {}
        self.gzip_ok: dict[bytes, bool] = {}  # Accept-Encoding value -> gzip accepted
        self.generation_ttl = float(getattr(settings, "PUBLIC_CACHE_GENERATION_TTL", 0.5))
        self._generation = (0.0, "")

    def generation(self) -> str:
        """``cache.generation()`` with its time-to-live kept here: the hit path reads no setting."""
        checked, value = self._generation
        now = time.monotonic()
        if not value or now - checked >= self.generation_ttl:
            value = self.cache.generation()
            self._generation = (now, value)
        return value

    def accepts_gzip(self, header: bytes) -> bool:
        ok = self.gzip_ok.get(header)
        if ok is None:
            if len(self.gzip_ok) > 1000:
                self.gzip_ok.clear()
            ok = self.gzip_ok[header] = self.cache.accepts_gzip(header.decode("latin-1"))
        return ok

    def cookie_blocks(self, header: bytes) -> bool:
        for part in header.split(b";"):
            if part.split(b"=", 1)[0].strip() in self.blocking_cookies:
                return True
        return False

    def lookup_target(self, host: bytes, target: bytes) -> Prepared | None:
        try:
            gen = self.generation()
        except Exception:
            return None
        fast_key = (gen, host, target)
        prepared = self.fast.get(fast_key)
        if prepared is not None and prepared.expires > time.time():
            return prepared
        raw_path, _, raw_query = target.partition(b"?")
        path = self.cache.path_from_target(raw_path)
        if path is None or path.startswith(self.cache.excluded_prefixes()):
            return None
        prepared = self.lookup(host.decode("latin-1"), path, raw_query.decode("latin-1"))
        if prepared is not None:
            if len(self.fast) > 20_000:
                self.fast.clear()
            self.fast[fast_key] = prepared
        return prepared

    def lookup(self, host: str, path: str, query: str) -> Prepared | None:
        cache = self.cache
        try:
            key = cache.page_key(cache.generation(), host, path, query)
            hit = self.lru.get(key)
            if hit is not None:
                prepared = hit[0]
                if prepared.expires > time.time():
                    return prepared
                return None
            value = cache.store().get(key)
        except Exception:
            return None
        if not cache.valid_entry(value):
            return None
        prepared = Prepared(value)
        self.lru.put(key, prepared, len(prepared.body) + len(prepared.gz or b"") + 512)
        return prepared

    def file_for(self, path: str) -> tuple[Path, str] | None:
        """The static or media file for a decoded path, if it exists inside its root."""
        for prefix, root, kind in (
            (self.static_url, self.static_root, "static"),
            (self.media_url, self.media_root, "media"),
        ):
            if prefix and path.startswith(prefix):
                rel = path[len(prefix) :]
                if not rel or "\x00" in rel or any(part in ("..", ".") for part in rel.split("/")):
                    return None
                if kind == "media" and rel.startswith("documents/"):
                    return None  # documents go through Wagtail's view, which checks collection privacy
                candidate = (root / rel).resolve()
                if root not in candidate.parents or not candidate.is_file():
                    return None
                return candidate, kind
        return None


class FrontProtocol(asyncio.Protocol):
    state: FrontState

    def __init__(self, state: FrontState):
        self.state = state
        self.transport = None
        self.buf = bytearray()
        self.proxy = None
        self.busy = False
        self.closed = False
        self.timer = None
        self.deadline = 0.0
        self.peer = ""
        self.loop = None
        self.drained = None  # a future while a file waits for the client to read (uvloop has no sendfile)

    # connection

    def connection_made(self, transport):
        self.transport = transport
        self.loop = asyncio.get_running_loop()
        peer = transport.get_extra_info("peername")
        self.peer = peer[0] if isinstance(peer, tuple) else ""
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        self._arm(HEAD_TIMEOUT)

    def connection_lost(self, exc):
        self.closed = True
        if self.timer:
            self.timer.cancel()
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)
        if self.proxy is not None:
            self.proxy.client_gone()

    def _arm(self, seconds):
        """Close the connection if nothing happens for ``seconds``. A keep-alive request only moves the
        deadline on; the connection's one timer is replaced only when the deadline comes sooner."""
        deadline = self.loop.time() + seconds
        self.deadline = deadline
        if self.timer is not None:
            if self.timer.when() <= deadline:
                return
            self.timer.cancel()
        self.timer = self.loop.call_at(deadline, self._timeout)

    def _timeout(self):
        self.timer = None
        if self.closed or self.proxy is not None:
            return
        if self.busy:  # still sending a file: look again later
            self._arm(IDLE_TIMEOUT)
        elif self.loop.time() < self.deadline:
            self.timer = self.loop.call_at(self.deadline, self._timeout)
        elif self.transport:
            self.transport.close()

    def pause_writing(self):
        if self.proxy is not None:
            self.proxy.pause_upstream()
        elif self.busy and self.drained is None:
            self.drained = self.loop.create_future()

    def resume_writing(self):
        if self.proxy is not None:
            self.proxy.resume_upstream()
        if self.drained is not None:
            if not self.drained.done():
                self.drained.set_result(None)
            self.drained = None

    # requests

    def data_received(self, data):
        if self.proxy is not None:
            self.proxy.to_upstream(data)
            return
        self.buf += data
        if not self.busy:
            self._process()

    def _process(self):
        while self.proxy is None and not self.busy and not self.closed:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0 or end > MAX_HEAD:
                if len(self.buf) > MAX_HEAD:
                    self._error(431, "请求头过长")
                return
            head = bytes(self.buf[:end])
            request = parse_head(head)
            if request is None:
                self._error(400, "请求格式错误")
                return
            method, target, version, headers = request
            if not self._answer(method, target, version, headers, end):
                self._start_proxy(method, target, version, headers, end)
                return
            self._arm(HEAD_TIMEOUT if self.buf else IDLE_TIMEOUT)

    def _answer(self, method, target, version, headers, end) -> bool:
        """Answer from the cache or the file system; False to pass the request to Django."""
        if method not in (b"GET", b"HEAD") or not target.startswith(b"/"):
            return False
        if b"transfer-encoding" in headers or headers.get(b"content-length", b"0").strip() not in (b"0", b""):
            return False
        state = self.state
        keep_alive = _keep_alive(version, headers)
        if target.startswith(state.file_prefixes):
            path = state.cache.path_from_target(target.partition(b"?")[0])
            found = state.file_for(path) if path is not None else None
            if found is None:
                return False
            del self.buf[: end + 4]
            self._send_file(found[0], found[1], method, headers, keep_alive)
            return True
        if not state.enabled or b"authorization" in headers:
            return False
        cookie = headers.get(b"cookie")
        if cookie and state.cookie_blocks(cookie):
            return False
        prepared = state.lookup_target(headers.get(b"host", b""), target)
        if prepared is None:
            return False
        del self.buf[: end + 4]
        encoding = headers.get(b"accept-encoding")
        use_gz = prepared.gz is not None and encoding is not None and state.accepts_gzip(encoding)
        self.transport.write(prepared.response(use_gz, keep_alive, method == b"GET"))
        if not keep_alive:
            self.transport.close()
            self.closed = True
        return True

    # static and media files

    def _send_file(self, path: Path, kind: str, method, headers, keep_alive):
        try:
            stat = path.stat()
        except OSError:
            self._error(404, "文件不存在")
            return
        ctype = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        send_path, encoding = path, None
        if kind == "static" and self.state.cache.accepts_gzip(headers.get(b"accept-encoding", b"").decode()):
            gz = path.with_name(path.name + ".gz")
            try:
                gz_stat = gz.stat()
                if gz_stat.st_mtime >= stat.st_mtime:
                    send_path, encoding, stat = gz, "gzip", gz_stat
            except OSError:
                pass
        last_modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        max_age = 60 if kind == "static" else 3600
        lines = [
            f"Content-Type: {ctype}",
            f"Last-Modified: {last_modified}",
            f"Cache-Control: public, max-age={max_age}",
            "Accept-Ranges: bytes",
            "X-Content-Type-Options: nosniff",
        ]
        if kind == "static":
            lines.append("Vary: Accept-Encoding")
        if encoding:
            lines.append(f"Content-Encoding: {encoding}")
        since = headers.get(b"if-modified-since")
        if since:
            try:
                if email.utils.parsedate_to_datetime(since.decode()).timestamp() >= int(stat.st_mtime):
                    self._write_head(304, lines, None, keep_alive)
                    return
            except (TypeError, ValueError, IndexError):
                pass
        size, start, length, status = stat.st_size, 0, stat.st_size, 200
        rng = headers.get(b"range")
        if rng and not encoding:
            parsed = _parse_range(rng.decode("latin-1"), size)
            if parsed is None:
                self._write_head(416, [f"Content-Range: bytes */{size}"], 0, keep_alive)
                return
            if parsed != (0, size):
                start, length, status = parsed[0], parsed[1] - parsed[0], 206
                lines.append(f"Content-Range: bytes {start}-{start + length - 1}/{size}")
        self._write_head(status, lines, length, keep_alive)
        if method == b"HEAD" or length == 0:
            self._finish(keep_alive)
            return
        if length <= SMALL_FILE:
            data = self._small(send_path, stat)
            if data is not None:
                self.transport.write(data[start : start + length])
                self._finish(keep_alive)
                return
        self.busy = True
        asyncio.get_running_loop().create_task(self._sendfile(send_path, start, length, keep_alive))

    def _small(self, path: Path, stat):
        cached = self.state.files.get(path)
        if cached and cached[0] == stat.st_mtime and cached[1] == stat.st_size:
            return cached[2]
        try:
            data = path.read_bytes()
        except OSError:
            return None
        self.state.files[path] = (stat.st_mtime, stat.st_size, data)
        while len(self.state.files) > 512:
            self.state.files.popitem(last=False)
        return data

    async def _sendfile(self, path: Path, start: int, length: int, keep_alive: bool):
        try:
            with open(path, "rb") as f:
                if isinstance(self.loop, asyncio.BaseEventLoop):
                    await self.loop.sendfile(self.transport, f, start, length)
                else:
                    await self._send_chunks(f, start, length)
        except Exception:
            if self.transport:
                self.transport.close()
            self.closed = True
            return
        self.busy = False
        self._finish(keep_alive)
        if not self.closed:
            self._process()

    async def _send_chunks(self, f, start: int, length: int):
        """A file in pieces, waiting whenever the client reads slower than we send."""
        f.seek(start)
        while length > 0 and not self.closed:
            data = f.read(min(FILE_CHUNK, length))
            if not data:
                raise OSError("file shorter than announced")
            length -= len(data)
            self.transport.write(data)
            if self.drained is not None:
                await self.drained
        if length > 0:
            raise ConnectionError("client gone")

    def _write_head(self, status, lines, length, keep_alive):
        out = [f"HTTP/1.1 {status} {REASONS.get(status, '')}".encode()]
        out += [line.encode("latin-1", "replace") for line in lines]
        if length is not None:
            out.append(b"Content-Length: %d" % length)
        out.append(b"Date: " + CLOCK.date())
        if not keep_alive:
            out.append(b"Connection: close")
        self.transport.write(b"\r\n".join(out) + b"\r\n\r\n")

    def _finish(self, keep_alive):
        if not keep_alive and self.transport:
            self.transport.close()
            self.closed = True

    def _error(self, status, text):
        body = ERROR_PAGE.format(title=f"{status} {text}", text=text).encode()
        self.transport.write(
            b"HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % (status, REASONS.get(status, "").encode(), len(body)) + body
        )
        self.transport.close()
        self.closed = True

    # proxy to Django

    def _start_proxy(self, method, target, version, headers_unused, end):
        head = bytes(self.buf[:end])
        rest = bytes(self.buf[end + 4 :])
        self.buf = bytearray()
        if self.timer:
            self.timer.cancel()
            self.timer = None
        lines = head.split(b"\r\n")
        kept = [lines[0]]
        forwarded = b""
        for line in lines[1:]:
            name = line.split(b":", 1)[0].strip().lower()
            if name in (b"connection", b"keep-alive", b"proxy-connection", b"x-govportal-peer", b"upgrade"):
                continue
            if name == b"x-forwarded-for":
                forwarded = line.split(b":", 1)[1].strip()
                continue
            kept.append(line)
        peer = self.peer.encode()
        kept.append(b"X-GovPortal-Peer: " + peer)
        kept.append(b"X-Forwarded-For: " + (forwarded + b", " + peer if forwarded else peer))
        kept.append(b"Connection: close")
        self.proxy = Proxy(self, b"\r\n".join(kept) + b"\r\n\r\n" + rest)
        asyncio.get_running_loop().create_task(self.proxy.connect(self.state.upstream))


class Proxy:
    """One request passed to gunicorn; the client connection closes after its response."""

    def __init__(self, client: FrontProtocol, first: bytes):
        self.client = client
        self.pending = [first]
        self.upstream = None
        self.done = False

    async def connect(self, path: str):
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_unix_connection(lambda: UpstreamProtocol(self), path)
        except OSError:
            if not self.client.closed:
                self.client._error(502, "服务暂时不可用，请稍后再试。")
            return
        if self.client.closed:
            transport.close()
            return
        self.upstream = transport
        for chunk in self.pending:
            transport.write(chunk)
        self.pending = []

    def to_upstream(self, data: bytes):
        if self.upstream is None:
            self.pending.append(data)
        else:
            self.upstream.write(data)

    def from_upstream(self, data: bytes):
        if not self.client.closed:
            self.client.transport.write(data)

    def upstream_done(self):
        self.done = True
        if not self.client.closed:
            self.client.transport.close()
            self.client.closed = True

    def client_gone(self):
        if self.upstream is not None:
            self.upstream.close()

    def pause_upstream(self):
        if self.upstream is not None:
            self.upstream.pause_reading()

    def resume_upstream(self):
        if self.upstream is not None:
            self.upstream.resume_reading()


class UpstreamProtocol(asyncio.Protocol):
    def __init__(self, proxy: Proxy):
        self.proxy = proxy

    def data_received(self, data):
        self.proxy.from_upstream(data)

    def connection_lost(self, exc):
        self.proxy.upstream_done()

    def pause_writing(self):
        if self.proxy.client.transport:
            self.proxy.client.transport.pause_reading()

    def resume_writing(self):
        if self.proxy.client.transport and not self.proxy.client.closed:
            self.proxy.client.transport.resume_reading()


_TOKEN = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
# request line, then header lines "name: value" (no folding, no bare CR or LF); checked in one C pass
_HEAD = re.compile(rb"([A-Za-z]+) ([^ \r\n]+) (HTTP/1\.[0-9])((?:\r\n" + _TOKEN + rb":[^\r\n]*)*)")
_SINGLE = (b"host", b"content-length", b"transfer-encoding")


def parse_head(head: bytes):
    """(method, target, version, headers) of a request head, or None if it is malformed."""
    m = _HEAD.fullmatch(head)
    if m is None:
        return None
    method, target, version, rest = m.groups()
    headers: dict[bytes, bytes] = {}
    if rest:
        for line in rest[2:].split(b"\r\n"):
            name, _, value = line.partition(b":")
            name = name.lower()
            if name in headers:
                if name in _SINGLE:
                    return None
                headers[name] += b", " + value.strip()
            else:
                headers[name] = value.strip()
    return method, target, version, headers


def _keep_alive(version: bytes, headers) -> bool:
    conn = headers.get(b"connection", b"").lower()
    if version == b"HTTP/1.0":
        return b"keep-alive" in conn
    return b"close" not in conn


def _parse_range(value: str, size: int):
    """(start, end-exclusive) of a single "bytes=" range, or None if unsatisfiable/unsupported."""
    if not value.startswith("bytes=") or "," in value:
        return (0, size)
    spec = value[6:].strip()
    first, _, last = spec.partition("-")
    try:
        if first == "":
            n = int(last)
            if n <= 0:
                return None
            return (max(0, size - n), size)
        start = int(first)
        end = int(last) + 1 if last else size
    except ValueError:
        return (0, size)
    if start >= size or end <= start:
        return None
    return (start, min(end, size))


REUSEPORT = hasattr(socket, "SO_REUSEPORT")


def _listener(host: str, port: int, listen: bool, reuseport: bool = REUSEPORT) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuseport:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    if listen:
        sock.listen(2048)
    sock.setblocking(False)
    return sock


def run_front(sock: socket.socket, upstream: str) -> None:
    """One front process: serve forever on the shared listening socket."""
    for sig in (signal.SIGINT,):
        signal.signal(sig, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    try:  # libuv's event loop: about a third more requests a second than asyncio's own
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    state = FrontState(upstream)
    server = loop.run_until_complete(
        loop.create_server(lambda: FrontProtocol(state), sock=sock, backlog=2048)
    )
    try:
        loop.run_forever()
    finally:
        server.close()


# --- the command -------------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "以生产方式运行网站：前端进程直接答复已缓存的公开页面和静态文件，其余交给 gunicorn；并启动后台任务进程。"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None,
            help="gunicorn 进程数（默认 CPU 数×2+1）",
        )
        parser.add_argument(
            "--front",
            type=int,
            default=int(os.environ.get("FRONT_PROCESSES", "0")) or None,
            help="前端进程数（默认 CPU 数）",
        )
        parser.add_argument("--no-front", action="store_true", help="不启动前端进程，gunicorn 直接监听端口")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程和定时任务进程")
        parser.add_argument(
            "--no-jobs", action="store_true", help="不启动定时任务进程（定时任务由其他进程或 cron 运行时）"
        )

    def handle(self, port, host, workers, front, no_front, no_worker, no_jobs=False, **options):
        from govportal.publishing import cache

        if not no_front:
            try:  # without SO_REUSEPORT: fails if anything else, a second server too, holds the port
                _listener(host, port, listen=False, reuseport=False).close()
            except OSError as exc:
                raise CommandError(f"无法在 {host}:{port} 上启动：{exc.strerror}（端口已被占用？）") from exc
        call_command("collectstatic", interactive=False, verbosity=0)
        cpus = os.cpu_count() or 1
        workers = workers or cpus * 2 + 1
        front = front or cpus
        if cache.enabled():
            cache.bump("server start")  # new code or templates: nothing rendered before counts
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "govportal.settings"),
        }
        children: list[subprocess.Popen] = []
        if not no_worker and settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            worker = [
                sys.executable,
                "-m",
                "govportal.cli",
                "db_worker",
                "--no-reload",
                "--queue-name",
                "*",
                "-v",
                "0",
            ]
            children.append(subprocess.Popen(worker, env=env))
        jobs_cmd = [sys.executable, "-m", "govportal.cli", "jobs"]
        jobs = None if no_worker or no_jobs else subprocess.Popen(jobs_cmd, env=env)
        if jobs is not None:
            children.append(jobs)
        run_dir = Path(settings.DATA_DIR) / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(run_dir, 0o700)
        upstream = str(run_dir / f"gunicorn-{port}.sock")
        if len(upstream.encode()) > 100:  # Unix socket paths are limited to about 108 bytes
            import tempfile

            upstream = os.path.join(tempfile.mkdtemp(prefix="govportal-"), f"gunicorn-{port}.sock")
        bind = f"{host}:{port}" if no_front else f"unix:{upstream}"
        if not no_front and os.path.exists(upstream):
            os.unlink(upstream)
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            # Behind the front, the visitor's address comes from it; without the front, nobody may set it.
            "govportal.wsgi:application"
            if no_front
            else "govportal.portal.management.commands.serve:application",
            "--config",
            "python:govportal.portal.management.commands.serve",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--no-control-socket",
            "--access-logfile",
            "-" if os.environ.get("ACCESS_LOG") else "/dev/null",
        ]
        web = subprocess.Popen(gunicorn, env=env)
        children.append(web)
        fronts: dict[int, None] = {}
        sock = None
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            if not no_front:
                for _ in range(300):
                    if os.path.exists(upstream) or web.poll() is not None:
                        break
                    time.sleep(0.1)
                # Each front process listens on a socket of its own (SO_REUSEPORT): the kernel spreads new
                # connections evenly over them. One shared socket let whichever process woke first take
                # most of them, and throughput swung by half between runs. The parent's socket holds the
                # port (bound, not listening) while front processes come and go.
                sock = _listener(host, port, listen=not REUSEPORT)
                from django.db import connections

                connections.close_all()
                for _ in range(front):
                    fronts[self._fork_front(sock, upstream, (host, port))] = None
                self.stdout.write(
                    f"GovPortal 已启动：http://{host}:{port}/（前端进程 {front} 个，gunicorn 进程 {workers} 个）"
                )
            while not stopping:
                if any(c.poll() is not None for c in children if c is web):
                    self.stderr.write("gunicorn 已退出，服务停止。")
                    break
                if jobs is not None and jobs.poll() is not None and not stopping:
                    self.stderr.write(f"定时任务进程已退出（{jobs.returncode}），重新启动。")
                    time.sleep(1)
                    children.remove(jobs)
                    jobs = subprocess.Popen(jobs_cmd, env=env)
                    children.append(jobs)
                for pid in list(fronts):
                    try:
                        done, _ = os.waitpid(pid, os.WNOHANG)
                    except ChildProcessError:
                        done = pid
                    if done and not stopping:
                        del fronts[pid]
                        fronts[self._fork_front(sock, upstream, (host, port))] = None
                time.sleep(0.2)
        finally:
            for pid in fronts:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            for c in children:
                if c.poll() is None:
                    c.terminate()
            for c in children:
                try:
                    c.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    c.kill()
            for pid in fronts:
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
            if sock is not None:
                sock.close()

    @staticmethod
    def _fork_front(sock, upstream, address) -> int:
        pid = os.fork()
        if pid == 0:
            try:
                if REUSEPORT:
                    sock.close()
                    sock = _listener(*address, listen=True)
                run_front(sock, upstream)
            finally:
                os._exit(0)
        return pid
