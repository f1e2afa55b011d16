"""What the open API reads: only what the public site shows.

- items: the search index's entries (``search.models.SearchEntry``), which hold exactly the live items
  outside view-restricted sections (withdrawn, expired, draft and protected items have none); a detail is
  read again from its page and refused unless it is still live and public;
- columns: live columns outside view-restricted sections (``portal.listing.public_only``);
- letters: only those made public, with the public title, text and reply (personal data already removed
  by the hotline centre) and nothing else of the letter;
- statistics: the letter and error-report figures of the public statistics page
  (``interaction.stats``), and counts of the indexed items per kind, column and month.

Lists walk newest first through the index's ``sort_key`` (date in seconds × 10⁸ + page id), the
order the full-text engines keep for every facet (``search.listing``): a page of a site's, column's or
kind's items is one lookup whatever the number of items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from govportal.interaction.models import Letter, Publication
from govportal.interaction.stats import error_report_stats, public_letter_stats
from govportal.portal.listing import public_only
from govportal.portal.models import ColumnPage, HomePage, ItemPage
from govportal.search import analysis, listing
from govportal.search.engine import Match, engine_for
from govportal.search.indexing import is_item_class, is_public
from govportal.search.models import SORT_KEY_SCALE, SearchEntry, sort_key
from govportal.search.service import kind_labels as labels

from .models import ApiConsumer

STATS_CACHE_SECONDS = 300


class NotAllowed(Exception):
    """The consumer's token does not reach this site."""


# --- sites and scope -------------------------------------------------------------------------------------


def sites_of(consumer: ApiConsumer):
    qs = Site.objects.select_related("root_page").order_by("pk")
    if not consumer.all_sites:
        qs = qs.filter(pk__in=consumer.sites.values("pk"))
    return qs


def site_for(consumer: ApiConsumer, site_id: int) -> Site:
    """The site ``site_id`` if the consumer may read it: Site.DoesNotExist if there is none, NotAllowed
    if the token does not reach it."""
    site = Site.objects.select_related("root_page").get(pk=site_id)
    if not consumer.all_sites and not consumer.sites.filter(pk=site.pk).exists():
        raise NotAllowed(site)
    return site


def default_site(consumer: ApiConsumer) -> Site | None:
    """The one site of a token limited to one site (lists without ``site`` read it)."""
    if consumer.all_sites:
        return None
    sites = list(sites_of(consumer)[:2])
    if len(sites) != 1:
        raise NotAllowed("several" if sites else "none")
    return sites[0]


def locality_of(site: Site) -> str:
    home_path = site.root_page.path[: 2 * Page.steplen]
    return HomePage.objects.filter(path=home_path).values_list("locality", flat=True).first() or ""


def root_paths():
    return Site.get_site_root_paths()


def site_of_path(url_path: str, paths, allowed: set[int] | None = None):
    """The site root (``SiteRootPath``) an address belongs to: the deepest one, among ``allowed`` sites
    if given."""
    found = [
        p for p in paths if url_path.startswith(p.root_path) and (allowed is None or p.site_id in allowed)
    ]
    return max(found, key=lambda p: len(p.root_path)) if found else None


def absolute(url_path: str, paths, allowed: set[int] | None = None) -> tuple[int | None, str]:
    """(site id, public address) of a page address."""
    srp = site_of_path(url_path, paths, allowed) or site_of_path(url_path, paths)
    if srp is None:
        return None, ""
    return srp.site_id, srp.root_url.rstrip("/") + "/" + url_path[len(srp.root_path) :]


def allowed_ids(consumer: ApiConsumer) -> set[int] | None:
    return None if consumer.all_sites else set(consumer.sites.values_list("pk", flat=True))


def visible(consumer: ApiConsumer, url_path: str, paths) -> bool:
    allowed = allowed_ids(consumer)
    return allowed is None or site_of_path(url_path, paths, allowed) is not None


# --- columns ---------------------------------------------------------------------------------------------


def columns_of(site: Site) -> list:
    """The site's live public columns in tree order, with their responsible units."""

    root = site.root_page
    qs = public_only(ColumnPage.objects.live().descendant_of(root)).order_by("path").prefetch_related("units")
    return list(qs)


# --- items -----------------------------------------------------------------------------------------------


@dataclass
class ItemFilter:
    site: Site | None = None
    column: Page | None = None
    kind: str | None = None  # model name
    unit_id: int | None = None
    validity: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    document_number: str | None = None


