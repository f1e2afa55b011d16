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


@task()
def extract_document_task(document_id: int) -> str:
    """Extract (and keep) the text of a saved document, within the worker's limits (``extract.Budget``), so
    that no web request has to: the editor's check and the review's machine check read the kept text."""
    from wagtail.documents import get_document_model

    from .extract import document_text

    doc = get_document_model().objects.filter(pk=document_id).first()
    if doc is None:
        return f"文档 #{document_id} 已被删除"
    result = document_text(doc)
    return f"文档 #{document_id}：{'已提取' if result.ok else result.message}"


def enqueue_extraction(sender, instance, created=False, **kwargs) -> None:
    """post_save of a document: extract its text in the job worker once the transaction commits."""
    from django.db import transaction

    from .extract import SUPPORTED, extension

    if kwargs.get("raw") or extension(getattr(instance.file, "name", "") or "") not in SUPPORTED:
        return
    pk = instance.pk

    def go():
        try:
            extract_document_task.enqueue(pk)
        except Exception:  # no task backend: the text is extracted when first needed
            pass

    transaction.on_commit(go)
