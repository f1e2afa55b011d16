"""The narrow interface through which the rest of the platform checks text (错敏信息).

The review's machine-check stage and the editor's "检查" button call these functions. Today they use
the shipped starter registries; the text-check issue fills them from the registries administrators
maintain in the back office, without changing these signatures.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.html import strip_tags

from govportal.textcheck import Checker, Finding


@lru_cache(maxsize=1)
def _default_checker() -> Checker:
    return Checker.default()


def checker(locality: str | None = None) -> Checker:
    """The checker for a locality's site."""
    return _default_checker()


def check_text(text: str, locality: str | None = None) -> list[Finding]:
    return checker(locality).check(text)


def item_text(page) -> str:
    """The text of an item that is checked: title, then every text field, HTML stripped."""
    from wagtail.fields import RichTextField, StreamField

    parts = [page.title]
    for field in page._meta.get_fields():
        if getattr(field, "concrete", False) and isinstance(field, (RichTextField, StreamField)):
            value = getattr(page, field.name)
            parts.append(strip_tags(str(value)))
    return "\n".join(p for p in parts if p)


def check_item(page) -> list[Finding]:
    """Findings for an item (spans are offsets into ``item_text(page)``)."""
    home_locality = getattr(page.get_site().root_page.specific, "locality", None) if page.pk else None
    return check_text(item_text(page), home_locality)
