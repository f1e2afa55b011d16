"""The 绩效考核 menu of the back office and its URLs."""

from __future__ import annotations

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import permissions as perms


class _Item(MenuItem):
    def __init__(self, label, url_name, shown, **kwargs):
        self.url_name = url_name
        self.shown = shown
        super().__init__(label, "", **kwargs)

    @property
    def url(self):
        return reverse(self.url_name)

    @url.setter
    def url(self, value):
        pass

    def is_shown(self, request):
        return self.shown(request.user)


@hooks.register("register_admin_urls")
def register_admin_urls():
    from . import urls

    return [
        path("assessment/", include((urls.urlpatterns, "assessment_admin"), namespace="assessment_admin"))
    ]


assessment_menu = Menu(
    items=[
        _Item(
            "考核结果与通报",
            "assessment_admin:index",
            perms.can_enter,
            icon_name="table",
            order=0,
            name="assessment-index",
        ),
        _Item(
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
