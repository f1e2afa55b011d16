"""Alerts (监测告警): one model for everything the monitor sees, and the channels that carry them.

:func:`raise_alert` records an alert for a cause (``key``) and tells the people concerned through every
channel: a notice in their back-office inbox and an e-mail (``govportal.notices.notifications.notify``, the
platform's notice mechanism), SMS through the configured sender, and a signed webhook. While an alert with
the same key is open or acknowledged, raising it again only counts the repeat: repeated alerts for the
same cause are merged, not sent again every run. :func:`resolve_stale` closes the alerts whose cause is
gone.

Settings (environment):

``GOVPORTAL_ALERT_WEBHOOK_URL``     where every new alert is POSTed as JSON (unset: no webhook)
``GOVPORTAL_ALERT_WEBHOOK_SECRET``  HMAC-SHA256 key; the signature goes in ``X-GovPortal-Signature:
                                    sha256=<hex>`` over ``<timestamp>.<body>`` with ``X-GovPortal-Timestamp``
``GOVPORTAL_SMS_SENDER``            dotted path of an :class:`SmsSender` (default: :class:`LoggingSmsSender`)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from govportal.sms import sender

from .models import Alert, AlertSeverity, AlertState

logger = logging.getLogger(__name__)


def sms_sender():
    """The platform's one SMS plug-in (``govportal.sms``, ``GOVPORTAL_SMS_SENDER``)."""

    return sender()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The webhook signature: ``sha256=`` + HMAC-SHA256 of ``<timestamp>.<body>``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def payload(alert: Alert) -> dict:
    return {
        "id": alert.pk,
        "key": alert.key,
        "kind": alert.kind,
        "severity": alert.severity,
        "subject": alert.subject,
        "locality": alert.locality,
        "unit": alert.unit.name if alert.unit else "",
        "url": alert.url,
        "evidence": alert.evidence,
        "state": alert.state,
        "first_seen": alert.first_seen.isoformat(),
    }


def send_webhook(alert: Alert) -> bool:
    url = getattr(settings, "GOVPORTAL_ALERT_WEBHOOK_URL", "")
    if not url:
        return False
    body = json.dumps(payload(alert), ensure_ascii=False, default=str).encode()
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/json; charset=utf-8", "X-GovPortal-Timestamp": ts}
    secret = getattr(settings, "GOVPORTAL_ALERT_WEBHOOK_SECRET", "")
    if secret:
        headers["X-GovPortal-Signature"] = sign(secret, ts, body)
    try:
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - an administrator's URL
            return 200 <= resp.status < 300
    except Exception:  # a receiver that is down must not stop the monitor
        logger.exception("告警推送失败：%s", url)
        return False


def _phones(users) -> list[str]:
    out = []
    for u in users:
        staff = getattr(u, "staff", None)
        if staff is not None and staff.phone:
            out.append(staff.phone)
    return out


def raise_alert(
    key: str,
    *,
    kind: str,
    severity: str,
    subject: str,
    users: Iterable = (),
    unit=None,
    locality: str = "",
    url: str = "",
    evidence: list | None = None,
    body: str = "",
) -> tuple[Alert, bool]:
    """Record the alert for ``key`` and tell ``users``; returns (alert, is_new).

    A repeat of an open or acknowledged alert is merged into it (counted, evidence refreshed), and
    nobody is told again."""
    now = timezone.now()
    existing = Alert.objects.filter(key=key).exclude(state=AlertState.RESOLVED).order_by("-id").first()
    if existing is not None:
        existing.occurrences += 1
        existing.last_seen = now
        if evidence is not None:
            existing.evidence = evidence
        existing.save(update_fields=["occurrences", "last_seen", "evidence"])
        return existing, False
    alert = Alert.objects.create(
        key=key[:250],
        kind=kind,
        severity=severity,
        subject=subject[:300],
        unit=unit,
        locality=locality,
        url=url,
        evidence=evidence or [],
        first_seen=now,
        last_seen=now,
    )
    users = [u for u in users if u is not None and u.is_active]
    if users:
        from govportal.notices.notifications import notify

        title = f"【{AlertSeverity(severity).label}】{subject}"
        notify(users, f"monitoring_{kind}"[:30], title, body or subject, url)
        if severity in (AlertSeverity.CRITICAL, AlertSeverity.HIGH) or kind in ("freshness",):
            sender = sms_sender()
            for phone in _phones(users):
                try:
                    sender.send(phone, title)
                except Exception:
                    logger.exception("短信发送失败：%s", phone)
        alert.recipients = [u.get_username() for u in users]
        alert.save(update_fields=["recipients"])
    send_webhook(alert)
    return alert, True


class AlertRound:
    """One run of a periodic check over the alerts whose keys start with ``prefix`` (a site's freshness
    reminders): the open alerts are read once; repeats are counted by one update (and changed evidence by one
    bulk update) in :meth:`finish`, which also resolves the alerts not raised this round. Only a new alert asks
    who is to be told (``users`` may be a function, called then) and tells them, as :func:`raise_alert` does."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.open: dict[str, Alert] = {}
        for alert in (
            Alert.objects.filter(key__startswith=prefix).exclude(state=AlertState.RESOLVED).order_by("id")
        ):
            self.open[alert.key] = alert  # the newest of a key wins, as raise_alert's order_by("-id")
        self.raised: set[str] = set()
        self.repeats: list[int] = []
        self.new_evidence: list[Alert] = []
        self.now = timezone.now()

    def raise_alert(self, key: str, *, users=(), evidence: list | None = None, **fields) -> bool:
        """Like :func:`raise_alert`; returns whether the alert is new."""
        self.raised.add(key)
        existing = self.open.get(key)
        if existing is not None:
            self.repeats.append(existing.pk)
            if evidence is not None and evidence != existing.evidence:
                existing.evidence = evidence
                self.new_evidence.append(existing)
            return False
        alert, new = raise_alert(
            key, users=users() if callable(users) else users, evidence=evidence, **fields
        )
        self.open[key] = alert
        return new

    def finish(self) -> int:
        """Writes the repeats and resolves what was not raised; returns how many were resolved."""
        for start in range(0, len(self.repeats), 500):
            Alert.objects.filter(pk__in=self.repeats[start : start + 500]).update(
                occurrences=F("occurrences") + 1, last_seen=self.now
            )
        Alert.objects.bulk_update(self.new_evidence, ["evidence"], batch_size=500)
        self.repeats, self.new_evidence = [], []
        return resolve_stale(self.prefix, self.raised)


def resolve_stale(prefix: str, still_true: set[str]) -> int:
    """Resolve the unresolved alerts whose key starts with ``prefix`` and is not in ``still_true``."""
    qs = (
        Alert.objects.filter(key__startswith=prefix)
        .exclude(state=AlertState.RESOLVED)
        .exclude(key__in=still_true)
    )
    return qs.update(state=AlertState.RESOLVED, resolved_at=timezone.now())


def acknowledge(alert: Alert, user) -> None:
    if alert.state == AlertState.OPEN:
        alert.state, alert.acknowledged_by, alert.acknowledged_at = (
            AlertState.ACKNOWLEDGED,
            user,
            timezone.now(),
        )
        alert.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])


def resolve(alert: Alert) -> None:
    if alert.state != AlertState.RESOLVED:
        alert.state, alert.resolved_at = AlertState.RESOLVED, timezone.now()
        alert.save(update_fields=["state", "resolved_at"])
