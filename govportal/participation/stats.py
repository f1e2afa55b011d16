"""Figures for the annual report and the assessment (征集调查 / 在线访谈: 期数, 意见数, 公布结果期数)."""

from __future__ import annotations

from django.utils import timezone

from .models import (
    ConsultationComment,
    ConsultationPage,
    InterviewPage,
    InterviewQuestion,
    Moderation,
    QuestionState,
    SurveyAnswer,
    SurveyPage,
    VisitMatter,
    VisitPage,
    VisitSignup,
    page_locality,
)


def _in(locality, model, year, date_attr):
    out = []
    for p in model.objects.live():
        if locality and page_locality(p) != locality:
            continue
        value = getattr(p, date_attr)
        y = (
            value.year
            if hasattr(value, "year") and not hasattr(value, "hour")
            else timezone.localtime(value).year
        )
        if year is None or y == year:
            out.append(p)
    return out


def annual_figures(locality: str | None = None, year: int | None = None) -> dict[str, dict[str, int]]:
    """Counts per kind of activity that closed (surveys, consultations), was held (interviews, visits) in
    ``year`` (every year when None), published on the site of ``locality`` (every site when None).

    ``期数``: activities; ``意见数``: answers (surveys), comments received (consultations), questions
    received (interviews), matters raised (visits); ``公布结果期数``: activities whose results / feedback
    report / answers to every accepted question are public."""
    surveys = _in(locality, SurveyPage, year, "closes_at")
    consultations = _in(locality, ConsultationPage, year, "closes_on")
    interviews = _in(locality, InterviewPage, year, "starts_at")
    visits = _in(locality, VisitPage, year, "event_at")
    return {
        "调查征集": {
            "期数": len(surveys),
            "意见数": SurveyAnswer.objects.filter(survey__in=surveys).count(),
            "公布结果期数": sum(1 for p in surveys if p.results_published_at),
        },
        "意见征集": {
            "期数": len(consultations),
            "意见数": ConsultationComment.objects.filter(page__in=consultations).count(),
            "采用意见数": ConsultationComment.objects.filter(
                page__in=consultations, status=Moderation.APPROVED
            ).count(),
            "公布结果期数": sum(1 for p in consultations if p.results_published_at),
        },
        "在线访谈": {
            "期数": len(interviews),
            "意见数": InterviewQuestion.objects.filter(page__in=interviews).count(),
            "公布结果期数": sum(
                1
                for p in interviews
                if p.status() == "已结束"
                and not InterviewQuestion.objects.filter(page=p, status=QuestionState.ACCEPTED).exists()
            ),
        },
        "公民代表走进政府": {
            "期数": len(visits),
            "报名人数": VisitSignup.objects.filter(page__in=visits).count(),
            "意见数": VisitMatter.objects.filter(page__in=visits).count(),
            "公布结果期数": sum(1 for p in visits if (p.record or "").strip()),
        },
    }
