"""A citizen writes a letter on the public site, gets a query code and password, follows it and rates it."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govportal.interaction.models import Letter, LetterState

from .conftest import solve_form

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def letter_post(client, **overrides):
    page = client.get("/xinjian/xie/")
    assert page.status_code == 200
    token, answer = solve_form(page.content.decode())
    data = {
        "token": token,
        "captcha": answer,
        "type": "consultation",
        "subject": "孩子入学划片怎么查询",
        "content": "您好，我想咨询孩子义务教育入学的划片范围和报名时间。",
        "writer_name": "张晓红",
        "writer_contact": "13877712345",
        "consent_publish": "on",
    }
    data.update(overrides)
    return data


def credentials(html: str) -> tuple[str, str]:
    code = re.search(r'id="query-code">([^<]+)<', html).group(1)
    password = re.search(r'id="query-password">([^<]+)<', html).group(1)
    return code, password


@pytest.mark.parametrize(
    "type_code,type_name",
    [
        ("consultation", "咨询"),
        ("help", "求助"),
        ("suggestion", "建议"),
        ("complaint", "投诉"),
        ("report", "举报"),
    ],
)
def test_each_type_is_stored_and_the_writer_gets_a_code_and_password(client, qinzhou, type_code, type_name):
    response = client.post("/xinjian/xie/", letter_post(client, type=type_code))
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "来信已提交" in html
    code, password = credentials(html)
    letter = Letter.objects.get(query_code=code)
    assert letter.type_name == type_name
    assert letter.state == LetterState.RECEIVED
    assert letter.password_hash and password not in letter.password_hash
    assert response["Cache-Control"].startswith("no-store")


def test_the_form_shows_the_profile_types_and_deadlines(client, qinzhou):
    html = client.get("/xinjian/xie/").content.decode()
    assert "咨询 2 个，求助 5 个，建议 5 个，投诉 10 个，举报 10 个" in html
    assert "第十九条" in html
    assert "市长信箱" in html  # the profile's mailbox name


def test_missing_fields_are_named_in_chinese_and_nothing_typed_is_lost(client, qinzhou):
    data = letter_post(client, writer_name="", writer_contact="", subject="")
    response = client.post("/xinjian/xie/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "提交未成功" in html
    assert "请填写标题。" in html
    assert "请填写姓名（本信箱要求实名来信" in html
    assert "请填写联系方式" in html
    assert "您好，我想咨询孩子义务教育入学的划片范围和报名时间。" in html
    assert Letter.objects.count() == 0


def test_wrong_captcha_is_refused_and_the_text_kept(client, qinzhou, settings):
    settings.GOVPORTAL_CAPTCHA = "always"  # by default it is asked only near a rate limit
    data = letter_post(client)
    data["captcha"] = str(int(data["captcha"]) + 1)
    html = client.post("/xinjian/xie/", data).content.decode()
    assert "验证码计算结果不正确" in html
    assert "孩子入学划片怎么查询" in html
    assert not Letter.objects.exists()


def test_a_forged_token_gets_a_new_captcha_and_keeps_the_text(client, qinzhou):
    data = letter_post(client)
    data["token"] = data["token"][:-3] + "xyz"
    html = client.post("/xinjian/xie/", data).content.decode()
    assert "表单校验信息无效" in html
    assert "孩子入学划片怎么查询" in html
    new_token, _ = solve_form(html)
    assert new_token != data["token"]


def test_contact_format(client, qinzhou):
    html = client.post("/xinjian/xie/", letter_post(client, writer_contact="123")).content.decode()
    assert "联系方式格式不对" in html


def test_attachments_are_checked_with_clear_messages(client, qinzhou):
    big = SimpleUploadedFile("照片.png", PNG + b"\x00" * (11 * 1024 * 1024), content_type="image/png")
    html = client.post("/xinjian/xie/", {**letter_post(client), "attachments": [big]}).content.decode()
    assert "超过每个 10 MB 的上限" in html
    exe = SimpleUploadedFile("程序.exe", b"MZ" + b"\x00" * 20)
    html = client.post("/xinjian/xie/", {**letter_post(client), "attachments": [exe]}).content.decode()
    assert "格式不受支持" in html and "jpg" in html
    fake = SimpleUploadedFile("假图片.png", b"not a png at all")
    html = client.post("/xinjian/xie/", {**letter_post(client), "attachments": [fake]}).content.decode()
    assert "内容与扩展名 .png 不符" in html
    many = [SimpleUploadedFile(f"图{i}.png", PNG) for i in range(4)]
    html = client.post("/xinjian/xie/", {**letter_post(client), "attachments": many}).content.decode()
    assert "最多上传 3 个附件，您选择了 4 个" in html
    assert not Letter.objects.exists()


def test_a_good_attachment_is_kept_privately(client, qinzhou, settings):
    ok = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post("/xinjian/xie/", {**letter_post(client), "attachments": [ok]})
    code, _ = credentials(response.content.decode())
    att = Letter.objects.get(query_code=code).attachments.get()
    assert att.name == "现场.png"
    assert str(settings.DATA_DIR) in att.file.path and str(settings.MEDIA_ROOT) not in att.file.path


def test_the_same_form_submitted_twice_is_stored_once(client, qinzhou):
    data = letter_post(client)
    first = client.post("/xinjian/xie/", data)
    second = client.post("/xinjian/xie/", data)
    assert Letter.objects.count() == 1
    assert credentials(first.content.decode()) == credentials(second.content.decode())
    assert "此前已收到，未重复提交" in second.content.decode()


def test_a_crash_after_the_commit_loses_nothing_and_a_retry_does_not_duplicate(client, qinzhou, monkeypatch):
    """The process dies between storing the letter and answering the browser; the browser retries."""
    from govportal.interaction import views

    data = letter_post(client)
    real_render = views.render

    def crash(request, template, *args, **kwargs):
        if template == "interaction/submitted.html":
            raise SystemExit("killed")
        return real_render(request, template, *args, **kwargs)

    monkeypatch.setattr(views, "render", crash)
    with pytest.raises(SystemExit):
        client.post("/xinjian/xie/", data)
    assert Letter.objects.count() == 1  # committed before the answer
    monkeypatch.setattr(views, "render", real_render)
    retry = client.post("/xinjian/xie/", data)
    assert Letter.objects.count() == 1
    code, password = credentials(retry.content.decode())
    assert Letter.objects.get().query_code == code


def test_a_crash_before_the_commit_stores_nothing_and_the_retry_stores_once(client, qinzhou, monkeypatch):
    from govportal.interaction import workflow

    data = letter_post(client)
    real_event = workflow.event

    def crash(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(workflow, "event", crash)
    with pytest.raises(SystemExit):
        client.post("/xinjian/xie/", data)
    assert Letter.objects.count() == 0  # rolled back: no half letter
    monkeypatch.setattr(workflow, "event", real_event)
    client.post("/xinjian/xie/", data)
    assert Letter.objects.count() == 1


@pytest.mark.parametrize("backend", ["db", "cache"])
def test_floods_are_held_for_the_centre_and_then_refused_without_losing_the_text(
    client, qinzhou, monkeypatch, settings, backend
):
    from govportal.interaction import rules

    settings.GOVPORTAL_LETTER_THROTTLE = backend

    r = rules.letter_rules("qinzhou")
    monkeypatch.setitem(r.values, "flood_hold_per_ip_hour", 2)
    monkeypatch.setitem(r.values, "flood_refuse_per_ip_hour", 4)
    for i in range(4):
        client.post(
            "/xinjian/xie/",
            letter_post(
                client,
                subject=f"第{i}封信的标题",
                writer_contact=f"1387770000{i}",
                content=f"第{i}封信的内容，各不相同，编号{i}。",
            ),
        )
    letters = list(Letter.objects.order_by("id"))
    assert len(letters) == 4
    assert [bool(x.hold_reason) for x in letters] == [False, False, True, True]
    assert "同一网络地址一小时内第 3 件来信" in letters[2].hold_reason
    response = client.post(
        "/xinjian/xie/", letter_post(client, subject="第五封信的标题", content="第五封信的内容，仍然保留。")
    )
    html = response.content.decode()
    assert response.status_code == 429
    assert "暂停受理" in html and "第五封信的内容，仍然保留。" in html
    assert Letter.objects.count() == 4


def test_duplicates_and_honeypots_are_held_not_dropped(client, qinzhou):
    client.post("/xinjian/xie/", letter_post(client))
    client.post("/xinjian/xie/", letter_post(client))  # the same letter again, a new form
    client.post(
        "/xinjian/xie/",
        letter_post(
            client,
            subject="请问如何办理居住证",
            content="外地户籍在钦州工作，请问如何办理居住证？",
            writer_contact="13877799999",
            website="http://spam.example",
        ),
    )
    first, dup, bot = Letter.objects.order_by("id")
    assert not first.hold_reason
    assert f"与信件 {first.query_code} 内容相同" in dup.hold_reason
    assert "疑似自动程序提交" in bot.hold_reason


def test_the_writer_follows_the_letter_and_rates_the_answer(client, qinzhou, people, units):
    from govportal.interaction import workflow

    response = client.post("/xinjian/xie/", letter_post(client))
    code, password = credentials(response.content.decode())
    letter = Letter.objects.get(query_code=code)

    wrong = client.post("/xinjian/chaxun/", {"code": code, "password": "WRONG123"})
    assert wrong.status_code == 400 and "查询码或密码不正确" in wrong.content.decode()

    html = client.post(
        "/xinjian/chaxun/", {"code": code.lower(), "password": password.lower()}
    ).content.decode()
    assert "已收到，待受理" in html and "孩子入学划片怎么查询" in html

    workflow.dispatch(letter, people.centre, units("市教育局"))
    workflow.save_draft(
        letter, people.editor, "义务教育招生范围每年6月在市教育局网站公布，可按住址查询。", submit=True
    )
    workflow.review_reply(letter, people.leader, True)
    workflow.publish(letter, people.centre, make_public=True)

    html = client.post("/xinjian/chaxun/", {"code": code, "password": password}).content.decode()
    assert "已办结" in html and "义务教育招生范围每年6月" in html and "已转交市教育局办理" in html
    grant = re.search(r'name="grant" value="([^"]+)"', html).group(1)
    html = client.post(
        "/xinjian/chaxun/", {"grant": grant, "rating": "unsatisfied", "comment": "没说清楚报名地点"}
    ).content.decode()
    assert "感谢您的评价" in html
    letter.refresh_from_db()
    assert letter.rating == "unsatisfied"
    # an unsatisfied writer is flagged to the centre
    assert people.centre.notices.filter(kind="unsatisfied").exists()
    again = client.post("/xinjian/chaxun/", {"grant": grant, "rating": "satisfied"}).content.decode()
    assert "您已经评价过" in again


def test_too_many_wrong_passwords_lock_the_query_for_a_while(client, qinzhou, new_letter):
    letter = new_letter()
    for _ in range(10):
        client.post("/xinjian/chaxun/", {"code": letter.query_code, "password": "WRONG123"})
    html = client.post(
        "/xinjian/chaxun/", {"code": letter.query_code, "password": "WRONG123"}
    ).content.decode()
    assert "查询失败次数过多" in html


def test_captcha_image_and_refresh(client, qinzhou):
    data = client.get("/xinjian/yanzhengma/").json()
    assert data["words"].endswith(
        ("？", "。", "）")
    )  # a question in words from the pool (some add a hint in brackets)
    image = client.get(data["image"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert client.get("/xinjian/yanzhengma/forged.png").status_code == 404
