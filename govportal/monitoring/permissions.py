"""Who may do what with text findings.

* Registries (词库): site administrators and the host office maintain them (they own the site).
* Scan reports: site administrators, the host office and the operator see every unit; a unit's own
  staff (editor, section chief, leaders) see their unit's findings and mark them 已整改 / 误报.
* Starting a scan: site administrators, the host office and the operator.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from govportal.accounts.models import CONTENT_ROLES, Role
from govportal.accounts.permissions import roles_of, unit_of

REGISTRY_ROLES = {Role.SITE_ADMIN, Role.HOST_OFFICE}
ALL_UNITS_ROLES = {Role.SITE_ADMIN, Role.HOST_OFFICE, Role.OPERATOR}


def _super(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def can_manage_registries(user) -> bool:
    return _super(user) or bool(roles_of(user) & REGISTRY_ROLES)


def sees_all_units(user) -> bool:
    return _super(user) or bool(roles_of(user) & ALL_UNITS_ROLES)


def can_view_scans(user) -> bool:
    return sees_all_units(user) or (unit_of(user) is not None and bool(roles_of(user) & set(CONTENT_ROLES)))


def can_run_scan(user) -> bool:
    return sees_all_units(user)


def visible_findings(user, qs):
    """Restrict a queryset of scan findings to what ``user`` may see."""
    if sees_all_units(user):
        return qs
    unit = unit_of(user)
    if unit is None or not (roles_of(user) & set(CONTENT_ROLES)):
        return qs.none()
    return qs.filter(unit=unit)


def can_mark(user, finding) -> bool:
    if _super(user) or roles_of(user) & REGISTRY_ROLES:
        return True
    unit = unit_of(user)
    return unit is not None and finding.unit_id == unit.pk and bool(roles_of(user) & set(CONTENT_ROLES))


class RegistryPermissionPolicy(BasePermissionPolicy):
    """Wagtail permission policy of the registry snippets: site administrators and the host office, by
    role (no per-model Django permissions to hand out)."""

    def user_has_permission(self, user, action):
        return can_manage_registries(user)

    def user_has_any_permission(self, user, actions):
        return can_manage_registries(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        return users.filter(
            Q(is_superuser=True) | Q(groups__unit_role__role__in=list(REGISTRY_ROLES))
        ).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])
