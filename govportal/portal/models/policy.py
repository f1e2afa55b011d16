"""Policy documents (政策文件 / 规范性文件) with their validity, and their interpretations (政策解读)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from govportal.search.analysis import document_key

from ..citations import cite_for
from ..forms import InterpretationForm, PolicyDocumentForm
from .items import ItemPage, dates_rule


class Validity(models.TextChoices):
    """有效性 of a policy document; a change is marked on the document itself (国办发〔2017〕47号;
    钦州办法附件1 政策文件：及时在已发布原文件上标注文件资料发生修改、废止、失效等情况)."""

    VALID = "有效", "有效"
    AMENDED = "已修改", "已修改"
    REPEALED = "已废止", "已废止"
    EXPIRED = "已失效", "已失效"


class Genre(models.TextChoices):
    """体裁: the kinds of official document (党政机关公文处理工作条例 第八条) plus 规章 and 规范性文件."""

    RULES = "规章", "规章"
    NORMATIVE = "规范性文件", "规范性文件"
    DECISION = "决定", "决定"
    ORDER = "命令（令）", "命令（令）"
    BULLETIN = "公报", "公报"
    ANNOUNCEMENT = "公告", "公告"
    NOTICE_PUBLIC = "通告", "通告"
    OPINION = "意见", "意见"
    NOTICE = "通知", "通知"
    CIRCULAR = "通报", "通报"
    REPORT = "报告", "报告"
    REPLY = "批复", "批复"
    LETTER = "函", "函"
    MINUTES = "纪要", "纪要"
    PLAN = "规划计划", "规划计划"
    OTHER = "其他", "其他"


class PolicyDocumentPage(ItemPage):
    """A policy document (政策文件 / 规范性文件) with the header fields of the disclosure catalogue."""

    document_number = models.CharField(
        "文号", max_length=80, blank=True, db_index=True, help_text="如 钦政规〔2026〕3号；无文号的文件留空"
    )
    issuing_organ = models.CharField("发文机关", max_length=200, help_text="发文机关全称，联合发文用“、”分隔")
    date_written = models.DateField("成文日期", null=True, blank=True)
    genre = models.CharField("体裁", max_length=20, choices=Genre.choices, default=Genre.NOTICE)
    keywords = models.CharField("主题词", max_length=200, blank=True)
    validity = models.CharField("有效性", max_length=8, choices=Validity.choices, default=Validity.VALID)
    validity_date = models.DateField(
        "有效性变更日期", null=True, blank=True, help_text="修改、废止或失效的日期"
    )
    validity_changed_by = models.ForeignKey(
        "portal.PolicyDocumentPage",
        verbose_name="修改/废止本文件的文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changed_documents",
    )
    validity_note = models.CharField(
        "有效性说明",
        max_length=300,
        blank=True,
        help_text="本站未收录修改/废止文件时写明其名称和文号；失效时写明原因（如 有效期届满）。",
    )
    valid_until = models.DateField("有效期至", null=True, blank=True)
    body = RichTextField("正文")

    content_panels = (
        Page.content_panels
        + [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("document_number"), FieldPanel("genre")]),
                    FieldPanel("issuing_organ"),
                    FieldRowPanel([FieldPanel("date_written"), FieldPanel("valid_until")]),
                    FieldPanel("keywords"),
                ],
                heading="文件信息",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("validity"),
                    FieldPanel("validity_date"),
                    FieldPanel("validity_changed_by"),
                    FieldPanel("validity_note"),
                ],
                heading="有效性",
            ),
            FieldPanel("body"),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [
        index.SearchField("body"),
        index.SearchField("document_number"),
        index.FilterField("document_number"),
        index.FilterField("validity"),
    ]
    base_form_class = PolicyDocumentForm
    always_in_catalogue = True
    text_fields = ("body",)
    kind_label = "政策文件"

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering = ["-date"]

    @property
    def validity_changed(self) -> bool:
        return self.validity != Validity.VALID

    @property
    def validity_banner(self) -> str:
        """The sentence shown on top of a document that is no longer (wholly) in force."""
        if not self.validity_changed:
            return ""
        verb = {Validity.AMENDED: "修改", Validity.REPEALED: "废止", Validity.EXPIRED: "失效"}[self.validity]
        when = f"{self.validity_date:%Y年%-m月%-d日}" if self.validity_date else ""
        if self.validity == Validity.EXPIRED:
            text = f"本文件已于{when}失效" if when else "本文件已失效"
        else:
            text = (
                f"本文件已于{when}被{'修改' if verb == '修改' else '废止'}" if when else f"本文件已被{verb}"
            )
        return text

    def public_date(self):
        """A profile may name 成文日期 as the public date of policy documents (``[dates] policy_document``)."""
        first = super().public_date()
        if first is None or not self.date_written or dates_rule(self, "policy_document") != "date_written":
            return first
        return timezone.make_aware(datetime.combine(self.date_written, datetime.min.time()))

    def clean(self):
        super().clean()
        if self.document_number:
            # 钦教发[2026]12号 is stored as 钦教发〔2026〕12号: one spelling for catalogue and search
            self.document_number = document_key(self.document_number)
        errors = {}
        if self.validity_changed:
            if not self.validity_date:
                errors["validity_date"] = (
                    f"有效性为「{self.validity}」时须填写变更日期{cite_for(self, 'policy_validity')}。"
                )
            if self.validity in (Validity.AMENDED, Validity.REPEALED) and not (
                self.validity_changed_by_id or self.validity_note
            ):
                errors["validity_changed_by"] = (
                    f"有效性为「{self.validity}」时须选择修改/废止本文件的文件，或在有效性说明中写明其名称和文号。"
                )
        if self.validity_changed_by_id and self.pk and self.validity_changed_by_id == self.pk:
            errors["validity_changed_by"] = "不能选择本文件自身。"
        if self.date_written and self.date and self.date_written > timezone.localtime(self.date).date():
            errors["date_written"] = "成文日期不能晚于发布日期。"
        if errors:
            raise ValidationError(errors)


class InterpretationKind(models.TextChoices):
    """The forms 钦州办法第七条（二） and 附件1 政策解读 name."""

    TEXT = "文字解读", "文字解读"
    GRAPHIC = "图表图解", "图表图解"
    AUDIO = "音频解读", "音频解读"
    VIDEO = "视频解读", "视频解读"
    ANIMATION = "动漫解读", "动漫解读"
    COMMENTARY = "媒体评论", "媒体评论"
    INTERVIEW = "专家访谈", "专家访谈"


class InterpretationPage(ItemPage):
    """A policy interpretation (政策解读) in one of the forms 钦州办法第七条（二） names, linked with its
    policy document: the document page lists its interpretations and each interpretation names its document."""

    form = models.CharField(
        "解读形式", max_length=10, choices=InterpretationKind.choices, default=InterpretationKind.TEXT
    )
    policy = models.ForeignKey(
        PolicyDocumentPage,
        verbose_name="解读的政策文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpretations",
    )
    audio_url = models.CharField("音频地址", max_length=500, blank=True, help_text="本站音频文件地址")
    original_url = models.URLField("媒体评论原文地址", max_length=500, blank=True)
    body = RichTextField("正文", blank=True)

    content_panels = (
        Page.content_panels
        + [
            FieldPanel("form"),
            FieldPanel("policy"),
            FieldPanel("body"),
            FieldRowPanel([FieldPanel("audio_url"), FieldPanel("original_url")]),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [index.SearchField("body")]
    base_form_class = InterpretationForm
    always_in_catalogue = True
    text_fields = ("body",)
    kind_label = "政策解读"

    class Meta:
        verbose_name = "政策解读"
        verbose_name_plural = "政策解读"
        ordering = ["-date"]

    def clean(self):
        super().clean()
        errors = {}
        if self.form == InterpretationKind.COMMENTARY and not self.source:
            errors["source"] = f"媒体评论须注明来源媒体{cite_for(self, 'commentary_source')}。"
        if self.form == InterpretationKind.AUDIO and not self.audio_url:
            errors["audio_url"] = "音频解读须提供音频文件。"
        if self.form in (InterpretationKind.VIDEO, InterpretationKind.ANIMATION) and not self.video_url:
            errors["video_url"] = f"{self.form}须提供视频文件地址。"
        if errors:
            raise ValidationError(errors)
