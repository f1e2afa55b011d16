"""The task worker: the database-backed one (embedded default) or RQ on Redis (``REDIS_URL`` set).

Which one runs follows ``settings.TASKS`` (see the block "jobs on Redis" in ``govportal/settings.py``):

- **database** (``django_tasks_db``): ``db_worker``, on the machine that runs the database file;
- **RQ** (``django_tasks_rq`` through ``django-rq``): ``rqworker`` on any number of machines sharing one
  Redis. Every job gets ``Retry(max=RQ_RETRIES)``: a worker killed mid-run (power, OOM, ``kill -9``) leaves
  its job in RQ's "started" registry; when its heartbeat lease runs out, the next worker's cleanup puts
  the job back on the queue (RQ's ``StartedJobRegistry.cleanup``) instead of dropping it.

A job retried after a kill may run a second time from the start, so every effect a person notices is made
once by its own key, whatever runs it: a letter's reminder by its ``*_notified_on`` column, claimed with a
conditional UPDATE in the same transaction as the notices (``govportal/interaction/deadlines.py``); a
webhook delivery by its row, claimed the same way, and sent with ``Idempotency-Key`` = the delivery's id
(``govportal/publishing/feeds_out.py``) so the receiver drops a repeat; a periodic job by its (job, time
slot) row (``govportal/publishing/schedule.py``: ``claim``).
"""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django_rq.queues import DjangoRQ
from rq import Retry

RQ_BACKEND = "django_tasks_rq.RQBackend"
DB_BACKEND = "django_tasks_db.DatabaseBackend"
# Attempts after the first when a job fails or its worker dies (put back on the queue at once).
RQ_RETRIES = 3


def uses_rq() -> bool:
    return settings.TASKS["default"]["BACKEND"] == RQ_BACKEND


class RetryingQueue(DjangoRQ):
    """django-rq's queue whose jobs are retried (a job of a dead worker included) unless told otherwise."""

    def create_job(self, *args, **kwargs):
        if kwargs.get("retry") is None:
            kwargs["retry"] = Retry(max=RQ_RETRIES)
        return super().create_job(*args, **kwargs)


def worker_command(burst: bool = False) -> list[str]:
    """The argument list of the task worker this deployment uses."""
    cli = [sys.executable, "-m", "govportal.cli"]
    if uses_rq():
        # --with-scheduler: tasks given run_after become due through RQ's scheduler.
        return [
            *cli,
            "rqworker",
            # Queues in priority order: static publishing first (publish-to-visible within a second).
            *sorted(settings.RQ_QUEUES, key=lambda q: (q != "publish", q)),
            # django-tasks' own RQ job class, which runs a Task (RQ's plain one cannot call it).
            "--job-class",
            "django_tasks_rq.backend.Job",
            "--with-scheduler",
            *(["--burst"] if burst else []),
        ]
    return [*cli, "db_worker", "--no-reload", "--queue-name", "*", "-v", "0", *(["--batch"] if burst else [])]


def exec_worker(burst: bool = False) -> None:
    """Replace this process with the task worker (``govportal jobs --worker``; systemd watches it)."""
    argv = worker_command(burst=burst)
    os.execv(argv[0], argv)
