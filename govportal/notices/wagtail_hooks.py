"""The back office: 我的提醒 at /admin/notices/, in the main menu for every staff member."""

from django.urls import path
from wagtail import hooks

from govportal.accounts.menus import RoleMenuItem
from govportal.accounts.permissions import unit_of

from . import views


@hooks.register("register_admin_urls")
def urls():
    return [path("notices/", views.notice_list, name="notices")]


def _has_a_unit(user) -> bool:
    return user.is_superuser or unit_of(user) is not None


@hooks.register("register_admin_menu_item")
def notices_menu_item():
    return RoleMenuItem("我的提醒", "notices", _has_a_unit, icon_name="mail", order=160, name="notices")
