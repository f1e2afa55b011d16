"""The organisation's own information: its leaders (负责人信息) and its profile (机构概况)."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .. import blocks as portal_blocks
from .items import ItemPage


class LeaderProfilePage(ItemPage):
    """负责人信息: name (the page title), photo, post, résumé, division of work (国办发〔2017〕47号)."""

    position = models.CharField("职务", max_length=120)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="照片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resume = RichTextField("简历", blank=True)
    duties = RichTextField("工作分工", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0, help_text="数字小的排在前面")

    content_panels = (
        Page.content_panels
        + [
            FieldPanel("position"),
            FieldPanel("photo"),
            FieldPanel("duties"),
            FieldPanel("resume"),
            FieldPanel("sort_order"),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [index.SearchField("position"), index.SearchField("resume")]
    always_in_catalogue = True
    text_fields = ("duties", "resume")
    kind_label = "领导信息"

    class Meta:
        verbose_name = "领导信息"
        verbose_name_plural = "领导信息"
        ordering = ["sort_order", "-date"]

    def _has_photos(self) -> bool:
        return bool(self.photo_id)


class OrganisationPage(ItemPage):
    """机构概况: functions, internal bodies, head, address, office hours, phone (条例第二十条（二）)."""

    functions = RichTextField("主要职责")
    internal_bodies = StreamField(
        [("body", portal_blocks.InternalBodyBlock())], blank=True, verbose_name="内设机构"
    )
    head = models.CharField("负责人", max_length=120, blank=True)
    address = models.CharField("办公地址", max_length=200)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)
    hours = models.CharField("办公时间", max_length=200)
    phone = models.CharField("联系电话", max_length=60)
    fax = models.CharField("传真", max_length=60, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    website = models.CharField("网址", max_length=200, blank=True)

    content_panels = (
        Page.content_panels
        + [
            FieldPanel("functions"),
            FieldPanel("internal_bodies"),
            MultiFieldPanel(
                [
                    FieldPanel("head"),
                    FieldPanel("address"),
                    FieldPanel("postcode"),
                    FieldPanel("hours"),
                    FieldRowPanel([FieldPanel("phone"), FieldPanel("fax")]),
                    FieldRowPanel([FieldPanel("email"), FieldPanel("website")]),
                ],
                heading="联系方式",
            ),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [index.SearchField("functions")]
    always_in_catalogue = True
    text_fields = ("functions",)
    kind_label = "机构概况"

    class Meta:
        verbose_name = "机构概况"
        verbose_name_plural = "机构概况"
        ordering = ["-date"]
