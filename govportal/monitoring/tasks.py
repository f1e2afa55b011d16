"""Background tasks of the monitoring app (Django Tasks API; run by the task worker).

A task is defined next to the code it runs and enqueues (``scan.scan_site_task``); this module lists them
(and defines the ones that belong to no other module), importing downwards only.
"""

from __future__ import annotations

from django_tasks import task

from .extract import SUPPORTED, document_text, extension
from .scan import scan_site_task

__all__ = ["enqueue_extraction", "extract_document_task", "scan_site_task"]


@task()
def extract_document_task(document_id: int) -> str:
    """Extract (and keep) the text of a saved document, within the worker's limits (``extract.Budget``), so
    that no web request has to: the editor's check and the review's machine check read the kept text."""
    from wagtail.documents import get_document_model

    doc = get_document_model().objects.filter(pk=document_id).first()
    if doc is None:
        return f"文档 #{document_id} 已被删除"
    result = document_text(doc)
    return f"文档 #{document_id}：{'已提取' if result.ok else result.message}"


def enqueue_extraction(sender, instance, created=False, **kwargs) -> None:
    """post_save of a document: extract its text in the job worker once the transaction commits."""
    from django.db import transaction

    if kwargs.get("raw") or extension(getattr(instance.file, "name", "") or "") not in SUPPORTED:
        return
    pk = instance.pk

    def go():
        try:
            extract_document_task.enqueue(pk)
        except Exception:  # no task backend: the text is extracted when first needed
            pass

    transaction.on_commit(go)
