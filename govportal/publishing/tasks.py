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


@task(queue_name="publish")
def static_publish_task(name: str, page_id: int, args: list) -> dict:
    """Static publishing of one change (``static_site.later``): re-render and write the pages it affects."""
    from .static_site import run_change

    out = run_change(name, page_id, args)
    return {"written": len(out.written), "removed": len(out.removed), "unchanged": len(out.unchanged)}
