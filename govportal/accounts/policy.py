"""The account rules of a locality, read from its policy profile.

``[password]`` (length, character classes, change period, history) and ``[accounts]`` (two-factor roles,
idle minutes, training before duty, hand-over duties) of ``govportal/profiles/<loc>/profile.toml``; a
profile that says nothing gets the platform floor, cited as such. Messages name the article of the
locality whose rules apply — the person's own unit's locality, never another one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings

from govportal.rules.profile import load_profile

from .models import AccountSecurity, Role

# GB/T 22239—2019 (网络安全等级保护基本要求) asks at level 2 that passwords be complex and changed
# regularly, that failed logins be handled and idle sessions end; it gives no numbers, so the platform
# takes the common floor: 8 characters of 3 of the 4 classes, changed every 90 days, no reuse of the last 5.
FLOOR_CITATION = "《网络安全等级保护基本要求》（GB/T 22239—2019）身份鉴别要求"
PLATFORM_PASSWORD = {"min_length": 8, "classes": 3, "max_age_days": 90, "history": 5}
PLATFORM_TWO_FACTOR_ROLES = (Role.SITE_ADMIN, Role.PRINCIPAL_LEADER, Role.DEPUTY_LEADER, Role.HOTLINE)
CLASS_LABELS = {"digit": "数字", "lower": "小写字母", "upper": "大写字母", "symbol": "符号"}


@dataclass(frozen=True)
class AccountRules:
    locality: str
    regulation: str
    min_length: int
    classes: int
    class_names: tuple[str, ...]
    max_age_days: int
    history: int
    password_article: str  # e.g. "第三十条", "" when the platform floor applies
    two_factor_roles: tuple[str, ...]
    idle_minutes: int
    training_before_duty: bool
    training_article: str
    change_registration: bool
    change_article: str
    leaving_duties: tuple[str, ...] = field(default_factory=tuple)
    defaults_used: tuple[str, ...] = field(default_factory=tuple)

    def _cite(self, article: str) -> str:
        if article and self.regulation:
            return f"《{self.regulation}》{article}"
        return FLOOR_CITATION

    @property
    def password_citation(self) -> str:
        return self._cite(self.password_article)

    @property
    def training_citation(self) -> str:
        return self._cite(self.training_article) if self.training_article else "平台规则"

    @property
    def change_citation(self) -> str:
        return self._cite(self.change_article) if self.change_article else "平台规则"


def _sections(locality: str) -> tuple[str, dict, dict]:
    try:
        profile = load_profile(locality)
    except Exception:  # an unknown locality gets the platform floor
        return "", {}, {}
    return (
        profile.regulation,
        dict(profile.sections.get("password") or {}),
        dict(profile.sections.get("accounts") or {}),
    )


@lru_cache(maxsize=32)
def account_rules(locality: str) -> AccountRules:
    regulation, pw, acc = _sections(locality or "")
    used = [f"[password] {k}" for k in PLATFORM_PASSWORD if k not in pw]
    classes_named = tuple(pw.get("class_names") or ("digit", "lower", "upper", "symbol"))
    return AccountRules(
        locality=locality or "",
        regulation=regulation,
        min_length=int(pw.get("min_length", PLATFORM_PASSWORD["min_length"])),
        classes=int(pw.get("classes", PLATFORM_PASSWORD["classes"])),
        class_names=classes_named,
        max_age_days=int(pw.get("max_age_days", PLATFORM_PASSWORD["max_age_days"])),
        history=int(pw.get("history", PLATFORM_PASSWORD["history"])),
        password_article=str(pw.get("article", "")) if pw else "",
        two_factor_roles=tuple(acc.get("two_factor_roles") or PLATFORM_TWO_FACTOR_ROLES),
        idle_minutes=int(acc.get("idle_minutes") or settings.GOVPORTAL_IDLE_MINUTES),
        training_before_duty=bool(acc.get("training_before_duty", False)),
        training_article=str(acc.get("training_article", "")),
        change_registration=bool(acc.get("admin_change_registration", False)),
        change_article=str(acc.get("change_article", "")),
        leaving_duties=tuple(acc.get("leaving_duties") or ("交还账号密码", "工作移交", "保密承诺")),
        defaults_used=tuple(used),
    )


def default_locality() -> str:
    """The locality of the default site (for accounts outside any unit, such as a platform superuser)."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return ""
    return getattr(site.root_page.specific, "locality", "") or ""


def locality_of(user) -> str:
    staff = getattr(user, "staff", None) if getattr(user, "pk", None) else None
    try:
        if staff is not None:
            return staff.unit.locality
    except Exception:
        pass
    return default_locality()


def rules_for(user) -> AccountRules:
    return account_rules(locality_of(user))


def two_factor_required(user) -> bool:
    """Whether the profile asks this person to sign in with a second factor."""
    if not settings.GOVPORTAL_TWO_FACTOR or not getattr(user, "is_authenticated", False):
        return False

    state = AccountSecurity.objects.filter(user=user).only("two_factor_exempt").first()
    if state and state.two_factor_exempt:
        return False
    if user.is_superuser:
        return True
    staff = getattr(user, "staff", None)
    if staff is None:
        return False
    wanted = set(account_rules(staff.unit.locality).two_factor_roles)
    return bool(wanted & set(staff.roles))
