"""Background tasks of the publishing app (Django Tasks API; run by the task worker)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job_task(name: str) -> str:
    """Run one periodic job of ``schedule.JOBS`` by name (enqueued by ``govportal jobs --enqueue``)."""
    from .schedule import run_job

    return run_job(name)


@task()
def send_webhooks_task() -> dict:
    """Send the webhook deliveries that are due (queued right after a publication)."""
    from .feeds_out import send_pending

    return send_pending()
