"""One spelling of 文号 (issue 19): typed with [] it is stored with 〔〕, and the catalogue filter finds it
whichever brackets the visitor types."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.portal.models import PolicyDocumentPage
from tests.conftest import column


def test_brackets_are_normalised_on_input_and_in_the_catalogue(qinzhou):
    doc = PolicyDocumentPage(
        title="关于做好寒假学生安全工作的通知",
        document_number="钦教发[2026]12号",
        issuing_organ="钦州市教育局",
        date=timezone.now(),
        body="<p>正文</p>",
        unit=Unit.objects.get(locality="qinzhou", name="市教育局"),
    )
    column(qinzhou, "政府信息公开", "政策文件").add_child(instance=doc)
    doc.full_clean()
    doc.save_revision().publish()
    doc.refresh_from_db()
    assert doc.document_number == "钦教发〔2026〕12号"
    for typed in ("钦教发[2026]12号", "钦教发〔2026〕12号", "钦教发【2026】12号"):
        html = Client().get("/gkml/", {"document_number": typed}).content.decode()
        assert "关于做好寒假学生安全工作的通知" in html, typed
