"""The public search page ``/search/`` and the back-office "全站信息检索", over the same ``service.search``."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from wagtail.models import Page, Site

from govportal import ratelimits
from govportal.accounts.models import Unit
from govportal.accounts.permissions import site_home
from govportal.accounts.policy import locality_of
from govportal.ratelimits import client_ip

from . import analysis, registry
from .forms import SearchForm
from .service import search

COLUMN_LEVELS = 3  # the column filter offers channels and two levels of columns below them


def _page_number(value) -> int:
    try:
        return max(1, min(int(str(value)[:7]), 10**6))
    except (TypeError, ValueError):
        return 1


def _column(pk, root: Page | None):
    ColumnPage = registry.column_model
    try:
        pk = int(str(pk)[:12])
    except (TypeError, ValueError):
        return None
    qs = ColumnPage.objects.live().filter(pk=pk)
    if root is not None:
        qs = qs.descendant_of(root)
    return qs.only("pk", "title", "path").first()


def search_context(request, root: Page | None, columns, units, admin: bool = False) -> dict:
    """Everything a search template shows: the form (bound to the request), the results, the notices."""
    data = request.GET
    form = SearchForm(
        data if data else None,
        columns=columns,
        units=units,
        extra_column=_column(data.get("column"), root) if data.get("column") else None,
    )
    context = {"form": form, "results": None, "notices": [], "searched": False}
    if not data:
        return context
    form.is_valid()
    filters = form.filters(root.pk if root is not None else None)
    for name in form.errors:
        field = form.fields.get(name)
        if field is not None:
            # Show exactly what was typed (a date box cannot display an invalid date), marked invalid.
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "text"
            field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}-error"})
    raw = data.get("q", "")
    results = search(raw, filters, page=_page_number(data.get("page")), sort=form.sort_order, request=request)
    context.update(results=results, searched=True)
    notices = context["notices"]
    query = results.query
    if query.truncated:
        notices.append(f"检索词较长（{len(raw)} 字），已按前 {analysis.MAX_QUERY_CHARS} 个字检索。")
    if query.dropped_tokens:
        notices.append(f"检索词过多，已按前 {analysis.MAX_QUERY_TOKENS} 个词检索。")
    if raw.strip() and query.empty and not results.document_lookup:
        notices.append("检索词只包含标点或符号，请输入汉字、字母或数字。")
    base = {k: v for k, v in data.items() if k != "page" and v}
    unsorted = {k: v for k, v in base.items() if k != "sort"}
    context["sort_date_url"] = "?" + urlencode({**unsorted, "sort": "date"})
    context["sort_relevance_url"] = "?" + urlencode(unsorted)
    context["pages"] = [(n, "?" + urlencode({**base, "page": n})) for n in results.page_range()]
    context["first_url"] = "?" + urlencode({**base, "page": 1})
    context["prev_url"] = "?" + urlencode({**base, "page": results.page - 1})
    context["next_url"] = "?" + urlencode({**base, "page": results.page + 1})
    context["last_url"] = "?" + urlencode({**base, "page": results.num_pages})
    context["suggestion_urls"] = [(s, "?" + urlencode({**base, "q": s.text})) for s in results.suggestions]
    context["unfiltered_url"] = "?" + urlencode({"q": data.get("q", "")})
    context["query_shown"] = "" if query.empty and not results.document_lookup else query.text
    return context


def _rate_limited(request, root):
    """Count this query of the public search against the address's limit (govportal.ratelimits,
    ``search``); the calm 429 page when it is passed, else None. An empty /search/ is not counted."""

    if not request.GET:
        return None
    used = ratelimits.usage(request, "search", client_ip(request) or "-", increment=True)
    if not used.exceeded:
        return None
    context = {
        "page": root,
        "limit": ratelimits.describe(used.rate),
        "retry": ratelimits.retry_text(used),
        "query": (request.GET.get("q") or "")[: analysis.MAX_QUERY_CHARS],
    }
    response = render(request, "search/rate_limited.html", context, status=429)
    response["Retry-After"] = str(max(1, used.retry_after))
    response["Cache-Control"] = "no-store"
    return response


def search_view(request):
    site = Site.find_for_request(request)
    root = site.root_page.specific if site else None
    limited = _rate_limited(request, root)
    if limited is not None:
        return limited
    columns = registry.column_tree(root, COLUMN_LEVELS) if root is not None else []
    locality = getattr(root, "locality", "") if root is not None else ""
    units = Unit.objects.filter(locality=locality) if locality else Unit.objects.none()
    units = list(units.order_by("sort_order", "pk").only("pk", "name"))
    context = search_context(request, root, columns, units)
    context["page"] = root
    results = context["results"]
    if results is not None and locality and not results.query.empty and results.page == 1:
        for key, matching in registry.results.items():  # interaction: the published letters
            context[key], context[f"{key}_total"] = matching(locality, results.query.groups())
    response = render(request, "search/search.html", context)
    response["Cache-Control"] = "no-cache"
    return response


def admin_search_view(request):
    """全站信息检索 in the back office: every site's published items, same search; the column and unit
    filters are those of the user's own site (on a province platform every site's would be tens of thousands
    of choices)."""

    locality = locality_of(request.user)
    root = site_home(locality)
    columns = registry.column_tree(root, COLUMN_LEVELS) if root is not None else []
    units = list(Unit.objects.filter(locality=locality).order_by("sort_order", "pk").only("pk", "name"))
    context = search_context(request, None, columns, units, admin=True)
    return render(request, "search/admin_search.html", context)
