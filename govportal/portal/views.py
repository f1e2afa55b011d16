"""Public pages: the context each page type needs, lists of items of every kind, the disclosure catalogue,
the site map, sitemap.xml and the feeds.

Items of different kinds live in different tables; a list that mixes them (a column, the home page, a
feed, the catalogue) takes one UNION query of (id, date) over the kinds, then fetches the page of items
it shows. The number of queries therefore depends on the number of kinds, never on the number of items or
columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from wagtail.models import Page, Site

from govportal.accounts.models import Unit
from govportal.search.analysis import document_key
from govportal.search.listing import Sequence, items, latest, newest_columns
from govportal.search.service import entry_url

from . import registry

ITEMS_PER_PAGE = 20
BLOCK_ITEMS = 6
SERVICE_THEME_ALIASES = {
    "社保": "社会保障",
    "社会保险": "社会保障",
    "医疗健康": "医疗卫生",
    "医疗": "医疗卫生",
    "交通": "交通出行",
    "就业": "就业创业",
    "劳动就业": "就业创业",
    "婚姻生育": "婚育收养",
    "住房保障": "住房",
    "教育信息": "教育",
    "社会福利": "社会救助和福利",
}


# --- items of every kind ------------------------------------------------------------------------------


def item_models() -> list:
    """The concrete item kinds, in the order of ``models.ITEM_KINDS``."""
    from django.apps import apps

    from .models import ITEM_KINDS

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
    from django.db import connections
    from wagtail.models import PageViewRestriction

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


def _published_below(parent: Page, using: str) -> tuple[str, list]:
    """The condition (page table as ``p``) of ``published(model).descendant_of(parent)``, for the home
    page's few plain statements."""
    sql, params = "p.live AND p.path LIKE %s AND p.depth > %s", [parent.path + "%", parent.depth]
    for path in restricted_paths(using):
        sql += " AND p.path NOT LIKE %s"
        params.append(path + "%")
    return sql, params


def _rows(sql: str, params: list, using: str = "default") -> list[tuple]:
    from django.db import connections

    with connections[using].cursor() as c:
        c.execute(sql, params)
        return c.fetchall()


def _join_page(model) -> str:
    """``<model table> m JOIN <page table> p``: a page kind's own columns as ``m``, the page's as ``p``."""
    qn = _qn()
    return (
        f"{qn(model._meta.db_table)} m JOIN {qn(Page._meta.db_table)} p"
        f" ON p.{qn(Page._meta.pk.column)} = m.{qn(model._meta.pk.column)}"
    )


def _qn():
    from django.db import connection

    return connection.ops.quote_name


@dataclass
class Tile:
    """A picture tile of the home page (头条图片, 专题专栏): a page read as a plain row, with its image."""

    pk: int
    title: str
    url_path: str
    image_id: int | None
    accent: str = ""
    url: str = ""
    image: object = None


def _tiles(model, parent: Page, image_field: str, limit: int, request, *, accent=False, needs_image=False):
    """The ``limit`` newest published ``model`` pages below ``parent`` (only those with an image if
    ``needs_image``), newest first, as tiles."""

    qn = _qn()
    where, params = _published_below(parent, "default")
    image = "m." + qn(model._meta.get_field(image_field).column)
    if needs_image:
        where += f" AND {image} IS NOT NULL"
    sql = (
        f"SELECT p.{qn(Page._meta.pk.column)}, p.title, p.url_path, {image}"
        f"{', m.' + qn(model._meta.get_field('accent').column) if accent else ''}"
        f" FROM {_join_page(model)} WHERE {where}"
        f" ORDER BY m.{qn(model._meta.get_field('date').column)} DESC LIMIT {int(limit)}"
    )
    paths = Site.get_site_root_paths()
    tiles = [Tile(*row) for row in _rows(sql, params)]
    for t in tiles:
        t.url = entry_url(t, request, paths)
    return tiles


