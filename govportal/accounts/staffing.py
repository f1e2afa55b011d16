"""People in units over time: responsibility records (酉阳办法第六条), training before publishing rights
(第三十一条), registered appointments, changes and departures with hand-over (第十二条、第三十条), password
reset on a written request (第三十条) and two-factor recovery. Each step is recorded as a security event.
"""

from __future__ import annotations

import secrets
import string

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from govportal.rules.profile import profile_section

from .audit import record, record_export
from .models import (
    AccountSecurity,
    AdminChange,
    ChangeKind,
    EventKind,
    PasswordResetRequest,
    ResetState,
    Role,
    Staff,
    TrainingRecord,
    Unit,
    UnitResponsibility,
)
from .passwords import require_change
from .permissions import PAGE_PERMISSIONS, roles_of, unit_of
from .policy import account_rules, locality_of

PUBLISHING_ROLES = tuple(r for r, actions in PAGE_PERMISSIONS.items() if "publish" in actions)


def role_names(roles) -> str:
    return "、".join(Role(r).label for r in roles if r in Role.values) or "无"


# --- who may do what --------------------------------------------------------------------------------


def is_site_admin_of(user, locality: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    unit = unit_of(user)
    return unit is not None and unit.locality == locality and Role.SITE_ADMIN in roles_of(user)


def can_record_requests(user, locality: str) -> bool:
    """Written reset requests are received by the host office (or the site administrator)."""
    if is_site_admin_of(user, locality):
        return True
    unit = unit_of(user)
    return unit is not None and unit.locality == locality and Role.HOST_OFFICE in roles_of(user)


def can_read_security_log(user, locality: str) -> bool:
    """The operator (承办单位) and the site administrator read and export the security log."""
    if is_site_admin_of(user, locality):
        return True
    unit = unit_of(user)
    return unit is not None and unit.locality == locality and Role.OPERATOR in roles_of(user)


# Exports of personal data (letters with names and phones, survey answers, disclosure requests, staff lists,
# the security log): only the roles of the profile's [security] personal_data_export_roles. The seeds are
# silent; the platform's choice follows 《中华人民共和国个人信息保护法》第五十一条（三）“合理确定个人信息处理
# 的操作权限” (from memory, not in /work/shared/reference): an editor (信息员) does not export, the
# people who answer for the unit's work and the site-wide roles do.
EXPORT_ROLES = (
    Role.SECTION_CHIEF,
    Role.DEPUTY_LEADER,
    Role.PRINCIPAL_LEADER,
    Role.SITE_ADMIN,
    Role.HOST_OFFICE,
    Role.OPERATOR,
    Role.HOTLINE,
)
EXPORT_ARTICLE = "《中华人民共和国个人信息保护法》第五十一条"


def personal_data_export_rule(locality: str) -> tuple[set[str], str]:
    """The roles that may export personal data in ``locality`` and the article the rule comes from."""
    section = profile_section(locality, "security") if locality else {}
    roles = section.get("personal_data_export_roles") or [str(r) for r in EXPORT_ROLES]
    return {str(r) for r in roles}, str(section.get("personal_data_export_article") or EXPORT_ARTICLE)


def can_export_personal_data(user, locality: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    unit = unit_of(user)
    allowed, _ = personal_data_export_rule(locality)
    return unit is not None and unit.locality == locality and bool(roles_of(user) & allowed)


def export_refusal(locality: str) -> str:
    """Why this account may not export personal data, in Chinese, with the roles and the article."""
    allowed, article = personal_data_export_rule(locality)
    return (
        f"导出含个人信息的数据仅限{role_names(sorted(allowed, key=list(Role.values).index))}办理"
        f"（{article}：合理确定个人信息处理的操作权限），您的账号不能导出。可在页面上查看，或请上述人员导出。"
    )


def guard_wagtail_exports() -> None:
    """Wagtail's own report exports (site history, workflows, locked and ageing pages: staff names) and form
    submissions go through ``SpreadsheetExportMixin.as_spreadsheet``: there they are refused to roles the
    profile does not allow and logged like ours. Called once from ``AccountsConfig.ready``."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.as_spreadsheet
    if getattr(original, "_govportal_guarded", False):
        return

    def personal(view) -> bool:
        from wagtail.admin.views.reports.base import ReportView

        module = type(view).__module__
        return isinstance(view, ReportView) or module.startswith("wagtail.contrib.forms")

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if not personal(self):
            return original(self, queryset, spreadsheet_format)
        request = self.request
        locality = locality_of(request.user)
        if not can_export_personal_data(request.user, locality):
            raise PermissionDenied(export_refusal(locality))
        rows = len(queryset) if isinstance(queryset, list | tuple) else queryset.count()
        title = str(getattr(self, "page_title", "") or type(self).__name__)
        record_export(request, f"{title}（{str(spreadsheet_format).upper()}）", rows)
        return original(self, queryset, spreadsheet_format)

    as_spreadsheet._govportal_guarded = True
    SpreadsheetExportMixin.as_spreadsheet = as_spreadsheet


def people_of(locality: str):
    return (
        get_user_model()
        .objects.filter(staff__unit__locality=locality, is_superuser=False)
        .select_related("staff__unit")
        .order_by("staff__unit__sort_order", "username")
    )


def staff_of(units=None, roles=(), *, locality: str | None = None):
    """The one way to list staff: the active people of ``units`` (a unit, several, or ``None`` for any) and of
    ``locality`` who hold one of ``roles`` there (any role when empty), each once, as a queryset of users.

    A role counts in the unit the person belongs to (their unit-role group, kept in step with
    ``Staff.roles`` by ``Staff.sync_groups``)."""
    qs = get_user_model().objects.filter(is_active=True, staff__isnull=False)
    if isinstance(units, Unit):
        units = [units]
    where = {}
    if roles:
        where["groups__unit_role__role__in"] = [str(r) for r in roles]
        if units is not None:
            where["groups__unit_role__unit__in"] = list(units)
        if locality is not None:
            where["groups__unit_role__unit__locality"] = locality
    else:
        if units is not None:
            where["staff__unit__in"] = list(units)
        if locality is not None:
            where["staff__unit__locality"] = locality
    return qs.filter(**where).distinct().order_by("pk")


# --- responsibility records -------------------------------------------------------------------------


def _person(user) -> dict | None:
    if user is None:
        return None
    staff = getattr(user, "staff", None)
    return {
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "title": staff.title if staff else "",
        "phone": staff.phone if staff else "",
        "active": user.is_active,
    }


def responsibility_records(locality: str) -> list[dict]:
    """For each unit of the locality: its 第一责任人, 直接责任人 and site administrator (None when not
    named). A plain function for the back office and the annual reports."""
    out = []
    records = {
        r.unit_id: r
        for r in UnitResponsibility.objects.filter(unit__locality=locality).select_related(
            "first_responsible__staff", "direct_responsible__staff", "site_administrator__staff"
        )
    }
    for unit in Unit.objects.filter(locality=locality).order_by("sort_order", "id"):
        r = records.get(unit.pk)
        row = {
            "unit": unit,
            "first_responsible": _person(r.first_responsible) if r else None,
            "direct_responsible": _person(r.direct_responsible) if r else None,
            "site_administrator": _person(r.site_administrator) if r else None,
        }
        row["missing"] = [
            label
            for key, label in (
                ("first_responsible", "第一责任人"),
                ("direct_responsible", "直接责任人"),
                ("site_administrator", "网站管理员"),
            )
            if row[key] is None
        ]
        out.append(row)
    return out


def set_responsibility(unit: Unit, by, **people) -> UnitResponsibility:
    for user in people.values():
        if user is not None and (getattr(getattr(user, "staff", None), "unit_id", None) != unit.pk):
            raise ValidationError(f"{user.username} 不是{unit.name}的人员，不能作为该单位的责任人。")
    r, _ = UnitResponsibility.objects.get_or_create(unit=unit)
    for key, user in people.items():
        setattr(r, key, user)
    r.updated_by = by
    r.save()
    names = {k: (u.get_full_name() or u.username) if u else "未指定" for k, u in people.items()}
    record(
        EventKind.ADMIN_CHANGE,
        user=by,
        locality=unit.locality,
        detail=f"{unit.name} 责任人：第一责任人 {names.get('first_responsible')}，直接责任人 "
        f"{names.get('direct_responsible')}，网站管理员 {names.get('site_administrator')}",
    )
    return r


# --- training and changes ---------------------------------------------------------------------------


def training_missing(user, unit: Unit, roles) -> str:
    """The message refusing publishing rights to someone whose training is not recorded, or ""."""
    rules = account_rules(unit.locality)
    if not rules.training_before_duty:
        return ""
    held = set(user.staff.roles) if getattr(user, "pk", None) and hasattr(user, "staff") else set()
    new = [r for r in roles if r in PUBLISHING_ROLES and r not in held]
    if not new or TrainingRecord.objects.filter(user=user).exists():
        return ""
    return f"{role_names(new)}有发布权限，须先登记上岗培训记录（{rules.training_citation}：上岗前须接受业务培训并备案）。"


def record_training(by, user, **fields) -> TrainingRecord:
    t = TrainingRecord.objects.create(user=user, recorded_by=by, **fields)
    record(EventKind.TRAINING, user=by, target=user, detail=f"{t.trained_on} {t.course}（{t.organiser}）")
    return t


# Sent while a leaver's open work moves to the successor (kwargs ``leaver``, ``successor``); a receiver moves
# its app's share and returns {what moved (Chinese, as the page lists it): count}.
work_handed_over = Signal()


def _reassign(leaver, successor) -> dict:
    """Move the leaver's open work to the successor; returns what moved, by kind."""
    from wagtail.models import Page, WorkflowState

    moved = {}
    moved["草稿和待发布信息"] = (
        Page.objects.filter(owner=leaver)
        .filter(Q(live=False) | Q(has_unpublished_changes=True))
        .update(owner=successor)
    )
    moved["锁定的页面"] = Page.objects.filter(locked_by=leaver).update(locked_by=successor)
    moved["送审中的信息"] = WorkflowState.objects.filter(
        requested_by=leaver, status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]
    ).update(requested_by=successor)
    # The apps above accounts move their own open work (interaction: letters' work orders); each receiver
    # returns {kind: count}.
    for _receiver, more in work_handed_over.send(sender=None, leaver=leaver, successor=successor):
        moved.update(more or {})
    for field in ("first_responsible", "direct_responsible", "site_administrator"):
        UnitResponsibility.objects.filter(**{field: leaver}).update(**{field: successor})
    return {k: v for k, v in moved.items() if v}


@transaction.atomic
def register_change(
    by,
    *,
    kind: str,
    person,
    roles_after=(),
    approved_by: str,
    approval_reference: str,
    effective_on,
    successor=None,
    duties_done=(),
    handover_note: str = "",
    request=None,
) -> AdminChange:
    """Register an appointment, a change of roles or a departure, and carry it out."""
    staff = Staff.objects.select_related("unit").get(user=person)
    unit = staff.unit
    if not is_site_admin_of(by, unit.locality):
        raise PermissionDenied("只有本地区的网站管理员可以登记管理员变更。")
    if person.is_superuser and not by.is_superuser:
        raise PermissionDenied("平台超级管理员的账号只有超级管理员可以变更。")
    before = list(staff.roles)
    reassigned: dict = {}
    if kind == ChangeKind.LEAVING:
        if successor is None or successor == person:
            raise ValidationError("离岗须指定接替人（不能是本人）。")
        succ_staff = Staff.objects.filter(user=successor).first()
        if succ_staff is None or succ_staff.unit_id != unit.pk or not successor.is_active:
            raise ValidationError(f"接替人须是{unit.name}在岗的人员。")
        # The successor takes over the leaver's roles, so review tasks of those roles are not orphaned.
        taken = [r for r in before if r not in succ_staff.roles]
        missing = training_missing(successor, unit, taken)
        if missing:
            raise ValidationError(f"接替人{successor.username}：{missing}")
        if taken:
            succ_staff.roles = list(succ_staff.roles) + taken
            succ_staff.save()
        reassigned = _reassign(person, successor)
        if taken:
            reassigned["接任角色"] = role_names(taken)
        staff.roles = []
        staff.save()
        person.is_active = False
        person.set_unusable_password()  # 口令更换: the old password is dead
        person.save()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=person).delete()
        _end_sessions(person)
        after: list = []
    else:
        after = [r for r in roles_after if r in Role.values]
        if not after:
            raise ValidationError("请选择上岗或变更后的角色。")
        missing = training_missing(person, unit, after)
        if missing:
            raise ValidationError(missing)
        staff.roles = after
        staff.save()
        if not person.is_active:
            person.is_active = True
            person.save(update_fields=["is_active"])
    change = AdminChange.objects.create(
        kind=kind,
        person=person,
        unit=unit,
        roles_before=before,
        roles_after=after,
        approved_by=approved_by,
        approval_reference=approval_reference,
        effective_on=effective_on,
        successor=successor if kind == ChangeKind.LEAVING else None,
        duties_done=list(duties_done),
        handover_note=handover_note,
        reassigned=reassigned,
        recorded_by=by,
    )
    detail = f"{change.get_kind_display()}：{role_names(before)} → {role_names(after)}；批准人 {approved_by}（{approval_reference}）"
    if successor is not None and kind == ChangeKind.LEAVING:
        moved = "，".join(f"{k} {v}" for k, v in reassigned.items()) or "无待办"
        detail += f"；接替人 {successor.username}，移交：{moved}"
    record(EventKind.ADMIN_CHANGE, request=request, user=by, target=person, detail=detail)
    return change


