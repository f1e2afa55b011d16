"""Service guides (办事指南) and how they are classified (钦州办法第十六条、第十七条)."""

from __future__ import annotations

import re

from django import forms
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .. import blocks as portal_blocks
from ..forms import ServiceGuideForm
from .items import ItemPage
from .policy import PolicyDocumentPage


class Audience(models.TextChoices):
    PERSONAL = "personal", "个人办事"
    LEGAL = "legal", "法人办事"
    BOTH = "both", "个人和法人"


# 钦州办法第十七条: 按用户对象及应用主题分类.
SERVICE_THEMES = [
    "教育",
    "医疗卫生",
    "社会保障",
    "就业创业",
    "住房",
    "交通出行",
    "证件办理",
    "企业开办",
    "资质认证",
    "婚育收养",
    "经营纳税",
    "公用事业",
    "社会救助和福利",
    "其他",
]


class MatterType(models.TextChoices):
    PERMIT = "行政许可", "行政许可"
    CONFIRMATION = "行政确认", "行政确认"
    FILING = "行政备案", "行政备案"
    BENEFIT = "行政给付", "行政给付"
    AWARD = "行政奖励", "行政奖励"
    RULING = "行政裁决", "行政裁决"
    OTHER_POWER = "其他行政权力", "其他行政权力"
    PUBLIC_SERVICE = "公共服务", "公共服务"


class ServiceGuidePage(ItemPage):
    """A service guide (办事指南) with every element 钦州办法第十六条 lists."""

    matter_type = models.CharField(
        "事项类型", max_length=10, choices=MatterType.choices, default=MatterType.PERMIT
    )
    audience = models.CharField(
        "服务对象", max_length=10, choices=Audience.choices, default=Audience.PERSONAL
    )
    theme = models.CharField(
        "服务主题", max_length=20, choices=[(t, t) for t in SERVICE_THEMES], default="其他"
    )
    basis = models.TextField("设定依据", blank=True)
    conditions = RichTextField("申请条件", blank=True)
    materials = StreamField(
        [("material", portal_blocks.MaterialBlock())], blank=True, verbose_name="办理材料"
    )
    place = models.CharField("办理地点", max_length=300, blank=True)
    agency = models.CharField("办理机构", max_length=200, blank=True)
    fees = models.TextField("收费标准", blank=True, help_text="不收费的写“不收费”")
    legal_time_limit = models.CharField("法定办结时限", max_length=60, blank=True)
    promised_time_limit = models.CharField("承诺办结时限", max_length=60, blank=True)
    hours = models.CharField("办理时间", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=60, blank=True)
    complaint_phone = models.CharField("监督投诉电话", max_length=60, blank=True)
    process = StreamField([("step", portal_blocks.ProcessStepBlock())], blank=True, verbose_name="办理流程")
    form_files = StreamField(
        [("form", portal_blocks.FormDocumentBlock())],
        blank=True,
        verbose_name="表格下载（规范表格、填写说明、示范文本）",
    )
    online_url = models.URLField(
        "网上办理地址", max_length=500, blank=True, help_text="本事项在省级政务服务平台的办理页面"
    )
    related_policies = ParentalManyToManyField(
        PolicyDocumentPage, verbose_name="相关政策文件", blank=True, related_name="service_guides"
    )

    # 钦州办法第十六条 (and the 2019 inspection's 办事指南 key elements): what a guide must list before publishing.
    REQUIRED_ELEMENTS = (
        ("basis", "设定依据"),
        ("conditions", "申请条件"),
        ("materials", "办理材料"),
        ("place", "办理地点"),
        ("agency", "办理机构"),
        ("fees", "收费标准"),
        ("hours", "办理时间"),
        ("phone", "咨询电话"),
        ("process", "办理流程"),
    )

    content_panels = (
        Page.content_panels
        + [
            MultiFieldPanel(
                [FieldPanel("matter_type"), FieldPanel("audience"), FieldPanel("theme")], heading="事项分类"
            ),
            FieldPanel("basis"),
            FieldPanel("conditions"),
            FieldPanel("materials"),
            MultiFieldPanel(
                [
                    FieldPanel("agency"),
                    FieldPanel("place"),
                    FieldPanel("hours"),
                    FieldPanel("fees"),
                    FieldRowPanel([FieldPanel("legal_time_limit"), FieldPanel("promised_time_limit")]),
                    FieldRowPanel([FieldPanel("phone"), FieldPanel("complaint_phone")]),
                ],
                heading="办理信息",
            ),
            FieldPanel("process"),
            FieldPanel("form_files"),
            FieldPanel("online_url"),
            FieldPanel("related_policies", widget=forms.SelectMultiple),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [
        index.SearchField("basis"),
        index.SearchField("conditions"),
        index.FilterField("audience"),
        index.FilterField("theme"),
    ]
    base_form_class = ServiceGuideForm
    text_fields = ("conditions",)
    kind_label = "办事指南"

    class Meta:
        verbose_name = "办事指南"
        verbose_name_plural = "办事指南"
        ordering = ["-date"]

    @staticmethod
    def element_filled(value) -> bool:
        """An element counts as written when it holds text (tags and blanks aside) or any entry."""
        if value is None:
            return False
        if isinstance(value, str):
            return bool(re.sub(r"<[^>]+>|\s|&nbsp;", "", value))
        try:
            return len(value) > 0
        except TypeError:
            return bool(value)

    def missing_elements(self) -> list[str]:
        return [
            label for name, label in self.REQUIRED_ELEMENTS if not self.element_filled(getattr(self, name))
        ]

    @property
    def serves_personal(self) -> bool:
        return self.audience in (Audience.PERSONAL, Audience.BOTH)

    @property
    def serves_legal(self) -> bool:
        return self.audience in (Audience.LEGAL, Audience.BOTH)
