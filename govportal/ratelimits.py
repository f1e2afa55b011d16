"""Rate limits of the public forms and queries, counted where every worker process sees them.

Counters live in the ``ratelimit`` cache (``settings.CACHES``): Redis when ``REDIS_URL`` is set, else
``AtomicFileCache`` below, a folder under ``$GOVPORTAL_HOME`` shared by every process of the machine.
(A local-memory cache is one per process: with five workers a lockout of ten tries let 33 of 60 through.)
Counting is django-ratelimit's (fixed windows keyed by group and client address).

Limits come from ``settings.GOVPORTAL_RATE_LIMITS`` (``GOVPORTAL_RATE_LIMITS=form=rate,…`` in the
environment: ``form=rate;rate form=rate``), e.g. ``{"error_report": "10/h,30/d"}``: every rate of a form must hold. A form shows its
CAPTCHA only once an address is near a limit (``near()``), or always with ``GOVPORTAL_CAPTCHA=always``.
"""

from __future__ import annotations

import fcntl
import hashlib
import ipaddress
import os
import pickle
import time
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django_ratelimit.core import get_usage

DEFAULT_LIMITS = {
    # POST attempts per address, valid or not (a stored letter is also counted by the profile's flood_*).
    "letter": "20/h,60/d",
    "error_report": "10/h,30/d",
    "disclosure": "10/h,30/d",
    # wrong query code/password per address (the letter and the disclosure-request query)
    "query_failure": "10/15m",
    # site search (/search/) queries per address; crawlers are counted like anyone else
    "search": "30/m,300/h",
    # participation: survey answers (anonymous surveys), consultation comments, interview questions, visit
    # sign-ups per address, all activities together (one activity's own cap is the profile's
    # [participation] anonymous_per_address)
    "participation": "20/h,60/d",
    # open API calls per consumer token (govportal/api); a consumer's own limit replaces it
    "api": "120/m,6000/h",
}


