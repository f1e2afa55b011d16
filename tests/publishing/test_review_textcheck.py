"""The review's machine check (002 Art. 22) reads the attachments too, and follows the administrators'
registries at once: an attached file marked 秘密★5年 stops the item, and a sensitive word added after a first
check is found at the next one."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from govportal.publishing.review import findings_for
from tests.monitoring.conftest import docx_bytes, make_document

from .conftest import current, submit, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_checker_cache():
    from govportal.monitoring import textcheck

    textcheck.clear_cache()
    yield
    textcheck.clear_cache()


def attached(doc) -> list[dict]:
    return [{"type": "attachment", "value": {"title": doc.title, "document": doc.pk}}]


def test_a_secret_marker_in_an_attached_document_stops_the_item_and_names_the_file(client, people, draft):
    doc = make_document(
        "防汛工作会议材料",
        "fangxun-huiyi.docx",
        docx_bytes(["一、汛期值班安排", "二、物资储备"], header="秘密★5年"),
    )
    page = draft(body="<p>防汛工作会议材料见附件。</p>", attachments=attached(doc), user=people.editor)
    submit(page, people.editor)
    page.refresh_from_db()
    ws = page.current_workflow_state
    assert ws.status == WorkflowState.STATUS_NEEDS_CHANGES
    check = ws.current_task_state.specific
    assert check.task.name == "机器检查（错敏信息）"
    assert "必须修改的错敏信息" in check.comment
    assert f"附件“{doc.filename}”" in check.comment and "秘密★5年" in check.comment
    assert "保守国家秘密法" in check.comment
    # The editor sees it on the item's review record, with the file named.
    client.force_login(people.editor)
    html = text(client.get(reverse("publishing_item", args=[page.pk])))
    assert "当前稿件的机器检查" in html and doc.filename in html and "秘密★5年" in html


def test_a_clean_attachment_does_not_stop_the_item(people, draft):
    doc = make_document("开学工作安排", "kaixue.docx", docx_bytes(["一、开学前安全检查", "二、返校安排"]))
    page = draft(attachments=attached(doc), user=people.editor)
    submit(page, people.editor)
    assert current(page).task.name == "初审初校"


def test_a_sensitive_word_added_after_a_first_check_is_found_at_the_next(client, people, draft):
    from govportal.monitoring.models import SensitiveWord

    page = draft(body="<p>部分商户在校门口兜售辣条王零食。</p>", user=people.editor)
    revision = page.get_latest_revision()
    assert not [f for f in findings_for(revision) if f["kind"] == "sensitive"]
    client.force_login(people.editor)
    before = text(client.get(reverse("publishing_item", args=[page.pk])))
    assert "辣条王" not in before

    SensitiveWord.objects.create(term="辣条王", category="不当广告", severity="blocking", locality="qinzhou")

    found = [f for f in findings_for(revision) if f["kind"] == "sensitive"]
    assert [(f["text"], f["severity"]) for f in found] == [("辣条王", "blocking")]
    after = text(client.get(reverse("publishing_item", args=[page.pk])))
    assert "辣条王" in after
    # and the submitted item is stopped by the machine check
    submit(page, people.editor)
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "辣条王" in page.current_workflow_state.current_task_state.specific.comment


def test_a_word_for_another_locality_does_not_apply(people, draft):
    from govportal.monitoring.models import SensitiveWord

    page = draft(body="<p>部分商户在校门口兜售辣条王零食。</p>", user=people.editor)
    SensitiveWord.objects.create(
        term="辣条王", category="不当广告", severity="blocking", locality="xiangshan"
    )
    assert not [f for f in findings_for(page.get_latest_revision()) if f["kind"] == "sensitive"]