def _end_sessions(user) -> None:
    from django.contrib.sessions.models import Session

    key = AccountSecurity.objects.filter(user=user).values_list("session_key", flat=True).first()
    if key:
        Session.objects.filter(session_key=key).delete()


# --- password reset on a written request ------------------------------------------------------------


def record_reset_request(by, *, user, letter_reference, letter_date, applicant, reason, request=None):
    staff = getattr(user, "staff", None)
    if staff is None:
        raise ValidationError("该账号不属于任何单位。")
    if not can_record_requests(by, staff.unit.locality):
        raise PermissionDenied("只有本地区的主办单位或网站管理员可以登记书面重置申请。")
    req = PasswordResetRequest.objects.create(
        user=user,
        unit=staff.unit,
        letter_reference=letter_reference,
        letter_date=letter_date,
        applicant=applicant,
        reason=reason,
        recorded_by=by,
    )
    record(
        EventKind.PASSWORD_RESET,
        request=request,
        user=by,
        target=user,
        detail=f"登记书面申请 {letter_reference}",
    )
    return req


def _temporary_password(user) -> str:
    from django.contrib.auth.password_validation import validate_password

    alphabet = string.ascii_letters + string.digits
    for _ in range(50):
        pw = (
            "".join(secrets.choice(alphabet) for _ in range(10))
            + secrets.choice("#@%*")
            + secrets.choice(string.digits)
        )
        try:
            validate_password(pw, user)
            return pw
        except ValidationError:
            continue
    raise RuntimeError("could not make a temporary password")  # pragma: no cover


