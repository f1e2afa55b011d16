"""The narrow interface through which the rest of the platform checks text (错敏信息).

* :func:`checker` — the checker of a locality's site, built from the registries administrators maintain
  (``monitoring.models``, seeded from the shipped starter lists on first use), the shipped typo rules and
  the profile's ``[textcheck]`` section; cached per process and rebuilt when any registry entry changes
  (:class:`~govportal.monitoring.models.RegistryVersion`, so every process follows).
* :func:`check_text`, :func:`item_text`, :func:`check_item` — what the review's machine-check stage, the
  editor's "检查" button and the site scan call. Finding spans are offsets into ``item_text(page)``.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from govportal.portal.homes import home_of
from govportal.portal.signals import profile_applied
from govportal.rules.profile import load_profile
from govportal.textcheck import Checker, Finding
from govportal.textcheck.checker import _words
from govportal.textcheck.lexicon import data_file, load_typo_context, load_typos
from govportal.textcheck.typos import HomophoneDetector

from .extract import REQUEST_TIME_LIMIT, document_text
from .models import AllowedDomain, BlockedDomain, FixedExpression, Leader, RegistryVersion, SensitiveWord
from .registries import ensure_seeded

# --- the checker of a locality ---------------------------------------------------------------------------

_lock = threading.RLock()
_cache: dict[tuple[str, bool], tuple[str, Checker]] = {}
_homophones: Any = None
_last_version = ""


def shared_homophones():
    """The pinyin check of set phrases depends on shipped data only: built once per process (~1 s)."""
    global _homophones
    with _lock:
        if _homophones is None:
            _homophones = HomophoneDetector(
                _words(data_file("phrases.txt")), allow=_words(data_file("homophone_allow.txt"))
            )
        return _homophones


@dataclass(frozen=True)
class LinkPolicy:
    """The ``[textcheck]`` section of a locality's profile."""

    forbid_non_gov_links: bool = False
    gov_only_columns: tuple[tuple[str, ...], ...] = ()
    article: str = ""
    regulation: str = ""


@lru_cache(maxsize=32)
def link_policy(locality: str | None) -> LinkPolicy:
    if not locality:
        return LinkPolicy()
    try:
        profile = load_profile(locality)
    except Exception:  # a site without a shipped profile (tests, a locality being set up)
        return LinkPolicy()
    section = profile.sections.get("textcheck") or {}
    columns = tuple(
        tuple(p for p in str(c).split("/") if p)
        for c in section.get("gov_only_columns", [])
        if str(c).strip()
    )
    return LinkPolicy(
        forbid_non_gov_links=bool(section.get("forbid_non_gov_links", False)),
        gov_only_columns=columns,
        article=str(section.get("article", "")),
        regulation=getattr(profile, "regulation", "") or "",
    )


def registry_data(locality: str | None) -> dict[str, Any]:
    """The registries that apply to ``locality`` (its own entries and those for every site), as the
    plain data :class:`~govportal.textcheck.Checker` takes. Seeds the starter lists on first use."""
    from django.db.models import Q

    where = Q(enabled=True) & (Q(locality="") | Q(locality=locality or ""))
    return {
        "sensitive_terms": [w.as_data() for w in SensitiveWord.objects.filter(where)],
        "expressions": [e.as_data() for e in FixedExpression.objects.filter(where)],
        "leaders": [x.as_data() for x in Leader.objects.filter(where)],
        "blocked_domains": list(BlockedDomain.objects.filter(where).values_list("domain", flat=True)),
        "allowed_link_domains": list(AllowedDomain.objects.filter(where).values_list("domain", flat=True)),
    }


def build_checker(data: dict[str, Any], forbid_non_gov: bool = False) -> Checker:
    """A checker from registry data (see :func:`registry_data`) plus the shipped typo rules.

    Module-level and picklable with ``functools.partial``, so ``textcheck.batch.check_many`` can build it in
    worker processes without touching the database."""

    return Checker(
        sensitive_terms=data["sensitive_terms"],
        expressions=data["expressions"],
        leaders=data["leaders"],
        typo_rules=load_typos(data_file("typos.tsv")) + load_typo_context(data_file("typo_context.toml")),
        blocked_domains=data["blocked_domains"],
        allowed_link_domains=data["allowed_link_domains"],
        forbid_non_gov=forbid_non_gov,
        homophones=shared_homophones(),
    )


