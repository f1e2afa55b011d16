"""“您是不是要找”: suggestions for a query that found nothing.

1. A wrongly typed homophone (公基金 → 公积金, 低宝 → 低保): one character of the typed text is replaced
   by another with the same pinyin so that it becomes a dictionary word; suggested only if the corrected
   query finds something.
2. Too many words: the query without the words that appear in no item.

Both are checked against the index within the same site; nothing is suggested that finds nothing.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass

from . import analysis
from .engine import Engine, Match

MAX_CHECKS = 6
MIN_WORD_FREQ = 3


@dataclass
class Suggestion:
    """One “您是不是要找” line: the query to try, what it finds, and why it is suggested."""

    text: str
    count: int
    reason: str


_lock = threading.Lock()
_homophones: dict[str, list[str]] | None = None
_readings: dict[str, list[str]] | None = None


def _tables() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """char → toneless readings, reading → chars; over the characters of jieba's dictionary words."""
    global _homophones, _readings
    if _homophones is None:
        with _lock:
            if _homophones is None:
                from pypinyin import Style, pinyin

                tok = analysis.tokenizer()
                chars: set[str] = set()
                for word, freq in tok.FREQ.items():
                    if freq >= MIN_WORD_FREQ and len(word) <= 4:
                        chars.update(word)
                readings: dict[str, list[str]] = {}
                by_sound: dict[str, list[str]] = defaultdict(list)
                for ch in chars:
                    if not analysis.is_cjk(ch):
                        continue
                    sounds = sorted(set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]))
                    readings[ch] = sounds
                    for s in sounds:
                        by_sound[s].append(ch)
                _readings = readings
                _homophones = dict(by_sound)
    return _readings, _homophones


def homophone_candidates(run: str, limit: int = 20) -> list[tuple[str, int]]:
    """Texts that differ from ``run`` in one character of the same sound, making a dictionary word of
    2-4 characters that ``run`` did not already contain; best (most frequent word) first."""
    readings, by_sound = _tables()
    freq = analysis.tokenizer().FREQ
    found: dict[str, int] = {}
    n = len(run)
    for size in (4, 3, 2):
        for start in range(0, n - size + 1):
            window = run[start : start + size]
            if freq.get(window, 0) >= MIN_WORD_FREQ:
                continue  # already a word
            for i, ch in enumerate(window):
                for sound in readings.get(ch, ()):
                    for other in by_sound.get(sound, ()):
                        if other == ch:
                            continue
                        word = window[:i] + other + window[i + 1 :]
                        f = freq.get(word, 0)
                        if f >= MIN_WORD_FREQ:
                            fixed = run[:start] + word + run[start + size :]
                            found[fixed] = max(found.get(fixed, 0), f * size)
    return sorted(found.items(), key=lambda kv: -kv[1])[:limit]


def _count(text: str, filters, eng: Engine) -> int:
    q = analysis.parse_query(text)
    if q.empty:
        return 0
    return eng.count(Match(groups=q.groups(), facets=filters.facets(), key_range=filters.key_range()), 1000)


def suggestions(query: analysis.Query, filters, eng: Engine) -> list[Suggestion]:
    if query.empty:
        return []
    out: list[Suggestion] = []
    checks = 0
    # 1. homophones, run by run
    for run in query.runs:
        if not analysis.is_cjk(run) or len(run) < 2 or len(run) > 30:
            continue
        for fixed_run, _ in homophone_candidates(run):
            if checks >= MAX_CHECKS:
                break
            text = query.text.replace(run, fixed_run, 1)
            checks += 1
            n = _count(text, filters, eng)
            if n:
                out.append(Suggestion(text=text, count=n, reason="同音字"))
                break
    # 2. leave out the words found nowhere
    if not out and len(query.tokens) > 1:
        missing = []
        for token in query.tokens:
            m = Match(groups=[[[token]]], facets=filters.facets(), key_range=filters.key_range())
            if eng.count(m, 1) == 0:
                missing.append(token)
        kept = [t for t in query.tokens if t not in missing]
        if missing and kept and len("".join(kept)) >= 2:
            text = " ".join(kept)
            n = _count(text, filters, eng)
            if n and all(s.text != text for s in out):
                out.append(Suggestion(text=text, count=n, reason="去掉未找到的词：" + "、".join(missing)))
    return out[:3]
