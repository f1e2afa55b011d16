"""Feeds out: what was newly published, for a unit's WeChat account or a provincial platform to follow
(象山制度第七条 asks the site and the unit's new media to stay in step).

- ``/feeds/latest.json`` (JSON Feed 1.1) and ``/feeds/latest.xml`` (RSS 2.0) of the site's newest items,
  optionally ``?unit=<unit code>``;
- a webhook per receiver: every publication and withdrawal is queued as a delivery and sent by a job,
  the body signed with HMAC-SHA256 under the receiver's secret (``X-GovPortal-Signature: sha256=<hex>``
  of ``"<timestamp>.<body>"``, the timestamp in ``X-GovPortal-Timestamp``); failures are retried with
  back-off and kept on record.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django_tasks import task
from wagtail.models import Page

from govportal.monitoring.textcheck import item_text
from govportal.portal.models import ItemPage

from .models import WebhookDelivery, WebhookEndpoint
from .publication import locality_of

logger = logging.getLogger(__name__)
FEED_SIZE = 50
RETRY_AFTER = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
TIMEOUT = 10
# A delivery being sent is claimed for this long (its next attempt is moved past it), so the job queued on
# publish and the one-minute job never both send it; if the sender dies, the delivery is retried after it.
CLAIM_LEASE = timedelta(minutes=5)


def item_models() -> list:
    return [m for m in apps.get_models() if issubclass(m, ItemPage)]


def published_items(home, unit=None, limit: int = FEED_SIZE):
    types = ContentType.objects.get_for_models(*item_models()).values()
    qs = (
        Page.objects.live()
        .public()
        .descendant_of(home)
        .filter(content_type__in=list(types))
        .order_by("-first_published_at", "-id")
        .specific()
    )
    items = []
    for page in qs.iterator(chunk_size=200):
        if unit is not None and getattr(page, "unit_id", None) != unit.pk:
            continue
        items.append(page)
        if len(items) >= limit:
            break
    return items


def summary(page, length: int = 200) -> str:
    text = " ".join(strip_tags(item_text(page)).split())
    if text.startswith(page.title):
        text = text[len(page.title) :].strip()
    return text[:length] + ("…" if len(text) > length else "")


def item_dict(page, request=None) -> dict:
    unit = getattr(page, "unit", None)
    return {
        "id": str(page.pk),
        "url": page.get_full_url(request),
        "title": page.title,
        "summary": summary(page),
        "date_published": (page.first_published_at or timezone.now()).isoformat(),
        "date_modified": (page.last_published_at or timezone.now()).isoformat(),
        "_govportal": {
            "unit": unit.name if unit else "",
            "source": getattr(page, "source", ""),
            "category": getattr(page, "info_category", ""),
            "document_number": getattr(page, "document_number", "") or "",
        },
    }


def json_feed(home, items, request=None, feed_url="") -> dict:
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": home.title,
        "home_page_url": home.get_full_url(request),
        "feed_url": feed_url,
        "language": "zh-CN",
        "items": [item_dict(p, request) for p in items],
    }


def rss_feed(home, items, request=None, feed_url="") -> bytes:
    from django.utils.feedgenerator import Rss201rev2Feed

    feed = Rss201rev2Feed(
        title=home.title,
        link=home.get_full_url(request) or "/",
        description=f"{home.title}最新发布的信息",
        language="zh-cn",
        feed_url=feed_url,
    )
    for page in items:
        unit = getattr(page, "unit", None)
        feed.add_item(
            title=page.title,
            link=page.get_full_url(request) or "",
            description=summary(page),
            unique_id=str(page.pk),
            pubdate=page.first_published_at,
            updateddate=page.last_published_at,
            author_name=unit.name if unit else None,
        )
    return feed.writeString("utf-8").encode("utf-8")


# --- webhooks ----------------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """For receivers (and tests): does ``signature`` match?"""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def queue_event(page, event: str) -> list[WebhookDelivery]:

    locality = locality_of(page)
    if not locality:
        return []
    endpoints = WebhookEndpoint.objects.filter(locality=locality, active=True)
    unit_id = getattr(page, "unit_id", None)
    payload = {"event": event, "item": item_dict(page), "sent_by": "govportal"}
    payload["item"]["url"] = page.get_full_url() or payload["item"]["url"]
    deliveries = [
        WebhookDelivery.objects.create(endpoint=ep, event=event, page_ref=page.pk, payload=payload)
        for ep in endpoints
        if ep.unit_id is None or ep.unit_id == unit_id
    ]
    if deliveries:
        transaction.on_commit(lambda: _enqueue(send_webhooks_task))
    return deliveries


@task()
def send_webhooks_task() -> dict:
    """Send the webhook deliveries that are due (queued right after a publication)."""
    return send_pending()


def _enqueue(task) -> None:
    try:
        task.enqueue()
    except Exception:  # no task backend available: the periodic job sends them
        logger.warning("推送任务未能入队，将由定时任务发送。", exc_info=True)


def claim(delivery, now) -> bool:
    """Take ``delivery`` for sending with one conditional UPDATE: only if it is still pending, due and
    untouched since it was read (same attempt count). Two senders running at once cannot both win."""
    taken = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status=WebhookDelivery.PENDING,
        attempts=delivery.attempts,
        next_attempt_at__lte=now,
    ).update(attempts=F("attempts") + 1, next_attempt_at=max(now, timezone.now()) + CLAIM_LEASE)
    if taken:
        delivery.attempts += 1
    return bool(taken)


def send_pending(post=None, now=None) -> dict:
    """Send every delivery that is due, each claimed first (see ``claim``); returns counts. ``post``
    defaults to ``requests.post``."""
    import requests

    post = post or requests.post
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.PENDING, next_attempt_at__lte=now, endpoint__active=True
    ).select_related("endpoint")
    for delivery in list(due):
        if not claim(delivery, now):
            continue  # another sender has it
        body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        timestamp = str(int(now.timestamp()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "GovPortal-Webhook/1",
            "X-GovPortal-Event": delivery.event,
            "X-GovPortal-Delivery": str(delivery.pk),
            # The same delivery sent again (its sender died before recording the answer) carries the same
            # key: the receiver keeps the first and drops repeats (govportal/ops/workers.py).
            "Idempotency-Key": f"govportal-delivery-{delivery.pk}",
            "X-GovPortal-Timestamp": timestamp,
            "X-GovPortal-Signature": sign(delivery.endpoint.secret, timestamp, body),
        }
        try:
            response = post(delivery.endpoint.url, data=body, headers=headers, timeout=TIMEOUT)
            delivery.response_code = response.status_code
            ok = 200 <= response.status_code < 300
            error = "" if ok else f"接收方返回 HTTP {response.status_code}"
        except Exception as exc:  # network errors of every kind
            ok, error = False, f"{type(exc).__name__}: {exc}"
        if ok:
            delivery.status, delivery.sent_at, delivery.last_error = WebhookDelivery.SENT, now, ""
            counts["sent"] += 1
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.last_error = WebhookDelivery.FAILED, error
            counts["failed"] += 1
        else:
            delivery.last_error = error
            delivery.next_attempt_at = now + RETRY_AFTER[delivery.attempts - 1]
            counts["retry"] += 1
        fields = ["status", "sent_at", "last_error", "response_code", "next_attempt_at"]
        if delivery.status != WebhookDelivery.PENDING:
            fields.remove("next_attempt_at")  # sent or given up: the lease no longer matters
        delivery.save(update_fields=fields)
    return counts


def on_item_published(sender, page, **kwargs) -> None:
    """``signals.item_published``: a delivery to every active receiver of the locality."""
    queue_event(page, "published")


def on_item_unpublished(sender, page, **kwargs) -> None:
    """``signals.item_unpublished``: the withdrawal, likewise."""
    queue_event(page, "unpublished")
