"""Jobs of the interaction app (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from .deadlines import check_all


@task()
def check_deadlines() -> dict[str, int]:
    """Flag due-soon and overdue letters, error reports and disclosure requests; escalate overdue letters.

    Idempotent: each flag is raised once per item, so the periodic runner may call it as often as it likes
    (the command ``govportal letter-deadlines`` does the same from cron).
    """

    return check_all()
