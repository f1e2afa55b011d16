"""Who sees and does what in assessment.

* Site administrators and the host office (主办单位, who assesses: 象山第十六条 区政府办组织实施, …) see every
  unit, compute, adjust with a recorded reason, generate letters; the platform superuser too.
* The staff of a unit see their own unit's scores, notices and letters, and upload their own signed letter;
  another unit's pages answer 403 naming the unit they belong to.
"""

from __future__ import annotations

from django.shortcuts import render

from govportal.accounts.models import Role
from govportal.accounts.permissions import roles_of, unit_of
from govportal.portal.models import HomePage

MANAGER_ROLES = {Role.SITE_ADMIN, Role.HOST_OFFICE}


def is_manager(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or bool(roles_of(user) & MANAGER_ROLES)


def can_view_unit(user, unit) -> bool:
    if is_manager(user):
        return True
    mine = unit_of(user)
    return mine is not None and mine.pk == unit.pk


def can_enter(user) -> bool:
    return is_manager(user) or unit_of(user) is not None


def locality_of(user) -> str:
    unit = unit_of(user)
    if unit is not None:
        return unit.locality

    home = HomePage.objects.exclude(locality="").order_by("id").first()
    return home.locality if home else ""


def refuse(request, unit=None, what: str = "本页"):
    """403 in Chinese, naming the unit the page belongs to and who may see it."""
    if unit is not None:
        message = f"{what}属于“{unit.name}”，只有该单位的人员和主办单位、网站管理员可以查看。"
    else:
        message = f"{what}只有主办单位和网站管理员可以操作。"
    return render(request, "assessment/forbidden.html", {"title": "无权访问", "message": message}, status=403)


def refuse_with(request, message: str):
    """403 in Chinese with a message that names the rule."""
    return render(request, "assessment/forbidden.html", {"title": "无权操作", "message": message}, status=403)
