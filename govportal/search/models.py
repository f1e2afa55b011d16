"""The search index: one ``SearchEntry`` per live, public item, kept in step with publishing.

The full-text part lives beside the table and is created by migration 0002 for the database in use:

- SQLite: an FTS5 table ``search_fts(title_seg, body_seg, facets)`` whose rowid is ``sort_key``, filled
  by triggers on ``search_searchentry`` (so a bulk insert into the table indexes too);
- PostgreSQL: generated ``tsvector`` columns ``title_v``, ``doc_v`` (title weighted A, then body),
  ``facet_v`` over the segmented text, each with a GIN index.

Where neither exists (SQLite built without FTS5) the same queries run as substring tests on the
segmented columns: slower, same results.
"""

from __future__ import annotations

from django.db import models

# sort_key = seconds since the epoch × SORT_KEY_SCALE + page id: unique, and ordered by date, so the
# full-text engines can return "newest first" by walking their row ids.
SORT_KEY_SCALE = 100_000_000


def sort_key(date, page_id: int) -> int:
    return int(date.timestamp()) * SORT_KEY_SCALE + (page_id % SORT_KEY_SCALE)


class SearchEntry(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page",
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
        verbose_name="页面",
    )
    sort_key = models.BigIntegerField(unique=True)
    path = models.CharField(max_length=255, db_index=True)
    url_path = models.TextField()
    title = models.TextField("标题")
    title_seg = models.TextField()
    body = models.TextField("正文（用于摘要）", blank=True)
    body_seg = models.TextField(blank=True)
    facets = models.TextField(blank=True)
    kind = models.CharField("信息类型", max_length=60)
    unit = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
        verbose_name="发布单位",
    )
    column = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="所属栏目",
    )
    date = models.DateTimeField("发布日期")
    validity = models.CharField("有效性", max_length=20, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    document_key = models.CharField(max_length=100, blank=True, db_index=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "检索条目"
        verbose_name_plural = "检索条目"

    def __str__(self) -> str:
        return self.title
