"""Fixtures for the text-check platform tests: items published by units, drafts, attachments."""

from __future__ import annotations

import io
import zipfile

import pytest


@pytest.fixture(autouse=True)
def fresh_checker_cache():
    """Each test starts with no checker cached in this process (as a new worker process would)."""
    from govportal.monitoring import textcheck

    textcheck.clear_cache()
    yield
    textcheck.clear_cache()


@pytest.fixture
def edu(db):
    from govportal.accounts.models import Unit

    return Unit.objects.get(locality="qinzhou", name="市教育局")


@pytest.fixture
def finance(db):
    from govportal.accounts.models import Unit

    return Unit.objects.get(locality="qinzhou", name="市财政局")


def unit_column(home, unit):
    """A column the responsibility table gives to ``unit`` alone (so other units cannot edit its items)."""
    from django.db.models import Count

    from govportal.portal.columns import main_columns

    ids = main_columns(home).filter(units=unit).values_list("pk", flat=True)
    qs = main_columns(home).filter(pk__in=list(ids)).annotate(n=Count("units")).filter(n=1)
    return qs.order_by("path").first() or main_columns(home).filter(units=unit).order_by("path").first()


@pytest.fixture
def publish(qinzhou):
    """publish(unit, title, body_html, **fields) -> a live ArticlePage in a column of that unit."""
    from govportal.portal.models import ArticlePage

    def make(unit, title, body, column=None, **fields):
        page = ArticlePage(title=title, body=body, unit=unit, **fields)
        (column or unit_column(qinzhou, unit)).add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make


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