@transaction.atomic
def decide_reset(req: PasswordResetRequest, by, *, approve: bool, note: str = "", request=None) -> str:
    """Approve (returns the one-time temporary password) or refuse a recorded request."""
    req = PasswordResetRequest.objects.select_for_update().get(pk=req.pk)
    if not is_site_admin_of(by, req.unit.locality):
        raise PermissionDenied("只有本地区的网站管理员可以审批密码重置申请。")
    if req.user_id == by.pk:
        raise PermissionDenied("不能审批重置自己密码的申请。")
    if req.user.is_superuser and not by.is_superuser:
        raise PermissionDenied("平台超级管理员的密码只有超级管理员可以重置。")
    if req.state != ResetState.PENDING:
        raise ValidationError("这份申请已经处理过了。")
    req.state = ResetState.APPROVED if approve else ResetState.REFUSED
    req.decided_by, req.decided_at, req.decision_note = by, timezone.now(), note[:300]
    req.save()
    if not approve:
        record(
            EventKind.PASSWORD_RESET,
            request=request,
            user=by,
            target=req.user,
            detail=f"不予批准 {req.letter_reference}",
        )
        return ""

    user = req.user
    temporary = _temporary_password(user)
    user.set_password(temporary)
    user.save()
    require_change(user, "密码已按书面申请重置，请先修改为只有您自己知道的新密码。")
    _end_sessions(user)
    record(
        EventKind.PASSWORD_RESET,
        request=request,
        user=by,
        target=user,
        detail=f"按书面申请 {req.letter_reference} 重置密码",
    )
    return temporary


# --- two-factor recovery ----------------------------------------------------------------------------


def reset_two_factor(by, user, reason: str, request=None) -> int:
    """A person lost their authenticator: the site administrator removes their devices (they enrol again
    at the next login). Recorded with the reason."""
    if not reason.strip():
        raise ValidationError("请写明解除原因（如手机丢失，并注明核实方式）。")
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied("平台超级管理员的双因素认证只有超级管理员可以解除。")
    if not is_site_admin_of(by, locality_of(user)) or user.pk == by.pk:
        raise PermissionDenied("只有本地区的网站管理员可以为他人解除双因素认证。")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    count, _ = TOTPDevice.objects.filter(user=user).delete()
    _end_sessions(user)
    record(EventKind.TWO_FACTOR_RESET, request=request, user=by, target=user, detail=reason[:400])
    return count
