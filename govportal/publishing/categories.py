"""The category an item is reviewed in (``unit`` · ``government`` · ``major`` · ``repost``, see
``routes.STRICTNESS``): the least its kind allows, and the stricter of that and its editor's choice. Used by
the review (``review.item_info``), the register (``register.belongs``) and the review pages."""

from __future__ import annotations

from wagtail.models import Page

from govportal.portal.models import PolicyDocumentPage, RepostPage

from .routes import STRICTNESS, review_rules


def is_repost(page) -> bool:
    return isinstance(page, RepostPage)


def item_kinds(page) -> set[str]:
    """The kinds of information ``page`` is, in the words of the regulations' route tables (政府文件,
    政策解读, 政府公告 …): its page type, a policy document's genre, and the titles of its columns."""

    kinds = {getattr(page, "kind_label", "")}
    if isinstance(page, PolicyDocumentPage):
        kinds |= {"政府文件", "政策文件"}
        if getattr(page, "genre", "") in ("公告", "通告"):
            kinds.add("政府公告")
    if getattr(page, "path", None) and getattr(page, "depth", 0) > 3:
        kinds |= set(
            Page.objects.filter(
                path__in=[page.path[:n] for n in range(3 * Page.steplen, len(page.path), Page.steplen)]
            ).values_list("title", flat=True)
        )
    kinds.discard("")
    return kinds


def least_category(page, locality: str) -> str:
    """The least strict category ``page`` may be reviewed in, whatever its editor chose: a repost is a
    repost; a policy document, or an item of a kind the profile's route table sends through the
    government's route (000 Art. 28 (1): 政府公告、政府文件、领导讲话 …; 001 Art. 8 (1)), is at least
    ``government``; of a kind it names as major or sensitive (000 Art. 28 (2)), ``major``."""

    least = "repost" if is_repost(page) else "unit"
    if isinstance(page, PolicyDocumentPage):
        least = "government"
    try:
        table = review_rules(locality).kind_categories if locality else {}
    except Exception:
        table = {}
    for kind in item_kinds(page) if table else ():
        category = table.get(kind)
        if category and STRICTNESS[category] > STRICTNESS[least]:
            least = category
    return least


def review_category(page, locality: str) -> str:
    """The stricter of the item's least category and the one its editor chose. ``repost`` chosen for an
    item that is not a repost counts as ``unit`` (and the submission is refused, see ``repost_refusal``);
    ``unit`` on a repost is the repost route (as the repost form does)."""
    chosen = getattr(page, "info_category", "") or "unit"
    if chosen not in STRICTNESS:
        chosen = "unit"
    if chosen == "repost" and not is_repost(page):
        chosen = "unit"
    if chosen == "unit" and is_repost(page):
        chosen = "repost"
    least = least_category(page, locality)
    return chosen if STRICTNESS[chosen] > STRICTNESS[least] else least
