"""Background tasks of the publishing app (Django Tasks API; run by the task worker).

Each task is defined next to the code it runs and enqueues; this module lists them, importing downwards only:
``schedule.run_job_task`` (one periodic job of ``schedule.JOBS``, enqueued by ``govportal jobs --enqueue``),
``feeds_out.send_webhooks_task`` (the webhook deliveries due, queued right after a publication) and
``static_site.static_publish_task`` (queue ``publish``: one change of ``static_site.later``).
"""

from __future__ import annotations

from .feeds_out import send_webhooks_task
from .schedule import run_job_task
from .static_site import static_publish_task

__all__ = ["run_job_task", "send_webhooks_task", "static_publish_task"]
