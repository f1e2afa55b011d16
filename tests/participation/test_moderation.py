"""Moderation by the owning unit (text check, personal data masked), the live stream and its JSON, the
transcript under review, visits followed up as letters, and the annual figures."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from govportal.participation import submissions
from govportal.participation.models import ConsultationComment, Moderation, QuestionState

from .conftest import text

pytestmark = pytest.mark.django_db


def test_comments_wait_for_moderation_and_are_public_masked(client, consultation, people):
    page = consultation()
    response = client.post(
        reverse("participation:comment", args=[page.pk]),
        {
            "text": "第一条太笼统，我的电话13877712345，请联系我。",
            "article": "第一条",
            "name": "张三丰",
            "contact": "13877712345",
        },
    )
    assert response.status_code == 302
    comment = ConsultationComment.objects.get(page=page)
    assert comment.status == Moderation.PENDING and comment.article_label == "第一条"
    assert "13877712345" not in comment.public_text
    assert any(f["kind"] == "personal_data" for f in comment.findings)
    assert "第一条太笼统" not in text(client.get(page.url))  # nothing public before moderation

    # Another unit cannot moderate it, neither through the page nor the function.
    client.force_login(people.other)
    refused = client.post(
        reverse("participation_admin:manage", args=[page.pk]), {"action": "approve", "item": comment.pk}
    )
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied):
        submissions.moderate(comment, people.other, True)
    comment.refresh_from_db()
    assert comment.status == Moderation.PENDING

    client.force_login(people.editor)
    queue = text(client.get(reverse("participation_admin:manage", args=[page.pk])))
    assert "第一条太笼统" in queue and "手机号码" in queue
    client.post(
        reverse("participation_admin:manage", args=[page.pk]),
        {"action": "approve", "item": comment.pk, "public_text": comment.public_text},
    )
    comment.refresh_from_db()
    assert comment.status == Moderation.APPROVED and comment.moderated_by == people.editor
    client.logout()
    public = text(client.get(page.url))
    assert "第一条太笼统" in public and "13877712345" not in public and "张三丰" not in public


def test_a_rejection_needs_a_reason_and_blocking_findings_cannot_be_approved(consultation, people):
    page = consultation()
    comment = submissions.submit_comment(page, text="附件是绝密文件，请查阅。")
    with pytest.raises(submissions.Refused, match="不予通过须写明理由"):
        submissions.moderate(comment, people.editor, False)
    hard = [f for f in comment.findings if f["severity"] == "blocking" and f["kind"] != "personal_data"]
    if hard:
        with pytest.raises(submissions.Refused, match="不能原样公开"):
            submissions.moderate(comment, people.editor, True)
    submissions.moderate(comment, people.editor, False, "含涉密字样，不予公开")
    comment.refresh_from_db()
    assert comment.status == Moderation.REJECTED


def test_comments_only_while_open(consultation):
    page = consultation(opens=-40, closes=-2)
    with pytest.raises(submissions.Refused, match="当前不在征集期内"):
        submissions.submit_comment(page, text="意见")


def test_the_host_picks_questions_and_the_stream_updates_by_json(client, interview, people):
    page = interview()
    client.post(
        reverse("participation:question", args=[page.pk]), {"text": "划片范围何时公布？", "name": "家长"}
    )
    client.post(reverse("participation:question", args=[page.pk]), {"text": "广告：代办入学"})
    good, spam = page.questions.order_by("id")
    assert good.during and good.status == QuestionState.PENDING

    client.force_login(people.editor)
    manage = reverse("participation_admin:manage", args=[page.pk])
    client.post(manage, {"action": "approve", "item": good.pk, "public_text": good.public_text})
    client.post(manage, {"action": "reject", "item": spam.pk, "note": "广告"})
    client.post(manage, {"action": "live", "speaker": "李明", "text": "8月上旬公布。", "question": good.pk})
    good.refresh_from_db()
    assert good.status == QuestionState.ANSWERED_LIVE

    client.logout()
    data = client.get(reverse("participation:live", args=[page.pk]) + "?after=0").json()
    assert data["status"] == "直播中"
    assert [(e["speaker"], e["text"], e["question"]) for e in data["entries"]] == [
        ("李明", "8月上旬公布。", "划片范围何时公布？")
    ]
    last = data["entries"][-1]["id"]
    assert (
        client.get(reverse("participation:live", args=[page.pk]) + f"?after={last}").json()["entries"] == []
    )
    html = client.get(page.url).content.decode()
    assert "participation/live.js" in html and "<script>" not in html.split("</head>")[1]
    assert "代办入学" not in html

    # Another unit's staff cannot post to the stream.
    with pytest.raises(PermissionDenied):
        submissions.post_live(page, people.other, speaker="x", text="y")


def test_afterwards_the_transcript_becomes_an_item_under_review(interview, people):
    page = interview(starts=-5)
    submissions.post_live(page, people.editor, speaker="主持人", text="欢迎各位网友。")
    submissions.make_transcript(page, people.editor)
    page.refresh_from_db()
    latest = page.get_latest_revision_as_object()
    assert "欢迎各位网友" in latest.transcript
    assert page.transcript == ""  # the public page shows it only after review
    assert page.current_workflow_state is not None


def test_visit_signup_selection_and_matters_as_letters(visit, people, qinzhou):
    from govportal.accounts.models import Unit
    from govportal.interaction.models import Letter

    page = visit(quota=1)
    a = submissions.sign_up(page, name="王五", phone="13977700001", reason="老旧小区加装电梯")
    with pytest.raises(submissions.Refused, match="已报名本次活动"):
        submissions.sign_up(page, name="王五", phone="139-7770-0001")
    b = submissions.sign_up(page, name="赵六", phone="13977700002")
    submissions.select(a, people.editor, True)
    with pytest.raises(submissions.Refused, match="已选满"):
        submissions.select(b, people.editor, True)
    with pytest.raises(PermissionDenied):
        submissions.select(b, people.other, False)

    housing = Unit.objects.filter(locality="qinzhou", name__contains="住房").first() or Unit.objects.get(
        locality="qinzhou", name="市财政局"
    )
    matter = submissions.raise_matter(
        page, people.editor, raised_by="王五", content="小区加装电梯补贴如何申请", unit=housing
    )
    letter = Letter.objects.get(pk=matter.letter_id)
    assert letter.type == "suggestion" and letter.target_unit == housing and letter.locality == "qinzhou"
    assert "加装电梯" in letter.content
    # It waits in the hotline centre's single entry like any letter, to be triaged and dispatched.
    assert letter.state == "received"


def test_annual_figures_count_activities_opinions_and_published_results(
    survey, consultation, interview, people
):
    from datetime import timedelta

    from django.utils import timezone

    from govportal.participation.models import SurveyAnswer
    from govportal.participation.stats import annual_figures

    closed = survey(opens=-20, closes=-1)
    survey(title="第二期调查", opens=-1, closes=5)
    SurveyAnswer.objects.create(survey=closed, answers={})
    SurveyAnswer.objects.create(survey=closed, answers={})
    closed.results_published = True
    closed.save_revision().publish()
    c = consultation()
    submissions.submit_comment(c, text="意见一")
    year = (timezone.now() - timedelta(days=1)).year
    figures = annual_figures("qinzhou", year if closed.closes_at.year == year else None)
    assert figures["调查征集"]["期数"] >= 1 and figures["调查征集"]["公布结果期数"] >= 1
    assert figures["调查征集"]["意见数"] >= 2
    assert set(figures) == {"调查征集", "意见征集", "在线访谈", "公民代表走进政府"}
    assert figures["意见征集"]["意见数"] == 1


def test_published_activities_are_found_by_site_search(client, survey):
    page = survey(title="关于课后托管收费标准的网上调查")
    response = client.get("/search/", {"q": "课后托管收费"})
    assert page.url in response.content.decode()
    assert "网上调查" in text(response)
