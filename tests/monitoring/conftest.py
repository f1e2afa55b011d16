"""Fixtures for the text-check platform tests: items published by units, drafts, attachments."""

from __future__ import annotations

import io
import threading
import zipfile
from contextlib import contextmanager
from http.server import ThreadingHTTPServer

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def fresh_checker_cache():
    """Each test starts with no checker cached in this process (as a new worker process would)."""
    from govportal.monitoring import textcheck

    textcheck.clear_cache()
    yield
    textcheck.clear_cache()


@pytest.fixture
def finance(db):
    return factories.unit("市财政局")


@pytest.fixture
def publish(qinzhou):
    """publish(unit, title, body_html, **fields) -> a live ArticlePage in a column of that unit."""

    def make(unit, title, body, column=None, **fields):
        return factories.item(
            column or factories.unit_column(qinzhou, unit), title, body, unit=unit, **fields
        )

    return make


@contextmanager
def http_server(handler):
    """Serve ``handler`` on a free local port in a thread; yields the server's base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def make_document(title: str, filename: str, data: bytes):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    doc = get_document_model()(title=title)
    doc.file.save(filename, ContentFile(data), save=False)
    doc.save()
    return doc


def docx_bytes(paragraphs: list[str], header: str = "") -> bytes:
    from govportal.monitoring.demo import _docx

    return _docx(paragraphs, header=header)


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pptx_bytes(lines: list[str]) -> bytes:
    ns = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
    body = "".join(f"<a:p><a:r><a:t>{line}</a:t></a:r></a:p>" for line in lines)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "ppt/slides/slide1.xml",
            f"<p:sld {ns}><p:cSld><p:spTree><p:sp><p:txBody>{body}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>",
        )
    return out.getvalue()
