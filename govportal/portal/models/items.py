"""Items (信息): ``ItemPage``, what every kind of item has (dates, source, unit, review category,
disclosure catalogue, media), the kinds columns accept, and the plain article."""

from __future__ import annotations

import re

from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from govportal.accounts.models import Unit
from govportal.accounts.permissions import is_site_admin, unit_of
from govportal.rules.profile import load_profile

from .. import blocks as portal_blocks
from ..homes import home_of
from ..index_numbers import TOPIC_CLASSES, assign_index_number
from ..slugs import GOV_SLUG
from .addresses import PinyinSlugMixin
from .permissions import ItemPermissionTester

ITEM_KINDS = [
    "portal.ArticlePage",
    "portal.PolicyDocumentPage",
    "portal.InterpretationPage",
    "portal.ServiceGuidePage",
    "portal.LeaderProfilePage",
    "portal.OrganisationPage",
    "portal.DataReleasePage",
    "portal.PressConferencePage",
    "portal.SpecialTopicPage",
    "portal.RepostPage",
    # 互动交流: surveys, consultations, interviews, citizens' visits (govportal/participation)
    "participation.SurveyPage",
    "participation.ConsultationPage",
    "participation.InterviewPage",
    "participation.VisitPage",
]


class InfoCategory(models.TextChoices):
    """What kind of information an item is, for choosing its review route (000 Art. 28, 001 Art. 8)."""

    UNIT = "unit", "本单位职责范围内信息"
    GOVERNMENT = "government", "以政府名义发布的信息"
    MAJOR = "major", "重大突发事件或敏感信息"
    REPOST = "repost", "转载其他媒体的信息"


class MediaKind(models.TextChoices):
    """How an item is presented: 象山办法第十六条 scores text 1, image-and-text 2, video 3 points."""

    TEXT = "text", "纯文字"
    IMAGE = "image", "图文"
    VIDEO = "video", "视频"


_IMAGE_IN_HTML = re.compile(r'<embed[^>]+embedtype="image"|<img\b', re.I)
_VIDEO_IN_HTML = re.compile(r"<video\b|embedtype=\"media\"", re.I)


DATE_RULES = ("publication", "date_written")


def dates_rule(page, kind: str) -> str:
    """The profile's ``[dates]`` rule for ``kind`` ("publication" unless the profile names another date)."""

    home = home_of(page)
    try:
        value = load_profile(home.locality).sections.get("dates", {}).get(kind, "publication") if home else ""
    except Exception:  # a broken profile must not stop publishing; the public date is then the usual one
        return "publication"
    return value if value in DATE_RULES else "publication"


