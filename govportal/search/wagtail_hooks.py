"""Back office: "全站信息检索" (menu item and a search area of the admin's global search), the same
search as the public page, with links to edit each item."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.search import SearchArea

from .views import admin_search_view


@hooks.register("register_admin_urls")
def register_admin_urls():

    return [path("search/items/", admin_search_view, name="search_items")]


@hooks.register("register_admin_menu_item")
def search_menu_item():
    return MenuItem("全站信息检索", reverse("search_items"), icon_name="search", order=240)


@hooks.register("register_admin_search_area")
def search_area():
    return SearchArea("全站信息（已发布）", reverse("search_items"), icon_name="search", order=50)
