"""Markers of classified or internal documents (涉密标识).

The rule, decided for issue #5 and tested both ways:

* A classification level (绝密 / 机密 / 秘密) is a marker when it carries the mark of the standard
  form "密级★保密期限" (a ★, ☆ or ＊ after it), a period of secrecy in brackets or after
  "保密期限：", when it follows "密级：", or when it stands alone on a line or in brackets.
  The same words in running prose (商业秘密, 国家秘密, "守住这个秘密", "机密级文件管理") are not.
* A level the document states of itself ("本文件为机密文件", "此件属秘密级", issue #19) is a marker:
  the level follows "此件为/本文件系/该材料属于/…" directly. "本文件涉及商业秘密" is still prose.
* "保密期限：10年" (a filled-in period field) is a marker.
* Distribution markers (内部资料, 内部文件, 不得外传, 注意保密, 此件不公开, …) are markers when
  they stand as a clause of their own: bounded on the left by the start of a line, a space, an
  opening bracket, ★, a clause-ending mark (，；：。) or another marker (optionally after
  此件/本件/请/仅供), or introduced by "此件为/该材料系/本通知为/…" (a document saying what it is),
  and on the right by the end of a line, a space, a closing bracket, ★ or punctuation. Inside a
  sentence ("严禁将内部资料上网", "要求与会人员注意保密", "内部资料室") they are prose and are not flagged.

Every marker found is blocking: "涉密信息不上网，上网信息不涉密".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .findings import BLOCKING, SECRET, Finding

LEVELS = ("绝密", "机密", "秘密")
DISTRIBUTION_MARKERS = (
    "内部资料",
    "内部文件",
    "内部材料",
    "内部传阅",
    "内部使用",
    "内部参考",
    "内部发行",
    "内部刊物",
    "内部交流",
    "仅供内部",
    "不得外传",
    "严禁外传",
    "请勿外传",
    "禁止外传",
    "注意保密",
    "注意保存",
    "不得翻印",
    "严禁复制",
    "不得复制",
    "会后收回",
    "阅后收回",
    "用后收回",
    "此件不公开",
    "不予公开发布",
)
MARKER_PREFIXES = ("此件", "本件", "此文件", "本文件", "本材料", "此材料", "本资料", "请", "仅供", "严格")
ANCHORS = (*LEVELS, "密级", "保密期限")
# "此件为内部资料", "该材料系内部资料", "本通知为内部文件": the document says what it is.
_SELF_PREFIX = re.compile(
    r"(?:此件|本件|该件|此文件|本文件|该文件|此材料|本材料|该材料|本资料|该资料|本通知|此通知|本文|此文)"
    r"(?:为|系|属于|属|是)$"
)
_CLAUSE_END = "，；：。,;:"
# what may follow a level the document states of itself: "机密文件", "秘密级", "绝密件"
_AFTER_SELF_LEVEL = re.compile(r"级?(?:文件|材料|资料|件)?")

RULE = "《中华人民共和国保守国家秘密法》；涉密信息不上网，上网信息不涉密"
RULE_LEVEL = "密级标志“密级★保密期限”（《国家秘密文件、资料和其他物品标志的规定》）；" + RULE
RULE_DISTRIBUTION = "内部资料／不得外传等发放范围标识；" + RULE

_STARS = "★☆＊"
_OPEN = "(（【[〔〖「『<"
_CLOSE = ")）】]〕〗」』>"
_PUNCT = "，。；、：:,.;!！?？"
_SP = "[ \t\u3000]"
_CN_NUM = "一二三四五六七八九十两"
_PERIOD = rf"(?:[0-9０-９]+|[{_CN_NUM}]+){_SP}*(?:年|个月|月)|长期"
_AFTER_STAR = re.compile(rf"{_SP}*[{_STARS}]{_SP}*(?:(?:保密期限{_SP}*[:：]?{_SP}*)?(?:{_PERIOD}))?")
_AFTER_BRACKET_PERIOD = re.compile(
    rf"{_SP}*级?{_SP}*[（(]{_SP}*(?:保密期限{_SP}*[:：]?{_SP}*)?(?:{_PERIOD}){_SP}*[）)]"
)
_AFTER_PERIOD_FIELD = re.compile(rf"{_SP}*级?{_SP}*[，,]?{_SP}*保密期限{_SP}*[:：]{_SP}*(?:{_PERIOD})")
_AFTER_MIJI = re.compile(rf"{_SP}*[:：]{_SP}*(?:绝密|机密|秘密)(?:{_SP}*[{_STARS}]{_SP}*(?:{_PERIOD})?)?")
_AFTER_QIXIAN = re.compile(rf"{_SP}*[:：]{_SP}*(?:{_PERIOD})")


class SecretDetector:
    """Finds secret markers from the hits of the shared multi-pattern matcher."""

    def __init__(self, extra_markers: Iterable[str] = ()) -> None:
        self.markers: tuple[str, ...] = tuple(dict.fromkeys([*DISTRIBUTION_MARKERS, *extra_markers]))

    def patterns(self) -> list[tuple[str, str]]:
        """(pattern, role) pairs to add to the matcher."""
        out = [(a, "anchor") for a in ANCHORS]
        out += [(m, "marker") for m in self.markers]
        return out

    def evaluate(self, text: str, hits: list[tuple[int, int, str, str]]) -> list[Finding]:
        """*hits*: (start, end, pattern, role) from the matcher, in any order."""
        findings: list[Finding] = []
        marker_spans: list[tuple[int, int]] = []
        for start, end, pattern, role in sorted(hits):
            if role == "anchor":
                f = self._anchor(text, start, end, pattern)
                if f:
                    findings.append(f)
            else:
                marker_spans.append((start, end))
        findings.extend(self._markers(text, marker_spans))
        return _merge(text, findings)

    # --- classification levels -------------------------------------------------------------
    def _anchor(self, text: str, start: int, end: int, word: str) -> Finding | None:
        if word in LEVELS:
            for rx, sub in (
                (_AFTER_STAR, "密级标志"),
                (_AFTER_BRACKET_PERIOD, "密级标志"),
                (_AFTER_PERIOD_FIELD, "密级标志"),
            ):
                m = rx.match(text, end)
                if m:
                    return _finding(text, start, m.end(), sub, RULE_LEVEL)
            if _standalone(text, start, end):
                return _finding(text, start, end, "密级标志", RULE_LEVEL)
            # "本文件为机密文件", "此件属秘密级": the document states its own classification level.
            m = _SELF_PREFIX.search(text, max(0, start - 6), start)
            if m:
                tail = _AFTER_SELF_LEVEL.match(text, end)
                return _finding(text, m.start(), tail.end() if tail else end, "密级标志", RULE_LEVEL)
            return None
        if word == "密级":
            m = _AFTER_MIJI.match(text, end)
            if m:
                return _finding(text, start, m.end(), "密级标志", RULE_LEVEL)
            return None
        m = _AFTER_QIXIAN.match(text, end)  # 保密期限：
        if m:
            return _finding(text, start, m.end(), "保密期限", RULE_LEVEL)
        return None

    # --- distribution markers -----------------------------------------------------------------
    def _markers(self, text: str, spans: list[tuple[int, int]]) -> list[Finding]:
        # overlapping markers ("仅供内部" + "内部参考") form one marker
        spans = sorted(spans, key=lambda s: (s[0], -s[1]))
        kept: list[tuple[int, int]] = []
        for s, e in spans:
            if kept and s < kept[-1][1]:
                kept[-1] = (kept[-1][0], max(e, kept[-1][1]))
                continue
            kept.append((s, e))
        flagged: list[tuple[int, int]] = []
        for s, e in kept:
            left = _left_boundary(text, s, flagged)
            if left is None:
                continue
            if _right_ok(text, e, kept):
                flagged.append((left, e))
        return [_finding(text, s, e, "内部资料标识", RULE_DISTRIBUTION) for s, e in flagged]


def _line_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t\u3000":
        j -= 1
    return j < 0 or text[j] in "\r\n"


def _left_boundary(text: str, s: int, flagged: list[tuple[int, int]]) -> int | None:
    """Start of the marker (including an allowed prefix) if its left side is a boundary."""
    starts = [s]
    for _ in range(2):  # up to two prefixes: "本材料仅供内部参考"
        for p in MARKER_PREFIXES:
            if starts[-1] >= len(p) and text.startswith(p, starts[-1] - len(p)):
                starts.append(starts[-1] - len(p))
                break
    m = _SELF_PREFIX.search(text, max(0, s - 6), s)
    if m:
        return m.start()
    for st in sorted(starts):
        if st == 0 or _line_start(text, st):
            return st
        prev = text[st - 1]
        if prev in " \t\u3000" or prev in _OPEN or prev in _STARS or prev in _CLAUSE_END:
            return st
        # chained after another flagged marker: "内部资料，注意保密"
        j = st - 1
        while j >= 0 and (text[j] in _PUNCT or text[j] in " \u3000"):
            j -= 1
        if flagged and flagged[-1][1] == j + 1:
            return st
    return None


def _right_ok(text: str, e: int, kept: list[tuple[int, int]]) -> bool:
    if e >= len(text):
        return True
    nxt = text[e]
    # "、" continues an enumeration ("注意保密、注意安全") and so is not a boundary
    if nxt in "\r\n \t\u3000" or nxt in _CLOSE or nxt in _STARS or (nxt in _PUNCT and nxt != "、"):
        return True
    return any(s == e for s, _ in kept)  # another marker follows directly


def _standalone(text: str, start: int, end: int) -> bool:
    """A level word alone on its line, or alone in brackets: "（秘密）"."""
    if start > 0 and text[start - 1] in _OPEN and end < len(text) and text[end] in _CLOSE:
        return True
    if not _line_start(text, start):
        return False
    j = end
    while j < len(text) and text[j] in " \t\u3000":
        j += 1
    return j >= len(text) or text[j] in "\r\n"


def _finding(text: str, start: int, end: int, subkind: str, rule: str) -> Finding:
    while end > start and text[end - 1] in " \t\u3000":
        end -= 1
    return Finding(
        kind=SECRET,
        severity=BLOCKING,
        start=start,
        end=end,
        text=text[start:end],
        suggestion="涉密或内部信息不得上网：撤下全文并按保密审查程序处理",
        rule=rule,
        subkind=subkind,
    )


def _merge(text: str, findings: list[Finding]) -> list[Finding]:
    """Overlapping secret findings become one (e.g. "密级：秘密★5年" found from 密级 and from 秘密)."""
    findings.sort(key=lambda f: (f.start, -f.end))
    out: list[Finding] = []
    for f in findings:
        if out and f.start < out[-1].end:
            last = out[-1]
            if f.end > last.end:
                out[-1] = _finding(text, last.start, f.end, last.subkind, last.rule)
            continue
        out.append(f)
    return out
