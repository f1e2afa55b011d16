"""Links to blocked domains, and links to non-government sites where a column forbids them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .findings import BLOCKING, LINK, WARNING, Finding
from .lexicon import normalise_domain

RULE_BLOCKED = "链接黑名单：不得与不良网站、非法网站建立链接（如渭滨区办法第十三条、酉阳县办法第二十九条）"
RULE_NON_GOV = "本处只允许链接政府网站（.gov.cn）及白名单网站；不得与不良网站、非法网站建立链接"

_URL = re.compile(r"(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]"
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
GOV_SUFFIXES = ("gov.cn", "政务", "政务.cn")


def url_host(url: str) -> str:
    rest = re.sub(r"^[A-Za-z]+://", "", url)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host = host.rpartition("@")[2].split(":")[0]
    return host.lower().rstrip(".")


def domain_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


class LinkDetector:
    def __init__(
        self,
        blocked_domains: Iterable[str] = (),
        allowed_domains: Iterable[str] = (),
        *,
        forbid_non_gov: bool = False,
    ) -> None:
        self.blocked = tuple(normalise_domain(d) for d in blocked_domains if d.strip())
        self.allowed = tuple(normalise_domain(d) for d in allowed_domains if d.strip())
        self.forbid_non_gov = forbid_non_gov

    @property
    def active(self) -> bool:
        return bool(self.blocked) or self.forbid_non_gov

    def is_government(self, host: str) -> bool:
        return any(domain_matches(host, d) for d in GOV_SUFFIXES) or any(
            domain_matches(host, d) for d in self.allowed
        )

    def find(self, text: str) -> list[Finding]:
        out: list[Finding] = []
        if not self.active or ("://" not in text and "www." not in text.lower()):
            return out
        for m in _URL.finditer(text):
            url = m.group()
            while url and url[-1] in _TRAILING:
                if url[-1] == ")" and url.count("(") >= url.count(")"):
                    break
                url = url[:-1]
            host = url_host(url)
            if not host or "." not in host:
                continue
            start, end = m.start(), m.start() + len(url)
            if any(domain_matches(host, d) for d in self.blocked):
                out.append(Finding(LINK, BLOCKING, start, end, url, "删除该链接", RULE_BLOCKED, "黑名单域名"))
            elif self.forbid_non_gov and not self.is_government(host):
                sub = "IP地址链接" if _IPV4.match(host) else "非政府网站链接"
                out.append(
                    Finding(LINK, WARNING, start, end, url, "改为政府网站链接或删除", RULE_NON_GOV, sub)
                )
        return out
