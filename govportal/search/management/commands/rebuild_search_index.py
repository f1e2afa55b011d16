"""``govportal rebuild-search-index``: rebuild the full-text index from the live pages."""

import time

from django.core.management.base import BaseCommand

from govportal.search import fulltext
from govportal.search.indexing import rebuild


class Command(BaseCommand):
    help = "重建全文检索索引（从所有已发布的信息重新生成）。修改分词词表后须运行。"

    def handle(self, **options):
        from django.db import connection

        started = time.perf_counter()
        self.stdout.write(f"检索引擎：{fulltext.engine(connection)}")
        count = rebuild(stdout=self.stdout)
        self.stdout.write(f"全文检索索引已重建：{count} 条，用时 {time.perf_counter() - started:.1f} 秒。")
