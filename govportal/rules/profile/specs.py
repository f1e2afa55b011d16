"""The values a profile is made of: its units (:class:`UnitSpec`) and the rows of its column table
(:class:`ColumnSpec`), and the kinds and supply methods they may take."""

from __future__ import annotations

from dataclasses import dataclass

from govportal.rules.frequency import Frequency

UNIT_KINDS = (
    "host_office",
    "operator",
    "department",
    "town",
    "co_supervisor",
    "media",
    "enterprise",
    "other",
)
LOCALITY_LEVELS = ("city", "district", "county")
SUPPLY_METHODS = ("直接发布", "跳转链接", "数据接口", "服务接口", "审核发布")
DEFAULT_SUPPLY_METHOD = "直接发布"


@dataclass(frozen=True)
class UnitSpec:
    """A unit (责任单位) of the profile."""

    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    parent: str = ""
    credit_code: str = ""  # 统一社会信用代码 (GB 32100), the front part of the unit's index numbers


@dataclass(frozen=True)
class ColumnSpec:
    """One row of the column table.

    ``frequency`` is None for an empty 更新频率 (a container column with no rule of its own).
    ``lead_units`` are the codes of units marked 牵头; ``units`` all unit codes named, lead ones
    included, in the order of the cell; ``groups`` the group phrases named (e.g. 各责任单位).
    ``row`` is the 1-based row in the source, the header being row 1."""

    path: tuple[str, ...]
    content: str = ""
    frequency_text: str = ""
    frequency: Frequency | None = None
    responsible_text: str = ""
    lead_units: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    supply_method: str = DEFAULT_SUPPLY_METHOD
    url: str = ""
    note: str = ""
    row: int = 0

    @property
    def name(self) -> str:
        """The column's own name (last element of the path)."""
        return self.path[-1]

    @property
    def level(self) -> int:
        """1 for a top-level column (频道 / 一级栏目), 2 for its children, …"""
        return len(self.path)

    @property
    def parent_path(self) -> tuple[str, ...]:
        return self.path[:-1]
