"""Uploads are judged by their content (酉阳办法第二十九条): the back office's documents and images (single and
multiple upload) and the public letter form refuse disguised, active or infected files with a Chinese message
that says why and names the rule, and keep the rest of the form. ClamAV is asked through clamd when configured
(here: a fake clamd on a local unix socket that answers FOUND or OK)."""

from __future__ import annotations

import io
import os
import socket
import struct
import tempfile
import threading
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model

from govportal.security import clamav
from govportal.security.uploads import (
    EICAR,
    UploadRefused,
    check_content,
    check_upload,
    document_kind,
    kind,
    letter_kind,
)

# --- files ----------------------------------------------------------------------------------------------

CT = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>{extra}</Types>'
)


def ooxml(main: str = "word/document.xml", extra: dict | None = None, content_types: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT.replace(b"{extra}", content_types))
        z.writestr(main, b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body/></w:document>')
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def ole(*storages: tuple[str, list[str]]) -> bytes:
    """A minimal OLE compound file (CFB v3) with a WordDocument stream and the given storages, each with
    child storages: enough for olefile to list them as Word does."""
    free, end, fat_sect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    entries = [["Root Entry", 5, nostream, nostream, nostream]]
    entries.append(["WordDocument", 2, nostream, nostream, nostream])
    for name, children in storages:
        idx = len(entries)
        entries[-1][3] = idx  # right sibling chain off the previous top-level entry
        entries.append([name, 1, nostream, nostream, nostream])
        prev = None
        for child in children:
            cidx = len(entries)
            if prev is None:
                entries[idx][4] = cidx
            else:
                entries[prev][3] = cidx
            entries.append([child, 1, nostream, nostream, nostream])
            prev = cidx
    entries[0][4] = 1
    while len(entries) % 4:
        entries.append(None)
    directory = b""
    for e in entries:
        if e is None:
            directory += (
                b"\x00" * 64 + struct.pack("<HBBIII", 0, 0, 0, nostream, nostream, nostream) + bytes(52)
            )
            continue
        name, typ, left, right, child = e
        raw = (name + "\x00").encode("utf-16-le")
        directory += raw.ljust(64, b"\x00") + struct.pack("<HBBIII", len(raw), typ, 1, left, right, child)
        directory += bytes(16 + 4 + 8 + 8) + struct.pack("<II", end, 0) + bytes(4)
    dir_sectors = len(directory) // 512
    fat = [fat_sect] + [i + 2 for i in range(1, dir_sectors)] + [end]
    fat = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", free) * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    header += bytes(6) + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    assert len(header) == 512
    return header + fat + directory


def png(extra: bytes = b"") -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue() + extra


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


DOCS = kind("document")


def refused(name, data, upload_kind=DOCS, locality="") -> str:
    with pytest.raises(UploadRefused) as exc:
        check_upload(upload(name, data), upload_kind, locality)
    return str(exc.value)


# --- the rules, file by file ----------------------------------------------------------------------------


def test_a_clean_docx_xlsx_pdf_ole_and_text_pass():
    check_upload(upload("通知.docx", ooxml()), DOCS)
    check_upload(upload("统计.xlsx", ooxml("xl/workbook.xml")), DOCS)
    check_upload(upload("公告.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"), DOCS)
    check_upload(upload("旧文件.doc", ole()), DOCS)
    check_upload(upload("名单.csv", "姓名,单位\n张三,教育局\n".encode()), DOCS)
    check_upload(upload("说明.txt", "说明文字".encode("gb18030")), DOCS)


def test_the_type_is_decided_by_content_not_by_the_name():
    assert "内容与扩展名 .pdf 不符" in refused("公告.pdf", b"MZ\x90\x00 this is a windows program")
    assert "不是 zip 格式" in refused("通知.docx", b"%PDF-1.4 renamed")
    assert "不是 Office / WPS 二进制文档" in refused("旧文件.doc", b"<html>not a doc</html>")
    assert "不是有效的 .xlsx" in refused("统计.xlsx", ooxml("word/document.xml"))


def test_the_allow_list_and_size_limit_are_per_kind(settings):
    assert "格式不受支持" in refused("setup.exe", b"MZ")
    assert "格式不受支持" in refused("page.html", b"<html></html>")
    assert "格式不受支持" in refused("图.png", png(), DOCS)  # an image is not a document
    letters = letter_kind(["jpg", "png", "pdf"], 1)
    assert "超过每个 1 MB 的上限" in refused("扫描.pdf", b"%PDF-1.4" + bytes(1024 * 1024 + 1), letters)
    settings.GOVPORTAL_UPLOAD_MAX_MB = {"document": 10 / 1024, "image": 10, "video": 200}
    big = ooxml(extra={"word/media/photo.bin": os.urandom(20_000)})
    assert "超过每个 10 KB 的上限（文档）" in refused("通知.docx", big, kind("document"))
    assert document_kind("发布会.mp4").code == "video" and document_kind("通知.docx").code == "document"


def test_office_macros_are_refused_in_ooxml_and_ole():
    macro = ooxml(extra={"word/vbaProject.bin": ole(("VBA", []))})
    message = refused("带宏的通知.docx", macro)
    assert "含有宏代码（vbaProject.bin）" in message
    enabled = ooxml(
        content_types=b'<Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'
    )
    assert "启用宏" in refused("通知.docx", enabled)
    assert "含有宏代码（VBA）" in refused("旧通知.doc", ole(("Macros", ["VBA"])))
    assert "含有宏代码（VBA）" in refused("报表.xls", ole(("_VBA_PROJECT_CUR", ["VBA"])))
    assert "ActiveX" in refused("通知.docx", ooxml(extra={"word/activeX/activeX1.bin": b"x"}))


def test_html_svg_and_scripts_are_refused_as_active_content(settings):
    assert "实为网页或脚本" in refused("说明.txt", b"<!DOCTYPE html><html><body>hi</body></html>")
    assert "实为网页或脚本" in refused("名单.csv", b"name\n<script>alert(1)</script>\n")
    assert "可执行程序或网页文件" in refused("材料.zip", _zip({"材料/说明.html": b"<html>"}))
    assert "可执行程序或网页文件" in refused("材料.zip", _zip({"setup.exe": b"MZ"}))
    assert "含有脚本或启动命令的 PDF" in refused(
        "表单.pdf", b"%PDF-1.6\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
    )
    for svg, why in [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', "onload"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
            "javascript:",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p/></foreignObject></svg>',
            "foreignobject",
        ),
    ]:
        with pytest.raises(UploadRefused) as exc:
            check_content("图.svg", svg)
        assert why in str(exc.value)
    check_content("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>')
    # svg is not an image kind at all unless the deployment enables it in Wagtail
    assert "格式不受支持" in refused("标志.svg", b"<svg/>", kind("image"))


def _zip(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_the_eicar_test_file_is_refused_whatever_its_name():
    assert "病毒测试文件（EICAR）" in refused("说明.txt", EICAR)
    assert "病毒测试文件（EICAR）" in refused("公告.pdf", b"%PDF-1.4\n" + EICAR)
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(2 * 1024 * 1024) + EICAR
    assert "EICAR" in refused("发布会.mp4", video, kind("video"))


def test_the_refusal_names_the_loaded_profiles_article():
    message = refused("说明.txt", EICAR, locality="youyang")
    assert "《酉阳土家族苗族自治县政府门户网站管理办法（试行）》第二十九条" in message
    assert "不得发布含有病毒、木马及恶意代码的文件" in message
    # 钦州's profile names no article for uploads: the platform's rule, never another locality's article
    other = refused("说明.txt", EICAR, locality="qinzhou")
    assert "平台上传安全规则" in other and "第二十九条" not in other


# --- ClamAV through clamd --------------------------------------------------------------------------------


class FakeClamd:
    """A clamd on a unix socket speaking INSTREAM: FOUND for data containing b"TROJAN-TEST", else OK."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="clamd-")
        self.path = os.path.join(self.dir, "clamd.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(4)
        self.scanned: list[bytes] = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                f = conn.makefile("rb")
                assert f.read(10) == b"zINSTREAM\0"
                data = b""
                while True:
                    (size,) = struct.unpack(">I", f.read(4))
                    if not size:
                        break
                    data += f.read(size)
                self.scanned.append(data)
                reply = b"stream: Win.Trojan.Test-1 FOUND\0" if b"TROJAN-TEST" in data else b"stream: OK\0"
                conn.sendall(reply)

    def close(self):
        self.sock.close()


@pytest.fixture
def fake_clamd(monkeypatch):
    server = FakeClamd()
    monkeypatch.setenv("CLAMD_SOCKET", server.path)
    yield server
    server.close()


def test_clamd_is_asked_and_its_finding_refuses_the_file(fake_clamd):
    check_upload(upload("通知.docx", ooxml()), DOCS)
    assert fake_clamd.scanned and fake_clamd.scanned[-1].startswith(b"PK")
    bad = ooxml(extra={"word/media/x.bin": b"TROJAN-TEST" * 10})
    bad_zip = zipfile.ZipFile(io.BytesIO(bad))
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:  # stored: the marker is visible to clamd
        for info in bad_zip.infolist():
            z.writestr(info.filename, bad_zip.read(info))
    message = refused("通知.docx", stored.getvalue(), locality="youyang")
    assert "经病毒扫描发现“Win.Trojan.Test-1”" in message and "第二十九条" in message


def test_a_configured_clamd_that_does_not_answer_refuses(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAMD_SOCKET", str(tmp_path / "nobody.sock"))
    assert "未能完成病毒扫描" in refused("通知.docx", ooxml())
    monkeypatch.delenv("CLAMD_SOCKET")
    assert clamav.scan(b"x").scanned is False  # nothing configured: no scan, the other checks still run


# --- the forms ---------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model, db):
    user = django_user_model.objects.create_superuser("upload-root", password="Test@2026pw")
    client.force_login(user)
    return client


def test_admin_document_upload_refuses_a_macro_file_and_keeps_the_title(admin_client):
    macro = upload("会议通知.docx", ooxml(extra={"word/vbaProject.bin": b"x"}))
    response = admin_client.post("/admin/documents/add/", {"title": "关于召开会议的通知", "file": macro})
    html = response.content.decode()
    assert response.status_code == 200
    assert "含有宏代码（vbaProject.bin）" in html and "平台上传安全规则" in html
    assert 'value="关于召开会议的通知"' in html  # the title typed is still there
    assert not get_document_model().objects.filter(title="关于召开会议的通知").exists()
    ok = upload("会议通知.docx", ooxml())
    response = admin_client.post("/admin/documents/add/", {"title": "关于召开会议的通知", "file": ok})
    assert (
        response.status_code == 302
        and get_document_model().objects.filter(title="关于召开会议的通知").exists()
    )


def test_admin_multiple_upload_refuses_with_the_reason(admin_client):
    response = admin_client.post("/admin/documents/multiple/add/", {"files[]": upload("说明.txt", EICAR)})
    data = response.json()
    assert data["success"] is False and "EICAR" in data["error_message"]
    response = admin_client.post("/admin/images/multiple/add/", {"files[]": upload("照片.png", png(EICAR))})
    data = response.json()
    assert data["success"] is False and "EICAR" in data["error_message"]
    response = admin_client.post("/admin/images/multiple/add/", {"files[]": upload("照片.png", png())})
    assert response.json()["success"] is True


def test_admin_image_upload_refuses_an_infected_image(admin_client, fake_clamd):
    response = admin_client.post(
        "/admin/images/add/", {"title": "现场照片", "file": upload("现场.png", png(b"TROJAN-TEST"))}
    )
    html = response.content.decode()
    assert "经病毒扫描发现“Win.Trojan.Test-1”" in html and 'value="现场照片"' in html


def test_the_letter_form_refuses_a_macro_attachment_and_keeps_the_letter(client, qinzhou):
    from govportal.interaction.models import Letter
    from tests.interaction.test_public_letters import letter_post

    data = letter_post(client)
    bad = SimpleUploadedFile("材料.docx", ooxml(extra={"word/vbaProject.bin": b"x"}))
    response = client.post("/xinjian/xie/", {**data, "attachments": [bad]})
    html = response.content.decode()
    assert "附件“材料.docx”含有宏代码（vbaProject.bin）" in html
    assert data["subject"] in html  # what the writer typed is still in the form
    assert not Letter.objects.exists()
