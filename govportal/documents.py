"""Official documents (公文) the platform hands out, in docx and PDF: the one place for them.

A notice of results (通报), a responsibility letter (责任书), an annual report: each is an
``OfficialDocument`` — the parts of a document in the national format (GB/T 9704-2012 《党政机关公文格式》):

- 版头: 发文机关标志 (``issuer_mark``, e.g. "象山区人民政府办公室文件", red, centred), 发文字号 (``number``,
  e.g. "象政办〔2026〕3号") and the red separator line under them;
- 主体: 标题 (``title``), 主送机关 (``addressee``), 正文 (``body``: paragraphs, headings, tables), 附件说明
  (``attachments``), 发文机关署名 (``signature``) and 成文日期 (``date``, written "2026年12月2日");
- 版记: 抄送 (``copy_to``) and 印发机关和印发日期 (``printed_by``), when given.

``official_docx(doc)`` writes it with python-docx (A4, the standard's margins, 3号仿宋 body, 2号小标宋 title —
the Chinese font names Word on a Chinese system has); ``official_html(doc)`` writes the same as HTML, which
``pdf_from_html`` turns into PDF with WeasyPrint, using the system's Noto CJK fonts (Debian ``fonts-noto-cjk``).
Nothing is fetched over the network while rendering: only ``data:`` URLs and inline SVG are let through.
Every text is escaped; a caller passes plain strings, never markup (an ``svg`` block is the one exception and
must come from the platform's own chart code, never from user input).

Pure Python (python-docx, WeasyPrint and the standard library, no Django) except the two small
``*_response`` helpers, which import Django lazily.
"""

from __future__ import annotations

import datetime
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"

RED = "C00000"  # the red of 发文机关标志 and the separator (GB/T 9704 7.2.2: 红色)
# GB/T 9704 5.2.1 / 5.2.2: A4, 天头 37 mm, 订口 28 mm; the text area 156 × 225 mm → right 26 mm, bottom 35 mm.
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# Fonts: the standard's faces as Word on a Chinese system names them; the PDF uses Noto (fonts-noto-cjk).
DOCX_FONTS = {
    "mark": "方正小标宋简体",
    "title": "方正小标宋简体",
    "body": "仿宋_GB2312",
    "h1": "黑体",
    "h2": "楷体_GB2312",
}
PDF_SERIF = '"Noto Serif CJK SC", "Noto Serif CJK", "Source Han Serif SC", serif'
PDF_SANS = '"Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", sans-serif'


@dataclass
class Block:
    """One part of the body: ``kind`` is "p" (paragraph, first line indented two characters), "h1" (一、…,
    黑体), "h2" ((一)…, 楷体), "table" (``rows``, the first row the header) or "svg" (a chart drawn by the
    platform's own code)."""

    kind: str
    text: str = ""
    rows: Sequence[Sequence] = ()
    svg: str = ""


def paragraph(text: str) -> Block:
    return Block("p", text=text)


def heading(text: str, level: int = 1) -> Block:
    return Block("h1" if level == 1 else "h2", text=text)


def table(rows: Iterable[Iterable]) -> Block:
    return Block("table", rows=[["" if v is None else str(v) for v in row] for row in rows])


def chart(svg: str) -> Block:
    return Block("svg", svg=svg)


@dataclass
class OfficialDocument:
    issuer_mark: str  # 发文机关标志, e.g. "象山区人民政府办公室文件" or "象山区人民政府办公室"
    title: str
    body: list[Block | str]
    signature: str  # 发文机关署名
    date: datetime.date  # 成文日期
    number: str = ""  # 发文字号, e.g. "象政办〔2026〕3号"
    addressee: str = ""  # 主送机关, e.g. "各乡（街道）、区政府各部门："
    attachments: list[str] = field(default_factory=list)  # 附件说明
    copy_to: str = ""  # 抄送
    printed_by: str = ""  # 印发机关 (印发日期 = date)
    confidential: str = ""  # 密级 (empty: none); never set for public notices

    def blocks(self) -> list[Block]:
        return [b if isinstance(b, Block) else paragraph(str(b)) for b in self.body]