def _day_key(day: date, end: bool) -> int:
    tz = timezone.get_current_timezone()
    moment = timezone.make_aware(datetime.combine(day + timedelta(days=1) if end else day, time.min), tz)
    return int(moment.timestamp()) * SORT_KEY_SCALE - (1 if end else 0)


def item_keys(f: ItemFilter, after: tuple[datetime, int] | None, limit: int) -> list[int]:
    """Sort keys of the next ``limit`` items (newest first) strictly after the cursor ``after``."""
    lo = _day_key(f.date_from, False) if f.date_from else None
    hi = _day_key(f.date_to, True) if f.date_to else None
    if after is not None:
        below = sort_key(after[0], after[1]) - 1
        hi = below if hi is None else min(hi, below)
    if lo is not None and hi is not None and hi < lo:
        return []
    facets = []
    if f.site is not None:
        facets.append(analysis.facet_ancestor(f.site.root_page_id))
    if f.column is not None:
        facets.append(analysis.facet_ancestor(f.column.pk))
    if f.unit_id:
        facets.append(analysis.facet_unit(f.unit_id))
    if f.kind:
        facets.append(analysis.facet_kind(f.kind))
    if f.validity:
        facets.append(analysis.facet_validity(f.validity))
    if f.document_number or not facets:
        # A document number, or everything: the index's own columns (unique sort key, document key).
        qs = SearchEntry.objects.all()
        if f.document_number:
            qs = qs.filter(document_key=analysis.document_key(f.document_number))
        if f.site is not None:
            qs = qs.filter(path__startswith=f.site.root_page.path)
        if f.column is not None:
            qs = qs.filter(path__startswith=f.column.path)
        if f.unit_id:
            qs = qs.filter(facets__contains=f" {analysis.facet_unit(f.unit_id)} ")
        if f.kind:
            qs = qs.filter(facets__contains=f" {analysis.facet_kind(f.kind)} ")
        if f.validity:
            qs = qs.filter(validity=f.validity)
        if lo is not None:
            qs = qs.filter(sort_key__gte=lo)
        if hi is not None:
            qs = qs.filter(sort_key__lte=hi)
        return list(qs.order_by("-sort_key").values_list("sort_key", flat=True)[:limit])
    return engine_for().latest_keys(Match(groups=[], facets=facets, key_range=(lo, hi)), limit)


def entries(keys: list[int]) -> list[SearchEntry]:
    """The index entries of ``keys``, in that order (the text columns left out)."""
    rows = {e.sort_key: e for e in SearchEntry.objects.filter(sort_key__in=keys).only(*listing.FIELDS)}
    return [rows[k] for k in keys if k in rows]


def names(model, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    field = "name" if hasattr(model, "name") else "title"
    return dict(model.objects.filter(pk__in=ids).values_list("pk", field))


def kind_labels() -> dict[str, str]:
    return labels()


def live_public_page(page_id: int):
    """The specific page ``page_id`` if it is still a live public item, else None."""

    page = Page.objects.filter(pk=page_id).first()
    if page is None or not is_item_class(page.specific_class):
        return None
    page = page.specific
    return page if is_public(page) else None


def attachments(page, paths, allowed) -> list[dict]:
    """The page's attachments the public may download (none of a view-restricted collection)."""
    out = []
    for block in getattr(page, "attachments", None) or []:
        try:
            doc = block.value.get("document")
        except AttributeError:
            continue
        if doc is None or doc.collection.get_view_restrictions().exists():
            continue
        url = doc.url
        _, root = absolute(page.url_path, paths, allowed)
        base = root.split("/", 3)[:3] if root.startswith("http") else []
        out.append(
            {
                "title": block.value.get("title") or doc.title,
                "url": ("/".join(base) + url) if base and url.startswith("/") else url,
                "file_size": doc.file_size,
            }
        )
    return out


def own_fields(page) -> list[dict]:
    """The item kind's own plain fields (not the common ones), as (name, label, value) for data sharing."""
    from django.db import models
    from wagtail.fields import RichTextField

    common = {f.name for f in Page._meta.concrete_fields}
    common |= {f.name for f in ItemPage._meta.get_fields() if getattr(f, "concrete", False)}
    plain = (models.CharField, models.TextField, models.DateField, models.IntegerField, models.BooleanField)
    out = []
    for f in page._meta.concrete_fields:
        if f.name in common or not isinstance(f, plain) or not f.editable or f.name.endswith("_ptr"):
            continue
        if isinstance(f, RichTextField) or f.name in page.text_fields:  # the text is in ``html``/``text``
            continue
        value = getattr(page, f.name)
        if value in (None, ""):
            continue
        if f.choices:
            value = getattr(page, f"get_{f.name}_display")()
        elif isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, (date, datetime)):
            value = value.isoformat()
        out.append({"name": f.name, "label": str(f.verbose_name), "value": str(value)})
    return out


