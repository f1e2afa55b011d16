"""The search itself, as the public page and the back office both call it: ``search(text, filters, …)``.

Order of results ("相关度", the default):
1. items whose document number (文号) is the one typed (钦政办〔2023〕24号, also typed with [] or ()),
   or, for 钦政办〔2023〕, every number of that organ and year;
2. items whose title holds every word of the query;
3. items whose body holds them, newest first.
Within 2 the better match comes first (``title_score``: the query typed as one piece, then the share
of the title it takes) while there are at most ``RANK_LIMIT`` of them, else newest first. "按时间" sorts everything newest first. Counts are exact up to ``COUNT_CAP``, then shown as "more than".
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.utils import timezone

from govportal.accounts.models import Unit

from . import analysis
from .engine import RANK_LIMIT, Match, engine_for
from .indexing import item_models
from .models import SORT_KEY_SCALE, SearchEntry
from .suggest import Suggestion, suggestions

PER_PAGE = 10
COUNT_CAP = 1_000  # counts stop here (shown as 超过 1000 条): counting every match is what costs most
MAX_DOCUMENT_HITS = 50


def _only_site(root_id: int) -> bool:
    """Whether ``root_id`` is the root of the one and only site: then every public item is below it
    and filtering on it would only cost time."""
    from wagtail.models import Page, Site

    paths = Site.get_site_root_paths()
    if len(paths) != 1:
        return False
    key = (root_id, paths[0].root_path)
    if key not in _ONLY_SITE:
        root_path = Page.objects.filter(pk=root_id).values_list("url_path", flat=True).first()
        _ONLY_SITE[key] = root_path == paths[0].root_path
    return _ONLY_SITE[key]


_ONLY_SITE: dict[tuple[int, str], bool] = {}


@dataclass
class Filters:
    site_root_id: int | None = None
    column_id: int | None = None
    unit_id: int | None = None
    kind: str | None = None  # model name, e.g. "policydocumentpage"
    validity: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def facets(self) -> list[str]:
        out = []
        if self.site_root_id and not _only_site(self.site_root_id):
            out.append(analysis.facet_ancestor(self.site_root_id))
        if self.column_id:
            out.append(analysis.facet_ancestor(self.column_id))
        if self.unit_id:
            out.append(analysis.facet_unit(self.unit_id))
        if self.kind:
            out.append(analysis.facet_kind(self.kind))
        if self.validity:
            out.append(analysis.facet_validity(self.validity))
        return out

    def key_range(self) -> tuple[int | None, int | None]:
        tz = timezone.get_current_timezone()
        lo = hi = None
        if self.date_from:
            start = timezone.make_aware(datetime.combine(self.date_from, dtime.min), tz)
            lo = int(start.timestamp()) * SORT_KEY_SCALE
        if self.date_to:
            end = timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), dtime.min), tz)
            hi = int(end.timestamp()) * SORT_KEY_SCALE - 1
        return lo, hi

    @property
    def narrowing(self) -> bool:
        """Whether a filter beyond the site itself is set."""
        return any([self.column_id, self.unit_id, self.kind, self.validity, self.date_from, self.date_to])

    def only_site(self) -> Filters:
        return Filters(site_root_id=self.site_root_id)


@dataclass
class Hit:
    entry: SearchEntry
    tier: str  # "document", "title", "body"
    title_html: str = ""
    snippet_html: str = ""
    url: str = ""
    column_title: str = ""
    unit_name: str = ""
    kind_label: str = ""


@dataclass
class Results:
    query: analysis.Query
    filters: Filters
    sort: str = "relevance"
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    capped: bool = False
    document_total: int = 0
    title_total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    suggestions: list[Suggestion] = field(default_factory=list)
    unfiltered_total: int | None = None
    document_lookup: str = ""
    elapsed_ms: float = 0.0
    engine: str = ""

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(min(self.total, COUNT_CAP) / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1

    def page_range(self, around: int = 3) -> list[int]:
        lo, hi = max(1, self.page - around), min(self.num_pages, self.page + around)
        return list(range(lo, hi + 1))


def _document_entries(lookup: tuple[str, bool], filters: Filters, using: str) -> list[SearchEntry]:
    key, whole = lookup
    qs = SearchEntry.objects.using(using)
    # A range, not LIKE 'key%', so that the index on document_key is used on every database.
    qs = (
        qs.filter(document_key=key)
        if whole
        else qs.filter(document_key__gte=key, document_key__lt=key + "\U0010ffff")
    )
    for f in filters.facets():
        qs = qs.filter(facets__contains=f" {f} ")
    lo, hi = filters.key_range()
    if lo is not None:
        qs = qs.filter(sort_key__gte=lo)
    if hi is not None:
        qs = qs.filter(sort_key__lte=hi)
    return list(qs.order_by("-sort_key")[:MAX_DOCUMENT_HITS])


def search(
    text: str,
    filters: Filters | None = None,
    page: int = 1,
    sort: str = "relevance",
    per_page: int = PER_PAGE,
    using: str = "default",
    suggest: bool = True,
    decorate: bool = True,
    request=None,
) -> Results:
    started = time.perf_counter()
    filters = filters or Filters()
    query = analysis.parse_query(text)
    results = Results(
        query=query, filters=filters, sort=sort if sort in ("relevance", "date") else "relevance"
    )
    results.per_page = per_page
    eng = engine_for(using)
    results.engine = eng.name
    lookup = analysis.document_query(query.text)
    if query.empty and lookup is None:
        return results

    documents: list[SearchEntry] = []
    if lookup is not None:
        results.document_lookup = lookup[0]
        documents = _document_entries(lookup, filters, using)
    results.document_total = len(documents)

    tiers: list[tuple[str, Match | None, int]] = [("document", None, len(documents))]
    if not query.empty:
        base = Match(
            groups=query.groups(),
            facets=filters.facets(),
            key_range=filters.key_range(),
            exclude_keys=[e.sort_key for e in documents],
        )
        in_title = eng.count(base.with_part("title"), COUNT_CAP + 1) if results.sort == "relevance" else 0
        # Every title match is a match: when the titles alone pass the cap, so does the whole count, and the
        # costlier count over whole texts is not needed (a very common word on PostgreSQL: 30 ms of 50).
        total = in_title if in_title > COUNT_CAP else eng.count(base, COUNT_CAP + 1)
        if total and results.sort == "relevance":
            results.title_total = in_title
            tiers.append(("title", base.with_part("title"), in_title))
            tiers.append(("body", base.with_part("body"), max(0, total - in_title)))
        elif total:
            tiers.append(("all", base, total))
        results.capped = total > COUNT_CAP
        results.total = len(documents) + min(total, COUNT_CAP)
    else:
        results.total = len(documents)

    max_page = max(1, math.ceil(min(results.total, COUNT_CAP) / per_page))
    results.page = page = min(max(1, page), max_page)
    offset, need = (page - 1) * per_page, per_page
    picked: list[tuple[str, int]] = []  # (tier, sort_key)
    for tier, match, size in tiers:
        if need <= 0:
            break
        if offset >= size:
            offset -= size
            continue
        take = min(need, size - offset)
        if tier == "document":
            picked += [("document", e.sort_key) for e in documents[offset : offset + take]]
        else:
            if tier == "title" and results.sort == "relevance" and size <= RANK_LIMIT:
                keys = ranked_titles(eng, match, size, query, using)[offset : offset + take]
            else:
                keys = eng.fetch(match, "date", take, offset, size)
            picked += [(tier, k) for k in keys]
        need -= take
        offset = 0

    entries = {
        e.sort_key: e
        for e in SearchEntry.objects.using(using)
        .filter(sort_key__in=[k for _, k in picked])
        .defer("title_seg", "body_seg", "facets")
    }
    results.hits = [Hit(entry=entries[k], tier=t) for t, k in picked if k in entries]
    if decorate:
        decorate_hits(results, request=request, using=using)
    if suggest and results.total == 0:
        results.suggestions = suggestions(query, filters, eng)
        if filters.narrowing and not query.empty:
            results.unfiltered_total = eng.count(
                Match(groups=query.groups(), facets=filters.only_site().facets()), COUNT_CAP + 1
            )
    results.elapsed_ms = (time.perf_counter() - started) * 1000
    return results


def title_score(title: str, query: analysis.Query) -> tuple:
    """How well a title that holds every query word matches: the query typed as one piece first, then
    the share of the title the query words take (a short title that is mostly the query beats a long
    one that mentions it), then an earlier first mention."""
    low = title.lower()
    whole = "".join(query.text.lower().split())
    terms = query.highlight_terms()
    covered = sum(len(s) for s in _covered(low, terms))
    first = min((i for i in (low.find(t) for t in terms) if i >= 0), default=len(low))
    return (whole in low.replace(" ", ""), covered / max(1, len(low)), -first)


def _covered(text: str, terms: list[str]) -> list[str]:
    taken = [False] * len(text)
    out = []
    for t in terms:
        start = text.find(t)
        while start >= 0:
            end = start + len(t)
            if not any(taken[start:end]):
                out.append(t)
                for i in range(start, end):
                    taken[i] = True
            start = text.find(t, end)
    return out


def ranked_titles(eng, match: Match, size: int, query: analysis.Query, using: str) -> list[int]:
    """Sort keys of all the title matches (at most RANK_LIMIT), best match first, then newest. The
    same ranking on every database, computed here from the titles."""
    keys = eng.fetch(match, "date", size, 0, size)
    titles = dict(SearchEntry.objects.using(using).filter(sort_key__in=keys).values_list("sort_key", "title"))
    order = {k: i for i, k in enumerate(keys)}  # newest first
    return sorted(keys, key=lambda k: (title_score(titles.get(k, ""), query), -order[k]), reverse=True)


# --- presenting hits ---------------------------------------------------------------------------------------


@functools.cache
def kind_labels() -> dict[str, str]:
    """Model label (portal.policydocumentpage) → what the public calls it (政策文件)."""

    return {m._meta.label_lower: str(m._meta.verbose_name) for m in item_models()}


def entry_url(entry: SearchEntry, request=None, paths=None) -> str:
    """The public address of an entry, relative when it is on the site being browsed."""
    from wagtail.models import Site

    current = Site.find_for_request(request) if request is not None else None
    paths = Site.get_site_root_paths() if paths is None else paths
    candidates = [srp for srp in paths if entry.url_path.startswith(srp.root_path)]
    if not candidates:
        return ""
    own = [srp for srp in candidates if current is not None and srp.site_id == current.pk]
    best = max(own or candidates, key=lambda srp: len(srp.root_path))
    rel = "/" + entry.url_path[len(best.root_path) :]
    if own or (current is None and len(paths) == 1):
        return rel
    return best.root_url.rstrip("/") + rel


def document_spellings(key: str) -> list[str]:
    """How a document number (key form 钦政办〔2023〕24号) may be written in a text."""
    out = [key]
    for o, c in (("[", "]"), ("(", ")"), ("（", "）"), ("【", "】")):
        out.append(key.replace("〔", o).replace("〕", c))
    return out


def decorate_hits(results: Results, request=None, using: str = "default") -> None:
    from wagtail.models import Page, Site

    terms = results.query.highlight_terms()
    if results.document_lookup:
        # A document number: mark the number itself, not its characters and digits one by one.
        terms = [t for t in terms if len(t) > 1 and not t.isdigit()] + document_spellings(
            results.document_lookup
        )
    column_ids = {h.entry.column_id for h in results.hits if h.entry.column_id}
    unit_ids = {h.entry.unit_id for h in results.hits if h.entry.unit_id}
    columns = (
        dict(Page.objects.using(using).filter(pk__in=column_ids).values_list("pk", "title"))
        if column_ids
        else {}
    )
    units = (
        dict(Unit.objects.using(using).filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    )
    labels = kind_labels()
    paths = Site.get_site_root_paths()
    for h in results.hits:
        e = h.entry
        h.title_html = analysis.highlight(e.title, terms)
        h.snippet_html = analysis.snippet(e.body, [] if h.tier == "document" else terms)
        h.url = entry_url(e, request, paths)
        h.column_title = columns.get(e.column_id, "")
        h.unit_name = units.get(e.unit_id, "")
        h.kind_label = labels.get(e.kind, "")
