"""Back office: the annual reports under /admin/annual/ and a menu item for those who may use them."""

from __future__ import annotations

from django.urls import path
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSet

from govportal.accounts.menus import RoleMenuItem

from . import views
from .permissions import can_use


class AnnualViewSet(ViewSet):
    name = "annual_admin"
    url_prefix = "annual"
    icon = "doc-full"

    def get_urlpatterns(self):
        return [
            path("", views.index, name="index"),
            path("website/<int:site_id>/<int:year>/", views.website, name="website"),
            path("website/<int:site_id>/<int:year>/xlsx/", views.website_xlsx, name="website_xlsx"),
            path("website/all/<int:year>/xlsx/", views.website_all_xlsx, name="website_all_xlsx"),
            path("disclosure/<str:key>/<int:year>/", views.disclosure, name="disclosure"),
            path(
                "disclosure/<str:key>/<int:year>/<str:fmt>/",
                views.disclosure_file,
                name="disclosure_file",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_viewset():
    return AnnualViewSet()


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return RoleMenuItem("年度报告", "annual_admin:index", can_use, icon_name="doc-full", order=560)
