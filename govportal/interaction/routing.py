"""Suggest the responsible unit for a letter; the centre decides.

Three kinds of evidence, each shown to the centre as a reason:

1. the unit's name, short name or alias appears in the letter;
2. the letter's words match what the unit is responsible for on the site (titles and content descriptions
   of the columns the responsibility table assigns to it), weighted TF-IDF across units so that columns
   every unit shares count for nothing;
3. similar earlier letters (shared keywords) were dispatched to the unit and not returned.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from govportal.accounts.models import Unit, UnitKind
from govportal.portal.models import ColumnPage

from .models import Letter, OrderState, WorkOrder
from .text import tokens

_PREFIX = re.compile(r"^(市|区|县|自治区|自治县)")
_SUFFIX = re.compile(r"(管理局|事务局|委员会|办公室|管理中心|服务中心|中心|局|委|办|厅|部)$")
# Units that are not answerers of citizens' letters.
NOT_ROUTABLE = (UnitKind.OPERATOR, UnitKind.MEDIA, UnitKind.ENTERPRISE)
_CACHE_SECONDS = 600
_vocab_cache: dict[str, tuple[float, dict[int, Counter], dict[str, int]]] = {}


@dataclass
class Suggestion:
    unit: Unit
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


def short_names(unit: Unit) -> set[str]:
    names = {unit.name, *unit.aliases}
    out = set()
    for n in names:
        out.add(n)
        stem = _SUFFIX.sub("", _PREFIX.sub("", n))
        if len(stem) >= 2:
            out.add(stem)
    return out


def _unit_vocab(locality: str) -> tuple[dict[int, Counter], dict[str, int]]:
    """Per unit, the words of the columns it is responsible for; and each word's document frequency."""
    cached = _vocab_cache.get(locality)
    if cached and time.monotonic() - cached[0] < _CACHE_SECONDS:
        return cached[1], cached[2]

    vocab: dict[int, Counter] = defaultdict(Counter)
    columns = ColumnPage.objects.filter(units__locality=locality).distinct().prefetch_related("units")
    for col in columns:
        words = tokens(f"{col.title} {col.title} {col.content_description}")
        unit_ids = [u.pk for u in col.units.all() if u.locality == locality]
        if len(unit_ids) > 12:  # a column every unit keeps says nothing about who answers what
            continue
        for uid in unit_ids:
            vocab[uid].update(words)
    df: dict[str, int] = Counter()
    for counter in vocab.values():
        df.update(counter.keys())
    _vocab_cache[locality] = (time.monotonic(), vocab, dict(df))
    return vocab, dict(df)


def routable_units(locality: str):
    return Unit.objects.filter(locality=locality).exclude(kind__in=NOT_ROUTABLE).order_by("sort_order", "id")


def suggest_units(letter: Letter, limit: int = 5) -> list[Suggestion]:
    units = {u.pk: u for u in routable_units(letter.locality)}
    if not units:
        return []
    text = f"{letter.subject}\n{letter.content}"
    found: dict[int, Suggestion] = {}

    def add(uid: int, score: float, reason: str) -> None:
        if uid not in units:
            return
        s = found.setdefault(uid, Suggestion(units[uid]))
        s.score += score
        if reason and reason not in s.reasons:
            s.reasons.append(reason)

    # 1. names
    for uid, unit in units.items():
        for name in sorted(short_names(unit), key=len, reverse=True):
            if name in text:
                add(uid, 6.0 if name == unit.name else 4.0, f"信中提到“{name}”")
                break
    if letter.target_unit_id:
        add(letter.target_unit_id, 2.0, "来信人选择了此单位")

    # 2. responsibilities (TF-IDF over units)
    words = Counter(tokens(text))
    vocab, df = _unit_vocab(letter.locality)
    n_units = max(1, len(vocab))
    for uid, counter in vocab.items():
        score, hits = 0.0, []
        for w, tf in words.items():
            if w in counter:
                idf = math.log(1 + n_units / df[w])
                score += min(tf, 3) * idf * math.log(1 + counter[w])
                hits.append(w)
        if score > 0:
            add(uid, score / 3, "职责栏目涉及：" + "、".join(sorted(hits, key=lambda h: -counter[h])[:4]))

    # 3. history of dispatch
    kws = [k for k in letter.keywords.split() if k][:6]
    if kws:
        from django.db.models import Q

        cond = Q()
        for k in kws:
            cond |= Q(letter__keywords__contains=k)
        past = (
            WorkOrder.objects.filter(cond, letter__locality=letter.locality, is_lead=True)
            .exclude(letter=letter)
            .exclude(state__in=[OrderState.RETURNED, OrderState.CANCELLED])
            .select_related("letter")
            .order_by("-dispatched_at")[:300]
        )
        per_unit: Counter = Counter()
        weight: Counter = Counter()
        kwset = set(kws)
        for order in past:
            overlap = len(kwset & set(order.letter.keywords.split()))
            if overlap:
                per_unit[order.unit_id] += 1
                weight[order.unit_id] += overlap
        for uid, n in per_unit.items():
            add(
                uid,
                1.5 * weight[uid] / max(1, len(kws)) + math.log(1 + n),
                f"类似来信 {n} 件曾派往此单位办理",
            )

    ranked = sorted(found.values(), key=lambda s: (-s.score, s.unit.sort_order))
    return ranked[:limit]


def reset_cache() -> None:
    _vocab_cache.clear()
