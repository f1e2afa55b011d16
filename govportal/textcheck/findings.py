"""The result type of the text checker: one :class:`Finding` per problem found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Kinds of finding, in the order they are reported when two findings start and end at the same place.
PERSONAL_DATA = "personal_data"
SECRET = "secret"
EXPRESSION = "expression"
LEADER_TITLE = "leader_title"
TYPO = "typo"
SENSITIVE = "sensitive"
LINK = "link"
KINDS: tuple[str, ...] = (SECRET, PERSONAL_DATA, EXPRESSION, LEADER_TITLE, SENSITIVE, LINK, TYPO)

BLOCKING = "blocking"
WARNING = "warning"
SEVERITIES: tuple[str, ...] = (BLOCKING, WARNING)

KIND_LABELS: dict[str, str] = {
    PERSONAL_DATA: "个人信息",
    SECRET: "涉密标识",
    EXPRESSION: "严重表述错误",
    LEADER_TITLE: "领导人姓名职务",
    TYPO: "错别字",
    SENSITIVE: "敏感词",
    LINK: "链接",
}

_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def check_severity(value: str) -> str:
    """Return *value* if it is a known severity, else raise ``ValueError`` (message in Chinese)."""
    if value not in SEVERITIES:
        raise ValueError(f"严重程度只能是 blocking（阻止发布）或 warning（提醒），而不是“{value}”")
    return value


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a text.

    ``start``/``end`` are offsets in characters (Python ``str`` indices) into the checked text, so
    ``text[start:end] == finding.text``. ``subkind`` says which detector of the kind fired, e.g.
    ``"身份证号"`` for personal data; ``rule`` names the rule and where it comes from.
    """

    kind: str
    severity: str
    start: int
    end: int
    text: str
    suggestion: str | None
    rule: str
    subkind: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING

    def sort_key(self) -> tuple[int, int, int, str, str]:
        return (self.start, -self.end, _KIND_ORDER.get(self.kind, 99), self.subkind, self.rule)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestion": self.suggestion,
            "rule": self.rule,
            "subkind": self.subkind,
        }
