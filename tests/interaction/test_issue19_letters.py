"""Issue 19 in the mailbox: an internal 派单说明 never reaches the writer; a long letter is refused with the
limit and kept; an emoji-only subject is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govportal.interaction import workflow
from govportal.interaction.models import Letter

from .conftest import admin_client
from .test_public_letters import letter_post

pytestmark = pytest.mark.django_db


def test_the_dispatch_note_is_internal(client, people, units, new_letter):
    from govportal.interaction.spam import password_for

    letter = new_letter("complaint")
    admin_client(client, people.centre)
    form = client.get(reverse("interaction_admin:letter", args=[letter.pk])).content.decode()
    assert "仅承办单位和热线中心可见，不在来信人的办理过程中显示" in form
    workflow.dispatch(letter, people.centre, units("市教育局"), note="来信人情绪激动，请先电话沟通")
    client.logout()
    html = client.post(
        "/xinjian/chaxun/", {"code": letter.query_code, "password": password_for(letter.submit_token)}
    ).content.decode()
    assert "已转交市教育局办理" in html
    assert "情绪激动" not in html and "派单说明" not in html
    # the unit reads it in the letter's record
    admin_client(client, people.editor)
    record = client.get(reverse("interaction_admin:letter", args=[letter.pk])).content.decode()
    assert "派单说明（内部）：来信人情绪激动，请先电话沟通" in record


def test_a_10000_character_letter_is_refused_with_the_limit_and_kept(client, qinzhou):
    form = client.get("/xinjian/xie/").content.decode()
    assert 'data-limit="5000"' in form and 'maxlength="5000"' not in form  # no silent cut in the browser
    long_text = "我反映的问题是小区噪音扰民。" * 715  # 10,010 characters
    data = letter_post(client, content=long_text)
    response = client.post("/xinjian/xie/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert f"内容最多5000个字（您写了{len(long_text)}个字）" in html
    assert long_text in html
    assert not Letter.objects.exists()


def test_an_emoji_only_subject_is_refused(client, qinzhou):
    response = client.post("/xinjian/xie/", letter_post(client, subject="😡😡😡😡"))
    assert "标题须含有汉字或字母" in response.content.decode()
    assert not Letter.objects.exists()
