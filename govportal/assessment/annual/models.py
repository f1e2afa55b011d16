"""What the platform keeps of the annual reports: the figures it cannot know (typed in by the unit), the
text sections of the disclosure report (a draft until published) and, once published, a frozen copy of
every figure (a published report does not change when later data arrive)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govportal.rules.profile import ProfileError, load_profile


class YesNo(models.TextChoices):
    YES = "是", "是"
    NO = "否", "否"


class WebsiteReport(models.Model):
    """政府网站工作年度报表 of one site (the portal or a sub-site) for one year."""

    locality = models.CharField("地区配置", max_length=40, db_index=True)
    site = models.ForeignKey(
        "wagtailcore.Page", verbose_name="网站", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="子站为其所属单位；门户网站为空（主办单位）",
    )
    year = models.PositiveIntegerField("年度")

    # what only people know (the national form asks for them; the platform keeps no such record)
    visitors_unique = models.PositiveBigIntegerField("独立用户访问总量（个）", null=True, blank=True)
    visits_total = models.PositiveBigIntegerField("网站总访问量（次）", null=True, blank=True)
    hot_responses = models.PositiveIntegerField("回应公众关注热点或重大舆情数量（次）", null=True, blank=True)
    registered_users = models.PositiveIntegerField("注册用户数（个）", null=True, blank=True)
    handled_total = models.PositiveIntegerField("办件量总数（件）", null=True, blank=True)
    handled_person = models.PositiveIntegerField("其中：自然人办件量（件）", null=True, blank=True)
    handled_legal = models.PositiveIntegerField("其中：法人办件量（件）", null=True, blank=True)
    monitoring_mechanism = models.CharField(
        "是否建立安全监测预警机制", max_length=1, choices=YesNo.choices, blank=True
    )
    emergency_drill = models.CharField("是否开展应急演练", max_length=1, choices=YesNo.choices, blank=True)
    security_officer = models.CharField(
        "是否明确网络安全责任人", max_length=1, choices=YesNo.choices, blank=True
    )
    weibo_name = models.CharField("政务微博名称", max_length=100, blank=True)
    weibo_posts = models.PositiveIntegerField("微博信息发布量（条）", null=True, blank=True)
    weibo_followers = models.PositiveIntegerField("微博关注量（个）", null=True, blank=True)
    wechat_name = models.CharField("政务微信名称", max_length=100, blank=True)
    wechat_posts = models.PositiveIntegerField("微信信息发布量（条）", null=True, blank=True)
    wechat_followers = models.PositiveIntegerField("微信订阅数（个）", null=True, blank=True)
    other_media = models.TextField("其他移动新媒体（名称、发布量）", blank=True)
    innovation = models.TextField(
        "创新发展情况", blank=True, help_text="搜索即服务、多语言版本、无障碍浏览、千人千网等"
    )

    figures = models.JSONField("公开的数据（发布时固定）", default=dict, blank=True, editable=False)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "政府网站工作年度报表"
        verbose_name_plural = "政府网站工作年度报表"
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["site", "year"], name="annual_website_one_a_year")]

    def __str__(self) -> str:
        return f"{self.year}年度 {self.site.title} 政府网站工作年度报表"


# The 12 cells of table 四 a person types in; each group's 总计 is their sum, never typed.
REVIEW_RESULTS = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
]
REVIEW_GROUPS = [("review", "行政复议"), ("suit_direct", "未经复议直接起诉"), ("suit_after", "复议后起诉")]


def _table_four_fields():
    return {
        f"{g}_{r}": models.PositiveIntegerField(f"{glabel}·{rlabel}", default=0)
        for g, glabel in REVIEW_GROUPS
        for r, rlabel in REVIEW_RESULTS
    }


class DisclosureReportBase(models.Model):
    locality = models.CharField("地区配置", max_length=40, db_index=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="为空时是本级政府的年度报告",
    )
    year = models.PositiveIntegerField("年度")

    overview = models.TextField("一、总体情况", blank=True)
    problems = models.TextField("五、存在的主要问题及改进情况", blank=True)
    other_matters = models.TextField("六、其他需要报告的事项", blank=True)

    # table 二 cells the platform holds no record of
    licensing_decisions = models.PositiveIntegerField("行政许可·本年处理决定数量", default=0)
    penalty_decisions = models.PositiveIntegerField("行政处罚·本年处理决定数量", default=0)
    enforcement_decisions = models.PositiveIntegerField("行政强制·本年处理决定数量", default=0)
    fees_amount = models.DecimalField(
        "行政事业性收费·本年收费金额（万元）", max_digits=14, decimal_places=4, default=0
    )

    class Meta:
        abstract = True


for _name, _field in _table_four_fields().items():
    DisclosureReportBase.add_to_class(_name, _field)


class DisclosureReport(DisclosureReportBase):
    """政府信息公开工作年度报告 of one unit (or of the government, ``unit`` empty) for one year: the text
    sections and table 四 as an editable draft; tables 二 and 三 come from the platform's records."""

    snapshot = models.JSONField("公布的表格（发布时固定）", default=dict, blank=True, editable=False)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "政府信息公开工作年度报告"
        verbose_name_plural = "政府信息公开工作年度报告"
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "unit", "year"],
                condition=Q(unit__isnull=False),
                name="annual_disclosure_unit_year",
            ),
            models.UniqueConstraint(
                fields=["locality", "year"],
                condition=Q(unit__isnull=True),
                name="annual_disclosure_government_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_name}{self.year}年政府信息公开工作年度报告"

    @property
    def owner_name(self) -> str:
        if self.unit_id:
            return self.unit.name

        try:
            return load_profile(self.locality).name + "人民政府"
        except (ProfileError, FileNotFoundError, OSError):
            return "本级人民政府"

    def table_four(self) -> list[tuple[str, list[int]]]:
        rows = []
        for g, glabel in REVIEW_GROUPS:
            values = [getattr(self, f"{g}_{r}") for r, _ in REVIEW_RESULTS]
            rows.append((glabel, values + [sum(values)]))
        return rows