class ItemPage(PinyinSlugMixin, Page):
    """What every item (信息) has, whatever its kind: dates, source, the publishing unit, the category
    that decides its review route, and the co-units of information formed jointly (002 Art. 23).

    Also: the index number and topic class of the disclosure catalogue (given automatically to items in
    scope, see ``index_numbers``), a summary, a lead image, a video, attachments. ``media_kind`` tells
    whether the item is text only, image-and-text or video, from its content."""

    date = models.DateTimeField("发布日期", default=timezone.now)
    date_auto = models.BooleanField(
        "发布日期取上网时间",
        default=False,
        editable=False,
        help_text="编辑未指定发布日期：发布日期为首次正式发布（含定时发布上线）的时间，或地区配置指定的日期。",
    )
    source = models.CharField("来源", max_length=120, blank=True)
    author = models.CharField("作者", max_length=60, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="发布单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="不填则为提交人所在单位",
    )
    info_category = models.CharField(
        "信息类别",
        max_length=20,
        choices=InfoCategory.choices,
        default=InfoCategory.UNIT,
        help_text="决定审核路线。政策文件和地区配置列明的信息种类有最低类别，所选类别更宽时按最低类别审核、"
        "更严时从严；“转载其他媒体的信息”只用于转载页面",
    )
    co_units = ParentalManyToManyField(
        "accounts.Unit",
        verbose_name="联合发布单位",
        blank=True,
        related_name="+",
        help_text="多个单位联合形成的信息，发布前须经各联合单位书面同意（酉阳办法第二十三条）",
    )
    index_number = models.CharField(
        "索引号",
        max_length=80,
        blank=True,
        db_index=True,
        help_text="编入政府信息公开目录的信息在首次保存时按本地区规则自动生成，此后不变。",
    )
    topic = models.CharField(
        "主题分类", max_length=40, blank=True, choices=[(n, n) for _, n in TOPIC_CLASSES]
    )
    summary = models.TextField(
        "内容概述", blank=True, help_text="政府信息公开目录的内容概述，一般不超过100字；也用于列表和订阅。"
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="题图",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    video_url = models.CharField(
        "视频地址",
        max_length=500,
        blank=True,
        help_text="本站视频文件地址：在“文档”中上传 mp4 或 webm 文件后填写其文件地址（如 /media/documents/xxx.mp4，可拖动进度播放）。不得嵌入第三方播放器。",
    )
    attachments = StreamField(
        [("attachment", portal_blocks.AttachmentBlock())], blank=True, verbose_name="附件"
    )

    item_panels = [
        FieldPanel("date"),
        FieldPanel("source"),
        FieldPanel("author"),
        MultiFieldPanel(
            [FieldPanel("unit"), FieldPanel("info_category"), FieldPanel("co_units")],
            heading="发布与审核",
        ),
        MultiFieldPanel(
            [FieldPanel("index_number", read_only=True), FieldPanel("topic"), FieldPanel("summary")],
            heading="政府信息公开目录",
        ),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("video_url"), FieldPanel("attachments")],
            heading="图片、视频与附件",
        ),
    ]
    search_fields = Page.search_fields + [
        index.FilterField("date"),
        index.FilterField("unit"),
        index.SearchField("summary"),
        index.FilterField("index_number"),
    ]
    parent_page_types = ["portal.ColumnPage", "portal.SubsiteHomePage", "portal.SpecialTopicPage"]
    subpage_types: list[str] = []
    # Kinds that are government information by nature enter the disclosure catalogue wherever they sit.
    always_in_catalogue = False
    # Rich-text fields whose content decides the media kind and feeds the item's text.
    text_fields: tuple[str, ...] = ()
    kind_label = "信息"

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        # The unit as stored, kept apart from ``unit_id`` (which a form may change before saving): who owns
        # the item is read from here, without a query per row of the explorer (permissions.item_owner_unit_id).
        instance = super().from_db(db, field_names, values)
        if "unit_id" in instance.__dict__:
            instance.stored_unit_id = instance.unit_id
        return instance

    def permissions_for_user(self, user):
        return ItemPermissionTester(user, self)

    # Items of this kind are addressed gov-style (<column>/<YYYYMM>/t<YYYYMMDD>_<n>.html); a special topic,
    # which has items of its own below it, keeps a folder address.
    gov_address = True

    def save(self, *args, **kwargs):
        if self.date_auto:
            public = self.public_date()
            if public is not None:
                self.date = public
        if not self.index_number:
            assign_index_number(self)
        super().save(*args, **kwargs)

    def public_date(self):
        """The 发布日期 of an item whose editor did not choose one: when it first went live (a scheduled
        item: its go-live time), or ``None`` while it has never been published."""
        first = self.first_published_at
        if first is None:
            return None
        if self.go_live_at and self.go_live_at <= first:
            return self.go_live_at
        return first

    def set_url_path(self, parent):
        m = GOV_SLUG.match(self.slug or "")
        if not self.gov_address or m is None or parent is None:
            return super().set_url_path(parent)
        self.url_path = f"{parent.url_path}{m.group(1)}/{self.slug}.html"
        return self.url_path

    def get_url_parts(self, request=None):
        if not self.url_path.endswith(".html"):
            return super().get_url_parts(request)
        sites = self._get_relevant_site_root_paths(request)
        if not sites:
            return None
        site_id, root_path, root_url, _ = sites[0]
        return (site_id, root_url, "/" + self.url_path[len(root_path) :])

    def content_html(self) -> str:
        return "".join(str(getattr(self, name) or "") for name in self.text_fields)

    @property
    def media_kind(self) -> str:
        html = self.content_html()
        if self.video_url or _VIDEO_IN_HTML.search(html):
            return MediaKind.VIDEO
        if self.image_id or _IMAGE_IN_HTML.search(html) or self._has_photos():
            return MediaKind.IMAGE
        return MediaKind.TEXT

    def _has_photos(self) -> bool:
        return False

    @property
    def media_kind_label(self) -> str:
        return MediaKind(self.media_kind).label

    @property
    def column(self):
        return self.get_parent()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        printing = request is not None and request.GET.get("print") == "1"
        context["printing"] = printing
        context["base_template"] = "portal/print_base.html" if printing else "base.html"
        context["ancestors"] = self.get_ancestors().filter(depth__gt=2)
        return context


class ArticlePage(ItemPage):
    """An article: news, dynamics, notices, announcements."""

    body = RichTextField("正文", blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")] + ItemPage.item_panels
    search_fields = ItemPage.search_fields + [index.SearchField("body")]
    text_fields = ("body",)
    kind_label = "信息"

    class Meta:
        verbose_name = "信息"
        verbose_name_plural = "信息"
        ordering = ["-date"]


def hide_other_units_drafts(pages, user):
    """``pages`` without the items of other units that are not published as they stand: drafts never
    published, and published items whose pending draft has another title (the explorer, the page chooser
    and the admin search show the draft title). Published items of other units stay listed; site
    administrators and the platform superuser see everything of their site, as ``belongs_to_other_unit``."""
    if not getattr(user, "is_authenticated", False):
        return pages.none()
    if getattr(user, "is_superuser", False) or is_site_admin(user):
        return pages

    mine = unit_of(user)
    others = Unit.objects.exclude(pk=mine.pk) if mine is not None else Unit.objects.all()
    from django.apps import apps

    owned_by_others = models.Q(unit__in=others) | models.Q(unit__isnull=True, owner__staff__unit__in=others)
    foreign = models.Q(pk__in=[])
    for model in apps.get_models():
        if issubclass(model, ItemPage):  # ItemPage is abstract: one subquery per kind of item
            foreign |= models.Q(pk__in=model.objects.filter(owned_by_others).values("pk"))
    unpublished = models.Q(live=False) | (
        models.Q(has_unpublished_changes=True) & ~models.Q(draft_title=models.F("title"))
    )
    # by primary key: the search backends (admin search, chooser search) filter on indexed fields only.
    # Looked for among ``pages`` only (a column's children, not every item of every site of the platform).
    hidden = list(pages.filter(foreign & unpublished).values_list("pk", flat=True))
    return pages.exclude(pk__in=hidden) if hidden else pages
