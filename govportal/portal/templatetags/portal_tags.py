"""Template helpers of the public site."""

from __future__ import annotations

import datetime

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from wagtail import hooks

from govportal.portal.listing import latest_rows

register = template.Library()

# Hook other apps implement to show FAQs beside a service guide (钦州办法第十六条: 常见问题).
# ``@hooks.register(SERVICE_GUIDE_FAQS_HOOK) def faqs(page) -> list[dict(question, answer, url)]``.
# Until an app (the letters app: interaction) registers one, the FAQ box renders nothing.
SERVICE_GUIDE_FAQS_HOOK = "portal_service_guide_faqs"
# Hook for the consultation/complaint entry beside a service guide: ``fn(page) -> list[dict(label, url)]``.
SERVICE_GUIDE_ENTRIES_HOOK = "portal_service_guide_entries"


@register.filter(name="is_web_link")
def is_web_url(value) -> bool:
    """An address a link may point to: http(s)://…, or a path of this site ("/…", not "//…"). Anything
    else (javascript:, data:, vbscript:, a scheme hidden behind spaces or control characters) is not."""
    text = str(value or "").strip()
    if not text or any(ord(ch) < 32 or ch == "\\" for ch in text):
        return False
    if text.startswith("/"):
        return not text.startswith("//")
    scheme, sep, rest = text.partition(":")
    return bool(sep) and scheme.lower() in ("http", "https") and rest.startswith("//") and len(rest) > 2


@register.filter
def web_url(value) -> str:
    """``value`` when it is a web address a link may use (see ``is_web_url``), else "#" (a dead link):
    addresses typed in the back office never become javascript: links on a page."""
    return str(value).strip() if is_web_url(value) else "#"


@register.simple_tag
def service_faqs(page) -> list[dict]:
    faqs: list[dict] = []
    for fn in hooks.get_hooks(SERVICE_GUIDE_FAQS_HOOK):
        faqs.extend(fn(page) or [])
    return faqs


@register.simple_tag
def service_entries(page) -> list[dict]:
    entries: list[dict] = []
    for fn in hooks.get_hooks(SERVICE_GUIDE_ENTRIES_HOOK):
        entries.extend(fn(page) or [])
    return entries


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """The current query string with ``page`` set to ``number`` (filters are kept)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    params["page"] = number
    return "?" + params.urlencode()


@register.filter
def page_window(page_obj, size: int = 2):
    """Page numbers around the current one, with None for a gap."""
    n, last = page_obj.number, page_obj.paginator.num_pages
    wanted = sorted({1, last, *range(max(1, n - size), min(last, n + size) + 1)})
    out: list[int | None] = []
    for i in wanted:
        if out and out[-1] is not None and i - out[-1] > 1:
            out.append(None)
        out.append(i)
    return out


@register.filter
def kind_of(page) -> str:
    return getattr(page, "kind_label", "")


@register.filter
def model_name(page) -> str:
    return page._meta.model_name


@register.simple_tag
def topic_section_items(value, page) -> list:
    """The latest items of a special-topic section: from its chosen column, else from the topic itself."""

    source = value.get("source") or page
    if source is None:
        return []
    return latest_rows(source, value.get("count") or 6)


@register.filter
def number(value) -> str:
    """A statistic as it was entered: 9.0 → 9, 452.3 → 452.3; None → —."""
    if value is None or value == "":
        return "—"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _dates(value) -> tuple[str, str]:
    """(ISO 8601, "Y-m-d") of an item's date in the site's time zone, as ``|date:"c"`` and
    ``|date:"Y-m-d"`` would give them."""
    if value is None or value == "":
        return "", ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(), f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


@register.simple_tag
def item_list(items) -> str:
    """The list of items (title, validity when not 有效, date) every list page and home block shows, built
    in Python: the home page shows eight such lists, and as a template loop they cost a fifth of its
    rendering. Takes listed items, rows or pages alike (``url``, ``title``, ``date``, ``validity``)."""
    esc = conditional_escape
    out = ['<ul class="items">']
    for item in items:
        iso, day = _dates(getattr(item, "date", None))
        validity = getattr(item, "validity", "") or ""
        tag = (
            f' <span class="tag tag-invalid">{esc(validity)}</span>'
            if validity and validity != "有效"
            else ""
        )
        out.append(
            f'<li><span class="item-title"><a href="{esc(item.url or "")}">{esc(item.title)}</a>{tag}</span>'
            f' <time datetime="{iso}">{day}</time></li>'
        )
    out.append("</ul>")
    return mark_safe("".join(out))
