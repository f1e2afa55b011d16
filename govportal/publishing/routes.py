"""The review route table of a locality, read from its policy profile (``[review]`` section).

Every item passes the machine check (错敏信息) and then the profile's ``[[review.pipeline]]`` stages in
order; a stage applies to an item when the item's information category (``info_category``) is among
the stage's ``categories`` (a co-sign stage also needs co-units). Who may act at a stage is a unit
(``own`` = the item's unit, ``co`` = each co-unit, ``*`` = any unit of the locality, or a unit code)
and a set of roles in that unit. Nothing here imports Django models: this is the rules, as data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from govportal.rules.profile import load_profile, profile_section  # noqa: F401  (profile_section: re-exported)

CATEGORIES = ("unit", "government", "major", "repost")
# How strict a category's route is: an item goes through the stricter of its least category (from its
# page type and kind, see ``categories.least_category``) and the one its editor chose.
STRICTNESS = {"repost": 0, "unit": 1, "government": 2, "major": 3}
OWN, CO, ANY = "own", "co", "*"
DEFAULT_WITHDRAW_ROLES = ("section_chief", "deputy_leader", "principal_leader")


class RouteError(ValueError):
    """The profile's route table cannot be used; the message names the profile and the stage."""


@dataclass(frozen=True)
class Stage:
    code: str
    name: str
    unit: str
    roles: tuple[str, ...]
    categories: tuple[str, ...]
    article: str = ""

    @property
    def is_co_sign(self) -> bool:
        return self.unit == CO

    def applies_to(self, category: str, has_co_units: bool) -> bool:
        if category not in self.categories:
            return False
        return has_co_units if self.is_co_sign else True


@dataclass(frozen=True)
class ReviewRules:
    locality: str
    regulation: str
    stages: tuple[Stage, ...]
    checklist: tuple[str, ...] = ()
    checklist_article: str = ""
    gates: tuple[str, ...] = ()
    distinct_reviewers: bool = True
    withdraw_roles: tuple[str, ...] = DEFAULT_WITHDRAW_ROLES
    register_categories: tuple[str, ...] = ("government",)
    # Kinds of information the profile's ``[[review.routes]]`` name (政府文件, 领导讲话 …) → category.
    kind_categories: dict[str, str] = field(default_factory=dict)
    repost_article: str = ""
    notes: list[str] = field(default_factory=list)
    # 初审初校 (a stage the editor role signs): by an editor other than the author where the unit has more
    # than one; ``self_check`` lets a unit's only editor check their own item, recorded as 自校.
    self_check: bool = False
    self_check_article: str = ""

    def stage(self, code: str) -> Stage:
        for s in self.stages:
            if s.code == code:
                return s
        raise KeyError(code)

    def route_for(self, category: str, has_co_units: bool) -> list[Stage]:
        """The human stages an item of this category passes, in order."""
        return [s for s in self.stages if s.applies_to(category, has_co_units)]

    def cite(self, article: str) -> str:
        """'《办法》第X条' for messages shown to users."""
        return f"《{self.regulation}》{article}" if article else f"《{self.regulation}》"


def _strings(value, what: str, locality: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RouteError(f"地区配置 {locality} 的 [review] {what} 应为文字列表。")
    return tuple(value)


def rules_from_sections(locality: str, regulation: str, review: dict, unit_codes: set[str]) -> ReviewRules:
    raw = review.get("pipeline")
    if not raw:
        raise RouteError(
            f"地区配置 {locality} 的 [review] 缺少 [[review.pipeline]] 审核环节表，"
            "无法确定信息发布审核流程（未经审核的信息不得上网发布）。"
        )
    stages: list[Stage] = []
    seen: set[str] = set()
    for n, item in enumerate(raw, start=1):
        code = str(item.get("code", "")).strip()
        where = f"地区配置 {locality} 第 {n} 个审核环节（{code or '无 code'}）"
        if not code or code in seen:
            raise RouteError(f"{where}：code 为空或重复。")
        seen.add(code)
        unit = str(item.get("unit", "")).strip()
        if unit not in (OWN, CO, ANY) and unit not in unit_codes:
            raise RouteError(f"{where}：单位“{unit}”不是 own、co、* 或本地区的单位 code。")
        roles = _strings(item.get("roles"), f"{code}.roles", locality)
        if not roles:
            raise RouteError(f"{where}：没有写明由哪些角色办理（roles）。")
        categories = _strings(item.get("categories"), f"{code}.categories", locality)
        unknown = [c for c in categories if c not in CATEGORIES]
        if unknown or not categories:
            raise RouteError(f"{where}：信息类别 {unknown or '为空'} 不在 {', '.join(CATEGORIES)} 之中。")
        stages.append(
            Stage(
                code=code,
                name=str(item.get("name") or code),
                unit=unit,
                roles=roles,
                categories=categories,
                article=str(item.get("article", "")),
            )
        )
    kind_categories, repost_article = _kind_routes(review.get("routes"), locality)
    if not repost_article:
        repost_stage = next((st for st in stages if st.categories == ("repost",)), None) or next(
            (st for st in stages if "repost" in st.categories), None
        )
        repost_article = repost_stage.article.split("：")[0] if repost_stage else ""
    checklist = _strings(review.get("checklist") or review.get("checks"), "checklist", locality)
    notes = []
    if not checklist:
        notes.append("本地区办法未列审核条目，审核时只需填写意见。")
    for category in CATEGORIES:
        if not any(category in s.categories for s in stages):
            raise RouteError(
                f"地区配置 {locality} 的审核环节表中没有适用于“{category}”类信息的环节：这类信息将无人审核。"
            )
    return ReviewRules(
        locality=locality,
        regulation=regulation,
        stages=tuple(stages),
        checklist=checklist,
        checklist_article=str(review.get("checklist_article", "")),
        gates=_strings(review.get("gates"), "gates", locality),
        distinct_reviewers=bool(review.get("distinct_reviewers", True)),
        withdraw_roles=_strings(review.get("withdraw_roles"), "withdraw_roles", locality)
        or DEFAULT_WITHDRAW_ROLES,
        register_categories=_strings(review.get("register_categories"), "register_categories", locality)
        or ("government",),
        kind_categories=kind_categories,
        repost_article=repost_article,
        notes=notes,
        self_check=bool(review.get("self_check", False)),
        self_check_article=str(review.get("self_check_article", "")),
    )


def _kind_routes(raw, locality: str) -> tuple[dict[str, str], str]:
    """Kind → category from the regulation's own route table (``[[review.routes]]`` with ``category`` and
    ``kinds``); a kind named by two routes takes the stricter category. Also the article of the repost route."""
    kinds: dict[str, str] = {}
    repost_article = ""
    for route in raw or []:
        if not isinstance(route, dict) or "category" not in route:
            continue
        category = str(route["category"])
        if category not in CATEGORIES:
            raise RouteError(
                f"地区配置 {locality} 的审核路线 {route.get('code', '')} 的信息类别“{category}”"
                f"不在 {', '.join(CATEGORIES)} 之中。"
            )
        if category == "repost" and route.get("article"):
            repost_article = str(route["article"])
        for kind in _strings(route.get("kinds"), f"routes.{route.get('code', '')}.kinds", locality):
            if STRICTNESS[category] > STRICTNESS.get(kinds.get(kind, ""), -1):
                kinds[kind] = category
    return kinds, repost_article


@lru_cache(maxsize=32)
def review_rules(locality: str) -> ReviewRules:
    profile = load_profile(locality)
    return rules_from_sections(
        profile.code,
        profile.regulation,
        profile.sections.get("review", {}),
        {u.code for u in profile.units},
    )
