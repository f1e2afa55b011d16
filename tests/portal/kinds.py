"""Helpers for the item-kind tests: publish a page of any kind under a column."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone


def publish(parent, model, title: str, **fields):
    stream = {
        k: [{"type": t, "value": v} for t, v in fields[k]] for k in list(fields) if _is_stream(fields[k])
    }
    fields.update(stream)
    m2m = {k: fields.pop(k) for k in ("related_policies",) if k in fields}
    fields.setdefault("date", timezone.now() - timedelta(hours=1))
    page = model(title=title, **fields)
    for name, values in m2m.items():
        getattr(page, name).set(values)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _is_stream(value) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], tuple)
