"""Tokens of the open API: issued once, stored as a SHA-256 hash, checked and counted on every call.

A token reads ``gpk_<43 characters>``; only its hash and its first characters (to tell tokens apart in
the back office) are kept, so a lost token is replaced, never shown again. Every call costs one UPDATE
(``last_used_at`` and the call counter) and the rate-limit counters of ``govportal.ratelimits``, keyed
by the consumer, not by the address: a platform calling from many machines shares its limit.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from govportal import ratelimits

from .models import ApiConsumer

PREFIX = "gpk_"
_RATE = re.compile(r"\d+/\d*[smhd]")
RATE_NAME = "api"  # the name of the API's limits in GOVPORTAL_RATE_LIMITS (default in ratelimits)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue(
    name: str,
    *,
    organisation: str = "",
    sites: Iterable = (),
    all_sites: bool = False,
    locality: str = "",
    rate: str = "",
    note: str = "",
    created_by=None,
) -> tuple[ApiConsumer, str]:
    """A new consumer and its raw token (shown once; only the hash is stored)."""
    raw = PREFIX + secrets.token_urlsafe(32)
    consumer = ApiConsumer.objects.create(
        name=name,
        organisation=organisation,
        locality=locality,
        token_hash=hash_token(raw),
        token_prefix=raw[: len(PREFIX) + 6],
        all_sites=all_sites,
        rate=rate,
        note=note,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    consumer.sites.set(list(sites))
    return consumer, raw


def consumer_for(raw: str) -> ApiConsumer | None:
    """The active consumer holding ``raw``, or None."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    return ApiConsumer.objects.filter(token_hash=hash_token(raw), active=True).first()


def revoke(consumer: ApiConsumer) -> None:
    consumer.active = False
    consumer.revoked_at = timezone.now()
    consumer.save(update_fields=["active", "revoked_at"])


def note_call(consumer: ApiConsumer) -> None:
    """One statement: when it was last used and how often."""
    ApiConsumer.objects.filter(pk=consumer.pk).update(last_used_at=timezone.now(), calls=F("calls") + 1)


def rates_of(consumer: ApiConsumer) -> list[str]:
    own = [r.strip() for r in (consumer.rate or "").split(",") if r.strip()]
    return own or ratelimits.rates(RATE_NAME)


def count_call(request, consumer: ApiConsumer) -> ratelimits.Usage:
    """Count this call against the consumer's limits."""
    return ratelimits.usage(
        request, RATE_NAME, f"consumer:{consumer.pk}", increment=True, limits=rates_of(consumer)
    )


def valid_rate(text: str) -> bool:
    """Whether ``text`` is a list of django-ratelimit rates (``60/m,3000/h``)."""
    parts = [r.strip() for r in (text or "").split(",") if r.strip()]
    return bool(parts) and all(_RATE.fullmatch(p) and int(p.split("/")[0]) > 0 for p in parts)
