"""Opaque cursors: where the next page of a list starts.

A list is walked newest first by (date, id); the cursor names the last row handed out, so a page
starts strictly after it. Rows added while a consumer walks (newer ones) come before its cursor and
are not seen in this walk; none is skipped or given twice. The text is URL-safe base64 of a small JSON
list, signed so that a consumer cannot hand in a made-up position (an altered cursor is refused)."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from django.core import signing
from django.utils import timezone

SALT = "govportal.api.cursor"


class BadCursor(ValueError):
    pass


def encode(kind: str, *values) -> str:
    payload = [kind, *[v.isoformat() if isinstance(v, datetime) else v for v in values]]
    signed = signing.Signer(salt=SALT).sign(json.dumps(payload, separators=(",", ":"), ensure_ascii=True))
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def decode(kind: str, text: str) -> list:
    """The values ``encode(kind, ...)`` put in ``text``; BadCursor when it is not such a cursor."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        payload = json.loads(signing.Signer(salt=SALT).unsign(raw))
    except (ValueError, UnicodeError, signing.BadSignature, TypeError) as exc:
        raise BadCursor(text) from exc
    if not isinstance(payload, list) or not payload or payload[0] != kind:
        raise BadCursor(text)
    return payload[1:]


def date_id(kind: str, text: str) -> tuple[datetime, int]:
    """A (date, id) cursor."""
    values = decode(kind, text)
    try:
        when, pk = datetime.fromisoformat(values[0]), int(values[1])
    except (IndexError, TypeError, ValueError) as exc:
        raise BadCursor(text) from exc
    if timezone.is_naive(when):
        raise BadCursor(text)
    return when, pk
