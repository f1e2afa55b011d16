"""A consumer of the open API (调用单位) and its token."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiConsumer(models.Model):
    name = models.CharField("调用方名称", max_length=120, help_text="如 省政府网站监管平台")
    organisation = models.CharField("所属单位", max_length=120, blank=True)
    # The locality whose site administrators manage this consumer; blank: the platform's (superusers only).
    locality = models.CharField("管理地区", max_length=40, blank=True, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField("令牌前缀", max_length=16, editable=False)
    all_sites = models.BooleanField("可读取全部网站", default=False)
    sites = models.ManyToManyField(
        "wagtailcore.Site", verbose_name="可读取的网站", blank=True, related_name="+"
    )
    rate = models.CharField(
        "调用频率限制",
        max_length=60,
        blank=True,
        help_text="如 60/m,3000/h（每分钟60次且每小时3000次）；不填用平台默认值",
    )
    note = models.TextField("备注", blank=True)
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近调用时间", null=True, blank=True)
    calls = models.PositiveBigIntegerField("调用次数", default=0)

    class Meta:
        verbose_name = "开放接口调用方"
        verbose_name_plural = "开放接口调用方"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）" if self.organisation else self.name

    @property
    def scope_label(self) -> str:
        if self.all_sites:
            return "全部网站"
        return "、".join(s.site_name or s.hostname for s in self.sites.all()) or "（无）"