def chinese_date(day: datetime.date) -> str:
    """成文日期 as GB/T 9704 7.3.5.1 writes it: Arabic numerals, year in full, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def mark_size_pt(mark: str) -> int:
    """发文机关标志 on one line across the text area (156 mm ≈ 442 pt), at most 36 pt (小初号 is 36 pt)."""
    return max(18, min(36, int(430 / max(1, len(mark)))))


def addressee_line(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith(("：", ":")) else text + "："


# --------------------------------------------------------------------------------------------- docx
def official_docx(doc: OfficialDocument) -> bytes:
    """The document as a .docx file (bytes)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])

    def font(run, face: str, size_pt: float, *, bold: bool = False, color: str | None = None) -> None:
        run.font.name = face
        run.font.size = Pt(size_pt)
        run.font.bold = bold
        rpr = run._element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), face)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)

    def para(text: str, face: str, size: float, *, align=None, indent: bool = False, bold=False, color=None):
        p = document.add_paragraph()
        fmt = p.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(28.95)  # 22 lines a page at 3号 (GB/T 9704 5.2.2: 每面22行)
        if align is not None:
            p.alignment = align
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        font(p.add_run(text), face, size, bold=bold, color=color)
        return p

    def rule_below(p, color: str = RED, size_eighths: int = 12) -> None:
        ppr = p._p.get_or_add_pPr()
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", "6"), ("w:color", color)):
            bottom.set(qn(k), v)
        border.append(bottom)
        ppr.append(border)

    if doc.confidential:
        para(doc.confidential, DOCX_FONTS["h1"], 16)
    para(
        doc.issuer_mark,
        DOCX_FONTS["mark"],
        mark_size_pt(doc.issuer_mark),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED,
    )
    para("", DOCX_FONTS["body"], 16)
    head = para(doc.number, DOCX_FONTS["body"], 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    rule_below(head)
    para("", DOCX_FONTS["body"], 16)
    para(doc.title, DOCX_FONTS["title"], 22, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("", DOCX_FONTS["body"], 16)
    if doc.addressee:
        para(addressee_line(doc.addressee), DOCX_FONTS["body"], 16)
    for block in doc.blocks():
        if block.kind == "p":
            para(block.text, DOCX_FONTS["body"], 16, indent=True)
        elif block.kind in ("h1", "h2"):
            para(block.text, DOCX_FONTS[block.kind], 16, indent=True)
        elif block.kind == "table" and block.rows:
            width = max(len(r) for r in block.rows)
            grid = document.add_table(rows=0, cols=width)
            grid.style = "Table Grid"
            grid.alignment = WD_TABLE_ALIGNMENT.CENTER
            for i, row in enumerate(block.rows):
                cells = grid.add_row().cells
                for j in range(width):
                    cell_para = cells[j].paragraphs[0]
                    cell_para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    value = row[j] if j < len(row) else ""
                    font(cell_para.add_run(str(value)), DOCX_FONTS["h1" if i == 0 else "body"], 12)
        # "svg" blocks (charts) are PDF/HTML only: Word cannot show SVG through python-docx.
    if doc.attachments:
        para("", DOCX_FONTS["body"], 16)
        for i, name in enumerate(doc.attachments, 1):
            prefix = "附件：" if i == 1 else "　　　"
            label = f"{i}. {name}" if len(doc.attachments) > 1 else name
            para(prefix + label, DOCX_FONTS["body"], 16, indent=True)
    para("", DOCX_FONTS["body"], 16)
    para(
        doc.signature, DOCX_FONTS["body"], 16, align=WD_ALIGN_PARAGRAPH.RIGHT
    ).paragraph_format.keep_with_next = True
    para(chinese_date(doc.date), DOCX_FONTS["body"], 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if doc.copy_to or doc.printed_by:
        para("", DOCX_FONTS["body"], 16)
        if doc.copy_to:
            rule_below(para(f"抄送：{doc.copy_to}", DOCX_FONTS["body"], 14), color="000000", size_eighths=4)
        if doc.printed_by:
            line = para(f"{doc.printed_by}　　{chinese_date(doc.date)}印发", DOCX_FONTS["body"], 14)
            rule_below(line, color="000000", size_eighths=8)
    buffer = io.BytesIO()  # a Word file, not a spreadsheet: govportal.exports is for xlsx/CSV
    document.save(buffer)
    return buffer.getvalue()


def docx_text(data: bytes) -> str:
    """Every paragraph's and table cell's text of a .docx, one per line (for tests and previews)."""
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for grid in document.tables:
        for row in grid.rows:
            lines.append("\t".join(c.text for c in row.cells))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- HTML / PDF
_CSS = f"""
@page {{ size: A4; margin: {MARGINS_MM["top"]}mm {MARGINS_MM["right"]}mm {MARGINS_MM["bottom"]}mm {MARGINS_MM["left"]}mm;
  @bottom-center {{ content: "— " counter(page) " —"; font-family: {PDF_SERIF}; font-size: 14pt; }} }}
body {{ font-family: {PDF_SERIF}; font-size: 16pt; line-height: 28.95pt; color: #000; margin: 0; }}
.mark {{ color: #{RED}; text-align: center; font-size: 36pt; line-height: 1.3; font-weight: bold;
  margin: 0 0 14pt; white-space: nowrap; }}
.number {{ text-align: center; margin: 0; }}
.rule {{ border: 0; border-top: 2pt solid #{RED}; margin: 4mm 0 12mm; }}
h1.title {{ text-align: center; font-size: 22pt; line-height: 1.5; font-weight: bold; margin: 0 0 14pt; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
p.addressee, p.signature, p.date, p.noindent {{ text-indent: 0; }}
p.signature, p.date {{ text-align: right; padding-right: 2em; }}
p.signature {{ margin-top: 28.95pt; }}
.h1 {{ font-family: {PDF_SANS}; font-weight: bold; }}
.h2 {{ font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; margin: 6pt 0 10pt; font-size: 11pt; line-height: 1.5; }}
th, td {{ border: 0.75pt solid #000; padding: 2pt 4pt; text-align: center; }}
th {{ font-family: {PDF_SANS}; font-weight: bold; }}
.closing {{ break-inside: avoid; page-break-inside: avoid; }}
.chart {{ text-align: center; margin: 6pt 0; }}
.chart svg {{ max-width: 100%; }}
.attachments {{ margin-top: 14pt; }}
.record {{ margin-top: 28pt; font-size: 14pt; line-height: 1.8; border-top: 0.75pt solid #000;
  border-bottom: 0.75pt solid #000; }}
.record p {{ text-indent: 0; padding: 0 1em; }}
.confidential {{ font-family: {PDF_SANS}; text-indent: 0; }}
"""


def official_html(doc: OfficialDocument) -> str:
    """The document as one HTML page (escaped, styled for A4), ready for ``pdf_from_html``."""
    e = html.escape
    parts = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{e(doc.title)}</title>",
    ]
    parts.append(f"<style>{_CSS}</style></head><body>")
    if doc.confidential:
        parts.append(f'<p class="confidential">{e(doc.confidential)}</p>')
    parts.append(
        f'<div class="mark" style="font-size: {mark_size_pt(doc.issuer_mark)}pt">{e(doc.issuer_mark)}</div>'
    )
    if doc.number:
        parts.append(f'<p class="number noindent">{e(doc.number)}</p>')
    parts.append('<hr class="rule">')
    parts.append(f'<h1 class="title">{e(doc.title)}</h1>')
    if doc.addressee:
        parts.append(f'<p class="addressee">{e(addressee_line(doc.addressee))}</p>')
    for block in doc.blocks():
        if block.kind == "p":
            parts.append(f"<p>{e(block.text)}</p>")
        elif block.kind in ("h1", "h2"):
            parts.append(f'<p class="{block.kind}">{e(block.text)}</p>')
        elif block.kind == "table" and block.rows:
            rows = list(block.rows)
            head = "".join(f"<th>{e(str(v))}</th>" for v in rows[0])
            body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in r) + "</tr>" for r in rows[1:])
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif block.kind == "svg" and block.svg:
            parts.append(f'<div class="chart">{block.svg}</div>')  # platform-drawn (see module doc)
    if doc.attachments:
        parts.append('<div class="attachments">')
        for i, name in enumerate(doc.attachments, 1):
            prefix = "附件：" if i == 1 else "　　　"
            label = f"{i}. {name}" if len(doc.attachments) > 1 else name
            parts.append(f"<p>{e(prefix + label)}</p>")
        parts.append("</div>")
    parts.append('<div class="closing">')  # 署名 and 日期 never split from each other
    parts.append(f'<p class="signature">{e(doc.signature)}</p>')
    parts.append(f'<p class="date">{e(chinese_date(doc.date))}</p></div>')
    if doc.copy_to or doc.printed_by:
        parts.append('<div class="record">')
        if doc.copy_to:
            parts.append(f"<p>抄送：{e(doc.copy_to)}</p>")
        if doc.printed_by:
            parts.append(f"<p>{e(doc.printed_by)}　　{e(chinese_date(doc.date))}印发</p>")
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)


