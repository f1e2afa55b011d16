"""Demo data of the monitoring app (idempotent): the text-check registries seeded from the starter lists,
one published item with problems of the kind a real site carries from before the checker existed (a typo,
a citizen's mobile number and ID number in a published list, an attachment marked 内部资料), and one
site scan so that the report has content."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.portal.columns import main_columns
from govportal.portal.models import ArticlePage

from .registries import ensure_seeded
from .scan import latest_run, scan_site

PLANTED_TITLE = "市教育局关于2026年秋季学期家庭经济困难学生资助名单的公示"
PLANTED_BODY = (
    "<p>根据自治区学生资助工作有关要求，经学校初审、县区教育局复核，现将我市2026年秋季学期家庭经济困难学生"
    "资助名单予以公示。截止目前，全市共认定家庭经济困难学生1268名。</p>"
    "<p>受助学生：黄某某，身份证号450702200805123413，家长联系电话13877712345。</p>"
    "<p>公示期为5个工作日。如有异议，请在公示期内向市教育局学生资助管理中心反映。</p>"
)
ATTACHMENT_TITLE = "2026年秋季学期资助工作会议材料"


def _docx(paragraphs: list[str], header: str = "") -> bytes:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def body(lines):
        return "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>{body(paragraphs)}</w:body></w:document>',
        )
        if header:
            z.writestr(
                "word/header1.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><w:hdr {ns}>{body([header])}</w:hdr>',
            )
    return out.getvalue()


def _attachment():
    from wagtail.documents import get_document_model

    Document = get_document_model()
    doc = Document.objects.filter(title=ATTACHMENT_TITLE).first()
    if doc:
        return doc
    data = _docx(
        [
            "2026年秋季学期学生资助工作会议材料",
            "一、工作进展：全市已发放国家助学金2860万元。",
            "二、下一步工作：各县区要在10月底前完成资助资金发放。",
        ],
        header="内部资料 注意保密",
    )
    doc = Document(title=ATTACHMENT_TITLE)
    doc.file.save("zizhu-huiyi-cailiao.docx", ContentFile(data), save=False)
    doc.save()
    return doc


def plant_item(home):
    """One published item of 市教育局 with the problems above (once)."""

    existing = ArticlePage.objects.descendant_of(home).filter(title=PLANTED_TITLE).first()
    if existing:
        return existing
    unit = Unit.objects.filter(locality=home.locality, name__contains="教育局").first()
    columns = main_columns(home)
    column = (columns.filter(units=unit).first() if unit else None) or columns.filter(
        title="部门动态"
    ).first()
    if column is None:
        return None
    doc = _attachment()
    page = ArticlePage(
        title=PLANTED_TITLE,
        body=PLANTED_BODY,
        unit=unit,
        source=unit.name if unit else "",
        date=timezone.now() - timedelta(days=40),
        attachments=[{"type": "attachment", "value": {"title": ATTACHMENT_TITLE, "document": doc.pk}}],
    )
    column.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def prepare(home) -> str:

    ensure_seeded()
    page = plant_item(home)
    run = latest_run(home.locality)
    stale = (
        run is not None
        and page is not None
        and page.last_published_at
        and run.started_at < page.last_published_at
    )
    if run is None or stale:
        run = scan_site(home.locality, processes=1)
    return f"错敏信息：词库已就绪；全站扫描 #{run.pk}：{run.message}（后台“错敏信息 → 全站扫描报告”）"
