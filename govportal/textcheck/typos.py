"""Typos (错别字): a confusion list with context rules, and homophone slips in set phrases.

1. :class:`TypoDetector` applies :class:`~govportal.textcheck.lexicon.TypoRule` entries found by the
   shared matcher: always-wrong forms (outside their exceptions) and context rules such as
   截止/截至, 即使/既使, 反映/反应.
2. :class:`HomophoneDetector` catches pinyin-input slips in idioms and fixed phrases that no list
   names: the text is mapped character by character to toneless pinyin classes (pypinyin's
   dictionary), a second automaton finds every window that *sounds* like a phrase of the target
   list (four or more characters: idioms and set phrases from jieba's dictionary, which ships in its
   PyPI package, plus ``data/phrases.txt``), and a window is reported when it differs from the
   phrase in exactly one character and is itself not a common word. No model is downloaded.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from .findings import TYPO, WARNING, Finding
from .lexicon import TypoRule
from .matcher import MultiMatcher

_CONTEXT = 30


def typo_rule_text(rule: TypoRule) -> str:
    base = f"易错词表：“{rule.wrong}”应为“{rule.correct}”"
    return f"{base}（{rule.note}）" if rule.note else base


class TypoDetector:
    def __init__(self, rules: Iterable[TypoRule]) -> None:
        self.rules: list[TypoRule] = list(rules)

    def patterns(self) -> list[tuple[str, tuple[str, int]]]:
        out: list[tuple[str, tuple[str, int]]] = []
        for i, rule in enumerate(self.rules):
            out.append((rule.wrong, ("typo", i)))
            for ex in rule.exceptions:
                out.append((ex, ("typo_allow", i)))
        return out

    def evaluate(
        self, text: str, hits: list[tuple[int, int, int]], allow: dict[int, list[tuple[int, int]]]
    ) -> list[Finding]:
        """*hits*: (start, end, rule index); *allow*: rule index -> spans of its exceptions."""
        out: list[Finding] = []
        for start, end, idx in hits:
            rule = self.rules[idx]
            if any(s <= start and end <= e for s, e in allow.get(idx, ())):
                continue
            if rule.contextual and not _context_ok(text, start, end, rule):
                continue
            out.append(
                Finding(
                    kind=TYPO,
                    severity=rule.severity,
                    start=start,
                    end=end,
                    text=text[start:end],
                    suggestion=rule.correct,
                    rule=typo_rule_text(rule),
                    subkind="易混词" if rule.contextual else "别字",
                )
            )
        return out


def _context_ok(text: str, start: int, end: int, rule: TypoRule) -> bool:
    after = text[end : end + _CONTEXT]
    cut = after.find("\n")
    if cut != -1:
        after = after[:cut]
    before = text[max(0, start - _CONTEXT) : start]
    cut = before.rfind("\n")
    if cut != -1:
        before = before[cut + 1 :]
    p = rule.pattern("after")
    if p is not None and not p.match(after):
        return False
    p = rule.pattern("not_after")
    if p is not None and p.match(after):
        return False
    p = rule.pattern("before")
    if p is not None and not p.search(before):
        return False
    p = rule.pattern("not_before")
    return not (p is not None and p.search(before))


# --- homophone slips in set phrases ---------------------------------------------------------------

_PUA = 0xE000
HOMOPHONE_RULE = "同音别字：与固定词语读音相同、仅一字之差（拼音比对，jieba 词典成语/习用语）"


def _toneless(pinyin: str) -> str:
    first = pinyin.split(",")[0]
    return "".join(c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c)).replace(
        "ü", "v"
    )


def _load_pinyin_dict() -> dict[int, str]:
    """pypinyin's character dictionary, read without importing the package (whose phrase
    dictionary alone takes ~55 MB of memory)."""
    import importlib.util

    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        raise RuntimeError("同音别字检查需要 pypinyin 软件包，请先安装 pypinyin")
    path = Path(spec.origin).with_name("pinyin_dict.py")
    module_spec = importlib.util.spec_from_file_location("_govportal_pinyin_dict", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.pinyin_dict


@functools.lru_cache(maxsize=1)
def _pinyin_table() -> tuple[dict[int, str], dict[str, int]]:
    pinyin_dict = _load_pinyin_dict()
    classes: dict[str, int] = {}
    table: dict[int, str] = {}
    for code, readings in pinyin_dict.items():
        if not (0x4E00 <= code <= 0x9FFF):
            continue
        syl = _toneless(readings)
        cid = classes.setdefault(syl, len(classes))
        # spread the classes over 24 high bytes of the private use area: the matcher walks UTF-16
        # bytes, and short transition lists at every level keep it fast
        table[code] = chr(_PUA + ((cid % 24) << 8) + cid // 24)
    return table, classes


def _jieba_dict_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise RuntimeError("同音别字检查需要 jieba 软件包（其中自带词典），请先安装 jieba")
    return Path(spec.origin).with_name("dict.txt")


def _read_jieba(min_len: int, max_len: int) -> Iterator[tuple[str, int, str]]:
    """(word, frequency, part of speech) of the Chinese words of jieba's dictionary in a length range."""
    with _jieba_dict_path().open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and min_len <= len(parts[0]) <= max_len and _CJK.match(parts[0]):
                yield parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""


