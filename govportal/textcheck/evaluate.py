"""Precision and recall of a checker against a labelled corpus (used by the benchmark and tests).

A corpus row is ``{"text": ..., "expected": [{"kind": ..., "text": ...}, ...]}``. An expected label
is located at the first not yet used occurrence of its text in the sentence. A finding counts as
a true positive when it has the label's kind and its span overlaps the label's span; every
label is matched at most once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import KINDS, Finding


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_positives: list[tuple[int, str, str]] = field(default_factory=list)
    misses: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_corpus(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(
    check: Callable[[str], Iterable[Finding]], rows: Iterable[Mapping[str, Any]], kinds: Iterable[str] = KINDS
) -> dict[str, Score]:
    wanted = set(kinds)
    scores: dict[str, Score] = defaultdict(Score)
    for row in rows:
        text: str = row["text"]
        rid = row.get("id", 0)
        labels: list[tuple[str, int, int, str]] = []
        used_from: dict[str, int] = defaultdict(int)
        for label in row.get("expected", []):
            if label["kind"] not in wanted:
                continue
            pos = text.find(label["text"], used_from[label["text"]])
            if pos < 0:
                raise ValueError(f"语料第{rid}条：标注文字“{label['text']}”不在句中")
            used_from[label["text"]] = pos + 1
            labels.append((label["kind"], pos, pos + len(label["text"]), label["text"]))
        matched = [False] * len(labels)
        for f in check(text):
            if f.kind not in wanted:
                continue
            for i, (kind, s, e, _) in enumerate(labels):
                if not matched[i] and kind == f.kind and f.start < e and s < f.end:
                    matched[i] = True
                    scores[kind].tp += 1
                    break
            else:
                scores[f.kind].fp += 1
                scores[f.kind].false_positives.append((rid, f.text, text))
        for ok, (kind, _, _, label_text) in zip(matched, labels, strict=True):
            if not ok:
                scores[kind].fn += 1
                scores[kind].misses.append((rid, label_text, text))
    return {k: scores[k] for k in KINDS if k in wanted}
