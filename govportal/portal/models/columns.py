"""Columns (栏目), built from the locality's responsibility table: each carries the table's content
description, update frequency, responsible units and supply method."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from govportal.rules.frequency import FrequencyError, parse_frequency

from ..registry import RegisteredContext
from .addresses import GovAddressRouteMixin, PinyinSlugMixin
from .items import ITEM_KINDS
from .permissions import ColumnPermissionTester


class SupplyMethod(models.TextChoices):
    DIRECT = "直接发布", "直接发布"
    LINK = "跳转链接", "跳转链接"
    DATA_API = "数据接口", "数据接口"
    SERVICE_API = "服务接口", "服务接口"
    REVIEWED = "审核发布", "审核发布"


class ColumnPage(RegisteredContext, GovAddressRouteMixin, PinyinSlugMixin, Page):
    content_description = models.TextField("具体内容", blank=True)
    frequency_text = models.CharField("更新频率", max_length=60, blank=True)
    frequency = models.JSONField("更新频率（结构化）", null=True, blank=True, editable=False)
    supply_method = models.CharField(
        "保障方式", max_length=8, choices=SupplyMethod.choices, default=SupplyMethod.DIRECT
    )
    link_url = models.CharField("链接地址", max_length=500, blank=True)
    note = models.TextField("备注", blank=True)
    responsible_text = models.CharField("保障单位（原文）", max_length=500, blank=True)
    units = ParentalManyToManyField(
        "accounts.Unit", verbose_name="保障单位", blank=True, related_name="columns"
    )
    lead_units = ParentalManyToManyField(
        "accounts.Unit", verbose_name="牵头单位", blank=True, related_name="led_columns"
    )
    unit_groups = models.JSONField("单位类别", default=list, blank=True, help_text="如“各责任单位”")

    content_panels = Page.content_panels + [
        FieldPanel("content_description"),
        MultiFieldPanel(
            [
                FieldPanel("frequency_text"),
                FieldPanel("supply_method"),
                FieldPanel("link_url"),
                FieldPanel("responsible_text"),
                FieldPanel("units", widget=forms.CheckboxSelectMultiple),
                FieldPanel("lead_units", widget=forms.CheckboxSelectMultiple),
                FieldPanel("note"),
            ],
            heading="栏目责任",
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("content_description")]
    subpage_types = ["portal.ColumnPage", *ITEM_KINDS]
    parent_page_types = ["portal.HomePage", "portal.ColumnPage", "portal.SubsiteHomePage"]
    # Columns come from the responsibility table (load-profile / xlsx import), not from "add child page".
    is_creatable = False

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"

    def permissions_for_user(self, user):
        return ColumnPermissionTester(user, self)

    def clean(self):
        super().clean()

        try:
            parsed = parse_frequency(self.frequency_text or "")
        except FrequencyError as exc:
            raise ValidationError({"frequency_text": str(exc)}) from exc
        self.frequency = parsed.to_dict() if self.frequency_text else None

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        if self.supply_method == SupplyMethod.LINK and self.link_url.startswith(("http://", "https://", "/")):
            return redirect(self.link_url)
        return super().serve(request, *args, **kwargs)
