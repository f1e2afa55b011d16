"""Registries the checker is built from, as plain data, and loaders for the shipped files.

Every registry entry can be given as the dataclass below, as a ``dict`` with the same field names,
or (for the simple ones) as a plain string. The Django side builds these from its database tables;
the files under ``data/`` are the starter set used by :meth:`Checker.default`.

File formats (UTF-8; blank lines and lines starting with ``#`` are ignored):

* ``sensitive.tsv``: ``term<TAB>category<TAB>severity<TAB>suggestion<TAB>note<TAB>exceptions``
* ``expressions.tsv``: ``wrong<TAB>correct<TAB>category<TAB>severity<TAB>note<TAB>exceptions``
* ``typos.tsv``: ``wrong<TAB>correct<TAB>note<TAB>exceptions`` (always wrong, outside the exceptions)
* ``typo_context.toml``: ``[[rule]]`` tables with the fields of :class:`TypoRule`
* ``leaders.toml``: ``[[leader]]`` tables with the fields of :class:`Leader`
* ``*_domains.txt``: one domain a line; it covers its subdomains

Trailing columns may be left out. ``exceptions`` is a ``|``-separated list of longer strings that
contain the term but are correct (e.g. ``环境保护部门`` for the outdated name ``环境保护部``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from .findings import BLOCKING, WARNING, check_severity


@dataclass(frozen=True, slots=True)
class SensitiveTerm:
    term: str
    category: str = ""
    severity: str = WARNING
    suggestion: str | None = None
    note: str = ""
    exceptions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Expression:
    """A wrong form of a fixed name or political phrase, and the correct one."""

    wrong: str
    correct: str
    category: str = ""
    severity: str = BLOCKING
    note: str = ""
    exceptions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Leader:
    """A leader's name with the titles they hold now and titles they held before (outdated)."""

    name: str
    titles: tuple[str, ...]
    outdated: tuple[str, ...] = ()
    severity: str = BLOCKING
    note: str = ""


@dataclass(frozen=True, slots=True)
class TypoRule:
    """``wrong`` should be ``correct``.

    With no context fields the rule always applies (outside ``exceptions``). ``after`` /
    ``not_after`` are regular expressions matched at the text right after the wrong form (same
    line, 30 characters); ``before`` / ``not_before`` are searched in the 30 characters right before
    it and must match at its end (write them ending with ``$``). ``after`` and ``before``, when
    given, must match; ``not_after`` and ``not_before`` must not.
    """

    wrong: str
    correct: str
    after: str | None = None
    not_after: str | None = None
    before: str | None = None
    not_before: str | None = None
    exceptions: tuple[str, ...] = ()
    note: str = ""
    severity: str = WARNING
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False, hash=False)

    @property
    def contextual(self) -> bool:
        return any((self.after, self.not_after, self.before, self.not_before))

    def pattern(self, name: str) -> re.Pattern[str] | None:
        source = getattr(self, name)
        if not source:
            return None
        compiled = self._compiled.get(name)
        if compiled is None:
            try:
                compiled = re.compile(source)
            except re.error as exc:
                raise ValueError(
                    f"错别字规则“{self.wrong}→{self.correct}”的 {name} 正则表达式有误：{exc}"
                ) from exc
            self._compiled[name] = compiled
        return compiled


T = TypeVar("T")
_LABELS = {"term": "词", "wrong": "错误写法", "correct": "正确写法", "name": "姓名", "titles": "现任职务"}


