"""The text checker: every detector over one text, findings sorted and de-duplicated."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .findings import EXPRESSION, KINDS, SENSITIVE, TYPO, Finding
from .leaders import LeaderDetector
from .lexicon import (
    Expression,
    Leader,
    SensitiveTerm,
    TypoRule,
    as_expression,
    as_leader,
    as_sensitive,
    as_typo,
    data_file,
    load_domains,
    load_expressions,
    load_leaders,
    load_sensitive,
    load_typo_context,
    load_typos,
)
from .links import LinkDetector
from .matcher import MultiMatcher
from .personal import ADDRESS_ANCHORS, find_addresses, find_emails, find_numbers
from .secrets import SecretDetector
from .typos import HomophoneDetector, TypoDetector

SensitiveLike = SensitiveTerm | Mapping[str, Any] | Sequence[Any] | str
ExpressionLike = Expression | Mapping[str, Any] | Sequence[Any]
LeaderLike = Leader | Mapping[str, Any] | Sequence[Any]
TypoLike = TypoRule | Mapping[str, Any] | Sequence[Any]


def _words(path: Path) -> list[str]:
    out: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        out.extend(line.split("#", 1)[0].split())
    return out


# kinds in which two partly overlapping findings are one problem: the first one is kept
_MERGE_PARTIAL = frozenset({TYPO})


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Deterministic order and de-duplication.

    Within one kind, a finding whose span lies inside another finding's span (equal spans
    included) is dropped: the longer match wins ("法轮功" over "法轮"); for equal spans the one
    produced first wins (confusion list before the homophone detector, severity ``blocking`` before
    ``warning`` for lexicon terms). Findings of different kinds are all kept, even when they overlap.
    Partially overlapping findings of one kind are both kept, except typos, where they name the
    same wrong character twice ("生态坏境" and "坏境保护"): the first, longer one is kept. The result is sorted by start, then
    longer first, then kind (in the order of :data:`KINDS`).
    """
    by_kind: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_kind[f.kind].append(f)
    out: list[Finding] = []
    for kind, kind_findings in by_kind.items():
        kind_findings.sort(key=lambda f: (f.start, -f.end))  # stable: production order breaks ties
        kept: list[Finding] = []
        merge = kind in _MERGE_PARTIAL
        for f in kind_findings:
            if any(k.start <= f.start and f.end <= k.end or (merge and f.start < k.end) for k in kept[-8:]):
                continue
            kept.append(f)
        out.extend(kept)
    out.sort(key=Finding.sort_key)
    return out