def _with_images(*groups: list[Tile]) -> None:
    """Every tile's image, read in one statement for all of them."""
    from wagtail.images import get_image_model

    ids = {t.image_id for tiles in groups for t in tiles if t.image_id}
    images = get_image_model().objects.in_bulk(ids) if ids else {}
    for tiles in groups:
        for t in tiles:
            t.image = images.get(t.image_id)


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
    from django.db.models import CharField, F, Value

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


def _root_path(page: Page) -> str:
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
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db.models.functions import Substr

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
    from django.core.cache import cache

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
    return rows_of(qs[:limit], _root_path(parent))


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


# --- navigation ----------------------------------------------------------------------------------------


def _children_columns(page: Page):
    from .models import ColumnPage

    return ColumnPage.objects.child_of(page).live().in_menu().order_by("path")


def channels_for(site_root: Page):
    """The top navigation: the home page's columns shown in menus."""
    return _children_columns(site_root)


def column_tree(site_root: Page, levels: int = 3) -> list[tuple[ColumnRef, int]]:
    """The site's columns shown in menus, ``levels`` deep, in tree order, each with its level (1 = channel);
    sub-sites left out, and a column only when its parents are shown too (one query)."""
    refs = tree_refs(site_root, levels)
    out, shown = [], set()
    for ref in refs:
        if ref.kind != "column" or not ref.show_in_menus:
            continue
        level = (ref.depth - site_root.depth) if site_root.depth > 1 else ref.depth - 1
        if level > 1 and ref.path[: -Page.steplen] not in shown:
            continue
        shown.add(ref.path)
        out.append((ref, level))
    return out


class ColumnRef:
    """What a link to a column needs (title, address, place in the tree), read with ``values_list``: a
    page of the site's navigation costs no model instances."""

    __slots__ = ("pk", "title", "path", "depth", "url", "show_in_menus", "kind")

    def __init__(self, pk, title, path, depth, url_path, show_in_menus, kind, root_path):
        self.pk, self.title, self.path, self.depth, self.show_in_menus, self.kind = (
            pk,
            title,
            path,
            depth,
            show_in_menus,
            kind,
        )
        self.url = "/" + url_path[len(root_path) :] if url_path.startswith(root_path) else url_path

    def __str__(self) -> str:
        return self.title


def tree_refs(root: Page, levels: int) -> list[ColumnRef]:
    """The live pages ``levels`` deep below ``root`` that are columns or the sub-site index, in tree order."""
    from django.contrib.contenttypes.models import ContentType

    from .models import ColumnPage, SubsiteIndexPage

    cts = ContentType.objects.get_for_models(ColumnPage, SubsiteIndexPage)
    kinds = {cts[ColumnPage].pk: "column", cts[SubsiteIndexPage].pk: "subsites"}
    qn = _qn()
    sql = (  # one plain statement: on the home page, building it through the ORM cost more than running it
        f"SELECT {qn(Page._meta.pk.column)}, title, path, depth, url_path, show_in_menus, content_type_id"
        f" FROM {qn(Page._meta.db_table)} WHERE live AND path LIKE %s AND depth > %s AND depth <= %s"
        f" AND content_type_id IN (%s, %s) ORDER BY path"
    )
    rows = _rows(sql, [root.path + "%", root.depth, root.depth + levels, *kinds])
    root_path = _root_path(root) if root.depth > 1 else root.url_path
    return [ColumnRef(pk, t, p, d, u, m, kinds[ct], root_path) for pk, t, p, d, u, m, ct in rows]


def nav_for(site_root: Page) -> list[ColumnRef]:
    return [c for c in tree_refs(site_root, 1) if c.kind == "column" and c.show_in_menus]


def _home_of(page: Page):
    from .models import HomePage

    if isinstance(page, HomePage):
        return page
    return HomePage.objects.filter(path=page.path[: 2 * Page.steplen]).first()


def _find_column(home: Page, *words: str, depth: int | None = None):
    """The first live column below ``home`` (sub-sites excluded) whose title contains one of ``words``."""
    from .columns import main_columns

    query = Q()
    for word in words:
        query |= Q(title__contains=word)
    qs = main_columns(home).live().filter(query)
    if depth is not None:
        qs = qs.filter(depth=depth)
    return qs.first()


