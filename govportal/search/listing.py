"""Lists of published items straight from the search index: the newest items under a page (a home
page block, a channel, a column), of some kinds, a page at a time.

The index holds every live public item of every kind in one table with its date, title and address,
and the full-text engines keep, for every page, the list of items below it in date order. So "the 7
newest items under 政务要闻" is one lookup whatever the number of kinds, columns or items, where the
page tree needs a query per kind. For templates, each ``ListedItem`` has ``url``, ``title``, ``date``,
``kind_label``, ``document_number``, ``validity``.

    from govportal.search.listing import latest, paginate
    latest(column, 7)                                   # newest 7 at any depth below the column
    latest(home, 7, kinds=["policydocumentpage"])       # newest policy documents of the site
    paginate(column, page=2, per_page=20, children_only=True)   # a column's own items, page 2
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import analysis
from .engine import Match, engine_for
from .models import SearchEntry


@dataclass
class ListedItem:
    page_id: int
    title: str
    date: datetime
    url: str
    kind: str
    kind_label: str
    unit_id: int | None
    column_id: int | None
    document_number: str
    validity: str

    @property
    def pk(self) -> int:
        return self.page_id


@dataclass
class ListPage:
    items: list[ListedItem]
    total: int
    number: int
    per_page: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _match(parent, kinds, children_only: bool) -> Match:
    facets = [analysis.facet_parent(parent.pk) if children_only else analysis.facet_ancestor(parent.pk)]
    return Match(groups=[], facets=facets + [analysis.facet_kind(k) for k in kinds or ()][:1])


def _items(keys: list[int], request=None, using: str = "default") -> list[ListedItem]:
    from wagtail.models import Site

    from .service import entry_url, kind_labels

    if not keys:
        return []
    rows = {
        e.sort_key: e
        for e in SearchEntry.objects.using(using)
        .filter(sort_key__in=keys)
        .only(
            "page_id",
            "sort_key",
            "title",
            "date",
            "url_path",
            "kind",
            "unit_id",
            "column_id",
            "document_number",
            "validity",
        )
    }
    labels = kind_labels()
    paths = Site.get_site_root_paths()
    out = []
    for k in keys:
        e = rows.get(k)
        if e is None:
            continue
        out.append(
            ListedItem(
                page_id=e.page_id,
                title=e.title,
                date=e.date,
                url=entry_url(e, request, paths),
                kind=e.kind,
                kind_label=labels.get(e.kind, ""),
                unit_id=e.unit_id,
                column_id=e.column_id,
                document_number=e.document_number,
                validity=e.validity,
            )
        )
    return out


def latest(parent, limit: int = 6, kinds=None, children_only: bool = False, request=None, using="default"):
    """The ``limit`` newest items below ``parent`` (only its own items if ``children_only``); ``kinds``
    is a list of model names, one kind at most (for several kinds, call once per kind)."""
    if parent is None:
        return []
    if kinds and len(kinds) > 1:
        merged = [i for k in kinds for i in latest(parent, limit, [k], children_only, request, using)]
        return sorted(merged, key=lambda i: i.date, reverse=True)[:limit]
    eng = engine_for(using)
    m = _match(parent, kinds, children_only)
    return _items(eng.latest_keys(m, limit), request, using)


def paginate(
    parent,
    page: int = 1,
    per_page: int = 20,
    kinds=None,
    children_only: bool = True,
    request=None,
    using="default",
) -> ListPage:
    """One page of the items below ``parent``, newest first, with the total."""
    eng = engine_for(using)
    m = _match(parent, kinds, children_only)
    total = eng.count(m, 10**9)
    number = min(max(1, int(page or 1)), max(1, -(-total // per_page)))
    keys = eng.fetch(m, "date", per_page, (number - 1) * per_page, total)
    return ListPage(items=_items(keys, request, using), total=total, number=number, per_page=per_page)
