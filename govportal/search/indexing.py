"""Keeping the index in step with the page tree.

Any live, public page whose class subclasses ``portal.models.ItemPage`` has one ``SearchEntry``; the
text, unit, kind, dates, validity and document number are read generically from the specific page, so
new item kinds are indexed without changes here. The entry is written in the same transaction as the
change that causes it:

- saved live (publish, scheduled publish, a script) → indexed from the database row (the row is what
  the public sees: drafts live in revisions), unpublished/expired → removed;
- moved or its slug changed → the entries under it get their new place;
- deleted → removed with the page (foreign key cascade);
- made private (view restriction) → removed; restriction lifted → indexed again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from html import unescape

from django.db import models, transaction
from django.utils.html import strip_tags

from . import analysis, registry
from .models import SearchEntry, sort_key

logger = logging.getLogger(__name__)

MAX_BODY_CHARS = 100_000
# Saves of a page that only touch these fields do not change what the public sees.
DRAFT_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "live_revision",
        "go_live_at",
        "expire_at",
        "translation_key",
    }
)
_SKIP_NAME = re.compile(r"(^|_)(url|urls|email|fax|postcode)$")


def item_base():
    """The page class of items: the portal's ``ItemPage`` (registered in PortalConfig.ready)."""
    return registry.item_base


def item_models() -> list[type]:
    """Every concrete page class that is an item (subclasses ``ItemPage``)."""
    from django.apps import apps

    base = item_base()
    return [m for m in apps.get_models() if issubclass(m, base) and not m._meta.abstract]


def is_item_class(cls) -> bool:
    return cls is not None and issubclass(cls, item_base())


# --- text -----------------------------------------------------------------------------------------------


def _rich_text(value) -> str:
    from wagtail.rich_text import get_text_for_indexing

    return get_text_for_indexing(str(getattr(value, "source", value) or ""))


def field_texts(page) -> list[str]:
    """All the item's text, main text first (see ``split_field_texts``)."""
    main, short = split_field_texts(page)
    return main + short


def split_field_texts(page) -> tuple[list[str], list[str]]:
    """The text of every text field of the item's own class (rich text, stream blocks, plain text),
    in declaration order; choice fields, links and contact details are left out."""
    from wagtail.fields import RichTextField, StreamField
    from wagtail.models import Page

    page_fields = {f.name for f in Page._meta.concrete_fields}
    texts: list[str] = []
    short: list[str] = []  # one-line fields (source, author, index number, ...) go after the text
    for f in page._meta.concrete_fields:
        if f.name in page_fields or f.name == "title":
            continue
        try:
            value = getattr(page, f.name)
        except Exception:  # a broken stream value must not stop indexing
            continue
        if not value:
            continue
        if isinstance(f, RichTextField):
            texts.append(_rich_text(value))
        elif isinstance(f, StreamField):
            try:
                parts = f.stream_block.get_searchable_content(value)
            except Exception:
                parts = []
            texts.extend(unescape(strip_tags(str(p))) for p in parts if p)
        elif isinstance(f, (models.URLField, models.EmailField, models.SlugField)):
            continue
        elif isinstance(f, (models.CharField, models.TextField)) and not f.choices:
            if _SKIP_NAME.search(f.name):
                continue
            (texts if isinstance(f, models.TextField) else short).append(str(value))

    def clean(parts):
        return [" ".join(t.split()) for t in parts if t and t.strip()]

    return clean(texts), clean(short)


# --- entries --------------------------------------------------------------------------------------------


def is_public(page) -> bool:
    return bool(page.live) and not page.get_view_restrictions().exists()


def _ancestors(path: str, steplen: int) -> list[str]:
    # Every ancestor below the tree root (depth 1), nearest last.
    return [path[:i] for i in range(2 * steplen, len(path), steplen)]