def checker(locality: str | None = None, *, forbid_non_gov: bool | None = None) -> Checker:
    """The checker for a locality's site (``forbid_non_gov`` defaults to the profile's site-wide rule)."""

    global _last_version
    locality = locality or ""
    version = RegistryVersion.current()
    if version != _last_version:  # a registry or profile changed (perhaps in another process)
        link_policy.cache_clear()
        _last_version = version
    if forbid_non_gov is None:
        forbid_non_gov = link_policy(locality).forbid_non_gov_links
    key = (locality, bool(forbid_non_gov))
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == version:
            return cached[1]
    if ensure_seeded():
        version = RegistryVersion.current()  # seeding bumped it
    data = registry_data(locality)  # read after the version: a change in between only causes a rebuild
    built = build_checker(data, bool(forbid_non_gov))
    with _lock:
        _cache[key] = (version, built)
    return built


def _on_profile_applied(sender=None, **kwargs) -> None:
    """A profile was loaded: its ``[textcheck]`` link policy is read again (``registries`` bumps the version)."""
    link_policy.cache_clear()


def connect_signals() -> None:
    profile_applied.connect(_on_profile_applied, dispatch_uid="textcheck-link-policy-profile-applied")


def clear_cache() -> None:
    with _lock:
        _cache.clear()
    link_policy.cache_clear()


def check_text(
    text: str, locality: str | None = None, *, forbid_non_gov: bool | None = None
) -> list[Finding]:
    return checker(locality, forbid_non_gov=forbid_non_gov).check(text)


# --- the text of an item -----------------------------------------------------------------------------------

_BLOCK_TAGS = (
    "p|div|h[1-6]|li|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|caption|blockquote|pre|section|article|"
    "header|footer|aside|nav|figure|figcaption|hr|address|details|summary"
)
_DROP = re.compile(r"<(script|style|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BR = re.compile(r"<br\s*/?>", re.I)
_BLOCK = re.compile(rf"</?(?:{_BLOCK_TAGS})\b[^>]*>", re.I)
_CELL = re.compile(r"</t[dh]\s*>", re.I)
_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.I | re.S)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_DOC_LINK = re.compile(r"""<a\b[^>]*\blinktype\s*=\s*["']document["'][^>]*\bid\s*=\s*["'](\d+)["']""", re.I)
_DOC_LINK2 = re.compile(r"""<a\b[^>]*\bid\s*=\s*["'](\d+)["'][^>]*\blinktype\s*=\s*["']document["']""", re.I)
_TAG = re.compile(r"<[^>]*>")
_EXTERNAL = re.compile(r"^(?:https?|ftp)://|^www\.", re.I)


def _link_text(m: re.Match) -> str:
    attrs, label = m.group(1), m.group(2)
    href_m = _HREF.search(attrs)
    href = html.unescape(next((g for g in href_m.groups() if g is not None), "")) if href_m else ""
    if href and _EXTERNAL.match(href.strip()):
        href = href.strip()
        visible = _TAG.sub("", label)
        if href.split("://", 1)[-1].rstrip("/") not in html.unescape(visible):
            # the address is part of what is published: the link check needs to see it
            return f"{label}（{href}）"
    return label


