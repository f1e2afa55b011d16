"""What an uploaded file may be (酉阳办法第二十九条: no file with a virus, trojan or malicious code).

One entry point, :func:`check_upload`, used by the back office's document and image forms (single and
multiple upload, and the chooser's upload) and by the public letter form. A file passes when:

1. its extension is on the allow-list of its **kind** (document, image, video, letter attachment);
2. it is within the kind's size limit;
3. its **content** is what the extension says — decided by the bytes (``filetype``, the magic-byte library
   Wagtail's image library already depends on, plus a look inside OLE and zip containers), never by the
   name or the browser's Content-Type;
4. it carries no **active content**: no HTML or script disguised as text, no SVG with script, event
   handlers or ``javascript:`` links, no Office macros (``vbaProject.bin`` or ActiveX in OOXML, the
   ``Macros`` / ``_VBA_PROJECT_CUR`` / ``VBA`` storages of OLE files), no program inside a zip;
5. it does not contain the EICAR test string (the industry's harmless test "virus");
6. ClamAV (``govportal.security.clamav``), when a clamd daemon is configured, finds nothing.

Every refusal is a :class:`UploadRefused` whose message says, in Chinese, what was found and names the
rule: the article of the loaded locality's profile (``[security] upload_article``), or the platform's
rule when the profile has none.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache

import filetype
from django.conf import settings

from govportal.rules.profile import load_profile

from . import clamav

MB = 1024 * 1024
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

DOCUMENT_EXTENSIONS = ("pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "pptx", "txt", "csv", "zip")
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "avif")
VIDEO_EXTENSIONS = ("mp4", "webm")

# What a zip may not carry (programs and pages that run when opened).
ACTIVE_MEMBER = re.compile(
    r"\.(exe|com|scr|pif|bat|cmd|ps1|vbs|vbe|js|jse|wsf|wsh|hta|html?|xhtml|svg|jar|msi|dll|lnk|reg|"
    r"docm|xlsm|pptm|dotm|xltm|potm|ppsm|sh|apk)$",
    re.I,
)
HTML_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|script|svg|iframe|object|"
    rb"embed|meta|link|style|img|a\s|form|div|table|p\b|\?php)",
    re.I | re.S,
)
SCRIPT_ANYWHERE = re.compile(rb"<\s*(script|iframe|object|embed)\b|javascript:", re.I)
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_TOTAL = 2 * 1024 * MB
ZIP_MAX_RATIO = 200


class UploadRefused(ValueError):
    """A refused upload; ``str()`` is the Chinese message for the person who chose the file."""


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    extensions: tuple[str, ...]
    max_bytes: int


def _limit(code: str, default_mb: int) -> int:
    limits = getattr(settings, "GOVPORTAL_UPLOAD_MAX_MB", {}) or {}
    return int(float(limits.get(code, default_mb)) * MB)


def kind(code: str) -> Kind:
    """The kinds of the back office; letter attachments come from the profile (:func:`letter_kind`)."""
    if code == "document":
        configured = tuple(getattr(settings, "WAGTAILDOCS_EXTENSIONS", ()) or DOCUMENT_EXTENSIONS)
        exts = tuple(e for e in configured if e in DOCUMENT_EXTENSIONS)  # only formats judged by content
        return Kind("document", "文档", exts, _limit("document", 50))
    if code == "image":
        extra = tuple(getattr(settings, "WAGTAILIMAGES_EXTENSIONS", ()) or ())
        exts = tuple(e for e in IMAGE_EXTENSIONS if not extra or e in extra)
        if "svg" in extra:
            exts += ("svg",)
        return Kind("image", "图片", exts, _limit("image", 10))
    if code == "video":
        return Kind("video", "视频", VIDEO_EXTENSIONS, _limit("video", 500))
    raise KeyError(code)


def letter_kind(types, max_mb) -> Kind:
    return Kind("letter", "来信附件", tuple(t.lower() for t in types), int(float(max_mb) * MB))


def document_kind(name: str) -> Kind:
    """Videos are uploaded as documents (played from the site itself): they take the video kind's rules."""
    return kind("video") if extension(name) in VIDEO_EXTENSIONS else kind("document")


