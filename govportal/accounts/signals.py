"""Signal receivers: keep unit-role groups in step with Staff, and record security events.

Changes made in a back-office request (role, group, permission, superuser or active flag) are recorded
with the person who made them; bulk changes made by commands (loading a profile) are not requests and
are not logged one by one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from .audit import record
from .middleware import current_request
from .models import AccountSecurity, EventKind, Role, Staff, UnitRoleGroup
from .permissions import configure_group

User = get_user_model()


@receiver(post_save, sender=UnitRoleGroup)
def unit_role_group_created(
    sender, instance: UnitRoleGroup, created: bool, raw: bool = False, **kwargs
) -> None:
    """A new unit-role group (``Unit.group_for``) gets the permissions its role needs."""
    if created and not raw:
        configure_group(instance)


@receiver(pre_save, sender=Staff)
def staff_before(sender, instance: Staff, **kwargs) -> None:
    old = Staff.objects.filter(pk=instance.pk).values("roles", "unit_id").first() if instance.pk else None
    instance._before = old


@receiver(post_save, sender=Staff)
def staff_saved(sender, instance: Staff, created: bool, **kwargs) -> None:
    instance.sync_groups()
    old = getattr(instance, "_before", None)
    request = current_request()
    if request is None:
        return
    before = set((old or {}).get("roles") or [])
    after = set(instance.roles)
    if created or before != after or (old and old["unit_id"] != instance.unit_id):
        from .audit import record

        def names(rs):
            return "、".join(Role(r).label for r in sorted(rs) if r in Role.values) or "无"

        record(
            EventKind.ROLE_CHANGED,
            request=request,
            target=instance.user,
            detail=f"{instance.unit.name}：{names(before)} → {names(after)}",
        )


@receiver(pre_save, sender=User)
def user_before(sender, instance, **kwargs) -> None:
    instance._before = (
        User.objects.filter(pk=instance.pk).values("is_superuser", "is_staff", "is_active").first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=User)
def user_saved(sender, instance, created: bool, **kwargs) -> None:
    request = current_request()
    if request is None:
        return

    old = getattr(instance, "_before", None) or {}
    if created:
        record(EventKind.PERMISSION_CHANGED, request=request, target=instance, detail="新建账号")
    for flag, label in (("is_superuser", "超级管理员"), ("is_staff", "后台人员")):
        if old.get(flag, False) != getattr(instance, flag) and (old or getattr(instance, flag)):
            record(
                EventKind.PERMISSION_CHANGED,
                request=request,
                target=instance,
                detail=f"{label}：{'授予' if getattr(instance, flag) else '撤销'}",
            )
    if old and old.get("is_active") != instance.is_active:
        record(
            EventKind.ACCOUNT_CHANGED,
            request=request,
            target=instance,
            detail="启用账号" if instance.is_active else "停用账号",
        )


@receiver(m2m_changed, sender=User.groups.through)
def groups_changed(sender, instance, action: str, pk_set, reverse: bool, **kwargs) -> None:
    request = current_request()
    if request is None or action not in ("post_add", "post_remove", "post_clear"):
        return

    verb = {"post_add": "加入", "post_remove": "移出", "post_clear": "移出全部"}[action]
    if reverse:  # group.user_set changed
        for user in User.objects.filter(pk__in=pk_set or []):
            record(
                EventKind.GROUP_CHANGED, request=request, target=user, detail=f"{verb}用户组：{instance.name}"
            )
        return
    names = "、".join(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True)) or "（全部）"
    record(EventKind.GROUP_CHANGED, request=request, target=instance, detail=f"{verb}用户组：{names}")


@receiver(m2m_changed, sender=Group.permissions.through)
def group_permissions_changed(sender, instance, action: str, pk_set, reverse: bool, **kwargs) -> None:
    request = current_request()
    if request is None or action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    from django.contrib.auth.models import Permission

    verb = {"post_add": "授予", "post_remove": "撤销", "post_clear": "撤销全部"}[action]
    perms = "、".join(Permission.objects.filter(pk__in=pk_set or []).values_list("codename", flat=True))
    record(
        EventKind.PERMISSION_CHANGED, request=request, detail=f"用户组“{instance.name}”{verb}权限：{perms}"
    )


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs) -> None:

    if request is None:
        return
    record(EventKind.LOGIN, request=request, user=user)

    state, _ = AccountSecurity.objects.get_or_create(user=user)
    if getattr(request, "session", None) is not None:
        if not request.session.session_key:
            request.session.save()
        state.session_key = request.session.session_key or ""
        state.save(update_fields=["session_key"])


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs) -> None:
    if user is None or request is None:
        return

    record(EventKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs) -> None:

    if getattr(request, "axes_locked_out", False):
        return
    username = str(credentials.get("username", ""))[:150]
    target = (
        User.objects.filter(username=username).select_related("staff__unit").first() if username else None
    )
    record(EventKind.LOGIN_FAILED, request=request, username=username, target=target)


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:

    record(
        EventKind.LOCKOUT, request=request, username=username or "", detail=f"来源地址 {ip_address or '未知'}"
    )


try:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="govportal-accounts-lockout")
except ImportError:  # pragma: no cover
    pass
