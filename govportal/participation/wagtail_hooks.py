"""Back office: /admin/participation/ and a menu item for the people who run activities."""

from __future__ import annotations

from django.urls import path
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSet

from govportal.accounts.menus import RoleMenuItem
from govportal.accounts.models import CONTENT_ROLES, Role
from govportal.accounts.permissions import roles_of

from . import admin_views

ROLES = {str(r) for r in CONTENT_ROLES} | {str(Role.SITE_ADMIN), str(Role.HOST_OFFICE)}


class ParticipationViewSet(ViewSet):
    name = "participation_admin"
    url_prefix = "participation"
    icon = "group"

    def get_urlpatterns(self):
        return [
            path("", admin_views.index, name="index"),
            path("<int:pk>/", admin_views.manage, name="manage"),
            path("<int:pk>/answers.xlsx", admin_views.export, name="export"),
        ]


@hooks.register("register_admin_viewset")
def viewset():
    return ParticipationViewSet()


def _takes_part(user) -> bool:
    return user.is_superuser or bool(roles_of(user) & ROLES)


@hooks.register("register_admin_menu_item")
def menu():
    return RoleMenuItem("公众参与", "participation_admin:index", _takes_part, icon_name="group", order=260)
