"""Lists of items of every kind: the published items below a page, newest first, as rows or as pages, a
page of a list, the item kinds present below a page, and the plain statements the busiest pages use.

Items of different kinds live in different tables; a list that mixes them (a column, the home page, a
feed, the catalogue) takes one UNION query of (id, date) over the kinds, then fetches the page of items
it shows. The number of queries therefore depends on the number of kinds, never on the number of items or
columns.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, connections
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Substr
from wagtail.models import Page, PageViewRestriction

from govportal.search.listing import Sequence, items, latest, newest_columns

from .models import ITEM_KINDS

ITEMS_PER_PAGE = 20
BLOCK_ITEMS = 6


def item_models() -> list:
    """The concrete item kinds, in the order of ``models.ITEM_KINDS``."""
    return [apps.get_model(label) for label in ITEM_KINDS]


def public_only(qs):
    """``qs`` without the pages in a view-restricted section (password, login or groups: the restricted
    page and everything below it), what ``PageQuerySet.public()`` does. The restricted sections are read
    when the statement is built, in one plain statement (a restriction added in another process counts
    at once); a site without any, the usual case, gets no condition at all. As a subquery the condition
    cost more to build than all the rest of the home page's statements."""
    paths = restricted_paths(qs.db)
    if not paths:
        return qs
    hidden = Q()
    for path in paths:
        hidden |= Q(path__startswith=path)
    return qs.exclude(hidden)


def restricted_paths(using: str = "default") -> list[str]:
    """Tree paths of the pages that carry a view restriction."""
    conn = connections[using]
    qn = conn.ops.quote_name
    restriction, page = PageViewRestriction._meta, Page._meta
    # Driven by the (small) restriction table: written as a join, SQLite without statistics scanned every
    # page of the tree first (22 ms at 200,000 items, on every list rendered).
    sql = (
        f"SELECT DISTINCT p.{qn(page.get_field('path').column)} FROM {qn(page.db_table)} p"
        f" WHERE p.{qn(page.pk.column)} IN"
        f" (SELECT r.{qn(restriction.get_field('page').column)} FROM {qn(restriction.db_table)} r)"
    )
    with conn.cursor() as c:
        c.execute(sql)
        return [row[0] for row in c.fetchall()]


def published_below_sql(parent: Page, using: str) -> tuple[str, list]:
    """The condition (page table as ``p``) of ``published(model).descendant_of(parent)``, for the home
    page's few plain statements."""
    sql, params = "p.live AND p.path LIKE %s AND p.depth > %s", [parent.path + "%", parent.depth]
    for path in restricted_paths(using):
        sql += " AND p.path NOT LIKE %s"
        params.append(path + "%")
    return sql, params


def sql_rows(sql: str, params: list, using: str = "default") -> list[tuple]:
    """The rows of one plain statement."""
    with connections[using].cursor() as c:
        c.execute(sql, params)
        return c.fetchall()


def join_page(model) -> str:
    """``<model table> m JOIN <page table> p``: a page kind's own columns as ``m``, the page's as ``p``."""
    qn = quoter()
    return (
        f"{qn(model._meta.db_table)} m JOIN {qn(Page._meta.db_table)} p"
        f" ON p.{qn(Page._meta.pk.column)} = m.{qn(model._meta.pk.column)}"
    )


def quoter():
    """The database's ``quote_name``, for the plain statements."""
    return connection.ops.quote_name


def published(model):
    """The live, public pages of ``model``: what a visitor without a password may see."""
    return public_only(model.objects.live())


def item_ids(filter_qs=None, models=None):
    """A queryset of (page id, date) rows over every item kind, newest first (live and public only)."""
    parts = []
    for model in models or item_models():
        qs = published(model)
        if filter_qs is not None:
            qs = filter_qs(qs)
            if qs is None:
                continue
        parts.append(qs.order_by().values_list("page_ptr_id", "date"))
    if not parts:
        return None
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-date", "-page_ptr_id")


def specific_items(ids: list[int]) -> list:
    """The specific pages for ``ids``, in that order (one query, plus one per kind present)."""
    if not ids:
        return []
    pages = {p.pk: p for p in Page.objects.filter(pk__in=ids).specific()}
    return [pages[i] for i in ids if i in pages]


def latest_items(parent: Page, limit: int = BLOCK_ITEMS, children_only: bool = False, models=None) -> list:
    """The newest items below ``parent`` as specific pages (for feeds and anything needing every field).
    Picked in the search app's listing (one indexed lookup whatever the size of the site), then read."""

    kinds = [m._meta.model_name for m in models] if models else None
    found = latest(parent, limit, kinds=kinds, children_only=children_only)
    return specific_items([i.page_id for i in found])


class ItemRow:
    """What a list shows of an item: title, date, address, and the validity or form where the kind has one.
    Read in the same single query that picks the items, so a list costs one query whatever the kinds."""

    __slots__ = ("pk", "date", "title", "url", "validity", "form")

    def __init__(self, pk, date, title, url_path, validity, form, root_path: str):
        self.pk, self.date, self.title = pk, date, title
        self.url = "/" + url_path[len(root_path) :] if url_path.startswith(root_path) else url_path
        self.validity, self.form = validity or "", form or ""


def _extra(model, name: str):
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist: this kind has no such field
        return Value("", output_field=CharField())
    return F(name)


def item_rows(filter_qs=None, models=None):
    """Like ``item_ids`` but with what a list shows: (id, date, title, url_path, validity, form)."""
    parts = []
    for model in models or item_models():
        qs = published(model)
        if filter_qs is not None:
            qs = filter_qs(qs)
        parts.append(
            qs.order_by()
            .annotate(x_validity=_extra(model, "validity"), x_form=_extra(model, "form"))
            .values_list("page_ptr_id", "date", "title", "url_path", "x_validity", "x_form")
        )
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-date", "-page_ptr_id")


