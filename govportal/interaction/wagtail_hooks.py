"""Back office: the letter views under /admin/letters/, a "政民互动" menu whose items each role sees only if
it may use them, and a dashboard panel with what is due."""

from __future__ import annotations

from django.urls import path
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSet

from govportal.accounts.menus import RoleMenuItem
from govportal.accounts.permissions import unit_of

from .admin_views.access_log import access_log
from .admin_views.disclosures import disclosure_detail, disclosure_list, disclosure_report
from .admin_views.errors import error_detail, error_list
from .admin_views.faqs import faq_admin, faq_edit
from .admin_views.letters import attachment, centre_list, home_redirect, letter_detail, unit_list
from .admin_views.statistics import statistics
from .dashboard import due_lines
from .faq import service_guide_faqs as faqs
from .permissions import (
    centre_locality,
    error_centre_locality,
    is_oversight,
    is_superuser,
    is_unit_staff,
)


class InteractionViewSet(ViewSet):
    name = "interaction_admin"
    url_prefix = "letters"
    icon = "mail"

    def get_urlpatterns(self):
        return [
            path("", home_redirect, name="home"),
            path("centre/", centre_list, name="centre"),
            path("unit/", unit_list, name="unit"),
            path("letter/<int:pk>/", letter_detail, name="letter"),
            path("attachment/<int:pk>/", attachment, name="attachment"),
            path("statistics/", statistics, name="statistics"),
            path("faq/", faq_admin, name="faqs"),
            path("faq/new/", faq_edit, name="faq_new"),
            path("faq/<int:pk>/", faq_edit, name="faq_edit"),
            path("access-log/", access_log, name="access_log"),
            path("errors/", error_list, name="errors"),
            path("errors/<int:pk>/", error_detail, name="error"),
            path("disclosure/", disclosure_list, name="disclosures"),
            path("disclosure/<int:pk>/", disclosure_detail, name="disclosure"),
            path("disclosure/report/", disclosure_report, name="disclosure_report"),
        ]


@hooks.register("register_admin_viewset")
def register_viewset():
    return InteractionViewSet()


def _locality(user):
    unit = unit_of(user)
    return unit.locality if unit else None


MENU = [
    (
        "热线中心工单",
        "interaction_admin:centre",
        "tasks",
        lambda u: bool(centre_locality(u)) or is_superuser(u),
    ),
    ("本单位工单", "interaction_admin:unit", "doc-full", is_unit_staff),
    (
        "信件统计",
        "interaction_admin:statistics",
        "table",
        lambda u: bool(centre_locality(u)) or is_unit_staff(u) or is_oversight(u, _locality(u)),
    ),
    ("常见问题", "interaction_admin:faqs", "help", lambda u: bool(centre_locality(u)) or is_superuser(u)),
    (
        "网站纠错",
        "interaction_admin:errors",
        "warning",
        lambda u: bool(error_centre_locality(u)) or is_unit_staff(u) or is_superuser(u),
    ),
    (
        "依申请公开",
        "interaction_admin:disclosures",
        "doc-empty",
        lambda u: is_unit_staff(u) or is_superuser(u),
    ),
    (
        "依申请公开年度报表",
        "interaction_admin:disclosure_report",
        "table",
        lambda u: is_unit_staff(u) or is_oversight(u, _locality(u)),
    ),
    ("个人信息查看记录", "interaction_admin:access_log", "view", lambda u: is_oversight(u, _locality(u))),
]


interaction_menu = Menu(
    items=[
        RoleMenuItem(label, url_name, shown, icon_name=icon, order=i, name=url_name.replace(":", "-"))
        for i, (label, url_name, icon, shown) in enumerate(MENU)
    ]
)


@hooks.register("register_admin_menu_item")
def interaction_menu_item():
    return SubmenuMenuItem("政民互动", interaction_menu, icon_name="mail", order=150, name="interaction")


class DuePanel(Component):
    """Dashboard panel: what waits for this person (due soon, overdue, held, to approve)."""

    order = 60

    def __init__(self, lines):
        self.lines = lines

    def render_html(self, parent_context=None):
        items = format_html_join("", '<li><a href="{}">{}</a></li>', self.lines)
        return format_html(
            '<section class="panel summary nice-padding" aria-labelledby="ix-due-h">'
            '<h2 id="ix-due-h">政民互动待办</h2><ul>{}</ul></section>',
            items,
        )


@hooks.register("construct_homepage_panels")
def due_panel(request, panels):

    lines = due_lines(request.user)
    if lines:
        panels.append(DuePanel(lines))


@hooks.register("portal_service_guide_faqs")
def service_guide_faqs(page):
    """常见问题 beside a service guide (钦州办法第十六条), from the knowledge base compiled from letters."""

    return faqs(page)