@functools.lru_cache(maxsize=1)
def jieba_words(min_len: int = 1) -> dict[str, tuple[int, str]]:
    """word -> (frequency, part of speech) from jieba's shipped dictionary (jieba/dict.txt).

    Only words of at least *min_len* characters are kept. The dictionary is read as a file:
    jieba's tokenizer is not imported.
    """
    words: dict[str, tuple[int, str]] = {}
    with _jieba_dict_path().open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) >= min_len:
                words[parts[0]] = (int(parts[1]), sys.intern(parts[2]) if len(parts) > 2 else "")
    return words


_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
# jieba parts of speech of the target phrases: idioms (i), set phrases (l), nouns (n; many idioms are
# tagged n), status words, verbs, ... but no personal, place or organisation names and no numerals.
PHRASE_TAGS = ("i", "l", "n", "z", "j", "v", "vn", "a", "ad", "an", "d", "c", "o", "b", "t", "f", "s")


class HomophoneDetector:
    """Pinyin-normalised matching against a list of set phrases (see the module docstring)."""

    def __init__(
        self,
        phrases: Iterable[str] = (),
        *,
        use_jieba: bool = True,
        min_freq: int = 5,
        min_ratio: float = 20.0,
        max_diffs: int = 1,
        allow: Iterable[str] = (),
        tags: tuple[str, ...] = PHRASE_TAGS,
    ) -> None:
        self.table, _ = _pinyin_table()
        self.min_ratio = min_ratio
        self.max_diffs = max_diffs
        self.allow = frozenset(a.strip() for a in allow if a.strip())
        targets: dict[str, int] = {}
        if use_jieba:
            for word, freq, tag in _read_jieba(min_len=4, max_len=8):
                if tag in tags and freq >= min_freq:
                    targets[word] = freq
        for p in phrases:
            p = p.strip()
            if len(p) >= 3 and _CJK.match(p):
                targets[p] = max(targets.get(p, 0), 10**6)
        # frequencies are needed only for words that sound like a target: a window can only be such a word
        keys = {word.translate(self.table) for word in targets}
        lengths = {len(word) for word in targets}
        self.freq: dict[str, int] = {}
        if use_jieba:
            for word, freq, _ in _read_jieba(
                min_len=min(lengths, default=3), max_len=max(lengths, default=8)
            ):
                if word not in targets and word.translate(self.table) in keys:
                    self.freq[word] = freq
        self.targets = targets
        self.matcher = MultiMatcher()
        for word in targets:
            self.matcher.add(word.translate(self.table), word)
        self.matcher.build()

    def find(self, text: str) -> list[Finding]:
        norm = text.translate(self.table)
        out: list[Finding] = []
        for start, end, payloads in self.matcher.iter(norm):
            orig = text[start:end]
            for target in payloads:
                if orig == target:
                    continue
                diffs = [i for i, (a, b) in enumerate(zip(orig, target, strict=True)) if a != b]
                if not 1 <= len(diffs) <= self.max_diffs or orig in self.allow or not _CJK.match(orig):
                    continue
                if not self._plausible_slip(orig, target):
                    continue
                out.append(
                    Finding(
                        kind=TYPO,
                        severity=WARNING,
                        start=start,
                        end=end,
                        text=orig,
                        suggestion=target,
                        rule=HOMOPHONE_RULE,
                        subkind="同音别字",
                    )
                )
                break
        return out

    def _plausible_slip(self, orig: str, target: str) -> bool:
        target_freq = self.targets[target]
        orig_freq = self.targets.get(orig) or self.freq.get(orig, 0)
        return orig_freq * self.min_ratio < target_freq
