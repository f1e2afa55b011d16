"""Participation, as items of the page tree plus what citizens send in.

Design: each activity (a survey, a consultation on a draft, an interview, a citizens' visit) is a Wagtail
page type subclassing ``portal.ItemPage`` and placed in a column of the 互动交流 channel. It therefore has
an owning unit (``unit``), goes through the locality's review workflow before going public (and again when
its results, feedback report or transcript are added), is indexed by site search and listed in its column
like every other item — no parallel publishing path. What citizens send (answers, comments, questions,
sign-ups) is data, not pages: plain models below, moderated in the back office by the owning unit.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from govportal.monitoring.textcheck import locality_of
from govportal.portal import blocks as portal_blocks
from govportal.portal.models import HomePage, ItemPage
from govportal.portal.registry import RegisteredContext

from .blocks import QUESTION_BLOCKS, DraftArticleBlock
from .rules import participation_rules


def page_locality(page) -> str:
    found = locality_of(page)
    if found:
        return found
    homes = list(HomePage.objects.exclude(locality="").values_list("locality", flat=True)[:2])
    return homes[0] if len(homes) == 1 else ""


def _rules(page):

    return participation_rules(page_locality(page))


def owning_unit(page):
    """The unit an activity belongs to: its ``unit``, else its creator's unit."""
    if getattr(page, "unit_id", None):
        return page.unit
    owner = getattr(page, "owner", None)
    staff = getattr(owner, "staff", None) if owner is not None else None
    return staff.unit if staff else None


class Audience(models.TextChoices):
    ANYONE = "anyone", "任何人（无需登录，每个浏览器一次，同一网络地址限量）"
    PHONE = "phone", "手机验证码验证（每个手机号一次）"


class SurveyPage(RegisteredContext, ItemPage):
    """调查征集: a questionnaire with an opening and closing time; results published within the profile's
    period after closing (000 Art. 22)."""

    intro = RichTextField("调查说明", blank=True)
    questions = StreamField(QUESTION_BLOCKS, verbose_name="题目", blank=True)
    opens_at = models.DateTimeField("开始时间", default=timezone.now)
    closes_at = models.DateTimeField("截止时间")
    audience = models.CharField("参与方式", max_length=10, choices=Audience.choices, default=Audience.ANYONE)
    results_published = models.BooleanField(
        "公布调查结果", default=False, help_text="勾选并经审核发布后，公众可在本页查看统计结果和分析"
    )
    results_text = RichTextField("结果分析与采纳情况", blank=True)
    results_published_at = models.DateTimeField("结果公布时间", null=True, blank=True, editable=False)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    content_panels = (
        Page.content_panels
        + [
            FieldPanel("intro"),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]), FieldPanel("audience")],
                heading="时间与参与方式",
            ),
            FieldPanel("questions"),
            MultiFieldPanel(
                [FieldPanel("results_published"), FieldPanel("results_text")], heading="调查结果"
            ),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [index.SearchField("intro"), index.SearchField("results_text")]
    text_fields = ("intro", "results_text")
    kind_label = "调查征集"

    class Meta:
        verbose_name = "网上调查"
        verbose_name_plural = "网上调查"
        ordering = ["-date"]

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = "截止时间须晚于开始时间。"
        if not self.questions or len(self.questions) == 0:
            errors["questions"] = "请至少添加一道题目。"
        if self.results_published and self.closes_at and self.closes_at > timezone.now():
            errors["results_published"] = "调查尚未结束，结束后方可公布调查结果。"
        if errors:
            raise ValidationError(errors)

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return "未开始"
        return "进行中" if now < self.closes_at else "已结束"

    def is_open(self, now=None) -> bool:
        return self.status(now) == "进行中"

    @property
    def closed_on(self) -> date:
        return timezone.localdate(self.closes_at)

    @property
    def results_due(self) -> date:
        return _rules(self).results_due(self.closed_on)

    def results_overdue(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        done = self.results_published_at is not None
        return not done and on > self.results_due

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if self.is_open():
            # What an open survey shows depends on the visitor's own cookie ("already answered"): never
            # let the public-page cache hand one visitor's page to another.
            from django.utils.cache import patch_cache_control

            patch_cache_control(response, private=True)
        return response


class SurveyAnswer(models.Model):
    survey = models.ForeignKey(SurveyPage, on_delete=models.CASCADE, related_name="answers")
    answers = models.JSONField("答案", default=dict)
    phone_key = models.CharField(max_length=64, blank=True, db_index=True)
    address_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "调查答卷"
        verbose_name_plural = "调查答卷"
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "phone_key"],
                condition=~models.Q(phone_key=""),
                name="survey_answer_one_per_phone",
            )
        ]


