from django.urls import path
from wagtail import hooks

from govportal.accounts.menus import RoleMenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    from django.urls import include

    urls = [
        path("", admin_views.consumers, name="consumers"),
        path("<int:pk>/revoke/", admin_views.revoke, name="revoke"),
    ]
    return [path("open-api/", include((urls, "api_admin"), namespace="api_admin"))]


@hooks.register("register_settings_menu_item")
def tokens_menu_item():
    return RoleMenuItem(
        "开放接口令牌",
        "api_admin:consumers",
        admin_views.may_manage,
        icon_name="key",
        order=900,
        name="open-api",
    )
