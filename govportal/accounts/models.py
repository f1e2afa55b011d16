"""Units (责任单位) and the people who work in them.

A person belongs to one unit and holds roles there (DESIGN.md, "Who uses it"). ``Staff`` is the
source of truth; for Wagtail's permission machinery every (unit, role) pair is mirrored by one
Django ``Group`` (``UnitRoleGroup``), and a person's groups are kept in step with ``Staff``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.timezone import localdate, now
from wagtail.admin.panels import FieldPanel

from govportal.rules.profile import profile_section


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
        UnitRoleGroup.objects.create(
            group=group, unit=self, role=role
        )  # permissions.configure_group on post_save
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


# --- responsibility (002 第六条) ----------------------------------------------------------------------


class UnitResponsibility(models.Model):
    """Who answers for a unit's part of the site: 第一责任人 (its principal leader), 直接责任人 (the deputy
    leader in charge) and the site administrator it designates (酉阳办法第六条)."""

    unit = models.OneToOneField(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="responsibility"
    )
    first_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="第一责任人（主要领导）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    direct_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="直接责任人（分管领导）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    site_administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="网站管理员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "单位责任人"
        verbose_name_plural = "单位责任人"

    def __str__(self) -> str:
        return f"{self.unit} 责任人"


# --- passwords ----------------------------------------------------------------------------------------


class AccountSecurity(models.Model):
    """Per-account security state: when the password was last set, whether it must be changed at the
    next login, the session a single-session deployment keeps, and a recorded two-factor exemption."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_security"
    )
    password_changed_at = models.DateTimeField("密码设置时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    must_change_reason = models.CharField("原因", max_length=200, blank=True)
    session_key = models.CharField(max_length=64, blank=True)
    two_factor_exempt = models.CharField(
        "免除双因素认证的原因",
        max_length=200,
        blank=True,
        help_text="只由程序写入（如演示账号），后台不能修改",
    )

    class Meta:
        verbose_name = "账号安全状态"
        verbose_name_plural = "账号安全状态"

    def __str__(self) -> str:
        return str(self.user)


class PasswordHistory(models.Model):
    """The hashes of a person's earlier passwords (never the passwords): no reuse of the last N."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)
    set_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        ordering = ["-set_at", "-id"]


class ResetState(models.TextChoices):
    PENDING = "pending", "待网站管理员审批"
    APPROVED = "approved", "已批准并重置"
    REFUSED = "refused", "不予批准"


class PasswordResetRequest(models.Model):
    """A written request (书面申请) to reset a lost password, recorded, then approved by the site
    administrator before the password is reset (酉阳办法第三十条)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="重置的账号", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name="申请单位", on_delete=models.PROTECT, related_name="+")
    letter_reference = models.CharField("书面申请编号或文号", max_length=100)
    letter_date = models.DateField("书面申请日期")
    applicant = models.CharField("申请人", max_length=60)
    reason = models.TextField("申请理由")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", default=now)
    state = models.CharField("状态", max_length=10, choices=ResetState.choices, default=ResetState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "密码重置申请"
        verbose_name_plural = "密码重置申请"
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} 密码重置申请（{self.letter_reference}）"


# --- administrator changes (002 第十二条、第三十条、第三十一条) -------------------------------------------


