"""The back office: 我的提醒 at /admin/notices/, in the main menu for every staff member."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from govportal.accounts.permissions import unit_of

from . import views


@hooks.register("register_admin_urls")
def urls():
    return [path("notices/", views.notice_list, name="notices")]


class NoticesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser or unit_of(request.user) is not None


@hooks.register("register_admin_menu_item")
def notices_menu_item():
    return NoticesMenuItem("我的提醒", reverse("notices"), icon_name="mail", order=160, name="notices")
