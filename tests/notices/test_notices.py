"""One inbox for every app (issue 14): a notice is written at once, its e-mail leaves only after the change
that made the news is committed, and 我的提醒 lists every app's notices and reads them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from govportal.notices.models import Notice
from govportal.notices.notifications import mark_read, notify, unread_count


@pytest.fixture
def editor(make_person):
    user = make_person("市教育局", "editor")
    user.email = "editor@example.cn"
    user.save()
    return user


def test_the_mail_leaves_after_commit_and_a_rollback_tells_nobody(editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [editor, editor, None], "review", "待审核：关于秋季开学的通知", "已到科室审核环节。", "/admin/x/"
        )
    notice = Notice.objects.get(user=editor)  # once, however often the person is named
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["editor@example.cn"]
    assert "待审核：关于秋季开学的通知" in mail.outbox[0].subject and "/admin/x/" in mail.outbox[0].body
    notice.refresh_from_db()
    assert notice.emailed

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify([editor], "review", "不会发出的提醒")
                raise RuntimeError("the change fails")
    assert mail.outbox == []
    assert not Notice.objects.filter(title="不会发出的提醒").exists()


def test_a_long_text_keeps_every_word(editor):
    text = "信件" * 150
    (notice,) = notify([editor], "overdue", text)
    assert len(notice.title) == 200 and notice.title.endswith("…") and notice.body == text


def test_inactive_people_are_not_told(editor):
    editor.is_active = False
    editor.save()
    assert notify([editor], "review", "待审核") == []


def test_my_notices_lists_every_apps_notices_and_reads_them(client, editor):
    notify([editor], "review", "待审核：政策文件", "请审核。", "/admin/publishing/inbox/")
    notify([editor], "due_soon", "信件 X1 即将到期", url="/admin/interaction/letter/1/")
    assert unread_count(editor) == 2
    client.force_login(editor)
    page = client.get("/admin/notices/").content.decode()
    assert "待审核：政策文件" in page and "信件 X1 即将到期" in page and page.count("[新]") == 2
    assert unread_count(editor) == 0  # shown in full: read
    again = client.get("/admin/notices/").content.decode()
    assert "[新]" not in again and "信件 X1 即将到期" in again

    notify([editor], "review", "又一条")
    response = client.post("/admin/notices/")
    assert response.status_code == 302 and unread_count(editor) == 0


def test_mark_read_by_link_and_by_person(editor, make_person):
    other = make_person("市教育局", "editor")
    notify([editor, other], "review", "待审核", url="/admin/review/7/")
    assert mark_read(user=editor) == 1
    assert unread_count(other) == 1
    assert mark_read(url="/admin/review/7/") == 1
    assert unread_count(other) == 0
