"""Helpers for the item-kind tests: publish a page of any kind under a column (``tests.factories.item``,
dated an hour ago unless told)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.factories import item


def publish(parent, model, title: str, **fields):
    fields.setdefault("date", timezone.now() - timedelta(hours=1))
    return item(parent, title, fields.pop("body", None), kind=model, **fields)