def _offline_fetcher():
    """WeasyPrint's URL fetcher that fetches nothing but ``data:`` URLs (nothing is downloaded at run time)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=["data"], allow_redirects=False, timeout=1)


def pdf_from_html(markup: str, *, stylesheet: str = "") -> bytes:
    """Any HTML page (e.g. a rendered Django template) as PDF bytes, offline, with the system's CJK fonts."""
    from weasyprint import CSS, HTML

    fetcher = _offline_fetcher()
    styles = [CSS(string=stylesheet, url_fetcher=fetcher)] if stylesheet else []
    return HTML(string=markup, url_fetcher=fetcher, base_url=None).write_pdf(stylesheets=styles)


def official_pdf(doc: OfficialDocument) -> bytes:
    """The document as a PDF file (bytes)."""
    return pdf_from_html(official_html(doc))


# --------------------------------------------------------------------------------------------- responses
def _attachment(data: bytes, filename: str, content_type: str):
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(data, content_type=content_type)
    ascii_name = "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in filename)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def bytes_response(data: bytes, filename: str):
    """A download response of a document kept as issued (``filename`` ends in .docx or .pdf)."""
    kind = PDF_CONTENT_TYPE if filename.lower().endswith(".pdf") else DOCX_CONTENT_TYPE
    return _attachment(bytes(data), filename, kind)


def docx_response(doc: OfficialDocument, filename: str):
    """A Django download response of the document as .docx (``filename`` may be Chinese)."""
    return _attachment(official_docx(doc), filename, DOCX_CONTENT_TYPE)


def pdf_response(doc_or_html: OfficialDocument | str, filename: str):
    """A Django download response of the document (or of any HTML page) as PDF."""
    if isinstance(doc_or_html, OfficialDocument):
        data = official_pdf(doc_or_html)
    else:
        data = pdf_from_html(doc_or_html)
    return _attachment(data, filename, PDF_CONTENT_TYPE)
