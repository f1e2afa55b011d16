"""Who may see and edit which annual report.

- A unit's staff (信息员 and above) see and edit their own unit's disclosure report and their sub-site's
  website report; nothing of another unit (403 naming the owner).
- The host office and site administrators of the locality (``interaction.permissions.is_oversight``) see
  every report of the locality and edit the portal's website report and the government's disclosure report.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from govportal.accounts.permissions import unit_of
from govportal.interaction.permissions import is_oversight, is_superuser, is_unit_staff


def locality_of(user) -> str:
    unit = unit_of(user)
    return unit.locality if unit else ""


def _owner_denied(owner: str) -> PermissionDenied:
    return PermissionDenied(
        f"该年度报告属于「{owner}」，只有该单位的人员和本级主办单位可以查看，只有该单位的人员可以编辑。"
    )


def check_unit_report(user, locality: str, unit, *, edit: bool, owner: str) -> None:
    """Raise 403 unless ``user`` may see (or ``edit``) the report owned by ``unit`` (None: the portal or
    the government) of ``locality``."""
    if is_superuser(user):
        return
    if locality_of(user) != locality:
        raise _owner_denied(owner)
    oversight = is_oversight(user, locality)
    own = unit is not None and is_unit_staff(user) and unit_of(user).pk == unit.pk
    if unit is None:
        if oversight:
            return
        raise PermissionDenied(
            f"「{owner}」的年度报告由本级主办单位和网站管理员编制，本单位人员不能查看和编辑。"
        )
    if own:
        return
    if oversight and not edit:
        return
    raise _owner_denied(owner)


def can_use(user) -> bool:
    return is_superuser(user) or bool(locality_of(user)) and (is_unit_staff(user) or is_oversight(user))