def root_url_path(page: Page) -> str:
    """The ``url_path`` of the site root ``page`` is in (up to its second slash: ``/home/``)."""
    return page.url_path[: _nth_slash(page.url_path, 2) + 1]


def _nth_slash(text: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.index("/", pos + 1)
    return pos


def rows_of(tuples, root_path: str) -> list[ItemRow]:
    return [ItemRow(*t, root_path=root_path) for t in tuples]


KINDS_CACHE_SECONDS = 600


def _kinds_key(path: str) -> str:
    return f"portal:item-kinds:{path[: 2 * Page.steplen]}"


def kinds_below(parent: Page) -> list | None:
    """The item kinds that have live items below ``parent`` (None = unknown, use all kinds).

    Known for the home page, channels and their columns, from one query per site that is cached and
    dropped whenever a page of the site is published, unpublished, moved or deleted (see signals)."""
    site_depth = 2
    if parent.depth > site_depth + 2:
        return None
    key = _kinds_key(parent.path)
    found = cache.get(key)
    if found is None:
        models = item_models()
        cts = ContentType.objects.get_for_models(*models)
        by_ct = {cts[m].pk: m._meta.label_lower for m in models}
        width = (site_depth + 2) * Page.steplen
        rows = (
            Page.objects.live()
            .filter(
                path__startswith=parent.path[: site_depth * Page.steplen], content_type_id__in=list(by_ct)
            )
            .annotate(prefix=Substr("path", 1, width))
            .values_list("prefix", "content_type_id")
            .distinct()
        )
        found = {}
        for prefix, ct in rows:
            found.setdefault(prefix, set()).add(by_ct[ct])
        cache.set(key, found, KINDS_CACHE_SECONDS)
    labels = set()
    for prefix, kinds in found.items():
        if prefix.startswith(parent.path) or parent.path.startswith(prefix):
            labels |= kinds
    return [m for m in item_models() if m._meta.label_lower in labels]


def forget_kinds(path: str) -> None:
    cache.delete(_kinds_key(path))


def latest_rows(
    parent: Page, limit: int = BLOCK_ITEMS, models=None, children_only: bool = False
) -> list[ItemRow]:
    if parent is None:
        return []
    present = kinds_below(parent)
    if present is not None:
        models = [m for m in (models or item_models()) if m in present]
        if not models:
            return []
    if children_only:
        qs = item_rows(lambda q: q.child_of(parent), models)
    else:
        qs = item_rows(lambda q: q.descendant_of(parent), models)
    return rows_of(qs[:limit], root_url_path(parent))


def paginate_items(request, filter_qs, models=None, per_page: int = ITEMS_PER_PAGE):
    qs = item_ids(filter_qs, models)
    if qs is None:
        qs = []
    page_obj = Paginator(qs, per_page).get_page(request.GET.get("page"))
    page_obj.items = specific_items([pk for pk, _ in page_obj.object_list])
    return page_obj


def paginate_rows(request, parent: Page, per_page: int = ITEMS_PER_PAGE):
    """A column's own items, one page of rows: a count and a page of keys in the search app's listing,
    then the rows shown (the same cost at any site size)."""

    page_obj = Paginator(Sequence(parent, children_only=True, request=request), per_page).get_page(
        request.GET.get("page")
    )
    page_obj.items = list(page_obj.object_list)
    return page_obj


def indexed_latest(parent: Page, limit: int, kind: str | None = None, request=None) -> list:
    """The newest items below ``parent`` from the search app's listing (one lookup whatever the kinds,
    columns or items; see ``govportal.search.listing``). Each has ``url``, ``title``, ``date``, ``validity``."""

    if parent is None:
        return []
    present = kinds_below(parent)  # cached: a column with no items costs no lookup at all
    if present is not None and not any(kind in (None, m._meta.model_name) for m in present):
        return []
    return latest(parent, limit, kinds=[kind] if kind else None, request=request)


HOME_SCAN = 300


def bucketed_latest(groups: list, by_pk: dict, request=None, scan: int = HOME_SCAN) -> list[dict]:
    """For each group ``(parent, targets, per)``: the newest ``per`` items of each target column, sorted
    out of one scan of the newest ``scan`` items below ``parent`` (so the number of queries does not depend
    on the number of columns); then the items shown are read in one statement for all groups. A target that
    gets nothing from a full scan is looked up on its own."""

    chosen: list[dict[str, list[int]]] = []
    alone: list[set[str]] = []
    for parent, targets, per in groups:
        out: dict[str, list[int]] = {t.path: [] for t in targets}
        scanned = newest_columns(parent, scan) if parent is not None and targets else []
        for key, column_id in scanned:
            ref = by_pk.get(column_id)
            if ref is None:
                continue
            for t in targets:
                if ref.path.startswith(t.path):
                    if len(out[t.path]) < per:
                        out[t.path].append(key)
                    break
        chosen.append(out)
        alone.append({t.path for t in targets if not out[t.path]} if len(scanned) >= scan else set())
    listed = {
        i.sort_key: i for i in items([k for out in chosen for keys in out.values() for k in keys], request)
    }
    results = []
    for (_parent, targets, per), out, lonely in zip(groups, chosen, alone, strict=True):
        result = {path: [listed[k] for k in keys if k in listed] for path, keys in out.items()}
        for t in targets:
            if t.path in lonely:
                result[t.path] = indexed_latest(t, per, request=request)
        results.append(result)
    return results