# --- home page -----------------------------------------------------------------------------------------


def indexed_latest(parent: Page, limit: int, kind: str | None = None, request=None) -> list:
    """The newest items below ``parent`` from the search app's listing (one lookup whatever the kinds,
    columns or items; see ``govportal.search.listing``). Each has ``url``, ``title``, ``date``, ``validity``."""

    if parent is None:
        return []
    present = kinds_below(parent)  # cached: a column with no items costs no lookup at all
    if present is not None and not any(kind in (None, m._meta.model_name) for m in present):
        return []
    return latest(parent, limit, kinds=[kind] if kind else None, request=request)


def home_context(home: Page, request=None) -> dict:
    """Everything the home page shows, in a fixed number of queries whatever the number of columns or
    items: the columns are read once and searched in memory; each list is one lookup in the search app's
    listing of published items."""
    from .models import ArticlePage, SpecialTopicPage

    refs = tree_refs(home, 3)
    prefix = next((r.path for r in refs if r.kind == "subsites"), "~")
    columns = [c for c in refs if c.kind == "column" and not c.path.startswith(prefix)]

    def find(*words, depth=None):
        for c in columns:
            if (depth is None or c.depth == depth) and any(w in c.title for w in words):
                return c
        return None

    def children(parent, menus_only=True):
        if parent is None:
            return []
        return [
            c
            for c in columns
            if c.depth == parent.depth + 1
            and c.path.startswith(parent.path)
            and (c.show_in_menus or not menus_only)
        ]

    by_pk = {c.pk: c for c in columns}
    top = home.depth + 1
    channels = children(home)
    news_channel = find("动态", "要闻", "新闻", depth=top)
    news_columns = children(news_channel)[:4]
    notices = find("通知公告")
    interaction = find("互动", depth=top)
    services = find("办事指南") or find("政务服务", "办事服务", depth=top)
    disclosure = find("政府信息公开", "信息公开", "政务公开", depth=top)
    topics_column = find("专题", depth=top)
    featured = (news_channel, interaction, services, disclosure, topics_column, notices)
    step = len(home.path) + Page.steplen
    shown = {c.path[:step] for c in featured if c}
    block_channels = [c for c in channels if c.path not in shown][:6]
    news_items, block_items = bucketed_latest(
        [(news_channel, news_columns, 7), (home, block_channels, BLOCK_ITEMS)], by_pk, request
    )
    news_blocks = [{"column": c, "items": news_items[c.path]} for c in news_columns]
    if news_channel and not news_blocks:
        news_blocks = [{"column": news_channel, "items": indexed_latest(news_channel, 7, request=request)}]
    blocks = [
        {"channel": ch, "items": block_items[ch.path], "columns": children(ch)[:8]} for ch in block_channels
    ]
    headlines = _tiles(ArticlePage, news_channel or home, "image", 1, request, needs_image=True)
    topics = _tiles(SpecialTopicPage, home, "banner", 4, request, accent=True)
    _with_images(headlines, topics)
    site_root = (
        request is not None and getattr(Site.find_for_request(request), "root_page_id", None) == home.pk
    )
    return {
        "channels": channels,
        **({"nav_channels": channels, "site_title": home.title} if site_root else {}),
        "headline": headlines[0] if headlines else None,
        "news_blocks": news_blocks,
        "news_channel": news_channel,
        "notices_column": notices,
        "notices": indexed_latest(notices, 7, request=request),
        "policies": indexed_latest(home, 7, "policydocumentpage", request),
        "interpretations": _with_forms(indexed_latest(home, 5, "interpretationpage", request)),
        "disclosure": disclosure,
        "services": services,
        "service_themes": _service_themes(home),
        "interaction": interaction,
        "interaction_columns": children(interaction),
        "mailbox_name": _mailbox_name(home),
        "topics_column": topics_column,
        "topics": topics,
        "blocks": blocks,
        "latest": [] if news_blocks else indexed_latest(home, 8, request=request),
    }


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


