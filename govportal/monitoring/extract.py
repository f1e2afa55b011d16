"""The text of attachments, where it can be extracted offline.

Supported: .txt / .csv (UTF-8 or GB 18030), .docx (the XML parts of the zip: body, headers, footers,
footnotes — a secret marker often sits in the header), .xlsx (openpyxl, read-only), .pptx (slide XML),
.ofd (the Chinese fixed-layout format: XML ``TextCode`` elements inside the zip) and .pdf (pypdf, text
layer only: a scanned PDF has none). Old binary formats (.doc, .wps, .xls, .et) and archives are not
extracted; the scan lists them so that a person checks them.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

MAX_CHARS = 2_000_000  # beyond this, a file is checked up to here and the report says so
MAX_ZIP_MEMBER = 50 * 1024 * 1024

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


def _docx(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        if "word/document.xml" not in names:
            raise ExtractionError("不是有效的 .docx 文件（缺少 word/document.xml）")
        parts = [n for n in names if re.fullmatch(r"word/header\d*\.xml", n)]
        parts.append("word/document.xml")
        parts += [n for n in names if re.fullmatch(r"word/(footnotes|endnotes|footer\d*)\.xml", n)]
        lines: list[str] = []
        for name in parts:
            lines += _docx_part(_member(z, name))
    return "\n".join(lines)


def _pptx(data: bytes) -> str:
    ns = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        slides = sorted(
            (n for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
            key=lambda n: int(re.findall(r"\d+", n)[-1]),
        )
        lines = []
        for name in slides:
            root = ET.fromstring(_member(z, name))
            for para in root.iter(f"{ns}p"):
                line = "".join(t.text or "" for t in para.iter(f"{ns}t")).strip()
                if line:
                    lines.append(line)
    return "\n".join(lines)


def _ofd(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        pages = sorted(
            (n for n in z.namelist() if re.search(r"Pages/Page_?\d+/Content\.xml$", n)),
            key=lambda n: [int(x) for x in re.findall(r"\d+", n)],
        )
        if not pages:
            raise ExtractionError("不是有效的 OFD 文件（没有页面内容）")
        lines = []
        for name in pages:
            root = ET.fromstring(_member(z, name))
            for obj in root.iter():
                if obj.tag.endswith("TextObject"):
                    line = "".join(t.text or "" for t in obj.iter() if t.tag.endswith("TextCode")).strip()
                    if line:
                        lines.append(line)
    return "\n".join(lines)


def _xlsx(data: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    size = 0
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
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


def _pdf(data: bytes) -> str:
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
        text = fold_pdf_text(page.extract_text() or "")
        pages.append(text)
        size += len(text)
        if size > MAX_CHARS:
            break
    return "\n".join(pages)


_EXTRACTORS = {
    "txt": lambda d: _decode(d),
    "csv": lambda d: _decode(d),
    "docx": _docx,
    "xlsx": _xlsx,
    "pptx": _pptx,
    "ofd": _ofd,
    "pdf": _pdf,
}


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def extract_bytes(name: str, data: bytes) -> Extracted:
    ext = extension(name)
    func = _EXTRACTORS.get(ext)
    if func is None:
        reason = UNSUPPORTED_REASON.get(ext) or f"不支持提取 .{ext or '（无扩展名）'} 文件的文字，请人工检查"
        return Extracted("", False, reason)
    try:
        text = _tidy(func(data))
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


def document_text(document) -> Extracted:
    """The text of a Wagtail document, cached in :class:`~govportal.monitoring.models.DocumentText` until
    its file changes."""
    from .models import DocumentText

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
    result = extract_bytes(document.file.name, data)
    DocumentText.objects.update_or_create(
        document=document,
        defaults={"file_hash": file_hash, "text": result.text, "ok": result.ok, "message": result.message},
    )
    return result