def _split_exceptions(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(x.strip() for x in value.split("|") if x.strip())
    return tuple(str(x) for x in value)


def _build(cls: type[T], data: Any, first: str) -> T:
    if isinstance(data, cls):
        return data
    if isinstance(data, str):
        data = {first: data}
    elif isinstance(data, Sequence):
        names = [f.name for f in fields(cls) if not f.name.startswith("_")]  # type: ignore[arg-type]
        data = dict(zip(names, data, strict=False))
    if not isinstance(data, Mapping):
        raise TypeError(f"无法识别的词库条目：{data!r}")
    known = {f.name for f in fields(cls) if not f.name.startswith("_")}  # type: ignore[arg-type]
    unknown = set(data) - known
    if unknown:
        raise ValueError(
            f"词库条目含未知字段：{'、'.join(sorted(unknown))}（可用字段：{'、'.join(sorted(known))}）"
        )
    kwargs = {k: v for k, v in data.items() if v is not None and v != ""}
    for key in ("exceptions", "titles", "outdated"):
        if key in kwargs:
            kwargs[key] = _split_exceptions(kwargs[key])
    if "severity" in kwargs:
        kwargs["severity"] = check_severity(str(kwargs["severity"]).strip())
    missing = [
        f.name
        for f in fields(cls)  # type: ignore[arg-type]
        if f.default is MISSING and f.default_factory is MISSING and f.name not in kwargs
    ]
    if missing:
        labels = "、".join(_LABELS.get(m, m) for m in missing)
        raise ValueError(f"词库条目“{kwargs.get(first, '')}”缺少{labels}：{dict(data)!r}")
    obj = cls(**kwargs)
    if not getattr(obj, first):
        raise ValueError(f"词库条目缺少“{first}”：{data!r}")
    return obj


def as_sensitive(item: SensitiveTerm | Mapping[str, Any] | Sequence[Any] | str) -> SensitiveTerm:
    return _build(SensitiveTerm, item, "term")


def as_expression(item: Expression | Mapping[str, Any] | Sequence[Any]) -> Expression:
    expr = _build(Expression, item, "wrong")
    if not expr.correct:
        raise ValueError(f"表述“{expr.wrong}”缺少正确写法")
    return expr


def as_leader(item: Leader | Mapping[str, Any] | Sequence[Any]) -> Leader:
    leader = _build(Leader, item, "name")
    if not leader.titles:
        raise ValueError(f"领导人“{leader.name}”缺少现任职务")
    return leader


def as_typo(item: TypoRule | Mapping[str, Any] | Sequence[Any]) -> TypoRule:
    rule = _build(TypoRule, item, "wrong")
    if not rule.correct:
        raise ValueError(f"错别字“{rule.wrong}”缺少正确写法")
    for name in ("after", "not_after", "before", "not_before"):
        rule.pattern(name)
    return rule


def normalise_domain(domain: str) -> str:
    d = domain.strip().lower()
    d = re.sub(r"^[a-z]+://", "", d).split("/")[0].split(":")[0]
    return d.lstrip("*.").rstrip(".")


# --- file loaders -------------------------------------------------------------------------------


def _read(source: str | Path) -> str:
    if isinstance(source, Path):
        return source.read_text(encoding="utf-8")
    return source


def _tsv_rows(source: str | Path, columns: Sequence[str]) -> Iterable[dict[str, str]]:
    for lineno, line in enumerate(_read(source).splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) > len(columns):
            raise ValueError(f"第{lineno}行列数过多：应为最多{len(columns)}列（{'、'.join(columns)}）")
        yield dict(zip(columns, cells, strict=False))


def load_sensitive(source: str | Path) -> list[SensitiveTerm]:
    cols = ("term", "category", "severity", "suggestion", "note", "exceptions")
    return [as_sensitive(row) for row in _tsv_rows(source, cols)]


def load_expressions(source: str | Path) -> list[Expression]:
    cols = ("wrong", "correct", "category", "severity", "note", "exceptions")
    return [as_expression(row) for row in _tsv_rows(source, cols)]


def load_typos(source: str | Path) -> list[TypoRule]:
    cols = ("wrong", "correct", "note", "exceptions")
    return [as_typo(row) for row in _tsv_rows(source, cols)]


def load_typo_context(source: str | Path) -> list[TypoRule]:
    data = tomllib.loads(_read(source))
    return [as_typo(row) for row in data.get("rule", [])]


def load_leaders(source: str | Path) -> list[Leader]:
    data = tomllib.loads(_read(source))
    return [as_leader(row) for row in data.get("leader", [])]


def load_domains(source: str | Path) -> list[str]:
    out = []
    for line in _read(source).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(normalise_domain(line))
    return out


def data_file(name: str) -> Path:
    """Path of a shipped starter file in ``govportal/textcheck/data``."""
    return Path(str(resources.files("govportal.textcheck").joinpath("data", name)))
