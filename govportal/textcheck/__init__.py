"""Pre-publication text check (错敏信息检查), pure Python, no Django.

>>> from govportal.textcheck import Checker
>>> checker = Checker.default()
>>> [f.kind for f in checker.check("机密★10年\\n截止目前，共受理来信120件。")]
['secret', 'typo']

See :class:`Checker` for building a checker from plain data and :class:`Finding` for the result.
"""

from __future__ import annotations

import functools

from .checker import Checker, resolve_overlaps
from .findings import (
    BLOCKING,
    EXPRESSION,
    KIND_LABELS,
    KINDS,
    LEADER_TITLE,
    LINK,
    PERSONAL_DATA,
    SECRET,
    SENSITIVE,
    TYPO,
    WARNING,
    Finding,
)
from .lexicon import Expression, Leader, SensitiveTerm, TypoRule

__all__ = [
    "BLOCKING",
    "EXPRESSION",
    "KINDS",
    "KIND_LABELS",
    "LEADER_TITLE",
    "LINK",
    "PERSONAL_DATA",
    "SECRET",
    "SENSITIVE",
    "TYPO",
    "WARNING",
    "Checker",
    "Expression",
    "Finding",
    "Leader",
    "SensitiveTerm",
    "TypoRule",
    "check",
    "default_checker",
    "resolve_overlaps",
]


@functools.lru_cache(maxsize=1)
def default_checker() -> Checker:
    """The shipped-data checker, built once per process."""
    return Checker.default()


def check(text: str) -> list[Finding]:
    """Check *text* with the shipped starter data."""
    return default_checker().check(text)
