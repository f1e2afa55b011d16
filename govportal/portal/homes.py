"""The home page (``HomePage``) of the site a page is in.

Every site's home sits right below the tree's root (``columns.ensure_home``), so the home of a page is the page
at depth 2 above it. The page models need it themselves (an item's index number and date rule, the citations
in their messages), so this module names ``HomePage`` by its label through Django's app registry, as a
``ForeignKey("portal.HomePage")`` does, instead of importing the models, which import this module.
"""

from __future__ import annotations

from django.apps import apps
from wagtail.models import Page

HOME_DEPTH = 2


def home_of(page):
    """The ``HomePage`` of the site ``page`` is in (``page`` itself if it is one); a page not yet saved is
    placed by its parent. ``None`` for a page outside every site."""
    path = ""
    while page is not None and not (path := getattr(page, "path", "") or ""):
        page = getattr(page, "_cached_parent_obj", None)
    if len(path) < HOME_DEPTH * Page.steplen:
        return None
    home_page = apps.get_model("portal", "HomePage")
    return home_page.objects.filter(path=path[: HOME_DEPTH * Page.steplen]).first()
