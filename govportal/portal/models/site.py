"""The site: its home page, the departments' sub-sites (子站), and what is set once per site or platform:
the footer (``PortalSettings``) and the official holiday schedules (``WorkdaySchedule``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page

from govportal.rules.workdays import ScheduleError, parse_schedule_text

from ..registry import RegisteredContext
from .addresses import GovAddressRouteMixin
from .items import ITEM_KINDS
from .permissions import ColumnPermissionTester


class HomePage(RegisteredContext, Page):
    locality = models.CharField(
        "地区配置", max_length=40, blank=True, help_text="加载的政策配置代码，如 qinzhou"
    )
    intro = models.TextField("网站简介", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["portal.ColumnPage", "portal.SubsiteIndexPage"]
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = "网站首页"


class SubsiteIndexPage(Page):
    subpage_types = ["portal.SubsiteHomePage"]
    parent_page_types = ["portal.HomePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "部门子站列表"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subsites"] = SubsiteHomePage.objects.child_of(self).live().select_related("unit")
        return context


class SubsiteHomePage(RegisteredContext, GovAddressRouteMixin, Page):
    unit = models.OneToOneField(
        "accounts.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="subsite"
    )
    intro = models.TextField("简介", blank=True)

    content_panels = Page.content_panels + [FieldPanel("unit"), FieldPanel("intro")]
    subpage_types = ["portal.ColumnPage", *ITEM_KINDS]
    parent_page_types = ["portal.SubsiteIndexPage"]
    is_creatable = False

    class Meta:
        verbose_name = "部门子站"

    def permissions_for_user(self, user):
        return ColumnPermissionTester(user, self)


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """What every government site shows in its footer (values per site)."""

    host_unit = models.CharField("主办单位", max_length=120, blank=True)
    operator_unit = models.CharField("承办单位", max_length=120, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=60, blank=True)
    email = models.CharField("联系邮箱", max_length=120, blank=True)
    site_code = models.CharField("网站标识码", max_length=20, blank=True)
    icp_number = models.CharField("ICP备案号", max_length=60, blank=True)
    police_number = models.CharField("公安机关备案号", max_length=60, blank=True)
    police_record_url = models.CharField("公安备案查询链接", max_length=300, blank=True)
    party_badge_url = models.CharField(
        "党政机关网站标识链接", max_length=300, blank=True, help_text="党政机关网站标识的证书查询地址"
    )
    ipv6 = models.BooleanField("支持IPv6", default=False)
    service_platform_name = models.CharField(
        "政务服务平台名称",
        max_length=100,
        blank=True,
        help_text="如 本省（自治区、直辖市）的政务服务一体化平台名称",
    )
    service_platform_url = models.CharField("政务服务平台地址", max_length=300, blank=True)
    error_report_url = models.CharField(
        "“我为政府网站找错”地址",
        max_length=300,
        default="/jiucuo/",
        help_text="页脚找错入口的地址（本站纠错页 /jiucuo/，或上级平台的纠错地址）；链接会带上当前页面地址（url 参数）",
    )

    class Meta:
        verbose_name = "网站信息（页脚）"


class WorkdaySchedule(models.Model):
    """A year's official holiday schedule entered by an administrator.

    The State Council publishes each year's schedule (国务院办公厅关于某年部分节假日安排的通知) in
    November or December; the administrator pastes it as published. It is used for years the shipped
    holiday package does not cover, and replaces the package's data for its year.
    """

    year = models.PositiveIntegerField("年份", unique=True)
    notice_text = models.TextField(
        "放假安排",
        help_text="粘贴国务院办公厅通知原文，或逐行填写，如“放假 2027-10-01 至 2027-10-07”“上班 2027-09-26”。",
    )
    source = models.CharField("依据", max_length=200, blank=True, help_text="如 国办发明电〔2026〕X号")
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("year"), FieldPanel("source"), FieldPanel("notice_text")]

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"

    def schedule(self):
        return parse_schedule_text(self.year, self.notice_text, self.source)

    def clean(self) -> None:
        if not self.year or not self.notice_text:
            return
        try:
            self.schedule()
        except ScheduleError as exc:
            raise ValidationError({"notice_text": "；".join(exc.problems)}) from exc