# --- letters ---------------------------------------------------------------------------------------------


def published_letters(localities: list[str] | None, after: tuple[datetime, int] | None, limit: int):
    qs = Letter.objects.filter(publication=Publication.PUBLISHED, published_at__isnull=False)
    if localities is not None:
        qs = qs.filter(locality__in=localities)
    if after is not None:
        qs = qs.filter(Q(published_at__lt=after[0]) | Q(published_at=after[0], pk__lt=after[1]))
    return list(
        qs.select_related("reply_unit")
        .order_by("-published_at", "-pk")
        .only(
            "pk",
            "locality",
            "type_name",
            "public_subject",
            "public_content",
            "public_reply",
            "received_at",
            "concluded_at",
            "published_at",
            "reply_unit__name",
        )[:limit]
    )


def letter_url(letter, sites_by_locality: dict[str, Site]) -> str:
    site = sites_by_locality.get(letter.locality)
    path = reverse("interaction:letter", args=[letter.pk])
    return (site.root_url.rstrip("/") + path) if site else path


# --- statistics ------------------------------------------------------------------------------------------


def item_statistics(site: Site, year: int) -> dict:
    """Counts of the site's public items: in all, per kind, per column (with the newest date) and per
    month of ``year``; computed at most every five minutes per site and year."""
    key = f"api:item-stats:{site.pk}:{year}:{timezone.localdate()}"
    found = cache.get(key)
    if found is not None:
        return found
    from django.db.models.functions import TruncMonth

    below = SearchEntry.objects.filter(path__startswith=site.root_page.path)
    labels = kind_labels()
    by_kind = [
        {"kind": r["kind"].split(".")[-1], "label": labels.get(r["kind"], ""), "count": r["n"]}
        for r in below.values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    ]
    counts = {
        r["column_id"]: r for r in below.values("column_id").annotate(n=Count("pk"), latest=Max("date"))
    }
    by_column = []
    for c in columns_of(site):
        r = counts.get(c.pk)
        by_column.append(
            {
                "column_id": c.pk,
                "title": c.title,
                "count": r["n"] if r else 0,
                "latest_date": r["latest"] if r else None,
                "frequency": c.frequency_text,
            }
        )
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime(year, 1, 1), tz)
    end = timezone.make_aware(datetime(year + 1, 1, 1), tz)
    months = {m: 0 for m in range(1, 13)}
    for r in (
        below.filter(date__gte=start, date__lt=end)
        .annotate(month=TruncMonth("date", tzinfo=tz))
        .values("month")
        .annotate(n=Count("pk"))
    ):
        months[
            timezone.localtime(r["month"], tz).month if timezone.is_aware(r["month"]) else r["month"].month
        ] += r["n"]
    result = {
        "total": sum(r["count"] for r in by_kind),
        "by_kind": by_kind,
        "by_column": by_column,
        "by_month": [{"month": f"{year}-{m:02d}", "count": n} for m, n in months.items()],
    }
    cache.set(key, result, STATS_CACHE_SECONDS)
    return result


def letter_statistics(locality: str, year: int) -> dict | None:
    """The figures of the public letter statistics page (信件统计) for ``year``."""
    if not locality:
        return None

    stats = public_letter_stats(locality, year)

    def row(r):
        return {
            "label": r.label,
            "received": r.received,
            "concluded": r.concluded,
            "on_time": r.on_time,
            "on_time_rate": r.on_time_rate,
            "avg_workdays": r.avg_workdays,
            "overdue_open": r.overdue_open,
        }

    errors = error_report_stats(locality, year)
    return {
        "total": row(stats.total),
        "by_type": [row(r) for r in stats.by_type],
        "by_unit": [row(r) for r in stats.by_unit],
        "by_month": [row(r) for r in stats.by_month],
        "rejected": stats.rejected,
        "merged": stats.merged,
        "published": stats.published,
        "error_reports": {
            "received": errors.received,
            "forwarded": errors.forwarded,
            "forwarded_on_time": errors.forwarded_on_time,
            "answered": errors.answered,
            "answered_on_time": errors.answered_on_time,
            "open": errors.open,
        },
    }