class AtomicFileCache(FileBasedCache):
    """Django's file cache with ``add`` and ``incr`` made atomic across processes by an exclusive lock
    (django-ratelimit counts with ``add`` then ``incr``; the stock file cache does get-then-set, and two
    workers counting at once would lose a try). Written for counters: one machine, many processes;
    several machines use Redis."""

    STRIPES = 64

    def _lock(self, key, version):
        os.makedirs(self._dir, exist_ok=True)
        stripe = int(hashlib.md5(self.make_key(key, version).encode()).hexdigest(), 16) % self.STRIPES
        fd = os.open(os.path.join(self._dir, f"lock-{stripe}.lck"), os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    @staticmethod
    def _unlock(fd):
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def add(self, key, value, timeout=None, version=None):
        fd = self._lock(key, version)
        try:
            return super().add(key, value, timeout, version)
        finally:
            self._unlock(fd)

    def incr(self, key, delta=1, version=None):
        fd = self._lock(key, version)
        try:
            path = self._key_to_file(key, version)
            try:
                with open(path, "rb") as f:
                    expiry = pickle.load(f)
                    value = pickle.loads(zlib.decompress(f.read()))
            except (FileNotFoundError, EOFError, pickle.UnpicklingError, zlib.error):
                raise ValueError(f"Key '{key}' not found") from None
            if expiry is not None and expiry < time.time():
                raise ValueError(f"Key '{key}' not found")
            new = value + delta
            timeout = None if expiry is None else max(1, int(expiry - time.time()))
            self.set(key, new, timeout, version)
            return new
        finally:
            self._unlock(fd)


def rates(name: str) -> list[str]:
    configured = dict(DEFAULT_LIMITS)
    configured.update(getattr(settings, "GOVPORTAL_RATE_LIMITS", {}) or {})
    return [r.strip() for r in str(configured.get(name, "")).split(",") if r.strip()]


@dataclass
class Usage:
    count: int = 0  # tries in the tightest window so far
    limit: int = 0  # that window's limit (0: no limit)
    exceeded: bool = False
    rate: str = ""  # the rate that was exceeded (or the tightest one)
    retry_after: int = 0  # seconds until every exceeded window has ended (0 when not exceeded)

    @property
    def near(self) -> bool:
        """Half of a limit used: the form shows its CAPTCHA from now on."""
        return bool(self.limit) and self.count * 2 >= self.limit


def usage(request, name: str, key: str, *, increment: bool = False, limits: list[str] | None = None) -> Usage:
    """How much of form ``name``'s limits address ``key`` has used (counting this try if ``increment``);
    ``limits`` replaces the configured rates of ``name`` (an API consumer's own limit)."""
    result = Usage()
    tightest = -1.0
    for rate in rates(name) if limits is None else limits:
        u = get_usage(
            request, group=f"gp:{name}:{rate}", key=lambda g, r, k=key: k, rate=rate, increment=increment
        )
        if u is None:
            continue
        share = u["count"] / max(1, u["limit"])
        over = u["count"] > u["limit"] if increment else u["count"] >= u["limit"]
        if over:
            left = max(1, int(u.get("time_left") or 0))
            if not result.exceeded:
                result = Usage(u["count"], u["limit"], True, rate, left)
                tightest = 99.0
            else:  # the first rate passed names the limit; the try waits for every passed one
                result.retry_after = max(result.retry_after, left)
        elif share > tightest and not result.exceeded:
            result, tightest = Usage(u["count"], u["limit"], False, rate), share
    return result


def captcha_required(request, name: str, key: str) -> bool:
    mode = str(getattr(settings, "GOVPORTAL_CAPTCHA", "near")).lower()
    if mode == "always":
        return True
    if mode == "never":
        return False
    return usage(request, name, key).near


def describe(rate: str) -> str:
    """「10/h」 -> 「每小时 10 次」."""
    count, _, period = rate.partition("/")
    digits = "".join(ch for ch in period if ch.isdigit())
    unit = {"s": "秒", "m": "分钟", "h": "小时", "d": "天"}.get(period[-1:], period)
    return f"每{digits or ''}{unit} {count} 次" if digits else f"每{unit} {count} 次"


def retry_text(used: Usage, now=None) -> str:
    """When an address over a limit may try again, in Chinese: 「约 3 分钟后（14:25 以后）」."""
    from datetime import timedelta

    from django.utils import timezone

    seconds = max(1, int(used.retry_after or 0))
    at = timezone.localtime(now or timezone.now()) + timedelta(seconds=seconds)
    if seconds < 60:
        span = f"{seconds} 秒"
    elif seconds < 3600:
        span = f"{(seconds + 59) // 60} 分钟"
    else:
        hours, minutes = divmod((seconds + 59) // 60, 60)
        span = f"{hours} 小时" + (f" {minutes} 分钟" if minutes else "")
    moment = f"{at:%H:%M}" if seconds < 12 * 3600 else f"{at:%m月%d日 %H:%M}"
    return f"约 {span}后（{moment} 以后）"


# --- the visitor's address -------------------------------------------------------------------------------


def trusted_proxies() -> list:
    """The proxies whose X-Forwarded-For is believed: ``GOVPORTAL_TRUSTED_PROXIES`` (setting or environment,
    comma-separated addresses or networks; a bad entry is skipped). Unset: nobody."""
    raw = getattr(settings, "GOVPORTAL_TRUSTED_PROXIES", None) or os.environ.get(
        "GOVPORTAL_TRUSTED_PROXIES", ""
    )
    nets = []
    for part in str(raw).split(","):
        part = part.strip()
        if part:
            try:
                nets.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                continue
    return nets


def client_ip(request) -> str | None:
    """The visitor's address, the platform's one: REMOTE_ADDR, or the nearest untrusted address of
    X-Forwarded-For when REMOTE_ADDR is a trusted proxy (an untrusted client's own header is ignored). Used by
    the rate limits, django-axes (``AXES_CLIENT_IP_CALLABLE``), the admin-network rule, the audit and access
    logs and the stored address of letters and answers. ``None`` without a request."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = trusted_proxies()
    if not remote or not proxies:
        return remote

    def trusted(addr: str) -> bool:
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            return False
        return any(ip in net for net in proxies)

    if not trusted(remote):
        return remote
    chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    for addr in reversed(chain):
        if not trusted(addr):
            try:
                ipaddress.ip_address(addr)
            except ValueError:
                return remote
            return addr
    return remote
