"""What else happens when an item (an ``ItemPage``) goes live or comes down, without ``publication``
knowing who listens (docs/architecture.md).

Sent by ``publication.on_published`` / ``on_unpublished`` (Wagtail's ``page_published`` /
``page_unpublished``, for items only). Receivers are connected in ``PublishingConfig.ready()``, in this
order: the register (造册登记), emergency releases, interpretations, the outgoing feeds.
"""

from django.dispatch import Signal

# kwargs: ``page`` (the specific item), ``locality`` (its site's locality code, "" if none)
item_published = Signal()
# kwargs: ``page``
item_unpublished = Signal()
