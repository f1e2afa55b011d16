"""The 绩效考核 menu of the back office and its URLs."""

from __future__ import annotations

from django.urls import include, path
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from govportal.accounts.menus import RoleMenuItem

from . import permissions as perms
from . import urls


@hooks.register("register_admin_urls")
def register_admin_urls():

    return [
        path("assessment/", include((urls.urlpatterns, "assessment_admin"), namespace="assessment_admin"))
    ]


assessment_menu = Menu(
    items=[
        RoleMenuItem(
            "考核结果与通报",
            "assessment_admin:index",
            perms.can_enter,
            icon_name="table",
            order=0,
            name="assessment-index",
        ),
        RoleMenuItem(
            "责任书",
            "assessment_admin:letters",
            perms.can_enter,
            icon_name="doc-full",
            order=1,
            name="assessment-letters",
        ),
    ]
)


class _Submenu(SubmenuMenuItem):
    def is_shown(self, request):
        return perms.can_enter(request.user)


@hooks.register("register_admin_menu_item")
def assessment_menu_item():
    return _Submenu("绩效考核", assessment_menu, icon_name="tasks", order=330, name="assessment")
