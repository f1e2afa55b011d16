"""Public pages: the context each page type needs, and the site map."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page, Site

ITEMS_PER_PAGE = 20


def _children_columns(page: Page):
    from .models import ColumnPage

    return ColumnPage.objects.child_of(page).live().in_menu().order_by("path")


def channels_for(site_root: Page):
    """The top navigation: the home page's columns shown in menus."""
    return _children_columns(site_root)


def home_context(home: Page) -> dict:
    from .models import ArticlePage, ColumnPage

    channels = list(channels_for(home))
    # Latest items per channel: one query per channel, bounded by the number of channels shown.
    blocks = []
    for channel in channels[:8]:
        items = list(
            ArticlePage.objects.descendant_of(channel)
            .live()
            .order_by("-date")
            .only("title", "date", "url_path")[:6]
        )
        columns = list(
            ColumnPage.objects.child_of(channel).live().order_by("path").only("title", "url_path")[:8]
        )
        blocks.append({"channel": channel, "items": items, "columns": columns})
    latest = ArticlePage.objects.descendant_of(home).live().order_by("-date")[:8]
    return {"channels": channels, "blocks": blocks, "latest": latest}


def column_context(column: Page, request) -> dict:
    from .models import ArticlePage

    items = ArticlePage.objects.child_of(column).live().order_by("-date")
    page_obj = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "subcolumns": _children_columns(column),
        "page_obj": page_obj,
        "ancestors": column.get_ancestors().filter(depth__gt=2).specific(),
    }


def site_map(request):
    site = Site.find_for_request(request)
    root = site.root_page if site else None
    tree = []
    if root is not None:
        from .models import ColumnPage

        columns = ColumnPage.objects.descendant_of(root).live().in_menu().order_by("path")
        tree = [(c, c.depth - root.depth) for c in columns]
    return render(request, "portal/site_map.html", {"tree": tree, "page": root})
