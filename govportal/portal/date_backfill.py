"""发布日期 of items stored before the date fix (issue 19): their ``date`` was the time the draft was
started. The data migrations of ``portal`` and ``participation`` call :func:`backfill_public_dates` with
their historical models.

An item is repaired when it is live, its ``date`` equals, to the minute, the creation time of its first
revision (the old default: nobody typed it), and it is earlier than ``first_published_at``: the date
becomes the first publication time and ``date_auto`` is set, as for an item saved today with the date
left empty. A date an editor typed (backdated content, 成文日期) does not meet the first revision to the
minute and is kept.
"""

from __future__ import annotations


def _minute(value):
    return value.replace(second=0, microsecond=0)


def backfill_public_dates(apps, app_label: str, model_names: list[str]) -> int:
    """Repair the items of ``app_label``'s ``model_names``; returns how many were changed."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    changed = 0
    for name in model_names:
        model = apps.get_model(app_label, name)
        ct = ContentType.objects.filter(app_label=app_label, model=name.lower()).first()
        if ct is None:  # a fresh database: nothing was stored before the fix
            continue
        items = model.objects.filter(live=True, first_published_at__isnull=False, date_auto=False)
        for pk, date, first_published in items.values_list("pk", "date", "first_published_at"):
            if date is None or date >= first_published:
                continue
            first = (
                Revision.objects.filter(content_type=ct, object_id=str(pk))
                .order_by("created_at", "pk")
                .values_list("created_at", flat=True)
                .first()
            )
            if first is None or _minute(first) != _minute(date):
                continue
            model.objects.filter(pk=pk).update(date=first_published, date_auto=True)
            changed += 1
    return changed
