"""Press and media work: press conferences and interviews (新闻发布会 / 在线访谈), special topics (专题专栏),
reposts (转载)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .. import blocks as portal_blocks
from ..citations import cite_for
from ..registry import RegisteredContext
from .addresses import GovAddressRouteMixin
from .items import ITEM_KINDS, InfoCategory, ItemPage
from .policy import PolicyDocumentPage


class PressConferencePage(ItemPage):
    """新闻发布会 / 在线访谈: the text record and photos (钦州办法附件1 新闻发布会、在线访谈)."""

    kind = models.CharField(
        "类别",
        max_length=10,
        choices=[("新闻发布会", "新闻发布会"), ("在线访谈", "在线访谈"), ("政策吹风会", "政策吹风会")],
        default="新闻发布会",
    )
    held_at = models.DateTimeField("举行时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    participants = models.TextField("主持人、发布人和嘉宾", blank=True, help_text="每行一人：姓名 单位职务")
    policy = models.ForeignKey(
        PolicyDocumentPage,
        verbose_name="相关政策文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="press_conferences",
    )
    transcript = RichTextField("文字实录")
    photos = StreamField([("photo", portal_blocks.PhotoBlock())], blank=True, verbose_name="现场图片")

    content_panels = (
        Page.content_panels
        + [
            MultiFieldPanel(
                [
                    FieldPanel("kind"),
                    FieldPanel("held_at"),
                    FieldPanel("place"),
                    FieldPanel("participants"),
                    FieldPanel("policy"),
                ],
                heading="基本信息",
            ),
            FieldPanel("transcript"),
            FieldPanel("photos"),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [index.SearchField("transcript")]
    text_fields = ("transcript",)
    kind_label = "发布会实录"

    class Meta:
        verbose_name = "新闻发布会/访谈实录"
        verbose_name_plural = "新闻发布会/访谈实录"
        ordering = ["-date"]

    def _has_photos(self) -> bool:
        return len(self.photos) > 0

    @property
    def participant_lines(self) -> list[str]:
        return [ln.strip() for ln in self.participants.splitlines() if ln.strip()]


class SpecialTopicPage(RegisteredContext, GovAddressRouteMixin, ItemPage):
    """专题专栏 with its own layout: a banner, an introduction and sections of items, text and links. Items
    may be published inside the topic itself."""

    gov_address = False

    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="专题横幅",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accent = models.CharField(
        "主题色",
        max_length=10,
        choices=[("red", "中国红"), ("blue", "政务蓝"), ("green", "生态绿")],
        default="red",
    )
    intro = models.TextField("专题简介", blank=True)
    sections = StreamField(portal_blocks.TopicSectionsBlock(), blank=True, verbose_name="专题板块")

    content_panels = (
        Page.content_panels
        + [FieldPanel("banner"), FieldPanel("accent"), FieldPanel("intro"), FieldPanel("sections")]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [index.SearchField("intro")]
    subpage_types = [k for k in ITEM_KINDS if k != "portal.SpecialTopicPage"]
    kind_label = "专题专栏"

    class Meta:
        verbose_name = "专题"
        verbose_name_plural = "专题"
        ordering = ["-date"]

    def _has_photos(self) -> bool:
        return bool(self.banner_id)


class RepostPage(ItemPage):
    """转载: an item taken from another site or medium, with its source and the original's address."""

    original_url = models.URLField("原文地址", max_length=500)
    original_date = models.DateField("原文发布日期", null=True, blank=True)
    body = RichTextField("正文或摘要", blank=True)

    content_panels = (
        Page.content_panels
        + [FieldPanel("original_url"), FieldPanel("original_date"), FieldPanel("body")]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [index.SearchField("body")]
    text_fields = ("body",)
    kind_label = "转载"

    class Meta:
        verbose_name = "转载信息"
        verbose_name_plural = "转载信息"
        ordering = ["-date"]

    def clean(self):
        super().clean()
        if not self.source:
            raise ValidationError({"source": f"转载信息须注明来源{cite_for(self, 'repost_source')}。"})
        if not self.info_category or self.info_category == InfoCategory.UNIT:
            self.info_category = InfoCategory.REPOST
