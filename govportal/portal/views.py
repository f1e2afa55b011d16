"""Public pages: the context each page type needs (the home page, a column, service guides, the disclosure
section), the disclosure catalogue, the site map, sitemap.xml, the feeds and the favicon. The lists come
from ``listing``, the columns and the navigation from ``navigation``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from django import forms
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, strip_tags
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from govportal.accounts.models import Unit
from govportal.search.analysis import document_key
from govportal.search.listing import items, newest_columns
from govportal.search.service import entry_url

from . import registry
from .columns import main_columns
from .homes import home_of
from .index_numbers import TOPIC_CLASSES, scheme_for
from .listing import (
    BLOCK_ITEMS,
    bucketed_latest,
    indexed_latest,
    item_models,
    join_page,
    latest_items,
    latest_rows,
    paginate_items,
    paginate_rows,
    public_only,
    published,
    published_below_sql,
    quoter,
    sql_rows,
)
from .models import (
    SERVICE_THEMES,
    ArticlePage,
    Audience,
    ColumnPage,
    HomePage,
    InterpretationPage,
    ServiceGuidePage,
    SpecialTopicPage,
    SubsiteHomePage,
    SupplyMethod,
)
from .navigation import child_columns, tree_refs

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


# --- home page -----------------------------------------------------------------------------------------


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

    qn = quoter()
    where, params = published_below_sql(parent, "default")
    image = "m." + qn(model._meta.get_field(image_field).column)
    if needs_image:
        where += f" AND {image} IS NOT NULL"
    sql = (
        f"SELECT p.{qn(Page._meta.pk.column)}, p.title, p.url_path, {image}"
        f"{', m.' + qn(model._meta.get_field('accent').column) if accent else ''}"
        f" FROM {join_page(model)} WHERE {where}"
        f" ORDER BY m.{qn(model._meta.get_field('date').column)} DESC LIMIT {int(limit)}"
    )
    paths = Site.get_site_root_paths()
    tiles = [Tile(*row) for row in sql_rows(sql, params)]
    for t in tiles:
        t.url = entry_url(t, request, paths)
    return tiles


def _with_images(*groups: list[Tile]) -> None:
    """Every tile's image, read in one statement for all of them."""
    ids = {t.image_id for tiles in groups for t in tiles if t.image_id}
    images = get_image_model().objects.in_bulk(ids) if ids else {}
    for tiles in groups:
        for t in tiles:
            t.image = images.get(t.image_id)


def home_context(home: Page, request=None) -> dict:
    """Everything the home page shows, in a fixed number of queries whatever the number of columns or
    items: the columns are read once and searched in memory; each list is one lookup in the search app's
    listing of published items."""
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


def _with_forms(items: list) -> list:
    """Interpretations listed with their form (图表图解, 视频解读, …): one statement for the few shown."""
    forms = {}
    if items:
        qn, meta = quoter(), InterpretationPage._meta
        sql = (
            f"SELECT {qn(meta.pk.column)}, {qn(meta.get_field('form').column)} FROM {qn(meta.db_table)}"
            f" WHERE {qn(meta.pk.column)} IN ({', '.join(['%s'] * len(items))})"
        )
        forms = dict(sql_rows(sql, [i.pk for i in items]))
    for item in items:
        item.form = forms.get(item.pk, "")
    return items


def _service_themes(home: Page, limit: int = 8) -> list[str]:
    """The themes of the published service guides below ``home``, in order (政务服务 tiles)."""
    where, params = published_below_sql(home, "default")
    theme = "m." + quoter()(ServiceGuidePage._meta.get_field("theme").column)
    sql = f"SELECT DISTINCT {theme} FROM {join_page(ServiceGuidePage)} WHERE {where} ORDER BY {theme} LIMIT {limit}"
    return [row[0] for row in sql_rows(sql, params)]


# --- columns -------------------------------------------------------------------------------------------


def column_context(column: Page, request) -> dict:
    subcolumns = list(child_columns(column))
    page_obj = paginate_rows(request, column)
    context = {
        "subcolumns": subcolumns,
        "page_obj": page_obj,
        "ancestors": column.get_ancestors().filter(depth__gt=2).specific(),
        "column_layout": "list",
    }
    home = home_of(column)
    if subcolumns and not page_obj.items:
        context["sections"] = subcolumn_sections(column, subcolumns, request=request)
    guides = published(ServiceGuidePage)
    theme = SERVICE_THEME_ALIASES.get(column.title, column.title)
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


def topic_context(topic: Page, request) -> dict:
    """A special topic (专题) lists its own newest items."""
    return {"own_items": latest_rows(topic, 10)}


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
        link = c.link_url if c.supply_method == SupplyMethod.LINK and c.link_url.startswith("/") else ""
        if not found and link in registry.link_column_items:
            # A mailbox column (市长信箱): its public letters, not an empty box.
            home = home_of(column)
            found = registry.link_column_items[link](getattr(home, "locality", "") or "", per_column)
        sections.append({"column": c, "items": found, "link": link})
    return sections


def service_context(request, guides) -> dict:
    """A list of service guides, filterable by audience, theme and matter type, grouped by theme."""
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
    return column.title in scheme_for(home.locality).channels


DISCLOSURE_PARTS = [
    ("guide", "政府信息公开指南", ("公开指南", "信息公开指南")),
    ("rules", "政府信息公开制度", ("公开制度", "公开规定")),
    ("reports", "政府信息公开工作年度报告", ("年度报告", "公开年报")),
    ("request", "依申请公开", ("申请公开", "依申请")),
]


def disclosure_context(channel: Page, home) -> dict:
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
    home = home_of(site.root_page.specific) if site else None
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
    for url_path, published_at in qs[start : start + SITEMAP_LIMIT].iterator(chunk_size=2000):
        lastmod = (
            f"<lastmod>{timezone.localtime(published_at).date().isoformat()}</lastmod>"
            if published_at
            else ""
        )
        out.append(f"<url><loc>{escape(_absolute(request, root, url_path))}</loc>{lastmod}</url>")
    out.append("</urlset>")
    return HttpResponse("\n".join(out), content_type="application/xml; charset=utf-8")


FEED_ITEMS = 20


def column_feed(request, column_id: int, kind: str = "rss"):
    """RSS 2.0 / Atom feed of a column's latest items (descendants included)."""
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