def html_to_text(value: str) -> str:
    """Rich text as plain text, one line per paragraph, list item, table row, heading or ``<br>``
    (the secret-marker rules work on line boundaries); external link addresses kept after their label."""
    if not value:
        return ""
    s = _COMMENT.sub("", _DROP.sub("", str(value)))
    if "<" not in s:
        text = html.unescape(s)
    else:
        s = _LINK.sub(_link_text, s)
        s = _BR.sub("\n", s)
        s = _BLOCK.sub("\n", s)
        s = _CELL.sub("\t", s)
        text = html.unescape(_TAG.sub("", s))
    return _tidy(text)


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u3000", "　")
    lines = (line.strip(" \t") for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def document_ids_in_html(value: str) -> list[int]:
    s = str(value or "")
    if "document" not in s:
        return []
    return [int(x) for x in _DOC_LINK.findall(s) + _DOC_LINK2.findall(s)]


# fields that are not text a reader sees, or are checked elsewhere
_SKIP_FIELDS = {
    "slug",
    "url_path",
    "draft_title",
    "path",
    "index_number",
    "latest_revision_created_at",
    "locale",
    "translation_key",
}
_SKIP_BY_MODEL = {
    "portal.columnpage": {"frequency_text", "responsible_text", "note", "link_url"},
    "portal.homepage": {"locality"},
}


@dataclass
class TextPart:
    name: str
    label: str
    text: str
    start: int = 0  # offset in the item text


@dataclass
class ItemText:
    parts: list[TextPart] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.parts)

    def part_at(self, offset: int) -> TextPart | None:
        found = None
        for p in self.parts:
            if p.start <= offset:
                found = p
        return found


@lru_cache(maxsize=128)
def text_fields(model) -> tuple[tuple[str, str, str], ...]:
    """(name, label, how) of the fields of a page model whose text is checked; how is ``plain``, ``rich``
    or ``stream``. Title first, then the item's main text fields, then the others in declaration order."""
    from django.db import models as dj
    from wagtail.fields import RichTextField, StreamField

    skip = _SKIP_FIELDS | _SKIP_BY_MODEL.get(model._meta.label_lower, set())
    out: list[tuple[str, str, str]] = [("title", "标题", "plain")]
    fields = list(model._meta.concrete_fields)
    # an item's main text (portal's ``text_fields``, e.g. the body) right after the title
    main = [n for n in getattr(model, "text_fields", ()) or () if isinstance(n, str)]
    fields.sort(key=lambda f: main.index(f.name) if f.name in main else len(main))
    for f in fields:
        if f.name in skip or f.name == "title" or not f.editable:
            continue
        if isinstance(f, RichTextField):
            how = "rich"
        elif isinstance(f, StreamField):
            how = "stream"
        elif isinstance(f, dj.CharField | dj.TextField) and not f.choices:
            how = "plain"
        else:
            continue
        out.append((f.name, str(f.verbose_name), how))
    return tuple(out)


def _stream_texts(block, raw, out: list[str], docs: list[int]) -> None:
    from wagtail import blocks
    from wagtail.documents.blocks import DocumentChooserBlock

    if raw is None or block is None:
        return
    if isinstance(block, blocks.StreamBlock):
        for child in raw:
            if isinstance(child, dict) and "type" in child:
                _stream_texts(block.child_blocks.get(child["type"]), child.get("value"), out, docs)
    elif isinstance(block, blocks.ListBlock):
        for item in raw:
            value = item.get("value") if isinstance(item, dict) and item.get("type") == "item" else item
            _stream_texts(block.child_block, value, out, docs)
    elif isinstance(block, blocks.StructBlock):
        if isinstance(raw, dict):
            for name, child in block.child_blocks.items():
                _stream_texts(child, raw.get(name), out, docs)
    elif isinstance(block, DocumentChooserBlock):
        if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
            docs.append(int(raw))
    elif isinstance(block, blocks.RichTextBlock | blocks.RawHTMLBlock):
        source = getattr(raw, "source", raw)
        docs.extend(document_ids_in_html(source))
        text = html_to_text(source)
        if text:
            out.append(text)
    elif isinstance(block, blocks.ChoiceBlock | blocks.MultipleChoiceBlock | blocks.StaticBlock):
        return
    elif isinstance(block, blocks.FieldBlock) and isinstance(raw, str):
        text = _tidy(raw)
        if text:
            out.append(text)


def _raw_stream(value) -> Any:
    raw = getattr(value, "raw_data", value)
    if isinstance(raw, str):
        import json

        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    return list(raw or [])