def _with_forms(items: list) -> list:
    """Interpretations listed with their form (图表图解, 视频解读, …): one statement for the few shown."""
    from .models import InterpretationPage

    forms = {}
    if items:
        qn, meta = _qn(), InterpretationPage._meta
        sql = (
            f"SELECT {qn(meta.pk.column)}, {qn(meta.get_field('form').column)} FROM {qn(meta.db_table)}"
            f" WHERE {qn(meta.pk.column)} IN ({', '.join(['%s'] * len(items))})"
        )
        forms = dict(_rows(sql, [i.pk for i in items]))
    for item in items:
        item.form = forms.get(item.pk, "")
    return items


def _service_themes(home: Page, limit: int = 8) -> list[str]:
    """The themes of the published service guides below ``home``, in order (政务服务 tiles)."""
    from .models import ServiceGuidePage

    where, params = _published_below(home, "default")
    theme = "m." + _qn()(ServiceGuidePage._meta.get_field("theme").column)
    sql = f"SELECT DISTINCT {theme} FROM {_join_page(ServiceGuidePage)} WHERE {where} ORDER BY {theme} LIMIT {limit}"
    return [row[0] for row in _rows(sql, params)]


# --- columns -------------------------------------------------------------------------------------------


def column_context(column: Page, request) -> dict:
    from .models import ServiceGuidePage

    subcolumns = list(_children_columns(column))
    page_obj = paginate_rows(request, column)
    context = {
        "subcolumns": subcolumns,
        "page_obj": page_obj,
        "ancestors": column.get_ancestors().filter(depth__gt=2).specific(),
        "column_layout": "list",
    }
    home = _home_of(column)
    if subcolumns and not page_obj.items:
        context["sections"] = subcolumn_sections(column, subcolumns, request=request)
    guides = published(ServiceGuidePage)
    theme = SERVICE_THEME_ALIASES.get(column.title, column.title)
    from .models import SERVICE_THEMES

    if guides.descendant_of(column).exists():
        context.update(service_context(request, guides.descendant_of(column)))
    elif (
        home is not None
        and theme in SERVICE_THEMES
        and guides.descendant_of(home).filter(theme=theme).exists()
    ):
        context.update(service_context(request, guides.descendant_of(home).filter(theme=theme)))
    if home is not None and column.depth == home.depth + 1 and is_disclosure_channel(column, home):
        context.update(disclosure_context(column, home))
    context["is_catalogue"] = "公开目录" in column.title
    if context["is_catalogue"] and home is not None:
        context.update(catalogue_context(request, home))
    return context


def subcolumn_sections(
    column: Page, subcolumns: list, per_column: int = 5, scan: int = 3000, request=None
) -> list[dict]:
    """Each sub-column with its latest items, in a fixed number of queries: one scan of the newest
    ``scan`` items below the column in the search app's listing, bucketed by sub-column; a sub-column left
    empty by the scan while older items exist is looked up on its own."""

    buckets: dict[str, list[int]] = {c.path: [] for c in subcolumns}
    length = len(column.path) + Page.steplen
    scanned = newest_columns(column, scan)
    where = dict(Page.objects.filter(pk__in={c for _, c in scanned if c}).values_list("pk", "path"))
    for key, column_id in scanned:
        bucket = buckets.get(where.get(column_id, "")[:length])
        if bucket is not None and len(bucket) < per_column:
            bucket.append(key)
    listed = {i.sort_key: i for i in items([k for keys in buckets.values() for k in keys], request)}
    sections = []
    for c in subcolumns:
        found = [listed[k] for k in buckets[c.path] if k in listed]
        if not found and len(scanned) >= scan:
            found = latest_rows(c, per_column)
        from .models import SupplyMethod

        link = c.link_url if c.supply_method == SupplyMethod.LINK and c.link_url.startswith("/") else ""
        if not found and link in registry.link_column_items:
            # A mailbox column (市长信箱): its public letters, not an empty box.
            home = _home_of(column)
            found = registry.link_column_items[link](getattr(home, "locality", "") or "", per_column)
        sections.append({"column": c, "items": found, "link": link})
    return sections


