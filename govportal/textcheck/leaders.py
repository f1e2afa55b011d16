"""Leaders' names with a wrong or outdated title next to them."""

from __future__ import annotations

from collections.abc import Iterable

from .findings import LEADER_TITLE, Finding
from .lexicon import Leader

# a title preceded by one of these is the end of a longer title ("县政协副主席"), not the registry's
ORG_END = set("协委区县市省局会院部厅镇乡村团联社司处科室站所校队办府署")
HISTORICAL = ("时任", "曾任", "历任", "原任", "原", "前")
_CHAIN_SEPARATORS = "、，, "
_MAX_CHAIN = 6


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


class LeaderDetector:
    def __init__(self, leaders: Iterable[Leader]) -> None:
        self.leaders: list[Leader] = list(leaders)
        vocab: set[str] = set()
        for leader in self.leaders:
            vocab.update(leader.titles)
            vocab.update(leader.outdated)
        self.vocab = sorted(vocab, key=len, reverse=True)

    def patterns(self) -> list[tuple[str, tuple[str, int]]]:
        return [(leader.name, ("leader", i)) for i, leader in enumerate(self.leaders)]

    def _title_before(self, text: str, pos: int) -> str | None:
        for t in self.vocab:
            if pos >= len(t) and text.startswith(t, pos - len(t)):
                before = pos - len(t) - 1
                if before >= 0 and text[before] == "副" and "副" + t not in self.vocab:
                    before -= 1
                if before >= 0 and text[before] in ORG_END:
                    return None
                return t
        return None

    def _title_after(self, text: str, pos: int) -> str | None:
        for t in self.vocab:
            if text.startswith(t, pos):
                return t
        return None

    def evaluate(self, text: str, hits: list[tuple[int, int, int]]) -> list[Finding]:
        out: list[Finding] = []
        for start, end, idx in hits:
            leader = self.leaders[idx]
            current = set(leader.titles)
            # titles written before the name: "国务院副总理、党组成员XXX"
            pos = start
            chain: list[tuple[int, int, str]] = []
            for _ in range(_MAX_CHAIN):
                t = self._title_before(text, pos)
                deputy = False
                if t is None:
                    break
                if pos - len(t) > 0 and text[pos - len(t) - 1] == "副" and "副" + t not in self.vocab:
                    deputy = True
                tstart = pos - len(t) - (1 if deputy else 0)
                chain.append((tstart, pos, ("副" + t) if deputy else t))
                pos = tstart
                if pos > 0 and text[pos - 1] in _CHAIN_SEPARATORS:
                    pos -= 1
                else:
                    break
            historical = any(text.startswith(h, pos - len(h)) for h in HISTORICAL if pos >= len(h))
            if not historical:
                for tstart, _tend, title in chain:
                    f = self._verdict(text, leader, current, title, tstart, end, before=True)
                    if f:
                        out.append(f)
            # a title right after the name: "XXX副总理"
            title = self._title_after(text, end)
            if title is None and text.startswith("副", end):
                t = self._title_after(text, end + 1)
                title = "副" + t if t else None
            if title is not None:
                f = self._verdict(text, leader, current, title, start, end + len(title), before=False)
                if f:
                    out.append(f)
        return out

    def _verdict(
        self, text: str, leader: Leader, current: set[str], title: str, start: int, end: int, *, before: bool
    ) -> Finding | None:
        if title in current:
            return None
        if title in leader.outdated:
            why, sub = f"“{title}”为过时职务", "过时职务"
        else:
            why, sub = f"“{title}”不是其现任职务", "职务错误"
        best = sorted(
            leader.titles,
            key=lambda c: (-_common_suffix(c, title.lstrip("副")), -len(c) if before else len(c)),
        )[0]
        suggestion = f"{best}{leader.name}" if before else f"{leader.name}{best}"
        rule = f"领导人姓名职务库：{leader.name}现任{'、'.join(leader.titles)}；{why}"
        if leader.note:
            rule += f"（{leader.note}）"
        return Finding(LEADER_TITLE, leader.severity, start, end, text[start:end], suggestion, rule, sub)