def build_entry(page, ancestor_ids: dict[str, int] | None = None) -> SearchEntry:
    """The entry for ``page`` (a specific item page), not saved."""
    from wagtail.models import Page

    steplen = Page.steplen
    paths = _ancestors(page.path, steplen)
    if ancestor_ids is None:
        ancestor_ids = dict(Page.objects.filter(path__in=paths).values_list("path", "id"))
    column_id = ancestor_ids.get(page.path[:-steplen])
    unit_id = getattr(page, "unit_id", None)
    co_units = []
    if hasattr(page, "co_units"):
        co_units = list(page.co_units.values_list("pk", flat=True))
    validity = str(getattr(page, "validity", "") or "")
    number = str(getattr(page, "document_number", "") or "").strip()
    facets = [analysis.facet_ancestor(ancestor_ids[p]) for p in paths if p in ancestor_ids]
    if column_id:
        facets.append(analysis.facet_parent(column_id))
    facets += [analysis.facet_unit(u) for u in dict.fromkeys([unit_id, *co_units]) if u]
    facets.append(analysis.facet_kind(page._meta.model_name))
    if validity:
        facets.append(analysis.facet_validity(validity))
    main, short = split_field_texts(page)
    # Everything is searchable; the passage shown under a result comes from the main text (the one-line
    # fields — source, index number, … — only when there is no main text).
    searchable = "\n".join(main + short)[:MAX_BODY_CHARS]
    body = "\n".join(main or short)[:MAX_BODY_CHARS]
    date = getattr(page, "date", None) or page.first_published_at or page.latest_revision_created_at
    if date is None:
        from django.utils import timezone

        date = timezone.now()
    return SearchEntry(
        page_id=page.pk,
        sort_key=sort_key(date, page.pk),
        path=page.path,
        url_path=page.url_path,
        title=page.title,
        title_seg=analysis.segment(page.title, unigrams=True),
        body=body,
        body_seg=analysis.segment(searchable),
        facets=f" {' '.join(facets)} ",
        kind=page._meta.label_lower,
        unit_id=unit_id,
        column_id=column_id,
        date=date,
        validity=validity[:20],
        document_number=number[:100],
        document_key=analysis.document_key(number),
    )


def index_page(page_or_id) -> SearchEntry | None:
    """Index (or un-index) one page from its database row. Returns the entry, or None if the page is
    not a live public item."""
    from wagtail.models import Page

    pk = getattr(page_or_id, "pk", page_or_id)
    page = Page.objects.filter(pk=pk).first()
    if page is None:
        SearchEntry.objects.filter(page_id=pk).delete()
        return None
    if not is_item_class(page.specific_class):
        return None
    page = page.specific
    if not is_public(page):
        remove(pk)
        return None
    entry = build_entry(page)
    with transaction.atomic():
        # Delete then insert: the full-text triggers see one clean change, whatever the old sort key.
        SearchEntry.objects.filter(page_id=pk).delete()
        entry.save(force_insert=True)
    return entry


def remove(page_id: int) -> None:
    SearchEntry.objects.filter(page_id=page_id).delete()


def reindex_subtree(page) -> int:
    """Index again every item at or below ``page`` (after a move, a slug change, a view restriction
    added or lifted). Entries under its old place are found by page id, so nothing is left behind."""
    from wagtail.models import Page

    ids = set(Page.objects.filter(path__startswith=page.path).values_list("pk", flat=True))
    ids |= set(SearchEntry.objects.filter(page_id__in=ids).values_list("page_id", flat=True))
    count = 0
    for pk in sorted(ids):
        if index_page(pk) is not None:
            count += 1
    return count


