"""Responsible units (保障单位): matching a name to a unit, and resolving a 保障单位 cell into unit codes,
lead units and group phrases (the rules are in the package docstring)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .specs import UnitSpec


def _key(text: str) -> str:
    """Matching key for names: NFKC (full-width brackets and letters folded), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _unit_index(units: Iterable[UnitSpec]) -> dict[str, UnitSpec]:
    index: dict[str, UnitSpec] = {}
    for u in units:  # full names win over aliases
        index.setdefault(_key(u.name), u)
    for u in units:
        for a in u.aliases:
            index.setdefault(_key(a), u)
    return index


def _one_line(text: str) -> str:
    """Single-line cell: line breaks inside (from a wrapped spreadsheet cell) are removed."""
    return re.sub(r"\s*[\r\n]+\s*", "", text)


_SEPARATORS = re.compile(r"([、，,；;])")
_DROP_SUFFIXES = (
    "等责任单位",
    "等相关单位",
    "等相关部门",
    "等有关单位",
    "等有关部门",
    "等单位",
    "等部门",
    "等",
    "配合",
    "协助",
    "负责",
)
_LEAD = "牵头"


def _strip_token(token: str) -> tuple[str, bool]:
    """Remove the words that are not part of a name; return (name, is_lead)."""
    t = token.strip().strip("。.")
    lead = False
    changed = True
    while changed and t:
        changed = False
        if t.endswith(_LEAD):
            t, lead, changed = t[: -len(_LEAD)].strip(), True, True
            continue
        for suffix in _DROP_SUFFIXES:
            if t.endswith(suffix) and len(t) > len(suffix):
                t, changed = t[: -len(suffix)].strip(), True
                break
    return t, lead


@dataclass(frozen=True)
class _Resolved:
    units: tuple[str, ...]
    lead_units: tuple[str, ...]
    groups: tuple[str, ...]
    unknown: tuple[str, ...]
    lead_groups: tuple[str, ...]


def split_responsible(
    text: str, units: Sequence[UnitSpec], groups: Mapping[str, Sequence[str]]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Resolve a 保障单位 cell: ``(units, lead_units, groups, unknown_tokens)``.

    ``units`` holds unit codes in the order of the cell (lead units included), ``groups`` the
    group phrases, ``unknown`` the parts that are neither."""
    r = _resolve(text, _unit_index(units), {_key(g): g for g in groups})
    return r.units, r.lead_units, r.groups, r.unknown


def _resolve(text: str, index: Mapping[str, UnitSpec], group_index: Mapping[str, str]) -> _Resolved:
    pieces = _SEPARATORS.split(_one_line(text))
    tokens = pieces[0::2]
    seps = pieces[1::2]
    units: list[str] = []
    leads: list[str] = []
    groups: list[str] = []
    unknown: list[str] = []
    lead_groups: list[str] = []

    def lookup(raw: str) -> tuple[UnitSpec | str | None, bool, str]:
        name, lead = _strip_token(raw)
        k = _key(name)
        if not k:
            return None, lead, name
        if k in index:
            return index[k], lead, name
        if k in group_index:
            return group_index[k], lead, name
        return None, lead, name

    i = 0
    while i < len(tokens):
        if not tokens[i].strip():
            i += 1
            continue
        found: UnitSpec | str | None = None
        lead = False
        name = ""
        end = i
        # Longest run of adjacent parts that resolves, e.g. "各县、区人民政府" declared whole.
        for j in range(len(tokens) - 1, i - 1, -1):
            joined = tokens[i] + "".join(seps[k] + tokens[k + 1] for k in range(i, j))
            hit, is_lead, nm = lookup(joined)
            if hit is not None:
                found, lead, name, end = hit, is_lead, nm, j
                break
        if found is None:
            _, _, nm = lookup(tokens[i])
            if nm:
                unknown.append(nm)
            i += 1
            continue
        if isinstance(found, UnitSpec):
            if found.code not in units:
                units.append(found.code)
            if lead and found.code not in leads:
                leads.append(found.code)
        else:
            if found not in groups:
                groups.append(found)
            if lead:
                lead_groups.append(name)
        i = end + 1
    return _Resolved(tuple(units), tuple(leads), tuple(groups), tuple(unknown), tuple(lead_groups))