def service_context(request, guides) -> dict:
    """A list of service guides, filterable by audience, theme and matter type, grouped by theme."""
    from .models import Audience

    audience = request.GET.get("audience", "")
    theme = request.GET.get("theme", "")
    all_themes = list(guides.order_by("theme").values_list("theme", flat=True).distinct())
    qs = guides
    if audience in (Audience.PERSONAL, Audience.LEGAL):
        qs = qs.filter(audience__in=[audience, Audience.BOTH])
    if theme:
        qs = qs.filter(theme=theme)
    groups: dict[str, list] = {}
    for guide in qs.order_by("theme", "title").only("title", "url_path", "theme", "audience", "matter_type"):
        groups.setdefault(guide.theme, []).append(guide)
    return {
        "column_layout": "services",
        "guide_groups": list(groups.items()),
        "guide_themes": all_themes,
        "guide_audience": audience,
        "guide_theme": theme,
        "audiences": [(Audience.PERSONAL, "个人办事"), (Audience.LEGAL, "法人办事")],
    }


# --- the disclosure section (政府信息公开) --------------------------------------------------------------


def is_disclosure_channel(column: Page, home) -> bool:
    from .index_numbers import scheme_for

    return column.title in scheme_for(home.locality).channels


DISCLOSURE_PARTS = [
    ("guide", "政府信息公开指南", ("公开指南", "信息公开指南")),
    ("rules", "政府信息公开制度", ("公开制度", "公开规定")),
    ("reports", "政府信息公开工作年度报告", ("年度报告", "公开年报")),
    ("request", "依申请公开", ("申请公开", "依申请")),
]


def disclosure_context(channel: Page, home) -> dict:
    from .columns import main_columns

    descendants = main_columns(home).live().descendant_of(channel)
    parts = []
    for key, label, words in DISCLOSURE_PARTS:
        q = Q()
        for w in words:
            q |= Q(title__contains=w)
        col = descendants.filter(q).first()
        parts.append(
            {"key": key, "label": label, "column": col, "items": latest_items(col, 3) if col else []}
        )
    statutory = descendants.filter(Q(title__contains="法定主动公开") | Q(title="主动公开")).first()
    tree = []
    if statutory is not None:
        tree = [(c, c.depth - statutory.depth) for c in descendants.descendant_of(statutory).order_by("path")]
    return {
        "column_layout": "disclosure",
        "disclosure_recent": latest_rows(channel, 8),
        "disclosure_parts": parts,
        "statutory": statutory,
        "statutory_tree": tree,
    }


