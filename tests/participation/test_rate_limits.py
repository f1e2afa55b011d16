"""Every participation form is rate-limited per address by govportal.ratelimits (``participation``): past the
limit the form comes back with 429, the limit, when to retry, and what was typed; nothing is stored; another
address is not affected."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from govportal.participation.models import ConsultationComment, InterviewQuestion, SurveyAnswer
from tests.participation.test_surveys import full_answer

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def two_an_hour(settings):
    settings.GOVPORTAL_RATE_LIMITS = {"participation": "2/h"}


def assert_refused(response, typed: str = ""):
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    html = text(response)
    assert "同一网络地址提交过于频繁（上限为每小时 2 次）" in html
    assert re.search(r"请约 \d+ (秒|分钟|小时)[^（]*（\d\d:\d\d 以后）再提交", html)
    if typed:
        assert typed in html  # nothing typed is lost


def test_consultation_comments_past_the_limit_are_refused_and_keep_the_text(client, consultation):
    page = consultation()
    url = reverse("participation:comment", args=[page.pk])
    for n in range(2):
        assert client.post(url, {"text": f"第{n}条意见", "article": "第一条"}).status_code == 302
    assert_refused(
        client.post(url, {"text": "第三条很长的意见内容", "article": "第一条"}), "第三条很长的意见内容"
    )
    assert ConsultationComment.objects.filter(page=page).count() == 2
    assert client.post(url, {"text": "别处的意见"}, REMOTE_ADDR="10.7.7.7").status_code == 302


def test_interview_questions_and_survey_answers_share_the_one_limit(client, interview, survey):
    talk, poll = interview(), survey()
    ask = reverse("participation:question", args=[talk.pk])
    answer = reverse("participation:survey_answer", args=[poll.pk])
    assert client.post(ask, {"text": "课后服务几点结束？"}).status_code == 302
    assert client.post(answer, full_answer(poll)).status_code == 302
    client.cookies.clear()
    assert_refused(client.post(ask, {"text": "第二个问题"}), "第二个问题")
    assert_refused(client.post(answer, full_answer(poll)))
    assert InterviewQuestion.objects.filter(page=talk).count() == 1
    assert SurveyAnswer.objects.filter(survey=poll).count() == 1