class Checker:
    """Checks a text against the registries it is built from.

    All arguments are plain data, so the Django side can build a checker from database tables::

        Checker(
            sensitive_terms=["代开发票", {"term": "百家乐", "category": "赌博", "severity": "blocking"}],
            expressions=[{"wrong": "中国人民共和国", "correct": "中华人民共和国"}],
            leaders=[{"name": "张三", "titles": ["市长"], "outdated": ["副市长"]}],
            typo_rules=[{"wrong": "截止", "correct": "截至", "after": r"^\\s*(?:目前|\\d)"}],
            blocked_domains=["bad.example"],
            allowed_link_domains=["people.com.cn"],
            forbid_non_gov=True,
        )

    ``detectors`` limits the kinds checked (default: all that have data). Secret markers and personal
    data need no data and are on unless left out of ``detectors``.
    """

    def __init__(
        self,
        *,
        sensitive_terms: Iterable[SensitiveLike] = (),
        expressions: Iterable[ExpressionLike] = (),
        leaders: Iterable[LeaderLike] = (),
        typo_rules: Iterable[TypoLike] = (),
        blocked_domains: Iterable[str] = (),
        allowed_link_domains: Iterable[str] = (),
        forbid_non_gov: bool = False,
        homophones: bool | HomophoneDetector = False,
        phrases: Iterable[str] = (),
        homophone_allow: Iterable[str] = (),
        extra_secret_markers: Iterable[str] = (),
        official_email_suffixes: Sequence[str] = (".gov.cn",),
        detectors: Iterable[str] | None = None,
        today: datetime.date | None = None,
    ) -> None:
        enabled = set(KINDS if detectors is None else detectors)
        unknown = enabled - set(KINDS)
        if unknown:
            raise ValueError(f"未知的检查类别：{'、'.join(sorted(unknown))}（可选：{'、'.join(KINDS)}）")
        self.enabled = frozenset(enabled)
        self.today = today
        self.official_email_suffixes = tuple(official_email_suffixes)
        self.sensitive: list[SensitiveTerm] = (
            [as_sensitive(t) for t in sensitive_terms] if SENSITIVE in enabled else []
        )
        # blocking entries first, so that of two entries for the same text the blocking one is reported
        self.sensitive.sort(key=lambda t: t.severity != "blocking")
        self.expressions: list[Expression] = (
            [as_expression(e) for e in expressions] if EXPRESSION in enabled else []
        )
        self.leader_detector = (
            LeaderDetector(as_leader(x) for x in leaders) if "leader_title" in enabled else None
        )
        self.typo_detector = TypoDetector(as_typo(x) for x in typo_rules) if "typo" in enabled else None
        self.secret_detector = SecretDetector(extra_secret_markers) if "secret" in enabled else None
        self.link_detector = (
            LinkDetector(blocked_domains, allowed_link_domains, forbid_non_gov=forbid_non_gov)
            if "link" in enabled
            else None
        )
        self.homophone_detector: HomophoneDetector | None = None
        if "typo" in enabled and homophones:
            self.homophone_detector = (
                homophones
                if isinstance(homophones, HomophoneDetector)
                else HomophoneDetector(phrases, allow=homophone_allow)
            )
        self._build_matcher()

    def _build_matcher(self) -> None:
        m = MultiMatcher()
        for i, term in enumerate(self.sensitive):
            m.add(term.term, ("sensitive", i))
            for ex in term.exceptions:
                m.add(ex, ("sensitive_allow", i))
        for i, expr in enumerate(self.expressions):
            m.add(expr.wrong, ("expression", i))
            for ex in expr.exceptions:
                m.add(ex, ("expression_allow", i))
        if self.leader_detector:
            for pattern, payload in self.leader_detector.patterns():
                m.add(pattern, payload)
        if self.typo_detector:
            for pattern, payload in self.typo_detector.patterns():
                m.add(pattern, payload)
        if self.secret_detector:
            for pattern, role in self.secret_detector.patterns():
                m.add(pattern, ("secret", role, pattern))
        if "personal_data" in self.enabled:
            for word in ADDRESS_ANCHORS:
                m.add(word, ("address", word))
        m.build()
        self.matcher = m

    # ------------------------------------------------------------------------------------------
    @classmethod
    def default(
        cls,
        *,
        forbid_non_gov: bool = False,
        homophones: bool = True,
        detectors: Iterable[str] | None = None,
        **extra: Any,
    ) -> Checker:
        """A checker with the starter data shipped in ``govportal/textcheck/data/``.

        Keyword arguments of :class:`Checker` given in *extra* are added to the shipped data
        (lists) or replace it (other values).
        """
        shipped: dict[str, Any] = {
            "sensitive_terms": load_sensitive(data_file("sensitive.tsv")),
            "expressions": load_expressions(data_file("expressions.tsv")),
            "leaders": load_leaders(data_file("leaders.toml")),
            "typo_rules": load_typos(data_file("typos.tsv"))
            + load_typo_context(data_file("typo_context.toml")),
            "blocked_domains": load_domains(data_file("blocked_domains.txt")),
            "allowed_link_domains": load_domains(data_file("allowed_link_domains.txt")),
            "phrases": _words(data_file("phrases.txt")),
            "homophone_allow": _words(data_file("homophone_allow.txt")),
        }
        for key, value in extra.items():
            if key in shipped and isinstance(value, list | tuple):
                shipped[key] = list(shipped[key]) + list(value)
            else:
                shipped[key] = value
        return cls(forbid_non_gov=forbid_non_gov, homophones=homophones, detectors=detectors, **shipped)

    # ------------------------------------------------------------------------------------------
    def check(self, text: str) -> list[Finding]:
        """All findings in *text*, sorted by start (see :func:`resolve_overlaps`)."""
        findings: list[Finding] = []
        enabled = self.enabled
        sensitive_hits: list[tuple[int, int, int]] = []
        expression_hits: list[tuple[int, int, int]] = []
        leader_hits: list[tuple[int, int, int]] = []
        typo_hits: list[tuple[int, int, int]] = []
        secret_hits: list[tuple[int, int, str, str]] = []
        address_hits: list[tuple[int, int, str]] = []
        allow: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        for start, end, payloads in self.matcher.iter(text):
            for p in payloads:
                tag = p[0]
                if tag == "sensitive":
                    sensitive_hits.append((start, end, p[1]))
                elif tag == "secret":
                    secret_hits.append((start, end, p[2], p[1]))
                elif tag == "expression":
                    expression_hits.append((start, end, p[1]))
                elif tag == "typo":
                    typo_hits.append((start, end, p[1]))
                elif tag == "leader":
                    leader_hits.append((start, end, p[1]))
                elif tag == "address":
                    address_hits.append((start, end, p[1]))
                else:  # *_allow
                    allow[(tag, p[1])].append((start, end))

        if secret_hits and self.secret_detector:
            findings.extend(self.secret_detector.evaluate(text, secret_hits))
        if "personal_data" in enabled:
            findings.extend(find_numbers(text, today=self.today))
            if "@" in text:
                findings.extend(find_emails(text, official_suffixes=self.official_email_suffixes))
            if address_hits:
                findings.extend(find_addresses(text, address_hits))
        for start, end, i in sensitive_hits:
            term = self.sensitive[i]
            if any(s <= start and end <= e for s, e in allow.get(("sensitive_allow", i), ())):
                continue
            rule = f"敏感词库（{term.category or '未分类'}）"
            if term.note:
                rule += f"：{term.note}"
            findings.append(
                Finding(
                    SENSITIVE,
                    term.severity,
                    start,
                    end,
                    text[start:end],
                    term.suggestion,
                    rule,
                    term.category,
                )
            )
        for start, end, i in expression_hits:
            expr = self.expressions[i]
            if any(s <= start and end <= e for s, e in allow.get(("expression_allow", i), ())):
                continue
            rule = f"规范表述库（{expr.category or '固定表述'}）：应为“{expr.correct}”"
            if expr.note:
                rule += f"；{expr.note}"
            findings.append(
                Finding(
                    EXPRESSION, expr.severity, start, end, text[start:end], expr.correct, rule, expr.category
                )
            )
        if leader_hits and self.leader_detector:
            findings.extend(self.leader_detector.evaluate(text, leader_hits))
        if self.typo_detector and typo_hits:
            typo_allow = {i: spans for (tag, i), spans in allow.items() if tag == "typo_allow"}
            findings.extend(self.typo_detector.evaluate(text, typo_hits, typo_allow))
        if self.homophone_detector:
            findings.extend(self.homophone_detector.find(text))
        if self.link_detector:
            findings.extend(self.link_detector.find(text))
        return resolve_overlaps(findings)

    def has_blocking(self, text: str) -> bool:
        return any(f.blocking for f in self.check(text))