class CatalogueForm(forms.Form):
    q = forms.CharField(label="名称", required=False, max_length=100)
    index_number = forms.CharField(label="索引号", required=False, max_length=80)
    document_number = forms.CharField(label="文号", required=False, max_length=80)
    unit = forms.TypedChoiceField(label="发布机构", required=False, coerce=int, empty_value=None)
    topic = forms.ChoiceField(label="主题分类", required=False)
    kind = forms.ChoiceField(label="信息类别", required=False)
    date_from = forms.DateField(
        label="发布日期从", required=False, error_messages={"invalid": "日期格式应为 2026-01-31。"}
    )
    date_to = forms.DateField(
        label="至", required=False, error_messages={"invalid": "日期格式应为 2026-01-31。"}
    )

    def __init__(self, data, units, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        from .index_numbers import TOPIC_CLASSES

        self.fields["unit"].choices = [("", "全部机构")] + [(u.pk, u.name) for u in units]
        self.fields["topic"].choices = [("", "全部主题")] + [(n, n) for _, n in TOPIC_CLASSES]
        self.fields["kind"].choices = [("", "全部类别")] + [
            (m._meta.model_name, m.kind_label) for m in item_models()
        ]

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("date_from"), cleaned.get("date_to")
        if a and b and a > b:
            self.add_error("date_to", "结束日期不能早于开始日期。")
        return cleaned


def catalogue_context(request, home) -> dict:
    units = list(Unit.objects.filter(locality=home.locality).only("pk", "name", "kind"))
    form = CatalogueForm(request.GET or None, units)
    f = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        # Keep every valid filter; drop only the fields in error (the form shows why).
        f = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
    models = item_models()
    if f.get("kind"):
        models = [m for m in models if m._meta.model_name == f["kind"]]
    if f.get("document_number"):
        models = [m for m in models if hasattr(m, "document_number")]

    chosen = next((u for u in units if u.pk == f.get("unit")), None) if f.get("unit") else None

    def narrow(qs):
        qs = qs.descendant_of(home).exclude(index_number="")
        if f.get("q"):
            qs = qs.filter(title__icontains=f["q"])
        if f.get("index_number"):
            qs = qs.filter(index_number__icontains=f["index_number"])
        if f.get("document_number"):
            # one spelling of 文号 for input, catalogue and search: [] 【】 （） are 〔〕 (issue #19)
            qs = qs.filter(document_number__icontains=document_key(f["document_number"]))
        if chosen is not None:
            # 发布机构 as the list shows it: the issuing organ of a document (jointly issued ones name
            # several), else the publishing unit, else the site's host office.
            match = Q(unit_id=chosen.pk)
            if hasattr(qs.model, "issuing_organ"):
                match |= Q(issuing_organ__contains=chosen.name)
                no_organ = Q(issuing_organ="")
            else:
                no_organ = Q()
            if getattr(chosen, "kind", "") == "host_office":
                match |= Q(unit__isnull=True) & no_organ
            qs = qs.filter(match)
        if f.get("topic"):
            qs = qs.filter(topic=f["topic"])
        if f.get("date_from"):
            qs = qs.filter(date__gte=timezone.make_aware(datetime.combine(f["date_from"], time.min)))
        if f.get("date_to"):
            qs = qs.filter(date__lte=timezone.make_aware(datetime.combine(f["date_to"], time.max)))
        return qs

    page_obj = paginate_items(request, narrow, models)
    unit_names = {u.pk: u.name for u in units}
    host = next((u.name for u in units if getattr(u, "kind", "") == "host_office"), "")
    for item in page_obj.items:
        # 发布机构: the issuing organ of a document, else the publishing unit, else the site's host office.
        item.organ_name = getattr(item, "issuing_organ", "") or unit_names.get(item.unit_id) or host
    params = request.GET.copy()
    params.pop("page", None)
    return {"catalogue_form": form, "catalogue_page": page_obj, "catalogue_query": params.urlencode()}


def catalogue(request):
    """政府信息公开目录 (条例第十二条: 索引、名称、内容概述、生成日期), filterable by each field."""
    site = Site.find_for_request(request)
    home = _home_of(site.root_page.specific) if site else None
    if home is None:
        raise Http404
    context = catalogue_context(request, home)
    context.update({"page": home, "catalogue_title": "政府信息公开目录"})
    return render(request, "portal/catalogue.html", context)


# --- site map, sitemap.xml, feeds ------------------------------------------------------------------------


def site_map(request):
    site = Site.find_for_request(request)
    root = site.root_page if site else None
    channels = []
    subsites = []
    if root is not None:
        from .models import ColumnPage, SubsiteHomePage

        columns = list(ColumnPage.objects.descendant_of(root).live().in_menu().order_by("path"))
        current = None
        for c in columns:
            level = c.depth - root.depth
            if level == 1:
                current = {"channel": c, "columns": []}
                channels.append(current)
            elif current is not None and c.path.startswith(current["channel"].path):
                current["columns"].append((c, level))
        subsites = list(SubsiteHomePage.objects.descendant_of(root).live().order_by("title"))
    return render(
        request,
        "portal/site_map.html",
        {"channels": channels, "subsites": subsites, "page": root},
    )


SITEMAP_LIMIT = 50_000  # sitemaps.org: at most 50,000 URLs per file


def _site_pages(request):
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    root = site.root_page
    from .models import ColumnPage, SupplyMethod

    link_columns = ColumnPage.objects.filter(supply_method=SupplyMethod.LINK).values("pk")
    qs = (
        Page.objects.live()
        .public()
        .descendant_of(root, inclusive=True)
        .exclude(pk__in=link_columns)
        .order_by("path")
        .values_list("url_path", "last_published_at")
    )
    return site, root, qs


def _absolute(request, root, url_path: str) -> str:
    return request.build_absolute_uri("/" + url_path[len(root.url_path) :])


def sitemap_xml(request, section: int | None = None):
    from django.utils.html import escape

    site, root, qs = _site_pages(request)
    total = qs.count()
    if section is None and total > SITEMAP_LIMIT:
        parts = (total + SITEMAP_LIMIT - 1) // SITEMAP_LIMIT
        body = "".join(
            f"<sitemap><loc>{escape(request.build_absolute_uri(f'/sitemap-{n}.xml'))}</loc></sitemap>"
            for n in range(1, parts + 1)
        )
        xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>'
        return HttpResponse(xml, content_type="application/xml; charset=utf-8")
    start = ((section or 1) - 1) * SITEMAP_LIMIT
    if section is not None and start >= max(total, 1):
        raise Http404
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    for url_path, published in qs[start : start + SITEMAP_LIMIT].iterator(chunk_size=2000):
        lastmod = (
            f"<lastmod>{timezone.localtime(published).date().isoformat()}</lastmod>" if published else ""
        )
        out.append(f"<url><loc>{escape(_absolute(request, root, url_path))}</loc>{lastmod}</url>")
    out.append("</urlset>")
    return HttpResponse("\n".join(out), content_type="application/xml; charset=utf-8")


FEED_ITEMS = 20


def column_feed(request, column_id: int, kind: str = "rss"):
    """RSS 2.0 / Atom feed of a column's latest items (descendants included)."""
    from django.utils.html import strip_tags

    from .models import ColumnPage, HomePage, SubsiteHomePage

    site = Site.find_for_request(request)
    column = public_only(Page.objects.live()).filter(pk=column_id).specific().first()
    if (
        column is None
        or site is None
        or not isinstance(column, ColumnPage | HomePage | SubsiteHomePage)
        or not column.path.startswith(site.root_page.path)
    ):
        raise Http404("没有这个栏目。")
    site_name = site.site_name or site.root_page.title
    feed_class = Atom1Feed if kind == "atom" else Rss201rev2Feed
    feed = feed_class(
        title=f"{column.title} - {site_name}",
        link=request.build_absolute_uri(column.get_url(request)),
        description=getattr(column, "content_description", "") or f"{site_name}{column.title}栏目的最新信息",
        language="zh-cn",
        feed_url=request.build_absolute_uri(),
    )
    for item in latest_items(column, FEED_ITEMS):
        text = item.summary or strip_tags(item.content_html())[:200]
        feed.add_item(
            title=item.title,
            link=request.build_absolute_uri(item.get_url(request)),
            description=text,
            pubdate=item.date,
            unique_id=request.build_absolute_uri(item.get_url(request)),
            author_name=item.source or None,
            categories=[item.kind_label],
        )
    response = HttpResponse(content_type=f"{feed.content_type}")
    feed.write(response, "utf-8")
    return response


FAVICON = Path(__file__).resolve().parents[1] / "static" / "img" / "favicon.ico"


def favicon(request):
    """``/favicon.ico``: browsers ask for it on every site; the platform ships a small icon (issue #19)."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _mailbox_name(home) -> str:
    """The mailbox's name in the loaded profile (e.g. 市长信箱), for the home page's 我要写信 entry."""
    if registry.mailbox_name is None:
        return ""
    try:
        return registry.mailbox_name(getattr(home, "locality", "") or "")
    except Exception:  # no letter rules for this site: the template's default name
        return ""
