"""What each role may do, expressed in Wagtail's own permission records.

Unit roles get page permissions on the columns the responsibility table assigns to their unit
(and on the unit's sub-site); site-wide roles get them on the locality's home page. Wagtail checks
these records everywhere (explorer, edit views, API), so there is one mechanism, not two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from .models import CONTENT_ROLES, SITE_WIDE_ROLES, Role, UnitRoleGroup

PAGE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.EDITOR: ("add", "change"),
    Role.SECTION_CHIEF: ("add", "change", "publish"),
    Role.DEPUTY_LEADER: ("add", "change", "publish"),
    Role.PRINCIPAL_LEADER: ("add", "change", "publish"),
    Role.SITE_ADMIN: ("add", "change", "publish", "bulk_delete", "lock", "unlock"),
    Role.HOST_OFFICE: ("add", "change", "publish"),
    Role.OPERATOR: (),
    Role.HOTLINE: (),
}

_COMMON = ["wagtailadmin.access_admin"]
MODEL_PERMISSIONS: dict[str, list[str]] = {
    Role.SITE_ADMIN: _COMMON
    + [
        "auth.add_user",
        "auth.change_user",
        "accounts.add_staff",
        "accounts.change_staff",
        "accounts.delete_staff",
        "accounts.view_staff",
        "accounts.add_unit",
        "accounts.change_unit",
        "accounts.view_unit",
        "portal.change_portalsettings",
        "portal.add_workdayschedule",
        "portal.change_workdayschedule",
        "portal.view_workdayschedule",
        "wagtailcore.view_site",
    ],
    Role.OPERATOR: _COMMON + ["accounts.view_unit", "accounts.view_staff", "portal.view_workdayschedule"],
}
COLLECTION_PERMISSIONS = ["add_image", "choose_image", "add_document", "choose_document"]


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


# locality -> the home page of its site, or None: registered by the portal (PortalConfig.ready), which owns
# the sites; accounts does not know the page types.
_site_home: Callable[[str], Page | None] | None = None


def register_site_home(finder: Callable[[str], Page | None]) -> None:
    global _site_home
    _site_home = finder


def site_home(locality: str) -> Page | None:
    """The home page of ``locality``'s site (None before the portal has registered its finder or made it)."""
    return _site_home(locality) if _site_home is not None and locality else None


def configure_group(link: UnitRoleGroup) -> None:
    """Give a unit-role group the permissions its role needs (idempotent).

    Site-wide roles act on the whole site of the unit's locality: their page permissions sit on its
    home page (when the locality's site exists; loading the profile calls this again).
    """
    group = link.group
    if link.role in SITE_WIDE_ROLES and PAGE_PERMISSIONS.get(link.role):
        home = site_home(link.unit.locality)
        if home is not None:
            grant_pages(group, link.role, [home])
    dotted = MODEL_PERMISSIONS.get(link.role, _COMMON)
    group.permissions.add(*(_permission(d) for d in dotted))
    root = Collection.get_first_root_node()
    if root and PAGE_PERMISSIONS.get(link.role):
        for codename in COLLECTION_PERMISSIONS:
            perm = Permission.objects.filter(codename=codename).first()
            if perm:
                GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=perm)


def _page_permission(action: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{action}_page")


def grant_pages(group: Group, role: str, pages: Iterable[Page]) -> None:
    perms = [_page_permission(a) for a in PAGE_PERMISSIONS.get(role, ())]
    for page in pages:
        for perm in perms:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=perm)


def set_page_units(assignments: dict[Page, list]) -> None:
    """For each page, make the content-role groups of its units exactly the unit groups with rights on it.

    Done in bulk: a table of hundreds of columns, some assigned to every unit, costs a few queries.
    """
    if not assignments:
        return
    units = {u.pk: u for us in assignments.values() for u in us}
    groups = {
        (link.unit_id, link.role): link.group_id
        for link in UnitRoleGroup.objects.filter(unit_id__in=units, role__in=list(CONTENT_ROLES))
    }
    for unit in units.values():
        for role in CONTENT_ROLES:
            if (unit.pk, role) not in groups:
                groups[(unit.pk, role)] = unit.group_for(role).pk
    perm_ids = {a: _page_permission(a).pk for r in CONTENT_ROLES for a in PAGE_PERMISSIONS[r]}
    wanted = {
        (groups[(unit.pk, role)], page.pk, perm_ids[action])
        for page, page_units in assignments.items()
        for unit in page_units
        for role in CONTENT_ROLES
        for action in PAGE_PERMISSIONS[role]
    }
    existing = {
        (g, p, perm): pk
        for pk, g, p, perm in GroupPagePermission.objects.filter(
            page_id__in=[p.pk for p in assignments], group__unit_role__role__in=list(CONTENT_ROLES)
        ).values_list("pk", "group_id", "page_id", "permission_id")
    }
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group_id=g, page_id=p, permission_id=perm)
            for g, p, perm in wanted - existing.keys()
        ]
    )
    GroupPagePermission.objects.filter(
        pk__in=[pk for key, pk in existing.items() if key not in wanted]
    ).delete()


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    staff = getattr(user, "staff", None)
    return set(staff.roles) if staff else set()


def unit_of(user):
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    return staff.unit if staff else None


def is_site_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or Role.SITE_ADMIN in roles_of(user)
