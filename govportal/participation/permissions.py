"""Who may run an activity's back-office work (moderation, selection, the live stream, exports).

An activity belongs to its unit (``owning_unit``); that unit's content roles (信息员 and up) run it, as they
write and review its items. The site administrator and the host office of the same locality may too (they
oversee the whole site). Nobody else — a department cannot read or moderate another department's
comments, questions, answers or sign-ups.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from govportal.accounts.models import CONTENT_ROLES, Role
from govportal.accounts.permissions import roles_of, unit_of

from .models import owning_unit, page_locality

UNIT_ROLES = {str(r) for r in CONTENT_ROLES}


def can_manage(user, page) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    unit = unit_of(user)
    if unit is None:
        return False
    roles = roles_of(user)
    if roles & {str(Role.SITE_ADMIN), str(Role.HOST_OFFICE)}:
        return unit.locality == page_locality(page)
    owner = owning_unit(page)
    return bool(roles & UNIT_ROLES) and owner is not None and owner.pk == unit.pk


def require_manage(user, page) -> None:
    if not can_manage(user, page):
        owner = owning_unit(page)
        raise PermissionDenied(
            f"“{page.title}”由{owner.name if owner else '其他单位'}负责，您不能办理其他单位的公众参与事项。"
        )


def managed_pages(user, model):
    """The activities of ``model`` the user may run."""
    qs = model.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    unit = unit_of(user)
    if unit is None:
        return qs.none()
    roles = roles_of(user)
    if roles & {str(Role.SITE_ADMIN), str(Role.HOST_OFFICE)}:
        return [p for p in qs.specific() if page_locality(p) == unit.locality]
    if not roles & UNIT_ROLES:
        return qs.none()
    return [p for p in qs.select_related("unit", "owner__staff__unit") if owning_unit(p) == unit]