# --- consultations on drafts -------------------------------------------------------------------------


class ConsultationPage(RegisteredContext, ItemPage):
    """意见征集 on a draft decision: the draft by articles, its explanation and basis, open at least the
    profile's minimum; comments by article, moderated; a feedback report published with the decision."""

    explanation = RichTextField("起草说明")
    basis = RichTextField("决策依据", blank=True)
    draft = StreamField([("article", DraftArticleBlock())], verbose_name="征求意见稿（按条款）")
    contact = models.TextField("意见反馈渠道和联系方式", blank=True)
    opens_on = models.DateField("征集开始日期", default=timezone.localdate)
    closes_on = models.DateField("征集截止日期")
    feedback_published = models.BooleanField(
        "公布意见采纳情况", default=False, help_text="勾选并经审核发布后，公众可看到反馈报告和决策结果"
    )
    feedback_text = RichTextField("意见采纳情况说明", blank=True)
    decision_text = RichTextField("决策结果", blank=True)
    results_published_at = models.DateTimeField("反馈公布时间", null=True, blank=True, editable=False)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    content_panels = (
        Page.content_panels
        + [
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")]), FieldPanel("contact")],
                heading="征集期限与反馈渠道",
            ),
            FieldPanel("explanation"),
            FieldPanel("basis"),
            FieldPanel("draft"),
            MultiFieldPanel(
                [
                    FieldPanel("feedback_published"),
                    FieldPanel("feedback_text"),
                    InlinePanel("opinion_groups", label="意见归类与采纳情况"),
                    FieldPanel("decision_text"),
                ],
                heading="反馈报告",
            ),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [
        index.SearchField("explanation"),
        index.SearchField("basis"),
        index.SearchField("feedback_text"),
    ]
    text_fields = ("explanation", "basis", "feedback_text", "decision_text")
    kind_label = "意见征集"

    class Meta:
        verbose_name = "意见征集"
        verbose_name_plural = "意见征集"
        ordering = ["-date"]

    @property
    def period_days(self) -> int:
        return (self.closes_on - self.opens_on).days + 1

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_on and self.closes_on:
            rules = _rules(self)
            if self.closes_on < self.opens_on:
                errors["closes_on"] = "征集截止日期不能早于开始日期。"
            elif self.period_days < rules.consultation_min_days:
                errors["closes_on"] = (
                    f"意见征集的期限不少于{rules.consultation_min_days}日（{rules.consultation_cite}）。"
                    f"本次自{self.opens_on:%Y年%m月%d日}至{self.closes_on:%Y年%m月%d日}仅{self.period_days}日，"
                    "请将截止日期延后。"
                )
        if self.feedback_published and self.closes_on and self.closes_on >= timezone.localdate():
            errors["feedback_published"] = "意见征集尚未结束，结束后方可公布意见采纳情况。"
        if self.feedback_published:
            lacking = [g.summary[:20] for g in self.opinion_groups.all() if not (g.reason or "").strip()]
            if lacking:
                errors["feedback_published"] = (
                    "公布反馈报告前，每类意见须写明采纳、部分采纳或不予采纳的理由，尚未填写："
                    + "、".join(lacking)
                )
        if errors:
            raise ValidationError(errors)

    def status(self, today=None) -> str:
        today = today or timezone.localdate()
        if today < self.opens_on:
            return "未开始"
        return "征集中" if today <= self.closes_on else "已结束"

    def is_open(self, today=None) -> bool:
        return self.status(today) == "征集中"

    @property
    def closed_on(self) -> date:
        return self.closes_on

    @property
    def results_due(self) -> date:
        return _rules(self).results_due(self.closes_on)

    def results_overdue(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.results_published_at is None and on > self.results_due


class Decision(models.TextChoices):
    ADOPTED = "adopted", "采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "不予采纳"


class OpinionGroup(Orderable):
    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="opinion_groups")
    article_label = models.CharField("涉及条款", max_length=40, blank=True)
    summary = models.TextField("意见摘要（同类意见归并）")
    count = models.PositiveIntegerField("意见条数", default=1)
    decision = models.CharField("采纳情况", max_length=12, choices=Decision.choices)
    reason = models.TextField("理由", blank=True)

    panels = [
        FieldRowPanel([FieldPanel("article_label"), FieldPanel("count"), FieldPanel("decision")]),
        FieldPanel("summary"),
        FieldPanel("reason"),
    ]


class Moderation(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"


class ConsultationComment(models.Model):
    page = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="comments")
    article_label = models.CharField("涉及条款", max_length=40, blank=True)
    text = models.TextField("意见内容")
    name = models.CharField("姓名", max_length=60, blank=True)
    contact = models.CharField("联系方式（不公开）", max_length=60, blank=True)
    public_text = models.TextField("公开内容（已隐去个人信息）", blank=True)
    findings = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.PENDING)
    note = models.CharField("审核说明", max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    address_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "征集意见"
        verbose_name_plural = "征集意见"
        ordering = ["created_at"]


# --- online interviews -------------------------------------------------------------------------------


class InterviewPage(RegisteredContext, ItemPage):
    """在线访谈 (000 Art. 23): announced in advance with topic and guests; questions collected before and
    during; a live text and photo stream; afterwards the transcript, reviewed like any item."""

    topic = models.CharField("访谈主题", max_length=200)
    guests = models.TextField("访谈嘉宾", help_text="每行一人：姓名 单位职务")
    host = models.CharField("主持人", max_length=60, blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    intro = RichTextField("访谈简介", blank=True)
    transcript = RichTextField("文字实录", blank=True)
    photos = StreamField([("photo", portal_blocks.PhotoBlock())], blank=True, verbose_name="现场图片")

    content_panels = (
        Page.content_panels
        + [
            MultiFieldPanel(
                [
                    FieldPanel("topic"),
                    FieldPanel("guests"),
                    FieldPanel("host"),
                    FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                ],
                heading="访谈预告",
            ),
            FieldPanel("intro"),
            FieldPanel("transcript"),
            FieldPanel("photos"),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [
        index.SearchField("topic"),
        index.SearchField("intro"),
        index.SearchField("transcript"),
    ]
    text_fields = ("intro", "transcript")
    kind_label = "在线访谈"

    class Meta:
        verbose_name = "在线访谈"
        verbose_name_plural = "在线访谈"
        ordering = ["-date"]

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "结束时间须晚于开始时间。"})

    def _has_photos(self) -> bool:
        return len(self.photos) > 0

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.starts_at:
            return "预告"
        return "直播中" if now < self.ends_at else "已结束"

    def accepts_questions(self, now=None) -> bool:
        return self.status(now) != "已结束"

    @property
    def guest_lines(self) -> list[str]:
        return [ln.strip() for ln in self.guests.splitlines() if ln.strip()]

    @property
    def answers_due(self) -> date:
        return _rules(self).interview_answer_due(timezone.localdate(self.ends_at))


class QuestionState(models.TextChoices):
    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "已采纳，待回答"
    REJECTED = "rejected", "未采纳"
    ANSWERED_LIVE = "live", "访谈中已回答"
    ANSWERED_AFTER = "after", "会后已答复"


class InterviewQuestion(models.Model):
    page = models.ForeignKey(InterviewPage, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField("问题")
    name = models.CharField("网名或姓名", max_length=60, blank=True)
    contact = models.CharField("联系方式（不公开）", max_length=60, blank=True)
    public_text = models.TextField("公开内容（已隐去个人信息）", blank=True)
    findings = models.JSONField(default=list, blank=True)
    during = models.BooleanField("访谈中提出", default=False)
    status = models.CharField(max_length=10, choices=QuestionState.choices, default=QuestionState.PENDING)
    note = models.CharField("审核说明", max_length=300, blank=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.CharField("答复人", max_length=60, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    address_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField("提问时间", default=timezone.now)

    class Meta:
        verbose_name = "网民提问"
        verbose_name_plural = "网民提问"
        ordering = ["created_at"]

    @property
    def answer_due(self) -> date | None:
        if self.status != QuestionState.ACCEPTED:
            return None
        return self.page.answers_due

    def overdue(self, on: date | None = None) -> bool:
        due = self.answer_due
        return bool(due and (on or timezone.localdate()) > due)


class LiveEntry(models.Model):
    """One line of the live stream: what the host or a guest said, a question answered, or a photo."""

    page = models.ForeignKey(InterviewPage, on_delete=models.CASCADE, related_name="live_entries")
    speaker = models.CharField("发言人", max_length=60)
    text = models.TextField("内容", blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="图片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    question = models.ForeignKey(
        InterviewQuestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="live_entries"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "直播内容"
        verbose_name_plural = "直播内容"
        ordering = ["id"]


# --- citizens' visits ---------------------------------------------------------------------------------


class VisitPage(RegisteredContext, ItemPage):
    """公民代表走进区政府 (004 Art. 8): sign-up, selection, the event record, matters followed up."""

    intro = RichTextField("活动介绍")
    event_at = models.DateTimeField("活动时间")
    place = models.CharField("活动地点", max_length=200, blank=True)
    signup_opens = models.DateTimeField("报名开始", default=timezone.now)
    signup_closes = models.DateTimeField("报名截止")
    quota = models.PositiveIntegerField("邀请人数", default=10)
    record = RichTextField("活动实录", blank=True)
    photos = StreamField([("photo", portal_blocks.PhotoBlock())], blank=True, verbose_name="活动图片")

    content_panels = (
        Page.content_panels
        + [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("event_at"), FieldPanel("place")]),
                    FieldRowPanel([FieldPanel("signup_opens"), FieldPanel("signup_closes")]),
                    FieldPanel("quota"),
                ],
                heading="活动安排",
            ),
            FieldPanel("intro"),
            FieldPanel("record"),
            FieldPanel("photos"),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [index.SearchField("intro"), index.SearchField("record")]
    text_fields = ("intro", "record")
    kind_label = "公民代表走进区政府"

    class Meta:
        verbose_name = "公民代表走进政府"
        verbose_name_plural = "公民代表走进政府"
        ordering = ["-date"]

    def clean(self):
        super().clean()
        errors = {}
        if self.signup_opens and self.signup_closes and self.signup_closes <= self.signup_opens:
            errors["signup_closes"] = "报名截止时间须晚于报名开始时间。"
        if self.signup_closes and self.event_at and self.signup_closes > self.event_at:
            errors["signup_closes"] = "报名须在活动开始前截止。"
        if errors:
            raise ValidationError(errors)

    def _has_photos(self) -> bool:
        return len(self.photos) > 0

    def signup_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.signup_opens <= now < self.signup_closes


class SignupState(models.TextChoices):
    PENDING = "pending", "待遴选"
    SELECTED = "selected", "已入选"
    NOT_SELECTED = "not_selected", "未入选"


class VisitSignup(models.Model):
    page = models.ForeignKey(VisitPage, on_delete=models.CASCADE, related_name="signups")
    name = models.CharField("姓名", max_length=60)
    phone = models.CharField("手机号码", max_length=20)
    phone_key = models.CharField(max_length=64, db_index=True)
    occupation = models.CharField("职业/身份", max_length=60, blank=True)
    reason = models.TextField("想反映的问题或建议", blank=True)
    status = models.CharField(max_length=14, choices=SignupState.choices, default=SignupState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["page", "phone_key"], name="visit_signup_one_per_phone")
        ]


class VisitMatter(models.Model):
    """A matter a representative raised at the event, followed up as a letter through the hotline centre's
    single entry (000 Art. 19): ``letter`` is the letter created for it, dispatched as a work order."""

    page = models.ForeignKey(VisitPage, on_delete=models.CASCADE, related_name="matters")
    raised_by = models.CharField("提出人", max_length=60)
    content = models.TextField("反映事项")
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="建议承办单位", on_delete=models.PROTECT, related_name="+"
    )
    letter = models.ForeignKey(
        "interaction.Letter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "活动反映事项"
        verbose_name_plural = "活动反映事项"
        ordering = ["created_at"]


ACTIVITY_MODELS = (SurveyPage, ConsultationPage, InterviewPage, VisitPage)
