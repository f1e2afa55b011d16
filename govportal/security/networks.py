"""Which networks may reach the back office (/admin/).

The rule is the loaded profile's ``[security] admin_networks`` (a list of addresses or CIDR networks,
e.g. ``["10.20.0.0/16", "192.168.1.0/24"]``; empty or absent: every network), with the article it comes
from in ``[security] admin_networks_article``. The environment variable ``GOVPORTAL_ADMIN_NETWORKS``
overrides the profile on one deployment (comma-separated; ``*`` for every network). The visitor's address
is :func:`client_ip` below — REMOTE_ADDR, or the nearest untrusted address of X-Forwarded-For behind a proxy
listed in ``GOVPORTAL_TRUSTED_PROXIES`` — the one helper the platform has.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from functools import lru_cache

from govportal.rules import profile as profiles  # looked up at call time (tests replace load_profile)

ENV = "GOVPORTAL_ADMIN_NETWORKS"


@dataclass(frozen=True)
class AdminNetworks:
    networks: tuple  # ip_network objects; empty: every network
    source: str  # where the rule comes from, for the refusal page ("《…》第X条" or the variable's name)

    @property
    def open(self) -> bool:
        return not self.networks

    def allows(self, address: str | None) -> bool:
        if self.open:
            return True
        try:
            ip = ipaddress.ip_address((address or "").split("%", 1)[0])
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        return any(ip in net for net in self.networks)


def parse_networks(values) -> tuple:
    """Networks from a list or a comma-separated string; a bad entry is an error (a typo must not open
    the back office to everyone, nor lock everyone out silently)."""
    if isinstance(values, str):
        values = [v for v in values.replace(";", ",").split(",")]
    nets = []
    for raw in values or ():
        value = str(raw).strip()
        if not value:
            continue
        if value in ("*", "any", "all"):
            return ()
        try:
            nets.append(ipaddress.ip_network(value, strict=False))
        except ValueError as exc:
            raise ValueError(f"后台访问网络“{value}”不是有效的 IP 地址或网段（如 10.0.0.0/8）") from exc
    return tuple(nets)


@lru_cache(maxsize=16)
def _from_profile(locality: str) -> AdminNetworks:
    try:
        profile = profiles.load_profile(locality)
    except Exception:  # no profile: no rule of its own
        return AdminNetworks((), "")
    section = profile.sections.get("security") or {}
    article = section.get("admin_networks_article") or ""
    source = f"《{profile.regulation}》{article}" if article and profile.regulation else article
    return AdminNetworks(parse_networks(section.get("admin_networks") or ()), source or "本地区政策配置")


def admin_networks(locality: str = "") -> AdminNetworks:
    raw = os.environ.get(ENV)
    if raw is not None and raw.strip():
        return AdminNetworks(parse_networks(raw), f"部署配置（环境变量 {ENV}）")
    if not locality:
        return AdminNetworks((), "")
    return _from_profile(locality)


def clear_cache() -> None:
    _from_profile.cache_clear()
