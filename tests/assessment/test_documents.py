"""govportal.documents: an official document (公文) in docx and PDF, in the GB/T 9704 layout."""

from __future__ import annotations

import datetime
import shutil
import subprocess

import pytest

from govportal import documents
from govportal.documents import OfficialDocument, heading, paragraph, table


def sample() -> OfficialDocument:
    return OfficialDocument(
        issuer_mark="象山区人民政府办公室文件",
        number="象政办〔2026〕3号",
        title="关于2026年第三季度区政府门户网站内容保障考评情况的通报",
        addressee="各乡（街道）、区政府各部门",
        body=[
            paragraph("根据《象山区政府门户网站管理办法》第十六条，现将第三季度考评情况通报如下。"),
            heading("一、考评结果"),
            table([["名次", "单位", "得分"], [1, "区教育局", 12], [2, "<script>区财政局</script>", "=1+1"]]),
            heading("（一）扣分情况", level=2),
            "区财政局信息有错别字1处，扣5分。",
        ],
        signature="象山区人民政府办公室",
        date=datetime.date(2026, 10, 9),
        attachments=["考评明细表"],
        copy_to="区委办公室",
        printed_by="象山区人民政府办公室",
    )


def test_date_is_written_as_the_standard_writes_it():
    assert documents.chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"


def test_docx_holds_every_part_of_the_document():
    data = documents.official_docx(sample())
    assert data[:2] == b"PK"
    text = documents.docx_text(data)
    for part in (
        "象山区人民政府办公室文件",
        "象政办〔2026〕3号",
        "关于2026年第三季度区政府门户网站内容保障考评情况的通报",
        "各乡（街道）、区政府各部门：",
        "一、考评结果",
        "区财政局信息有错别字1处，扣5分。",
        "附件：考评明细表",
        "2026年10月9日",
        "抄送：区委办公室",
        "象山区人民政府办公室　　2026年10月9日印发",
        "1\t区教育局\t12",
    ):
        assert part in text


def test_docx_marks_the_issuer_in_red_and_uses_a4_with_the_standard_margins():
    import io

    from docx import Document

    document = Document(io.BytesIO(documents.official_docx(sample())))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    mark = document.paragraphs[0].runs[0]
    assert mark.text == "象山区人民政府办公室文件"
    assert str(mark.font.color.rgb) == documents.RED


def test_html_escapes_every_text():
    markup = documents.official_html(sample())
    assert "<script>区财政局" not in markup
    assert "&lt;script&gt;区财政局&lt;/script&gt;" in markup


def test_pdf_renders_with_chinese_text_extractable():
    import io

    from pypdf import PdfReader

    data = documents.official_pdf(sample())
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "考评情况的通报" in text.replace("\n", "")
    assert "2026年10月9日" in text.replace("\n", "").replace(" ", "")


def test_pdf_fetches_nothing_from_the_network():
    markup = '<html><body><img src="http://198.51.100.1/x.png"><p>离线</p></body></html>'
    assert documents.pdf_from_html(markup).startswith(b"%PDF")  # the image is refused, not fetched


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) not installed")
def test_pdf_page_renders_to_png(tmp_path):
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(documents.official_pdf(sample()))
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p*.png"))
    assert pages and pages[0].stat().st_size > 2000


def test_download_responses_name_the_file_in_chinese(settings):
    response = documents.docx_response(sample(), "考评通报.docx")
    assert response["Content-Type"] == documents.DOCX_CONTENT_TYPE
    assert "filename*=UTF-8''%E8%80%83" in response["Content-Disposition"]
    pdf = documents.pdf_response("<p>测试</p>", "测试.pdf")
    assert pdf.content.startswith(b"%PDF")
