"""One kind of back-office menu item for every app: shown only to the people its check lets through.

Which people that is comes from the app's permissions (the role an article grants); the item only asks. The
URL is looked up when the menu is drawn, so an item can name a URL of an ``register_admin_urls`` hook."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from wagtail.admin.menu import MenuItem


class RoleMenuItem(MenuItem):
    """``RoleMenuItem(label, url_name, shown, icon_name=…, order=…, name=…)``: ``shown(user) -> bool``."""

    def __init__(self, label: str, url_name: str, shown: Callable[..., bool], **kwargs):
        self.url_name, self.shown = url_name, shown
        super().__init__(label, "", **kwargs)

    @property
    def url(self):
        return reverse(self.url_name)

    @url.setter
    def url(self, value):  # MenuItem.__init__ sets it; the name given is what counts
        pass

    def is_shown(self, request):
        return self.shown(request.user)
