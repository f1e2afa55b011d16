"""Signals other apps listen to, so that the portal does not need to know them; and the portal's own
receivers (connected in ``PortalConfig.ready``)."""

from django.dispatch import Signal

# Sent after a policy profile has been applied: kwargs ``home`` (HomePage) and ``profile`` (rules Profile).
profile_applied = Signal()


def forget_item_kinds(sender, instance=None, **kwargs) -> None:
    """A page was saved, published, unpublished, moved or deleted: the cached map of the item kinds in each
    column of its site (``views.kinds_below``) may be out of date."""
    from wagtail.models import Page

    from .views import forget_kinds

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
