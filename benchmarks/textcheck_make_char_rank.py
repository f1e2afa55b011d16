"""Writes govportal/textcheck/data/char_rank.txt: the 4,000 most frequent Chinese characters.

Frequencies are summed over the words of jieba's dictionary (shipped in the jieba package,
MIT licence), weighted by word frequency. The matcher inserts patterns in this order so that
pyahocorasick's transition lists start with the characters text uses most (its lookups scan a
node's transitions in insertion order). Run once; the output is committed.

    .venv/bin/python benchmarks/textcheck_make_char_rank.py
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govportal.textcheck.typos import jieba_words  # noqa: E402

freq: collections.Counter[str] = collections.Counter()
for word, (f, _) in jieba_words().items():
    for ch in word:
        if "\u4e00" <= ch <= "\u9fff":
            freq[ch] += f
chars = "".join(ch for ch, _ in freq.most_common(4000))
out = ROOT / "govportal/textcheck/data/char_rank.txt"
lines = [
    "# 4,000 most frequent characters, most frequent first (from jieba's dictionary); used to order the matcher"
]
lines += [chars[i : i + 100] for i in range(0, len(chars), 100)]
out.write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"wrote {len(chars)} characters to {out}")