def extract_item_text(model, values: dict[str, Any]) -> ItemText:
    """The checked text of a page of ``model`` whose field values are in ``values`` (a page's attributes,
    or a row of ``Model.objects.values(...)`` — the site scan reads pages that way)."""
    result = ItemText()
    offset = 0
    for name, label, how in text_fields(model):
        value = values.get(name)
        if value is None or value == "":
            continue
        if how == "plain":
            text = _tidy(str(value))
        elif how == "rich":
            source = getattr(value, "source", value)
            result.documents.extend(document_ids_in_html(source))
            text = html_to_text(source)
        else:
            pieces: list[str] = []
            block = model._meta.get_field(name).stream_block
            _stream_texts(block, _raw_stream(value), pieces, result.documents)
            text = "\n".join(pieces)
        if not text:
            continue
        result.parts.append(TextPart(name, label, text, offset))
        offset += len(text) + 1
    return result


def page_text(page) -> ItemText:
    model = type(page)
    return extract_item_text(model, {name: getattr(page, name, None) for name, _, _ in text_fields(model)})


def item_text(page) -> str:
    """The text of an item that is checked: the title, then every text field (plain, rich text and
    StreamField text blocks) one after another; rich text becomes one line per paragraph, list item,
    table row or ``<br>``; external link addresses stay visible after their label."""
    return page_text(page).text


# --- checking an item -----------------------------------------------------------------------------------


def content_version(page):
    """The version of ``page`` to check: a page read from the database that has unsaved-to-live changes
    (a draft, or an item submitted for review) is checked as in its latest revision; an object built in
    memory (an unsaved page, ``revision.as_object()``, a page form's instance) is checked as it is."""
    if not getattr(page, "pk", None) or page._state.adding:
        return page
    specific_class = getattr(page, "specific_class", None)
    specific = page.specific if specific_class is not None and type(page) is not specific_class else page
    if getattr(specific, "has_unpublished_changes", False) and getattr(specific, "latest_revision_id", None):
        try:
            return specific.get_latest_revision_as_object()
        except Exception:  # a revision that no longer loads: check the page as stored
            return specific
    return specific


def locality_of(page) -> str:
    """The locality of the site a page belongs to ("" when it is not under a locality's home page)."""
    return getattr(home_of(page), "locality", "")


def column_path(page, locality: str) -> tuple[str, ...]:
    """Titles of the columns above an item, below its home page."""
    from wagtail.models import Page

    path = getattr(page, "path", "") or ""
    if len(path) < 12:
        return ()
    prefixes = [path[:i] for i in range(12, len(path), 4)]
    return tuple(Page.objects.filter(path__in=prefixes).order_by("path").values_list("title", flat=True))


def forbids_non_gov(page, locality: str) -> bool:
    policy = link_policy(locality)
    if policy.forbid_non_gov_links:
        return True
    if not policy.gov_only_columns:
        return False
    titles = column_path(page, locality)
    return any(titles[: len(p)] == p for p in policy.gov_only_columns)


def check_item(page, *, locality: str | None = None, as_is: bool = False) -> list[Finding]:
    """Findings for an item (spans are offsets into ``item_text(page)`` of the version checked).

    A saved page with a draft is checked as in its latest revision (what was submitted); pass
    ``as_is=True`` to check the object exactly as given (the editor's unsaved form content)."""
    if not as_is:
        page = content_version(page)
    if locality is None:
        locality = locality_of(page)
    return check_text(item_text(page), locality, forbid_non_gov=forbids_non_gov(page, locality))


def check_item_attachments(
    page, *, locality: str | None = None, as_is: bool = False
) -> list[tuple[Any, Any]]:
    """``(document, Extracted)`` and the findings in each attachment an item links (document blocks and
    document links in rich text), where its text can be extracted: ``[(document, extracted, findings)]``."""
    from wagtail.documents import get_document_model

    if not as_is:
        page = content_version(page)
    if locality is None:
        locality = locality_of(page)
    ids = list(dict.fromkeys(page_text(page).documents))
    if not ids:
        return []
    docs = {d.pk: d for d in get_document_model().objects.filter(pk__in=ids)}
    c = checker(locality)
    out = []
    for pk in ids:
        doc = docs.get(pk)
        if doc is None:
            continue
        # a web request (the editor's check, the review): the text the job worker kept, or a short extraction
        extracted = document_text(doc, time_limit=REQUEST_TIME_LIMIT)
        out.append((doc, extracted, c.check(extracted.text) if extracted.text else []))
    return out
