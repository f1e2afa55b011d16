"""Answering a survey: one answer per person without an account, phone verification, answers kept when
refused, results only once published (with their charts' data in json_script), the xlsx export."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from govportal.participation.models import SurveyAnswer
from govportal.participation.sms import LoggingSender

from .conftest import text

pytestmark = pytest.mark.django_db


def full_answer(page, **extra):
    from govportal.participation.surveys import questions

    qs = {q.kind: q for q in questions(page)}
    data = {
        qs["single"].field_name: "小学",
        qs["multiple"].field_name: ["体育", "阅读"],
        qs["scale"].field_name: "4",
        f"{qs['matrix'].field_name}-0": "满意",
        f"{qs['matrix'].field_name}-1": "不满意",
        qs["text"].field_name: "希望延长服务时间",
        "action": "submit",
    }
    data.update(extra)
    return data


def test_anyone_answers_once_per_browser(client, survey):
    page = survey()
    url = reverse("participation:survey_answer", args=[page.pk])
    response = client.post(url, full_answer(page))
    assert response.status_code == 302 and response["Location"].endswith("?done=1")
    assert "答卷已提交" in text(client.get(response["Location"]))
    assert SurveyAnswer.objects.filter(survey=page).count() == 1

    # The same browser again: the signed cookie says it has answered; nothing more is stored.
    assert "您已参加过本次调查" in text(client.get(page.url))
    again = client.post(url, full_answer(page))
    assert "您已参加过本次调查" in text(again)
    assert SurveyAnswer.objects.filter(survey=page).count() == 1


def test_a_forged_cookie_does_not_count_and_the_address_limit_holds(client, survey, settings):
    from govportal.participation.rules import participation_rules

    page = survey()
    url = reverse("participation:survey_answer", args=[page.pk])
    client.cookies[f"gp_survey_{page.pk}"] = "forged"
    assert "您已参加过" not in text(client.get(page.url))
    limit = participation_rules("qinzhou").anonymous_per_address
    for _ in range(limit):
        client.cookies.clear()  # a visitor who clears cookies each time
        assert client.post(url, full_answer(page)).status_code == 302
    client.cookies.clear()
    refused = text(client.post(url, full_answer(page)))
    assert f"同一网络地址最多可提交{limit}份答卷" in refused
    assert SurveyAnswer.objects.filter(survey=page).count() == limit
    # Another address is not affected.
    client.cookies.clear()
    assert client.post(url, full_answer(page), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_a_refused_answer_keeps_what_was_typed(client, survey):
    page = survey()
    url = reverse("participation:survey_answer", args=[page.pk])
    data = full_answer(page)
    from govportal.participation.surveys import questions

    single = next(q for q in questions(page) if q.kind == "single")
    del data[single.field_name]
    response = client.post(url, data)
    body = response.content.decode()
    assert "有1道题需要修改" in text(body) and "本题为必答题" in text(body)
    assert "希望延长服务时间" in body  # the text answer is still there
    assert re.search(r'value="阅读" checked', body) and re.search(r'value="4" checked', body)
    assert not SurveyAnswer.objects.filter(survey=page).exists()


def test_phone_verified_survey_takes_one_answer_per_phone(client, survey):
    page = survey(audience="phone")
    url = reverse("participation:survey_answer", args=[page.pk])
    LoggingSender.outbox.clear()
    sent = client.post(url, full_answer(page, action="code", phone="13877712345"))
    assert "验证码已发送" in text(sent)
    assert "希望延长服务时间" in sent.content.decode()  # answers kept while waiting for the code
    phone, message = LoggingSender.outbox[-1]
    code = re.search(r"验证码 (\d{6})", message).group(1)
    assert phone == "13877712345"

    wrong = client.post(
        url, full_answer(page, phone="13877712345", code="000000" if code != "000000" else "111111")
    )
    assert "验证码不正确" in text(wrong)
    assert client.post(url, full_answer(page, phone="13877712345", code=code)).status_code == 302
    stored = SurveyAnswer.objects.get(survey=page)
    assert stored.phone_key and "13877712345" not in str(stored.answers) + stored.phone_key

    # A second answer from the same phone — from another browser, with a fresh code — is refused.
    other = type(client)()
    from django.core.cache import caches

    caches["ratelimit"].clear()  # the one-minute resend guard (shared cache) would otherwise refuse it
    other.post(url, full_answer(page, action="code", phone="138 7771 2345"))
    code2 = re.search(r"验证码 (\d{6})", LoggingSender.outbox[-1][1]).group(1)
    refused = other.post(url, full_answer(page, phone="13877712345", code=code2))
    assert "该手机号已参加过本次调查" in text(refused)
    assert SurveyAnswer.objects.filter(survey=page).count() == 1


def test_codes_cannot_flood_a_phone(client, survey):
    page = survey(audience="phone")
    url = reverse("participation:survey_answer", args=[page.pk])
    client.post(url, {"action": "code", "phone": "13877712345"})
    again = client.post(url, {"action": "code", "phone": "13877712345"})
    assert "秒后再重新获取" in text(again)
    bad = client.post(url, {"action": "code", "phone": "12345"})
    assert "请填写正确的11位手机号码" in text(bad)


def test_closed_survey_refuses_answers_and_results_wait_for_publication(client, survey):
    page = survey(opens=-20, closes=-1)
    url = reverse("participation:survey_answer", args=[page.pk])
    assert "不能提交答卷" in text(client.post(url, full_answer(page)))
    body = text(client.get(page.url))
    assert "调查已结束" in body and "前在本页公布" in body and "第二十二条" in body
    assert 'id="survey-results"' not in client.get(page.url).content.decode()

    SurveyAnswer.objects.create(survey=page, answers={QUESTION_ID(page, "single"): "初中"})
    page.results_published = True
    page.results_text = "<p>多数家长满意。</p>"
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "调查结果" in html and "多数家长满意" in html
    # Chart data travels in a json_script element (escaped JSON, no inline code).
    data = re.search(r'<script id="survey-results" type="application/json">(.*?)</script>', html, re.S).group(
        1
    )
    assert "\\u521d\\u4e2d" in data or "初中" in data
    assert "survey-results.js" in html and "echarts.min.js" in html


def QUESTION_ID(page, kind):
    from govportal.participation.surveys import questions

    return next(q.id for q in questions(page) if q.kind == kind)


def test_export_is_formula_neutral_and_only_for_the_owning_unit(client, survey, people):
    from openpyxl import load_workbook

    page = survey()
    SurveyAnswer.objects.create(
        survey=page, answers={QUESTION_ID(page, "text"): '=HYPERLINK("http://evil.example","点我")'}
    )
    url = reverse("participation_admin:export", args=[page.pk])
    client.force_login(people.other)  # 市财政局: another unit
    for refused_url in (url, reverse("participation_admin:manage", args=[page.pk])):
        refused = client.get(refused_url)
        assert refused.status_code == 403
        assert "由市教育局负责，您不能办理其他单位的公众参与事项" in text(refused)
        assert "spreadsheetml" not in refused.get("Content-Type", "")

    client.force_login(people.editor)  # the unit's editor: personal data is exported by the chief and up
    refused = client.get(url)
    assert refused.status_code == 403 and "《中华人民共和国个人信息保护法》第五十一条" in text(refused)
    client.force_login(people.chief)
    response = client.get(url)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert ws.cell(1, 4).value.startswith("1. ")


def test_a_survey_goes_through_review_before_it_is_public(client, people, qinzhou, edu):
    from datetime import timedelta

    from django.utils import timezone

    from govportal.participation.models import SurveyPage
    from tests.conftest import column

    from .conftest import QUESTIONS

    parent = column(qinzhou, "互动交流", "民意征集")
    page = SurveyPage(
        title="待审核的调查", questions=QUESTIONS, closes_at=timezone.now() + timedelta(days=5), live=False
    )
    parent.add_child(instance=page)
    page.save_revision(user=people.editor)
    page.get_workflow().start(page, people.editor)
    page.refresh_from_db()
    assert not page.live
    state = page.current_workflow_task_state
    assert state is not None and state.task.name == "初审初校"
    assert client.get(page.url or "/nowhere/").status_code == 404


def test_an_open_survey_is_never_served_from_the_public_cache(client, survey):
    page = survey()
    response = client.get(page.url)
    assert "private" in response["Cache-Control"]
