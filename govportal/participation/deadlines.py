"""Deadlines of participation: results due after closing (000 Art. 22), answers due after an interview.

``overdue(locality)`` is what the monitoring and assessment work call; ``send_reminders`` is the periodic
job (``publishing.schedule.JOBS`` → ``participation_reminders``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from govportal.accounts.models import CONTENT_ROLES
from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import notify

from .models import (
    ConsultationPage,
    InterviewPage,
    InterviewQuestion,
    QuestionState,
    SurveyPage,
    owning_unit,
    page_locality,
)
from .rules import participation_rules

REMIND_DAYS_BEFORE = 7


@dataclass
class Overdue:
    kind: str  # 调查征集 / 意见征集 / 在线访谈
    page_id: int
    title: str
    unit: str
    unit_id: int | None
    closed_on: date
    due: date
    what: str  # what is missing, in Chinese
    rule: str

    def as_dict(self) -> dict:
        return dict(vars(self))


def _activities(locality: str | None, model):
    qs = model.objects.live().select_related("unit")
    return [p for p in qs if locality is None or page_locality(p) == locality]


def overdue(locality: str | None = None, on: date | None = None) -> list[Overdue]:
    """Surveys and consultations whose results were not published in time, and interviews with accepted
    questions still unanswered after the profile's working days."""
    on = on or timezone.localdate()
    out: list[Overdue] = []
    for model, what in ((SurveyPage, "调查结果未公布"), (ConsultationPage, "意见采纳情况未公布")):
        for page in _activities(locality, model):
            if page.closed_on < on and page.results_overdue(on):
                unit = owning_unit(page)
                out.append(
                    Overdue(
                        kind=page.kind_label,
                        page_id=page.pk,
                        title=page.title,
                        unit=unit.name if unit else "",
                        unit_id=unit.pk if unit else None,
                        closed_on=page.closed_on,
                        due=page.results_due,
                        what=what,
                        rule=f"结束后{participation_rules(page_locality(page)).publish_results_within}内公布"
                        f"（{participation_rules(page_locality(page)).results_cite}）",
                    )
                )
    for page in _activities(locality, InterviewPage):
        waiting = InterviewQuestion.objects.filter(page=page, status=QuestionState.ACCEPTED).count()
        if waiting and timezone.localtime(page.ends_at).date() < on and on > page.answers_due:
            unit = owning_unit(page)
            rules = participation_rules(page_locality(page))
            out.append(
                Overdue(
                    kind=page.kind_label,
                    page_id=page.pk,
                    title=page.title,
                    unit=unit.name if unit else "",
                    unit_id=unit.pk if unit else None,
                    closed_on=timezone.localtime(page.ends_at).date(),
                    due=page.answers_due,
                    what=f"{waiting}个已采纳的网民问题未答复",
                    rule=f"访谈后{rules.interview_answer_workdays}个工作日内答复（{rules.interview_cite}）",
                )
            )
    return out


def due_soon(locality: str | None = None, on: date | None = None, days: int = REMIND_DAYS_BEFORE):
    on = on or timezone.localdate()
    for model in (SurveyPage, ConsultationPage):
        for page in _activities(locality, model):
            if (
                page.results_published_at is None
                and page.closed_on < on <= page.results_due <= on + timedelta(days=days)
            ):
                yield page


def send_reminders(on: date | None = None) -> str:
    """Remind the owning unit's staff, once a day, of results due within a week and of overdue ones."""

    on = on or timezone.localdate()
    sent = 0
    todo = [("soon", p) for p in due_soon(on=on)]
    for o in overdue(on=on):
        if o.kind != "在线访谈":
            model = SurveyPage if SurveyPage.objects.filter(pk=o.page_id).exists() else ConsultationPage
            todo.append(("late", model.objects.get(pk=o.page_id)))
    for why, page in todo:
        pk = page.pk
        if page.reminded_on == on:
            continue
        unit = owning_unit(page)
        if unit is None:
            continue
        users = list(staff_of(unit, [str(r) for r in CONTENT_ROLES]))
        if why == "soon":
            title = f"“{page.title}”须在{page.results_due:%Y年%m月%d日}前公布结果"
        else:
            title = f"“{page.title}”结果公布已超期（应于{page.results_due:%Y年%m月%d日}前公布）"
        rules = participation_rules(page_locality(page))
        body = f"{title}。依据：结束后{rules.publish_results_within}内公布（{rules.results_cite}）。"
        sent += len(notify(users, "participation_results", title, body, url=f"/admin/pages/{pk}/edit/"))
        type(page).objects.filter(pk=pk).update(reminded_on=on)
    return f"提醒 {sent} 人次；结果公布超期 {sum(1 for w, _ in todo if w == 'late')} 项"