def human_size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f}".removesuffix(".0") + " MB"
    return f"{max(n / 1024, 0.1):.1f}".removesuffix(".0") + " KB"


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


# --- the rule cited -------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def rule_text(locality: str = "") -> str:
    """“依据《…》第二十九条” from the loaded profile, or the platform's own rule."""
    if locality:
        try:
            profile = load_profile(locality)
            section = profile.sections.get("security") or {}
            article = section.get("upload_article") or ""
            if article:
                regulation = f"《{profile.regulation}》" if profile.regulation else ""
                return f"依据{regulation}{article}，不得发布含有病毒、木马及恶意代码的文件"
        except Exception:  # an unknown locality: the platform's rule
            pass
    return "依据平台上传安全规则，不得上传含有病毒、木马及恶意代码的文件"


def _refuse(name: str, problem: str, locality: str, *, rule: bool = True) -> UploadRefused:
    text = f"文件“{name}”{problem}"
    if rule:
        text += f"（{rule_text(locality)}）"
    return UploadRefused(text + "。")


# --- content ----------------------------------------------------------------------------------------------


def _read(f) -> bytes:
    pos = f.tell() if hasattr(f, "tell") else 0
    try:
        f.seek(0)
    except (AttributeError, OSError):
        pass
    data = f.read()
    try:
        f.seek(pos if pos else 0)
    except (AttributeError, OSError):
        pass
    return data if isinstance(data, bytes) else data.encode()


def _ole_streams(data: bytes) -> list[str] | None:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:
        return None
    try:
        return ["/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)]
    finally:
        ole.close()


OLE_MACRO_PARTS = {"macros", "_vba_project_cur", "_vba_project", "vba"}


def _check_ole(name: str, data: bytes, locality: str) -> None:
    if not data.startswith(OLE_MAGIC):
        raise _refuse(name, "的内容不是它的扩展名所说的格式（不是 Office / WPS 二进制文档）", locality)
    streams = _ole_streams(data)
    if streams is None:
        raise _refuse(name, "已损坏，无法识别其内容", locality, rule=False)
    for path in streams:
        if OLE_MACRO_PARTS & set(path.split("/")):
            raise _refuse(name, "含有宏代码（VBA），不予上传；请删除宏后另存再上传", locality)
        if "\x01ole10native" in path or path.endswith("ole10native"):
            # a packaged file (Packager / Ole10Native): any program can ride in it; embedded charts and
            # equations (ObjectPool with their own formats) stay allowed
            raise _refuse(name, "内嵌了可执行对象（OLE 对象），不予上传", locality)


OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}


def _zip(name: str, data: bytes, locality: str) -> zipfile.ZipFile:
    if not data.startswith(ZIP_MAGIC):
        raise _refuse(name, "的内容与扩展名不符（不是 zip 格式的文件）", locality)
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(name, "已损坏，无法识别其内容", locality, rule=False) from exc
    total = sum(i.file_size for i in infos)
    if (
        len(infos) > ZIP_MAX_MEMBERS
        or total > ZIP_MAX_TOTAL
        or (data and total / max(len(data), 1) > ZIP_MAX_RATIO)
    ):
        raise _refuse(name, "解压后体积异常（疑似“压缩炸弹”），不予上传", locality)
    return z


def _check_ooxml(name: str, ext: str, data: bytes, locality: str) -> None:
    z = _zip(name, data, locality)
    names = z.namelist()
    lower = [n.lower() for n in names]
    if "[content_types].xml" not in lower or OOXML_MAIN[ext] not in lower:
        raise _refuse(name, f"的内容不是有效的 .{ext} 文件", locality)
    if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in lower):
        raise _refuse(name, "含有宏代码（vbaProject.bin），不予上传；请另存为不含宏的文件再上传", locality)
    if any("/activex/" in "/" + n for n in lower):
        raise _refuse(name, "含有 ActiveX 控件，不予上传", locality)
    types = z.read(names[lower.index("[content_types].xml")])[:200_000].lower()
    if b"macroenabled" in types or b"vbaproject" in types:
        raise _refuse(name, "是启用宏的 Office 文件，不予上传；请另存为不含宏的文件再上传", locality)
    for n, info in zip(lower, z.infolist(), strict=True):
        if "embeddings/" not in n or info.file_size > 50 * MB:
            continue
        if n.endswith((".docm", ".xlsm", ".pptm")):
            raise _refuse(name, "内嵌了启用宏的 Office 文件，不予上传", locality)
        if n.endswith(".bin"):
            streams = _ole_streams(z.read(info)) or []
            if any("ole10native" in s or OLE_MACRO_PARTS & set(s.split("/")) for s in streams):
                raise _refuse(name, "内嵌了打包的程序或宏（OLE 对象），不予上传", locality)


