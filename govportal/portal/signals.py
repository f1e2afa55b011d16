"""Signals other apps listen to, so that the portal does not need to know them; and the portal's own
receivers (connected in ``PortalConfig.ready``)."""

import threading
from contextlib import contextmanager

from django.dispatch import Signal

from .listing import forget_kinds

# Sent after a policy profile has been applied: kwargs ``home`` (HomePage) and ``profile`` (rules Profile).
profile_applied = Signal()

# Sent when the outermost ``bulk_load()`` block ends without an error (no kwargs): static publishing,
# which waits during the block, rebuilds every site once.
bulk_load_finished = Signal()

_bulk = threading.local()


@contextmanager
def bulk_load():
    """A bulk load (the demo, a profile): receivers that work page by page wait (``in_bulk_load()``) and
    hear ``bulk_load_finished`` at the end instead."""
    _bulk.on = getattr(_bulk, "on", 0) + 1
    try:
        yield
    finally:
        _bulk.on -= 1
    if not _bulk.on:
        bulk_load_finished.send(sender=None)


def in_bulk_load() -> bool:
    return bool(getattr(_bulk, "on", 0))


def forget_item_kinds(sender, instance=None, **kwargs) -> None:
    """A page was saved, published, unpublished, moved or deleted: the cached map of the item kinds in each
    column of its site (``views.kinds_below``) may be out of date."""
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.path:
        from django.db import transaction

        path = instance.path
        forget_kinds(path)
        # …and again once the change is committed, in case a request re-read the map in between.
        transaction.on_commit(lambda: forget_kinds(path))


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (post_save, post_delete, page_published, page_unpublished, post_page_move):
        signal.connect(forget_item_kinds, dispatch_uid=f"portal-item-kinds-{id(signal)}")
