"""The uptime probe (可用性监测): visit the configured addresses, record status and time to first byte.

The national inspection counts a visit as failed when the page is still not open after 15 seconds, over a
week of at least 20 visits a day (国办秘函〔2019〕19号 “站点无法访问”); the weekly figure is
``inspection.availability``. A site cannot see its own outage, so ``govportal probe`` is a separate process
meant to run on a second machine (it needs only the database: ``DATABASE_URL``).

Profile values (``[monitoring.probe]``): ``interval_minutes`` (default 60 — 24 visits a day; at most 72 so
there are at least 20) and ``outage_after`` (consecutive failures before an outage alert, default 2).
"""

from __future__ import annotations

import http.client
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.accounts.staffing import staff_of

from .alerts import raise_alert, resolve_stale
from .freshness import _profile
from .models import AlertSeverity, ProbeResult, ProbeTarget

OPEN_WITHIN_SECONDS = 15.0
DEFAULT_INTERVAL_MINUTES = 60
MAX_INTERVAL_MINUTES = 72  # 24 h / 72 min = 20 visits a day
DEFAULT_OUTAGE_AFTER = 2


@dataclass
class Visit:
    status: int | None
    ttfb_ms: int | None
    total_ms: int | None
    ok: bool
    error: str = ""


def visit(url: str, timeout: float = OPEN_WITHIN_SECONDS) -> Visit:
    """GET ``url``; ok when it answers below 400 and the whole page is read within ``timeout`` seconds."""
    parts = urlsplit(url)
    start = time.monotonic()
    deadline = start + timeout
    conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    kwargs = {"timeout": timeout}
    if parts.scheme == "https":
        kwargs["context"] = ssl.create_default_context()
    conn = conn_cls(parts.hostname, parts.port, **kwargs)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    status = ttfb = None
    try:
        conn.request("GET", path, headers={"User-Agent": "GovPortal-Probe/1.0", "Accept": "text/html"})
        resp = conn.getresponse()
        status = resp.status
        ttfb = int((time.monotonic() - start) * 1000)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if conn.sock is not None:
                conn.sock.settimeout(left)
            if not resp.read(65536):
                break
        total = int((time.monotonic() - start) * 1000)
        ok = status < 400 and total <= timeout * 1000
        return Visit(status, ttfb, total, ok, "" if status < 400 else f"HTTP {status}")
    except TimeoutError:
        return Visit(status, ttfb, None, False, f"{timeout:g} 秒内未能打开")
    except (OSError, http.client.HTTPException) as exc:
        return Visit(status, ttfb, None, False, f"{type(exc).__name__}: {exc}"[:300])
    finally:
        conn.close()


def probe_settings(locality: str) -> dict:

    profile = _profile(locality)
    raw = dict(((profile.sections.get("monitoring") or {}).get("probe") or {}) if profile else {})
    interval = int(raw.get("interval_minutes", DEFAULT_INTERVAL_MINUTES))
    return {
        "interval_minutes": max(1, min(interval, MAX_INTERVAL_MINUTES)),
        "outage_after": int(raw.get("outage_after", DEFAULT_OUTAGE_AFTER)),
    }


def _operators(locality: str):
    return list(staff_of(Unit.objects.filter(locality=locality), ("operator", "site_admin")))


def probe_all(timeout: float = OPEN_WITHIN_SECONDS, targets=None) -> list[tuple[ProbeTarget, Visit]]:
    """Visit every enabled target once, record it, and raise or resolve outage alerts."""

    out = []
    for target in targets if targets is not None else ProbeTarget.objects.filter(enabled=True):
        v = visit(target.url, timeout)
        ProbeResult.objects.create(
            target=target,
            at=timezone.now(),
            status=v.status,
            ttfb_ms=v.ttfb_ms,
            total_ms=v.total_ms,
            ok=v.ok,
            error=v.error,
        )
        key = f"outage:{target.locality}:{target.pk}"
        if v.ok:
            resolve_stale(key, set())
        else:
            n = probe_settings(target.locality)["outage_after"]
            last = list(
                ProbeResult.objects.filter(target=target)
                .order_by("-at", "-id")
                .values_list("ok", flat=True)[:n]
            )
            if len(last) == n and not any(last):
                raise_alert(
                    key,
                    kind="outage",
                    severity=AlertSeverity.CRITICAL,
                    subject=f"网站无法访问：{target.name}（{target.url}）",
                    users=_operators(target.locality),
                    locality=target.locality,
                    url=target.url,
                    evidence=[
                        {"url": target.url, "status": v.status, "error": v.error, "failures_in_a_row": n}
                    ],
                )
        out.append((target, v))
    return out


def run_forever(timeout: float = OPEN_WITHIN_SECONDS, stop=None) -> None:  # pragma: no cover - a loop
    """Probe every target at its profile's interval until ``stop()`` is true."""
    next_due: dict[int, float] = {}
    while not (stop and stop()):
        now = time.monotonic()
        due = []
        for t in ProbeTarget.objects.filter(enabled=True):
            if next_due.get(t.pk, 0) <= now:
                due.append(t)
                next_due[t.pk] = now + probe_settings(t.locality)["interval_minutes"] * 60
        if due:
            probe_all(timeout, due)
        time.sleep(5)
