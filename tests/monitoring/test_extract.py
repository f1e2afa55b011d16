"""Attachment text extraction: what a damaged or unsupported file gives (a reason, never a crash)."""

from __future__ import annotations

from govportal.monitoring.extract import extract_bytes, fold_pdf_text
from tests.monitoring.conftest import docx_bytes


def test_docx_header_comes_first_then_the_body():
    r = extract_bytes("a.docx", docx_bytes(["正文第一段", "正文第二段"], header="机密★1年"))
    assert r.ok and r.text.splitlines() == ["机密★1年", "正文第一段", "正文第二段"]


def test_damaged_and_unsupported_files_give_a_reason():
    bad = extract_bytes("a.docx", b"not a zip")
    assert not bad.ok and "已损坏" in bad.message
    assert "另存为 .docx" in extract_bytes("a.wps", b"x").message
    assert "人工检查" in extract_bytes("a.rar", b"x").message


def test_pdf_text_folds_radicals_and_spurious_spaces():
    assert fold_pdf_text("截⽌⽬前 120 ⼈，机密★ 10 年") == "截止目前120人，机密★10年"
    assert fold_pdf_text("ABC DEF") == "ABC DEF"


def test_scanned_pdf_without_text_is_reported():
    from io import BytesIO

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    out = BytesIO()
    w.write(out)
    r = extract_bytes("scan.pdf", out.getvalue())
    assert not r.ok and "扫描件" in r.message
