"""``govportal publish_worker``: the job worker of static publishing (task queue ``publish``).

django-tasks' ``db_worker`` for that one queue, polling every 0.1 s (publish-to-visible within a second), that
survives a database locked for longer than its timeout: on SQLite a bulk import or a long write holds the
write lock, and ``db_worker`` exits when it cannot even begin its claim, which would stop ``govportal
serve`` (one child gone stops all). Here the worker waits and carries on. ``govportal serve`` and
``deploy/systemd/govportal-publish-worker.service`` run it.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.db.utils import OperationalError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "静态发布的后台任务进程：编辑提交发布后，由它生成并写入受影响的网站页面文件。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=0.1, help="队列为空时每隔几秒查看一次（默认 0.1）"
        )
        parser.add_argument("--batch", action="store_true", help="做完队列中的任务即退出（脚本、测试用）")

    def handle(self, interval: float, batch: bool, **options):
        worker = Worker(
            queue_names=["publish"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if not batch:
            worker.configure_signals()
        while worker.running:
            try:
                worker.run()
                return
            except OperationalError as exc:
                if not is_locked_database_exception(exc):
                    raise
                logger.warning("数据库暂时被锁定（大批量写入中），静态发布任务稍后继续")
                close_old_connections()
                time.sleep(max(interval, 0.5))
