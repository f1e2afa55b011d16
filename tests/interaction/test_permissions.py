"""Nothing leaked: a unit sees only its own work orders, contacts are shown only to those who must see them,
and every look at a writer's personal data is logged."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govportal.interaction import workflow
from govportal.interaction.models import PersonalDataAccess
from govportal.interaction.permissions import visible_letters

pytestmark = pytest.mark.django_db


def detail(client, user, letter, **post):
    client.force_login(user)
    url = f"/admin/letters/letter/{letter.pk}/"
    return client.post(url, post) if post else client.get(url)


def test_another_unit_cannot_see_a_letter(client, people, units, new_letter):
    letter = new_letter(subject="学校门口拥堵问题", writer_contact="13877712345")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    assert list(visible_letters(people.editor)) == [letter]
    assert list(visible_letters(people.other_editor)) == []
    assert list(visible_letters(people.host)) == []  # the host office supervises, it does not read letters
    response = detail(client, people.other_editor, letter)
    assert response.status_code == 302  # Wagtail's "no permission" redirect
    client.force_login(people.other_editor)
    assert "学校门口拥堵问题" not in client.get("/admin/letters/unit/").content.decode()
    client.force_login(people.editor)
    assert "学校门口拥堵问题" in client.get("/admin/letters/unit/").content.decode()
    assert client.get("/admin/letters/centre/").status_code == 302  # a unit has no centre list


def test_contact_details_are_hidden_until_asked_for_and_each_view_is_logged(
    client, people, units, new_letter
):
    letter = new_letter(writer_name="张晓红", writer_contact="13877712345")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    html = detail(client, people.editor, letter).content.decode()
    assert "13877712345" not in html and "张晓红" not in html
    assert "查看来信人姓名和联系方式（将记录）" in html
    assert not PersonalDataAccess.objects.exists()

    html = detail(client, people.editor, letter, action="show_contact").content.decode()
    assert "13877712345" in html and "张晓红" in html
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.letter, access.what) == (people.editor, letter, "来信人姓名和联系方式")

    detail(client, people.centre, letter, action="show_contact")
    assert PersonalDataAccess.objects.filter(user=people.centre, letter=letter).count() == 1

    # the log is readable by the host office, not by a unit
    client.force_login(people.host)
    log = client.get("/admin/letters/access-log/").content.decode()
    assert letter.query_code in log and "来信人姓名和联系方式" in log
    client.force_login(people.editor)
    assert client.get("/admin/letters/access-log/").status_code == 302


def test_co_units_do_not_see_the_writer(client, people, units, new_letter):
    letter = new_letter(writer_contact="13877712345")
    workflow.dispatch(letter, people.centre, units("市教育局"), co_units=[units("市卫生健康委")])
    html = detail(client, people.other_editor, letter).content.decode()
    assert "查看来信人" not in html
    response = detail(client, people.other_editor, letter, action="show_contact")
    assert response.status_code == 302 and not PersonalDataAccess.objects.exists()


def test_a_whistleblower_stays_with_the_centre(client, people, units, new_letter):
    letter = new_letter(
        "report",
        subject="举报无证办学",
        content="某培训机构无证办学。",
        writer_name="王先生",
        writer_contact="13877700009",
    )
    workflow.dispatch(letter, people.centre, units("市教育局"))
    html = detail(client, people.editor, letter).content.decode()
    assert "来信人信息仅对热线中心可见" in html and "13877700009" not in html
    assert detail(client, people.editor, letter, action="show_contact").status_code == 302
    assert "13877700009" in detail(client, people.centre, letter, action="show_contact").content.decode()


def test_attachment_downloads_are_checked_and_logged(client, people, units, new_letter):
    png = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, content_type="image/png")
    letter = new_letter(attachments=[png])
    workflow.dispatch(letter, people.centre, units("市教育局"))
    att = letter.attachments.get()
    client.force_login(people.other_editor)
    assert client.get(f"/admin/letters/attachment/{att.pk}/").status_code == 302
    client.force_login(people.editor)
    response = client.get(f"/admin/letters/attachment/{att.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert PersonalDataAccess.objects.get().what == "附件：现场.png"
    # attachments are not under MEDIA_ROOT, so never served as public files
    assert client.get("/media/" + att.file.name).status_code == 404


def test_menu_items_follow_the_roles(rf, people):
    from govportal.interaction.wagtail_hooks import interaction_menu

    def menu(user):
        request = rf.get("/admin/")
        request.user = user
        return [item.label for item in interaction_menu.menu_items_for_request(request)]

    centre = menu(people.centre)
    assert "热线中心工单" in centre and "本单位工单" not in centre and "常见问题" in centre
    unit = menu(people.editor)
    assert "本单位工单" in unit and "热线中心工单" not in unit and "个人信息查看记录" not in unit
    host = menu(people.host)
    assert "个人信息查看记录" in host and "热线中心工单" not in host and "本单位工单" not in host


def test_the_dashboard_lists_what_waits(client, people, units, new_letter):
    letter = new_letter()
    client.force_login(people.centre)
    assert "待分拣来信 1 件" in client.get("/admin/").content.decode()
    workflow.dispatch(letter, people.centre, units("市教育局"))
    client.force_login(people.editor)
    assert "本单位待办工单 1 件" in client.get("/admin/").content.decode()


def test_the_admin_letter_page_walks_a_letter_through(client, people, units, new_letter):
    """The same steps as the workflow tests, through the back-office forms."""
    letter = new_letter(
        "suggestion", subject="建议增设护学岗", content="建议在学校门口增设护学岗，保障学生安全。"
    )
    html = detail(client, people.centre, letter).content.decode()
    assert "市教育局" in html  # suggested unit
    edu = units("市教育局")
    response = detail(client, people.centre, letter, action="dispatch", lead=str(edu.pk), note="")
    assert response.status_code == 302
    detail(
        client,
        people.editor,
        letter,
        action="submit_reply",
        text="已在城区学校门口设置护学岗。",
        outcome="resolved",
    )
    html = detail(client, people.editor, letter, action="approve").content.decode()
    letter.refresh_from_db()
    assert letter.state == "review"  # an editor cannot approve
    detail(client, people.leader, letter, action="approve")
    detail(
        client,
        people.centre,
        letter,
        action="publish",
        make_public="1",
        exclusion="",
        note="",
        public_subject="建议增设护学岗",
        public_content="建议在学校门口增设护学岗。",
        public_reply="已在城区学校门口设置护学岗。",
    )
    letter.refresh_from_db()
    assert letter.state == "concluded" and letter.publication == "published"
    html = detail(client, people.centre, letter).content.decode()
    assert "将这件信件的答复转为常见问题" in html


def test_errors_in_the_back_office_are_shown_in_chinese(client, people, units, new_letter):
    letter = new_letter("consultation")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    client.force_login(people.editor)
    response = client.post(
        f"/admin/letters/letter/{letter.pk}/",
        {"action": "request_extension", "workdays": "1", "reason": "需要会商"},
        follow=True,
    )
    assert "不得申请延期" in response.content.decode()
