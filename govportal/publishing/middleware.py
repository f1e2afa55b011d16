"""Creating an item in the page editor is one transaction: all of it is stored, or nothing.

Wagtail's "add page" view stores the page, then its revision, then publishes it, each in its own commit. A
node killed (or a request failing) between those steps left a half-made item, a draft nobody asked for,
and the editor's second "publish" made a second item with the same title (benchmarks/two_nodes.py). Here the
view runs inside ``transaction.atomic()`` with the parent page's row locked first, so a request that dies
half-way leaves nothing (the database rolls the transaction back) and two editors adding to one column at
once take turns instead of colliding on the tree path. What happens after the commit (static publishing,
``transaction.on_commit``) still runs after it.
"""

from __future__ import annotations

from django.db import transaction

ATOMIC_VIEWS = {"wagtailadmin_pages:add"}


class AtomicPageCreateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if request.method != "POST" or match is None or match.view_name not in ATOMIC_VIEWS:
            return None
        from wagtail.models import Page

        with transaction.atomic():
            parent_id = view_kwargs.get("parent_page_id")
            if parent_id is not None:
                list(Page.objects.select_for_update().filter(pk=parent_id).values_list("pk", flat=True))
            return view_func(request, *view_args, **view_kwargs)
