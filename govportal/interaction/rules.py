"""The rules letters, error reports and disclosure requests follow, read from the locality's profile.

Everything a regulation fixes is read from ``[letters]``, ``[error_reports]`` and ``[disclosure]`` of
``govportal/profiles/<code>/profile.toml`` (``Profile.sections``). Where a profile says nothing, the
platform default below applies, and :attr:`LetterRules.defaults_used` says which values came from it, so
the back office can show it. Nothing here names a locality.

Disclosure requests follow a national regulation (《政府信息公开条例》, 国务院令第711号), the same in every
locality, so its values are platform defaults citing the article; a profile may still override them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from govportal.rules.profile import ProfileError, load_profile

# --- platform defaults -------------------------------------------------------------------------------

#: Letter types when a profile lists none (the five kinds of 12345 hotlines).
DEFAULT_LETTER_TYPES: list[dict[str, Any]] = [
    {"code": "consultation", "name": "咨询"},
    {"code": "help", "name": "求助"},
    {"code": "suggestion", "name": "建议"},
    {"code": "complaint", "name": "投诉"},
    {"code": "report", "name": "举报"},
]

#: Values used when the profile's ``[letters]`` does not give them.
LETTER_DEFAULTS: dict[str, Any] = {
    "mailbox_name": "政民互动信箱",
    # No national deadline for answering letters exists; 10 working days is the platform's default.
    "deadline_workdays": 10,
    "extendable": True,
    "max_extensions": 1,
    "extension_max_factor": 1,
    "clock_starts": "dispatch",
    "reply_approver_roles": ["deputy_leader", "principal_leader"],
    "required_fields": ["name", "contact"],
    # Whose identity stays with the centre: people who report wrongdoing.
    "confidential_writer_types": ["report"],
    "attachment_max_count": 3,
    "attachment_max_mb": 10,
    "attachment_types": ["jpg", "jpeg", "png", "pdf", "doc", "docx"],
    "flood_hold_per_ip_hour": 5,
    "flood_refuse_per_ip_hour": 30,
    "flood_hold_per_contact_day": 3,
    "duplicate_window_days": 30,
    "duplicate_similarity": 0.85,
    "due_soon_workdays": 1,
    "publish_if_eligible": True,
    "publication_exclusions": [
        {"code": "adverse_impact", "text": "反映情况有可能造成恶劣影响"},
        {"code": "economic_financial", "text": "涉及国家经济、金融利益"},
        {"code": "national_security", "text": "涉及国防、外交、领土主权、国家安全、网站安全等方面"},
        {"code": "privacy_trade_secret", "text": "涉及个人隐私和商业秘密"},
        {"code": "abuse_advertising", "text": "存在攻击谩骂、广告推销等情形"},
    ],
    "deadline_article": "",
    "single_entry_article": "",
    "publication_article": "",
    "review_article": "",
}

ERROR_REPORT_DEFAULTS: dict[str, Any] = {
    "forward_workdays": 1,
    "handle_workdays": 2,
    "forwarded_by": "",  # unit code; empty = the hotline centre (role ``hotline``)
    "article": "",
}

# 《政府信息公开条例》（国务院令第711号）: the same in every locality.
DISCLOSURE_DEFAULTS: dict[str, Any] = {
    "answer_workdays": 20,  # 第三十三条第二款
    "answer_article": "第三十三条",
    "extension_max_workdays": 20,  # 第三十三条第二款：延长期限最长不得超过20个工作日
    "max_extensions": 1,
    "extension_approver_roles": [
        "deputy_leader",
        "principal_leader",
    ],  # 第三十三条 政府信息公开工作机构负责人同意
    "correction_notice_workdays": 7,  # 第三十条：收到申请之日起7个工作日内一次性告知
    "correction_article": "第三十条",
    "correction_period_workdays": 15,  # 第三十条「合理的补正期限」：平台默认 15 个工作日
    "third_party_workdays": 15,  # 第三十二条：第三方自收到征求意见书之日起15个工作日内提出意见
    "consultation_article": "第三十二条、第三十三条第三款",
    "receipt_article": "第三十一条",
    "confirm_within_workdays": 1,  # 平台默认：网上申请 1 个工作日内确认收到（第三十一条 以双方确认之日为收到之日）
    "due_soon_workdays": 3,
}

NATIONAL_DISCLOSURE_REGULATION = "政府信息公开条例"

EXCLUSION_NO_CONSENT = "no_consent"
EXCLUSION_OTHER = "other"


@dataclass(frozen=True)
class LetterType:
    code: str
    name: str
    deadline_workdays: int
    extendable: bool


@dataclass
class LetterRules:
    locality: str
    regulation: str
    types: list[LetterType]
    values: dict[str, Any]
    defaults_used: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def type(self, code: str) -> LetterType:
        for t in self.types:
            if t.code == code:
                return t
        raise KeyError(code)

    @property
    def type_choices(self) -> list[tuple[str, str]]:
        return [(t.code, t.name) for t in self.types]

    def cite(self, key: str) -> str:
        """「《办法》第二十条」 for an article key, or 「平台默认规则」 when the profile names none."""
        article = self.values.get(key) or ""
        if article and self.regulation:
            return f"《{self.regulation}》{article}"
        if article:
            return article
        return "平台默认规则"

    @property
    def cite_deadline(self) -> str:
        return self.cite("deadline_article")

    @property
    def cite_single_entry(self) -> str:
        return self.cite("single_entry_article")

    @property
    def cite_publication(self) -> str:
        return self.cite("publication_article")

    @property
    def cite_review(self) -> str:
        return self.cite("review_article" if self.values.get("review_article") else "deadline_article")

    @property
    def exclusions(self) -> list[dict[str, str]]:
        return list(self.values["publication_exclusions"])

    def exclusion_text(self, code: str) -> str:
        if code == EXCLUSION_NO_CONSENT:
            return "来信人不同意公开"
        for e in self.exclusions:
            if e["code"] == code:
                return e["text"]
        return "其他不宜公开的情形"


@dataclass
class SectionRules:
    locality: str
    regulation: str
    values: dict[str, Any]
    defaults_used: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("cite_"):
            key = name[5:]
            return self.cite(key if key == "article" else f"{key}_article")
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def cite(self, key: str) -> str:
        article = self.values.get(key) or ""
        if article and self.regulation:
            return f"《{self.regulation}》{article}"
        return article or "平台默认规则"


def _profile(locality: str):
    try:
        return load_profile(locality)
    except (ProfileError, FileNotFoundError, OSError, ValueError):
        return None


def _merge(section: dict[str, Any], defaults: dict[str, Any], label: str) -> tuple[dict, list[str]]:
    values, used = {}, []
    for key, default in defaults.items():
        if key in section:
            values[key] = section[key]
        else:
            values[key] = default
            used.append(f"[{label}] {key}")
    for key, value in section.items():
        values.setdefault(key, value)
    return values, used


@lru_cache(maxsize=32)
def letter_rules(locality: str) -> LetterRules:
    profile = _profile(locality)
    section = dict(profile.sections.get("letters", {})) if profile else {}
    values, used = _merge(section, LETTER_DEFAULTS, "letters")
    raw_types = section.get("types") or DEFAULT_LETTER_TYPES
    if not section.get("types"):
        used.append("[letters] types")
    types = []
    for t in raw_types:
        extendable = t.get("extendable", values["extendable"])
        types.append(
            LetterType(
                code=t["code"],
                name=t["name"],
                deadline_workdays=int(t.get("deadline_workdays", values["deadline_workdays"])),
                extendable=bool(extendable),
            )
        )
        if "deadline_workdays" not in t:
            used.append(f"[letters] {t['code']}.deadline_workdays")
    return LetterRules(
        locality=locality,
        regulation=profile.regulation if profile else "",
        types=types,
        values=values,
        defaults_used=used,
    )


@lru_cache(maxsize=32)
def error_report_rules(locality: str) -> SectionRules:
    profile = _profile(locality)
    section = dict(profile.sections.get("error_reports", {})) if profile else {}
    values, used = _merge(section, ERROR_REPORT_DEFAULTS, "error_reports")
    return SectionRules(locality, profile.regulation if profile else "", values, used)


@lru_cache(maxsize=32)
def disclosure_rules(locality: str) -> SectionRules:
    profile = _profile(locality)
    section = dict(profile.sections.get("disclosure", {})) if profile else {}
    values, used = _merge(section, DISCLOSURE_DEFAULTS, "disclosure")
    # The regulation cited is the national one, whatever the locality's own regulation is.
    return SectionRules(locality, NATIONAL_DISCLOSURE_REGULATION, values, used)


def clear_cache() -> None:
    letter_rules.cache_clear()
    error_report_rules.cache_clear()
    disclosure_rules.cache_clear()
