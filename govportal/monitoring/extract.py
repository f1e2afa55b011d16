"""The text of attachments, where it can be extracted offline.

Supported: .txt / .csv (UTF-8 or GB 18030), .docx (the XML parts of the zip: body, headers, footers,
footnotes — a secret marker often sits in the header), .xlsx (openpyxl, read-only), .pptx (slide XML),
.ofd (the Chinese fixed-layout format: XML ``TextCode`` elements inside the zip) and .pdf (pypdf, text
layer only: a scanned PDF has none). Old binary formats (.doc, .wps, .xls, .et) and archives are not
extracted; the scan lists them so that a person checks them.

Limits: a small file can declare a huge sheet (a 1.6 KB .xlsx declaring ``A1:XFD1048576`` once cost
200 s of CPU) or decompress to gigabytes. Every extraction runs under a :class:`Budget` — at most
``MAX_ROWS`` rows, ``MAX_CELLS`` cells, ``MAX_PAGES`` PDF pages and a time limit — and past any of them the
result is “文件过大，未能检查” (not ok, so the scan lists the file for a person to check) instead of a
worker busy for minutes. The text is extracted by the job worker when a document is saved
(``tasks.extract_document_task``, with ``WORKER_TIME_LIMIT``); a web request (the editor's “检查” button,
the review's machine check) reads that cached text, and only when the worker has not come to the file
yet extracts it itself within ``REQUEST_TIME_LIMIT`` (a result cut short there is not kept).
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from .models import DocumentText

MAX_CHARS = 2_000_000  # beyond this, a file is checked up to here and the report says so
MAX_ZIP_MEMBER = 50 * 1024 * 1024
MAX_ROWS = 200_000  # spreadsheet rows read, all sheets together
MAX_CELLS = 2_000_000  # spreadsheet cells read (present in the file, not declared)
MAX_PAGES = 3_000  # PDF pages
WORKER_TIME_LIMIT = 60.0  # seconds, in the job worker
REQUEST_TIME_LIMIT = 3.0  # seconds, when a web request has to extract a file the worker has not reached
TOO_LARGE = "文件过大，未能检查"

SUPPORTED = ("txt", "csv", "docx", "xlsx", "pptx", "ofd", "pdf")
UNSUPPORTED_REASON = {
    "doc": "旧版 Word 格式（.doc）无法离线提取文字，请另存为 .docx 或人工检查",
    "wps": "WPS 文字格式（.wps）无法离线提取文字，请另存为 .docx 或人工检查",
    "xls": "旧版 Excel 格式（.xls）无法离线提取文字，请另存为 .xlsx 或人工检查",
    "et": "WPS 表格格式（.et）无法离线提取文字，请另存为 .xlsx 或人工检查",
    "zip": "压缩包不自动解压检查，请人工检查其中的文件",
}


@dataclass
class Extracted:
    text: str
    ok: bool
    message: str = ""


class ExtractionError(ValueError):
    pass


class TooLarge(ExtractionError):
    """A limit of the :class:`Budget` was reached: the file is reported as too large to check."""


class Budget:
    """Row, cell, page and time limits of one extraction."""

    def __init__(self, time_limit: float | None = None):
        self.time_limit = WORKER_TIME_LIMIT if time_limit is None else time_limit
        self.deadline = time.monotonic() + self.time_limit
        self.rows = self.cells = self.pages = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TooLarge(f"{TOO_LARGE}（提取文字超过 {self.time_limit:g} 秒）")

    def row(self, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows > MAX_ROWS:
            raise TooLarge(f"{TOO_LARGE}（表格超过 {MAX_ROWS:,} 行）")
        if self.cells > MAX_CELLS:
            raise TooLarge(f"{TOO_LARGE}（表格超过 {MAX_CELLS:,} 个单元格）")
        if self.rows % 256 == 0:
            self.tick()

    def page(self) -> None:
        self.pages += 1
        if self.pages > MAX_PAGES:
            raise TooLarge(f"{TOO_LARGE}（超过 {MAX_PAGES:,} 页）")
        self.tick()


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ExtractionError("无法识别文本编码（不是 UTF-8 或 GB 18030）")


def _member(z: zipfile.ZipFile, name: str) -> bytes:
    info = z.getinfo(name)
    if info.file_size > MAX_ZIP_MEMBER:
        raise ExtractionError(f"文件内部的 {name} 过大（{info.file_size // 1024 // 1024} MB），未检查")
    return z.read(name)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_part(xml: bytes) -> list[str]:
    lines: list[str] = []
    root = ET.fromstring(xml)
    for para in root.iter(f"{_W}p"):
        buf: list[str] = []
        for el in para.iter():
            if el.tag == f"{_W}t" and el.text:
                buf.append(el.text)
            elif el.tag == f"{_W}tab":
                buf.append("\t")
            elif el.tag in (f"{_W}br", f"{_W}cr"):
                buf.append("\n")
        line = "".join(buf).strip()
        if line:
            lines.append(line)
    return lines


def _docx(data: bytes, budget: Budget) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        if "word/document.xml" not in names:
            raise ExtractionError("不是有效的 .docx 文件（缺少 word/document.xml）")
        parts = [n for n in names if re.fullmatch(r"word/header\d*\.xml", n)]
        parts.append("word/document.xml")
        parts += [n for n in names if re.fullmatch(r"word/(footnotes|endnotes|footer\d*)\.xml", n)]
        lines: list[str] = []
        for name in parts:
            budget.tick()
            lines += _docx_part(_member(z, name))
    return "\n".join(lines)


def _pptx(data: bytes, budget: Budget) -> str:
    ns = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        slides = sorted(
            (n for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
            key=lambda n: int(re.findall(r"\d+", n)[-1]),
        )
        lines = []
        for name in slides:
            budget.page()
            root = ET.fromstring(_member(z, name))
            for para in root.iter(f"{ns}p"):
                line = "".join(t.text or "" for t in para.iter(f"{ns}t")).strip()
                if line:
                    lines.append(line)
    return "\n".join(lines)


def _ofd(data: bytes, budget: Budget) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        pages = sorted(
            (n for n in z.namelist() if re.search(r"Pages/Page_?\d+/Content\.xml$", n)),
            key=lambda n: [int(x) for x in re.findall(r"\d+", n)],
        )
        if not pages:
            raise ExtractionError("不是有效的 OFD 文件（没有页面内容）")
        lines = []
        for name in pages:
            budget.page()
            root = ET.fromstring(_member(z, name))
            for obj in root.iter():
                if obj.tag.endswith("TextObject"):
                    line = "".join(t.text or "" for t in obj.iter() if t.tag.endswith("TextCode")).strip()
                    if line:
                        lines.append(line)
    return "\n".join(lines)


def _xlsx(data: bytes, budget: Budget) -> str:
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as z:  # the sheets' XML, decompressed, within the zip limit
        for info in z.infolist():
            if info.file_size > MAX_ZIP_MEMBER:
                raise TooLarge(
                    f"{TOO_LARGE}（工作表 {info.filename} 解压后 {info.file_size // 1024 // 1024} MB）"
                )
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    size = 0
    try:
        for ws in wb.worksheets:
            # The declared dimension (<dimension ref="A1:XFD1048576">) is not trusted: read-only openpyxl
            # would pad every row to it. Without it, rows and cells are those present in the file.
            ws.reset_dimensions()
            budget.tick()
            for row in ws.iter_rows(values_only=True):
                budget.row(len(row))
                cells = ["" if v is None else str(v).strip() for v in row]
                line = "\t".join(cells).strip()
                if line:
                    lines.append(line)
                    size += len(line)
                    if size > MAX_CHARS:
                        return "\n".join(lines)
    finally:
        wb.close()
    return "\n".join(lines)


# PDF fonts often map CJK glyphs to the Kangxi-radical code points (⼯ U+2F2F for 工): fold them back,
# and drop the spaces text extraction puts between Chinese characters and digits or letters.
_RADICALS = {
    cp: unicodedata.normalize("NFKC", chr(cp))
    for cp in list(range(0x2E80, 0x2EFF)) + list(range(0x2F00, 0x2FE0))
    if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
}
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef★☆"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[0-9A-Za-z])|(?<=[0-9A-Za-z]) (?=[{_CJK}])")


def fold_pdf_text(text: str) -> str:
    return _CJK_SPACE.sub("", text.translate(_RADICALS))


def _pdf(data: bytes, budget: Budget) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception as exc:
            raise ExtractionError("PDF 已加密，无法提取文字") from exc
    pages = []
    size = 0
    for page in reader.pages:
        budget.page()
        text = fold_pdf_text(page.extract_text() or "")
        pages.append(text)
        size += len(text)
        if size > MAX_CHARS:
            break
    return "\n".join(pages)


_EXTRACTORS = {
    "txt": lambda d, b: _decode(d),
    "csv": lambda d, b: _decode(d),
    "docx": _docx,
    "xlsx": _xlsx,
    "pptx": _pptx,
    "ofd": _ofd,
    "pdf": _pdf,
}


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def extract_bytes(name: str, data: bytes, *, time_limit: float | None = None) -> Extracted:
    """The text of a file, within the limits of a :class:`Budget` (``time_limit`` seconds; default the
    worker's)."""
    ext = extension(name)
    func = _EXTRACTORS.get(ext)
    if func is None:
        reason = UNSUPPORTED_REASON.get(ext) or f"不支持提取 .{ext or '（无扩展名）'} 文件的文字，请人工检查"
        return Extracted("", False, reason)
    budget = Budget(time_limit)
    try:
        text = _tidy(func(data, budget))
    except ExtractionError as exc:
        return Extracted("", False, str(exc))
    except (zipfile.BadZipFile, ET.ParseError) as exc:
        return Extracted("", False, f"文件已损坏或不是有效的 .{ext} 文件（{exc}）")
    except Exception as exc:  # a damaged file must not stop the scan
        return Extracted("", False, f"提取文字失败：{type(exc).__name__}: {exc}"[:300])
    if not text.strip():
        if ext == "pdf":
            return Extracted("", False, "PDF 没有文字层（可能是扫描件），请人工检查")
        return Extracted("", True, "文件中没有文字")
    message = ""
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        message = f"文字超过 {MAX_CHARS:,} 字，只检查了前 {MAX_CHARS:,} 字"
    return Extracted(text, True, message)


def document_text(document, *, time_limit: float | None = None) -> Extracted:
    """The text of a Wagtail document, cached in :class:`~govportal.monitoring.models.DocumentText` until
    its file changes. ``time_limit``: seconds for an extraction not cached yet (default the worker's); a
    result cut short by a limit shorter than the worker's is not kept, so the worker still tries."""

    file_hash = getattr(document, "file_hash", "") or ""
    cached = DocumentText.objects.filter(document=document).first()
    if cached and file_hash and cached.file_hash == file_hash:
        return Extracted(cached.text, cached.ok, cached.message)
    try:
        with document.file.open("rb") as fh:
            data = fh.read()
    except (FileNotFoundError, OSError) as exc:
        return Extracted("", False, f"找不到附件文件：{exc}"[:300])
    if not file_hash:
        import hashlib

        file_hash = hashlib.sha1(data).hexdigest()
    result = extract_bytes(document.file.name, data, time_limit=time_limit)
    cut_short = result.message.startswith(TOO_LARGE) and "秒" in result.message
    if cut_short and time_limit is not None and time_limit < WORKER_TIME_LIMIT:
        return result
    DocumentText.objects.update_or_create(
        document=document,
        defaults={"file_hash": file_hash, "text": result.text, "ok": result.ok, "message": result.message},
    )
    return result