def relocate_subtree(page) -> int:
    """After a move or slug change: give the entries at or below ``page`` their new path, URL, column
    and ancestor filters, without segmenting their text again."""
    from wagtail.models import Page

    pages = {
        p["id"]: p for p in Page.objects.filter(path__startswith=page.path).values("id", "path", "url_path")
    }
    entries = list(SearchEntry.objects.filter(page_id__in=pages.keys()))
    if not entries:
        return 0
    steplen = Page.steplen
    wanted = {a for e in entries for a in _ancestors(pages[e.page_id]["path"], steplen)}
    ancestor_ids = dict(Page.objects.filter(path__in=wanted).values_list("path", "id"))
    for e in entries:
        row = pages[e.page_id]
        paths = _ancestors(row["path"], steplen)
        others = [f for f in e.facets.split() if not f.startswith(("p", "c"))]
        facets = [analysis.facet_ancestor(ancestor_ids[p]) for p in paths if p in ancestor_ids]
        parent_id = ancestor_ids.get(row["path"][:-steplen])
        facets += ([analysis.facet_parent(parent_id)] if parent_id else []) + others
        e.path, e.url_path = row["path"], row["url_path"]
        e.column_id = ancestor_ids.get(row["path"][:-steplen])
        e.facets = f" {' '.join(facets)} "
    with transaction.atomic():
        SearchEntry.objects.bulk_update(entries, ["path", "url_path", "column", "facets"], batch_size=500)
    return len(entries)


def rebuild(stdout=None, batch: int = 200) -> int:
    """Rebuild the whole index from the live pages. Returns the number of entries."""
    from wagtail.models import Page

    SearchEntry.objects.all().delete()
    total = 0
    for model in item_models():
        ids = list(model.objects.live().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            with transaction.atomic():
                pages = model.objects.filter(pk__in=chunk).order_by("pk")
                paths = {a for p in pages for a in _ancestors(p.path, Page.steplen)}
                ancestor_ids = dict(Page.objects.filter(path__in=paths).values_list("path", "id"))
                entries = [build_entry(p, ancestor_ids) for p in pages if is_public(p)]
                SearchEntry.objects.bulk_create(entries)
                total += len(entries)
        if stdout is not None and ids:
            stdout.write(f"  {model._meta.verbose_name}：{len(ids)} 条")
    return total


# --- signal handlers ---------------------------------------------------------------------------------------


def _safe(handler):
    """A failure to index must not undo the editor's publish: it is logged (and the savepoint keeps
    the transaction usable); ``govportal rebuild-search-index`` repairs the index."""

    def run(*args, **kwargs):
        try:
            with transaction.atomic():
                handler(*args, **kwargs)
        except Exception:
            logger.exception("全文检索索引更新失败（%s）", handler.__name__)

    run.__name__ = handler.__name__
    return run


def _specific_class(instance):
    try:
        return instance.specific_class
    except Exception:
        return type(instance)


@_safe
def on_page_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    from wagtail.models import Page

    if raw or not isinstance(instance, Page):
        return
    if update_fields is not None and not (set(update_fields) - DRAFT_FIELDS):
        return
    if not is_item_class(_specific_class(instance)):
        return
    if instance.live:
        index_page(instance.pk)
    else:
        remove(instance.pk)


@_safe
def on_page_published(sender, instance, **kwargs):
    if is_item_class(_specific_class(instance)):
        index_page(instance.pk)


@_safe
def on_page_unpublished(sender, instance, **kwargs):
    remove(instance.pk)


@_safe
def on_page_moved(sender, instance, **kwargs):
    relocate_subtree(instance)
    if is_item_class(_specific_class(instance)):
        index_page(instance.pk)


@_safe
def on_slug_changed(sender, instance, **kwargs):
    relocate_subtree(instance)


@_safe
def on_restriction_changed(sender, instance, **kwargs):
    from wagtail.models import Page

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        reindex_subtree(page)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    post_save.connect(on_page_saved, dispatch_uid="search.page_saved")
    page_published.connect(on_page_published, dispatch_uid="search.page_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="search.page_unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="search.page_moved")
    page_slug_changed.connect(on_slug_changed, dispatch_uid="search.slug_changed")
    post_save.connect(on_restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restr_saved")
    post_delete.connect(on_restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restr_del")


def index_pages(pages: Iterable) -> int:
    return sum(1 for p in pages if index_page(p) is not None)
