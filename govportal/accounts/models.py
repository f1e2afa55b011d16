"""Units (责任单位) and the people who work in them.

A person belongs to one unit and holds roles there (DESIGN.md, "Who uses it"). ``Staff`` is the
source of truth; for Wagtail's permission machinery every (unit, role) pair is mirrored by one
Django ``Group`` (``UnitRoleGroup``), and a person's groups are kept in step with ``Staff``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel

from .forms import StaffForm


class UnitKind(models.TextChoices):
    HOST_OFFICE = "host_office", "主办单位"
    OPERATOR = "operator", "承办单位"
    DEPARTMENT = "department", "部门"
    TOWN = "town", "县区/乡镇（街道）"
    CO_SUPERVISOR = "co_supervisor", "协同监管单位"
    MEDIA = "media", "媒体单位"
    ENTERPRISE = "enterprise", "企事业单位"
    OTHER = "other", "其他"


class Role(models.TextChoices):
    EDITOR = "editor", "信息员"
    SECTION_CHIEF = "section_chief", "科室负责人"
    DEPUTY_LEADER = "deputy_leader", "分管领导"
    PRINCIPAL_LEADER = "principal_leader", "主要领导"
    SITE_ADMIN = "site_admin", "网站管理员"
    HOTLINE = "hotline", "12345热线管理中心"
    HOST_OFFICE = "host_office", "主办单位"
    OPERATOR = "operator", "承办单位"


# Roles that write and review a unit's own items (their groups get page permissions on the unit's columns).
CONTENT_ROLES = (Role.EDITOR, Role.SECTION_CHIEF, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER)
# Roles whose permissions reach over the whole site rather than one unit's columns.
SITE_WIDE_ROLES = (Role.SITE_ADMIN, Role.HOST_OFFICE, Role.OPERATOR, Role.HOTLINE)


class Unit(models.Model):
    locality = models.CharField("所属地区配置", max_length=40, db_index=True)
    code = models.SlugField("单位代码", max_length=60)
    name = models.CharField("单位名称", max_length=120)
    kind = models.CharField("单位类型", max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    aliases = models.JSONField("别称", default=list, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["locality", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["locality", "code"], name="unit_unique_code")]

    def __str__(self) -> str:
        return self.name

    def group_for(self, role: str) -> Group:
        """The Django group that stands for ``role`` in this unit, created on first use."""
        link = self.role_groups.filter(role=role).select_related("group").first()
        if link:
            return link.group
        group, _ = Group.objects.get_or_create(
            name=f"{self.name}·{Role(role).label}［{self.locality}/{self.code}］"
        )
        link = UnitRoleGroup.objects.create(group=group, unit=self, role=role)
        from .permissions import configure_group

        configure_group(link)
        return group


class UnitRoleGroup(models.Model):
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="unit_role")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_groups")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "role"], name="unit_role_unique")]

    def __str__(self) -> str:
        return self.group.name


class Staff(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="staff"
    )
    unit = models.ForeignKey(Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="staff")
    roles = models.JSONField("角色", default=list, help_text="信息员、科室负责人、分管领导等，可多选")
    title = models.CharField("职务", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    panels = [
        FieldPanel("user"),
        FieldPanel("unit"),
        FieldPanel("roles"),
        FieldPanel("title"),
        FieldPanel("phone"),
    ]
    base_form_class = StaffForm

    class Meta:
        verbose_name = "单位人员"
        verbose_name_plural = "单位人员"

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()}（{self.unit}）"

    def clean(self) -> None:
        unknown = [r for r in self.roles if r not in Role.values]
        if unknown:
            raise ValidationError({"roles": f"未知角色：{'、'.join(unknown)}"})
        if not self.roles:
            raise ValidationError({"roles": "请至少选择一个角色。"})

    def sync_groups(self) -> None:
        """Make the person's unit-role groups exactly those of ``unit`` × ``roles``."""
        wanted = {self.unit.group_for(role) for role in self.roles}
        current = set(self.user.groups.filter(unit_role__isnull=False))
        self.user.groups.remove(*(current - wanted))
        self.user.groups.add(*(wanted - current))
        if not self.user.is_staff:
            self.user.is_staff = True
            self.user.save(update_fields=["is_staff"])
