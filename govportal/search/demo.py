"""Demo: make sure every published item is in the search index (idempotent)."""

from __future__ import annotations

from .indexing import item_models, rebuild
from .models import SearchEntry


def prepare(home) -> str:

    live = sum(m.objects.live().count() for m in item_models())
    indexed = SearchEntry.objects.count()
    if indexed != live:
        indexed = rebuild()
        return f"全文检索：索引已重建，共 {indexed} 条信息。"
    return f"全文检索：已索引 {indexed} 条信息。"
