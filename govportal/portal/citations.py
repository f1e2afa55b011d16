"""The article a rule message cites, from the profile of the locality the page belongs to (``[citations]``).

A message is the same everywhere; only its citation differs: 钦州's editor reads “（《钦州市人民政府门户网站
管理办法》第十六条）”, an editor of a locality whose regulation has no such article reads no citation at all —
never another locality's.
"""

from __future__ import annotations

from govportal.accounts.policy import default_locality
from govportal.rules.profile import load_profile

from .homes import home_of


def locality_of_page(page) -> str:
    """The locality of the site ``page`` is in; a page not yet placed: the default site's."""

    home = None
    if page is not None:
        home = page if hasattr(page, "locality") else home_of(page)
    return getattr(home, "locality", "") or default_locality()


def cite(locality: str, rule: str) -> str:
    """“（《regulation》article）” for ``rule`` in ``locality``'s profile, or ""."""

    if not locality:
        return ""
    try:
        text = load_profile(locality).cite(rule)
    except Exception:  # an unknown or broken profile: the message without a citation
        return ""
    return f"（{text}）" if text else ""


def cite_for(page, rule: str) -> str:
    return cite(locality_of_page(page), rule)
