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

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db import connections

from . import analysis
from .engine import Match, engine_for
from .models import SearchEntry
from .service import entry_url, kind_labels


@dataclass
class ListedItem:
    page_id: int
    title: str
    date: datetime
    url_path: str
    kind: str
    kind_label: str
    unit_id: int | None
    column_id: int | None
    document_number: str
    validity: str
    sort_key: int = 0
    where: tuple = field(default=(None, None), repr=False, compare=False)  # (request, site root paths)

    @property
    def pk(self) -> int:
        return self.page_id

    @cached_property
    def url(self) -> str:
        """Worked out when a template shows the item (a home-page scan reads hundreds and shows a few)."""

        return entry_url(self, *self.where)


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


FIELDS = (
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


def _select(keys: list[int], fields: tuple[str, ...], using: str) -> list[tuple]:
    """The index rows of ``keys`` (any order), ``fields`` only, in one plain statement: on a home page of a
    dozen lists, building ORM statements cost more than running them. Dates come out as the ORM gives them
    (aware datetimes on both databases)."""
    if not keys:
        return []
    conn = connections[using]
    meta = SearchEntry._meta
    qn = conn.ops.quote_name
    columns = ", ".join(qn(meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(keys))
    sql = f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {qn(meta.get_field('sort_key').column)} IN ({marks})"
    with conn.cursor() as c:
        c.execute(sql, list(keys))
        rows = c.fetchall()
    if "date" not in fields:
        return rows
    i = fields.index("date")
    field = meta.get_field("date")
    col = field.get_col(meta.db_table)
    converters = conn.ops.get_db_converters(col) + field.get_db_converters(conn)
    out = []
    for row in rows:
        value = row[i]
        for convert in converters:
            value = convert(value, col, conn)
        out.append((*row[:i], value, *row[i + 1 :]))
    return out


def items(keys: list[int], request=None, using: str = "default") -> list[ListedItem]:
    """The listed items of ``keys`` (sort keys from an engine), in the order of ``keys``."""
    from wagtail.models import Site

    if not keys:
        return []
    rows = {r[1]: r for r in _select(keys, FIELDS, using)}
    labels = kind_labels()
    where = (request, Site.get_site_root_paths())
    out = []
    for k in keys:
        r = rows.get(k)
        if r is None:
            continue
        page_id, _, title, date, url_path, kind, unit_id, column_id, number, validity = r
        out.append(
            ListedItem(
                page_id,
                title,
                date,
                url_path,
                kind,
                labels.get(kind, ""),
                unit_id,
                column_id,
                number,
                validity,
                k,
                where,
            )
        )
    return out


def newest_columns(parent, scan: int, using: str = "default") -> list[tuple[int, int | None]]:
    """(sort key, column id) of the ``scan`` newest items below ``parent``, newest first: a home page sorts
    its many lists out of one such scan, then reads only the items it shows (``items``)."""
    if parent is None:
        return []
    keys = engine_for(using).latest_keys(_match(parent, None, False), scan)
    columns = dict(_select(keys, ("sort_key", "column_id"), using))
    return [(k, columns[k]) for k in keys if k in columns]


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
    return items(eng.latest_keys(m, limit), request, using)


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
    return ListPage(items=items(keys, request, using), total=total, number=number, per_page=per_page)


class Sequence:
    """The items below ``parent`` (only its own if ``children_only``), newest first, as a lazy sequence
    for Django's ``Paginator``: ``count()`` is one count in the listing, a slice one fetch of that page's
    keys and one read of their rows, whatever the number of items, kinds or columns. A column's list page
    (first or later) costs the same at 10,000 and at 200,000 items."""

    def __init__(self, parent, kinds=None, children_only: bool = True, request=None, using="default"):
        self.eng = engine_for(using)
        self.match = _match(parent, kinds, children_only)
        self.request, self.using = request, using
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.eng.count(self.match, 10**9)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        keys = self.eng.fetch(self.match, "date", stop - start, start, self.count())
        return items(keys, self.request, self.using)
