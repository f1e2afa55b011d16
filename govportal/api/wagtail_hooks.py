from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    from django.urls import include

    urls = [
        path("", admin_views.consumers, name="consumers"),
        path("<int:pk>/revoke/", admin_views.revoke, name="revoke"),
    ]
    return [path("open-api/", include((urls, "api_admin"), namespace="api_admin"))]


class _TokensItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_manage(request.user)


@hooks.register("register_settings_menu_item")
def tokens_menu_item():
    return _TokensItem(
        "开放接口令牌", reverse("api_admin:consumers"), icon_name="key", order=900, name="open-api"
    )
