"""索引号 (index numbers) of the government-information catalogue, by the scheme the profile defines.

《政府信息公开目录系统实施指引（试行）》: the index number identifies an item in the catalogue, is unique and
never changes once given. Current practice is ``统一社会信用代码/年份-流水号``; a profile's
``[index_number]`` section sets the pattern (placeholders ``{org}``, ``{topic}``, ``{year}``, ``{serial}``),
the serial width, the organisation codes of its units, and the channels whose items enter the catalogue.

An item receives its number when it is first saved in scope (any policy document, interpretation,
organisation or leader profile, data release; any item under a catalogue channel), and keeps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import models, transaction

from govportal.accounts.models import Unit, UnitKind
from govportal.rules.profile import ProfileError, load_profile

from .homes import home_of

DEFAULT_PATTERN = "{org}/{year}-{serial}"
DEFAULT_SERIAL_DIGITS = 5
DEFAULT_CHANNELS = ("政府信息公开", "信息公开", "政务公开")
PLACEHOLDERS = {"org", "topic", "year", "serial"}

# 主题分类: the platform default list (the subject classes used by gov.cn's policy library), with codes.
TOPIC_CLASSES = [
    ("01", "综合政务"),
    ("02", "国民经济管理、国有资产监管"),
    ("03", "财政、金融、审计"),
    ("04", "国土资源、能源"),
    ("05", "农业、林业、水利"),
    ("06", "工业、交通"),
    ("07", "商贸、海关、旅游"),
    ("08", "市场监管、安全生产监管"),
    ("09", "城乡建设、环境保护"),
    ("10", "科技、教育"),
    ("11", "文化、广电、新闻出版"),
    ("12", "卫生、体育"),
    ("13", "人口与计划生育、妇女儿童工作"),
    ("14", "劳动、人事、监察"),
    ("15", "公安、安全、司法"),
    ("16", "民政、扶贫、救灾"),
    ("17", "民族、宗教"),
    ("18", "对外事务"),
    ("19", "港澳台侨工作"),
    ("20", "国防"),
    ("21", "其他"),
]
TOPIC_CODES = {name: code for code, name in TOPIC_CLASSES}


class IndexNumberError(ValueError):
    pass


@dataclass(frozen=True)
class IndexNumberScheme:
    pattern: str = DEFAULT_PATTERN
    serial_digits: int = DEFAULT_SERIAL_DIGITS
    channels: tuple[str, ...] = DEFAULT_CHANNELS
    org_codes: dict[str, str] = field(default_factory=dict)
    is_default: bool = True

    credit_codes: dict[str, str] = field(default_factory=dict)

    def org_code(self, unit) -> str:
        """The unit's 统一社会信用代码: ``[index_number.org_codes]``, else the unit's ``credit_code`` in
        ``[[units]]``; a unit with neither falls back to its code in capitals (flagged in the profile)."""
        if unit is None:
            return "000000000"
        return self.org_codes.get(unit.code) or self.credit_codes.get(unit.code) or unit.code.upper()

    def format(self, *, org: str, topic: str, year: int, serial: int) -> str:
        return self.pattern.format(
            org=org, topic=topic or "21", year=year, serial=str(serial).zfill(self.serial_digits)
        )

    def serial_key(self, *, org: str, topic: str, year: int) -> str:
        """Numbers restart for each distinct value of everything but the serial."""
        return self.pattern.replace("{serial}", "").format(org=org, topic=topic or "21", year=year)


def scheme_from_section(
    section: dict | None, credit_codes: dict[str, str] | None = None
) -> IndexNumberScheme:
    credit_codes = {k: v for k, v in (credit_codes or {}).items() if v}
    if not section:
        return IndexNumberScheme(credit_codes=credit_codes)
    pattern = section.get("pattern", DEFAULT_PATTERN)
    used = set(re.findall(r"{(\w+)}", pattern))
    if not used <= PLACEHOLDERS or "serial" not in used:
        raise IndexNumberError(
            f"[index_number] pattern「{pattern}」只能使用 {{org}} {{topic}} {{year}} {{serial}}，且须含 {{serial}}。"
        )
    return IndexNumberScheme(
        pattern=pattern,
        serial_digits=int(section.get("serial_digits", DEFAULT_SERIAL_DIGITS)),
        channels=tuple(section.get("channels", DEFAULT_CHANNELS)),
        org_codes={k: v for k, v in section.get("org_codes", {}).items() if v},
        credit_codes=credit_codes,
        is_default=False,
    )


@lru_cache(maxsize=16)
def scheme_for(locality: str) -> IndexNumberScheme:
    if not locality:
        return IndexNumberScheme()
    try:
        profile = load_profile(locality)
    except (ProfileError, FileNotFoundError, OSError):
        return IndexNumberScheme()
    return scheme_from_section(
        profile.sections.get("index_number"), {u.code: u.credit_code for u in profile.units}
    )


class IndexNumberSerial(models.Model):
    """The last serial given for one key (e.g. one organisation and year)."""

    key = models.CharField("键", max_length=120, unique=True)
    last = models.PositiveIntegerField("最后流水号", default=0)

    class Meta:
        app_label = "portal"
        verbose_name = "索引号流水号"
        verbose_name_plural = "索引号流水号"

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


def next_serial(key: str) -> int:
    with transaction.atomic():
        row, _ = IndexNumberSerial.objects.select_for_update().get_or_create(key=key)
        row.last += 1
        row.save(update_fields=["last"])
        return row.last


def channel_title(page, home) -> str | None:
    """The title of the channel (home's child) an item sits in."""
    from wagtail.models import Page

    path = page.path or getattr(getattr(page, "_cached_parent_obj", None), "path", "")
    if not path or home is None or len(path) <= len(home.path):
        return None
    prefix = path[: len(home.path) + Page.steplen]
    return Page.objects.filter(path=prefix).values_list("title", flat=True).first()


def in_catalogue_scope(page, home, scheme: IndexNumberScheme) -> bool:
    if getattr(page, "always_in_catalogue", False):
        return True
    title = channel_title(page, home)
    return bool(title) and title in scheme.channels


def assign_index_number(page) -> str:
    """Give ``page`` its index number if it is in the catalogue and has none. Returns the number (or "")."""
    if page.index_number:
        return page.index_number
    home = home_of(page)
    scheme = scheme_for(home.locality if home else "")
    if not in_catalogue_scope(page, home, scheme):
        return ""
    unit = page.unit or _default_unit(page, home)
    org = scheme.org_code(unit)
    topic = TOPIC_CODES.get(page.topic, "21")
    year = page.date.year
    serial = next_serial(scheme.serial_key(org=org, topic=topic, year=year))
    page.index_number = scheme.format(org=org, topic=topic, year=year, serial=serial)
    return page.index_number


def _default_unit(page, home):
    if home is None:
        return None
    return Unit.objects.filter(locality=home.locality, kind=UnitKind.HOST_OFFICE).first()