def _check_zip(name: str, data: bytes, locality: str) -> None:
    z = _zip(name, data, locality)
    for info in z.infolist():
        member = info.filename
        if ACTIVE_MEMBER.search(member.rstrip("/")):
            raise _refuse(name, f"中含有可执行程序或网页文件“{member}”，不予上传", locality)
        if member.lower().endswith((".docx", ".xlsx", ".pptx", ".doc", ".xls", ".ppt", ".wps", ".et")):
            if info.file_size <= 50 * MB:
                inner = z.read(info)
                try:
                    check_content(member.rsplit("/", 1)[-1], inner, locality)
                except UploadRefused as exc:
                    raise _refuse(
                        name, f"中的文件不予接受：{str(exc).rstrip('。')}", locality, rule=False
                    ) from exc


def _check_ofd(name: str, data: bytes, locality: str) -> None:
    z = _zip(name, data, locality)
    if not any(n.lower().rsplit("/", 1)[-1] == "ofd.xml" for n in z.namelist()):
        raise _refuse(name, "的内容不是有效的 OFD 文件", locality)
    for member in z.namelist():
        if ACTIVE_MEMBER.search(member) and not member.lower().endswith(".svg"):
            raise _refuse(name, f"中含有可执行程序或网页文件“{member}”，不予上传", locality)


def _check_text(name: str, data: bytes, locality: str) -> None:
    import codecs

    head = data[:65536]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(name, "不是文本文件（含有二进制内容）", locality)
    for enc in ("utf-8-sig", "gb18030", "utf-16"):
        try:
            codecs.getincrementaldecoder(enc)().decode(head, final=len(data) <= len(head))
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(name, "不是可识别的文本文件（编码不是 UTF-8 或 GB 18030）", locality)
    if HTML_START.search(head) or SCRIPT_ANYWHERE.search(head):
        raise _refuse(name, "实为网页或脚本（含 HTML / script 代码），不予上传", locality)


_SVG_EVENT = re.compile(r"^on[a-z]+$", re.I)


def _check_svg(name: str, data: bytes, locality: str) -> None:
    from defusedxml import ElementTree as DET

    try:
        root = DET.fromstring(data)
    except Exception as exc:
        raise _refuse(name, "不是有效的 SVG 图片（含有不安全的 XML 结构或已损坏）", locality) from exc
    if not root.tag.lower().endswith("svg"):
        raise _refuse(name, "不是 SVG 图片", locality)
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject", "iframe", "embed", "object", "handler"):
            raise _refuse(name, f"是含有脚本的 SVG（<{tag}> 元素），不予上传", locality)
        for attr, value in el.attrib.items():
            local = attr.rsplit("}", 1)[-1]
            if _SVG_EVENT.match(local):
                raise _refuse(name, f"是含有事件处理脚本的 SVG（{local} 属性），不予上传", locality)
            if (
                "javascript:" in re.sub(r"\s", "", str(value)).lower()
                or "data:text/html" in str(value).lower()
            ):
                raise _refuse(name, "是含有 javascript: 链接的 SVG，不予上传", locality)


_FILETYPE = {
    "pdf": ("application/pdf",),
    "jpg": ("image/jpeg",),
    "jpeg": ("image/jpeg",),
    "png": ("image/png", "image/apng"),
    "gif": ("image/gif",),
    "webp": ("image/webp",),
    "avif": ("image/avif",),
    "mp4": ("video/mp4", "video/x-m4v", "video/quicktime", "video/3gpp"),
    "webm": ("video/webm", "video/x-matroska"),
}
LABEL = {"pdf": "PDF 文档", "mp4": "MP4 视频", "webm": "WebM 视频"}