class TrainingRecord(models.Model):
    """Training before duty, filed with the host office (酉阳办法第三十一条)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.CASCADE, related_name="trainings"
    )
    course = models.CharField("培训内容", max_length=200)
    trained_on = models.DateField("培训日期")
    organiser = models.CharField("组织单位", max_length=120)
    certificate = models.CharField("备案编号或证明", max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", default=now)

    class Meta:
        verbose_name = "上岗培训记录"
        verbose_name_plural = "上岗培训记录"
        ordering = ["-trained_on", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.trained_on} {self.course}"


class ChangeKind(models.TextChoices):
    APPOINTMENT = "appointment", "上岗（任命）"
    CHANGE = "change", "变更角色"
    LEAVING = "leaving", "离岗（交接）"


class AdminChange(models.Model):
    """One registered change of a unit's web staff (网站管理员变更备案制, 酉阳办法第十二条): who, what
    changed, who approved it; for a departure the hand-over and the successor who took the open work."""

    kind = models.CharField("类型", max_length=12, choices=ChangeKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="admin_changes"
    )
    roles_before = models.JSONField("原角色", default=list, blank=True)
    roles_after = models.JSONField("新角色", default=list, blank=True)
    approved_by = models.CharField("批准人", max_length=60)
    approval_reference = models.CharField("批准文件或记录", max_length=120)
    effective_on = models.DateField("生效日期", default=localdate)
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接替人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handover_note = models.TextField("交接情况", blank=True)
    duties_done = models.JSONField("离岗事项", default=list, blank=True)
    reassigned = models.JSONField("移交的待办工作", default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", default=now, db_index=True)

    class Meta:
        verbose_name = "网站管理员变更备案"
        verbose_name_plural = "网站管理员变更备案"
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.person}（{self.unit}）"


# --- security events (网络安全法第二十一条) -------------------------------------------------------------


class EventKind(models.TextChoices):
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "登录锁定"
    LOGOUT = "logout", "退出登录"
    SESSION_ENDED = "session_ended", "会话超时或被替代"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    PASSWORD_RESET = "password_reset", "密码重置"
    PASSWORD_REFUSED = "password_refused", "新密码不符合规则"
    ROLE_CHANGED = "role_changed", "角色变更"
    GROUP_CHANGED = "group_changed", "用户组变更"
    PERMISSION_CHANGED = "permission_changed", "权限变更"
    ACCOUNT_CHANGED = "account_changed", "账号启用/停用"
    ADMIN_CHANGE = "admin_change", "管理员变更备案"
    TRAINING = "training", "上岗培训登记"
    TWO_FACTOR_ENROLLED = "2fa_enrolled", "绑定双因素认证"
    TWO_FACTOR_FAILED = "2fa_failed", "双因素验证失败"
    TWO_FACTOR_RESET = "2fa_reset", "解除双因素认证（恢复）"
    PERSONAL_DATA = "personal_data", "查看或导出个人信息"
    AUDIT_EXPORT = "audit_export", "导出安全审计日志"
    DENIED = "denied", "越权操作被拒绝"
    SCORE_ADJUSTED = "score_adjusted", "考核分数调整"
    ASSESSMENT_ISSUED = "assessment_issued", "考核结果印发"
    ASSESSMENT_REVISED = "assessment_revised", "考核结果更正（新版本）"


# --- retention (网络安全法第二十一条：留存相关的网络日志不少于六个月) ------------------------------------------

MIN_RETENTION_DAYS = 184  # six months, counted at their longest (网络安全法第二十一条)


def retention_days(locality: str = "") -> int:
    wanted = 0
    if locality:
        try:
            wanted = int(profile_section(locality, "audit").get("retention_days") or 0)
        except (TypeError, ValueError):
            wanted = 0
    return max(MIN_RETENTION_DAYS, wanted)


def retention_cutoff(locality: str = ""):
    return timezone.now() - timedelta(days=retention_days(locality))


class SecurityEventQuerySet(models.QuerySet):
    def delete(self):
        """Only the retention job deletes, and only events older than the legal minimum."""
        if self.filter(at__gte=retention_cutoff()).exists():
            raise ValidationError(
                "安全审计日志至少保存六个月（网络安全法第二十一条），未到期的记录不能删除。"
            )
        return super().delete()


class SecurityEvent(models.Model):
    """One security event: who, what, from where, on whom. Never edited or deleted in the back office."""

    at = models.DateTimeField("时间", default=now, db_index=True)
    kind = models.CharField("事件", max_length=20, choices=EventKind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField("账号", max_length=150, blank=True, db_index=True)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="对象账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_name = models.CharField("对象", max_length=150, blank=True)
    locality = models.CharField("地区", max_length=40, blank=True, db_index=True)
    unit_name = models.CharField("单位", max_length=120, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    detail = models.CharField("详情", max_length=500, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = "安全审计日志"
        verbose_name_plural = "安全审计日志"
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.pop("_allow_update", False):
            raise ValidationError("安全审计日志不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("安全审计日志不能在后台删除，只由保存期限任务删除六个月以前的记录。")
