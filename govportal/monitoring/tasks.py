"""Background tasks of the monitoring app (Django Tasks API; run by the task worker)."""

from __future__ import annotations

from django_tasks import task


@task()
def scan_site_task(run_id: int) -> str:
    """Run a queued scan of a site's published text (错敏信息排查) — see ``monitoring.scan``."""
    from .models import ScanStatus, TextScanRun
    from .scan import scan_site

    run = TextScanRun.objects.filter(pk=run_id).first()
    if run is None:
        return f"扫描 #{run_id} 已被删除"
    if run.status != ScanStatus.QUEUED:
        return f"扫描 #{run_id} 的状态是“{run.get_status_display()}”，不再执行"
    return scan_site(run=run).message