def check_content(name: str, data: bytes, locality: str = "") -> None:
    """Refuse ``data`` unless its bytes are the format its extension names, without active content."""
    ext = extension(name)
    if EICAR in data:
        raise _refuse(name, "被识别为病毒测试文件（EICAR），不予上传", locality)
    if ext in _FILETYPE:
        if ext == "pdf":
            ok = b"%PDF-" in data[:1024]
        else:
            guess = filetype.guess_mime(data[:8192])
            ok = guess in _FILETYPE[ext]
        if not ok:
            what = LABEL.get(ext, f".{ext} 图片")
            raise _refuse(name, f"的内容不是{what}（文件内容与扩展名 .{ext} 不符）", locality)
        if ext == "pdf" and re.search(rb"/(JavaScript|JS|Launch)\b", data):
            raise _refuse(name, "是含有脚本或启动命令的 PDF，不予上传", locality)
        return
    if ext in ("doc", "xls", "ppt", "wps", "et"):
        return _check_ole(name, data, locality)
    if ext in OOXML_MAIN:
        return _check_ooxml(name, ext, data, locality)
    if ext == "zip":
        return _check_zip(name, data, locality)
    if ext == "ofd":
        return _check_ofd(name, data, locality)
    if ext in ("txt", "csv"):
        return _check_text(name, data, locality)
    if ext == "svg":
        return _check_svg(name, data, locality)
    raise _refuse(name, f"的格式 .{ext or '（无扩展名）'} 无法按内容核验，不予上传", locality)


STREAMED = VIDEO_EXTENSIONS  # large: the format is judged from the head, the rest is only scanned
HEAD = 1 * MB


def _chunks(f):
    try:
        f.seek(0)
    except (AttributeError, OSError):
        pass
    if hasattr(f, "chunks"):
        yield from f.chunks(1 * MB)
    else:
        while True:
            piece = f.read(1 * MB)
            if not piece:
                break
            yield piece
    try:
        f.seek(0)
    except (AttributeError, OSError):
        pass


def _has_eicar(chunks) -> bool:
    tail = b""
    for piece in chunks:
        if EICAR in tail + piece:
            return True
        tail = piece[-len(EICAR) :]
    return False


def check_upload(f, upload_kind: Kind, locality: str = "") -> None:
    """Raise :class:`UploadRefused` unless the uploaded file ``f`` may be stored as ``upload_kind``."""
    try:
        _check_upload(f, upload_kind, locality)
    except UploadRefused as exc:
        if upload_kind.code == "letter" and str(exc).startswith("文件“"):
            raise UploadRefused("附件“" + str(exc)[3:]) from exc
        raise


def _check_upload(f, upload_kind: Kind, locality: str) -> None:
    name = getattr(f, "name", "") or "（未命名）"
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    ext = extension(name)
    if ext not in upload_kind.extensions:
        allowed = "、".join(upload_kind.extensions)
        raise UploadRefused(f"文件“{name}”的格式不受支持：{upload_kind.label}只接受 {allowed} 格式。")
    size = getattr(f, "size", None)
    if size is None:
        size = len(_read(f))
    if size > upload_kind.max_bytes:
        raise UploadRefused(
            f"文件“{name}”大小为 {human_size(size)}，超过每个 {human_size(upload_kind.max_bytes)} 的上限"
            f"（{upload_kind.label}）。"
        )
    if ext in STREAMED:
        head = b"".join(_take(_chunks(f), HEAD))
        if _has_eicar(_chunks(f)):
            raise _refuse(name, "被识别为病毒测试文件（EICAR），不予上传", locality)
        check_content(name, head, locality)
    else:
        check_content(name, _read(f), locality)

    verdict = clamav.scan(_chunks(f))
    if verdict.found:
        raise _refuse(name, f"经病毒扫描发现“{verdict.signature}”，不予上传", locality)
    if verdict.error:
        raise UploadRefused(
            f"文件“{name}”未能完成病毒扫描（{verdict.error}），为安全起见暂不接收，请稍后再试或联系网站管理员。"
        )


def _take(chunks, limit: int):
    got = 0
    for piece in chunks:
        yield piece[: limit - got]
        got += len(piece)
        if got >= limit:
            break
