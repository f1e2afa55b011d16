from django.urls import path
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.ui.components import Component
from wagtail.admin.views.pages.search import SearchView as PageSearchView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from govportal.accounts.menus import RoleMenuItem
from govportal.accounts.models import Unit
from govportal.accounts.permissions import is_site_admin

from . import admin_views
from .calendar import holiday_warning, missing_years
from .dashboards import construct_panels, has_role_dashboard
from .models import (
    ItemPage,
    WorkdaySchedule,
    belongs_to_other_unit,
    hide_other_units_drafts,
    item_owner_unit_id,
)


class WorkdayScheduleViewSet(SnippetViewSet):
    model = WorkdaySchedule
    icon = "date"
    menu_label = "节假日安排"
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["year", "source", "updated_at"]


register_snippet(WorkdayScheduleViewSet)


@hooks.register("register_admin_urls")
def register_admin_urls():

    return [
        path("column-table/", admin_views.column_table, name="column_table"),
        path("column-table/export/", admin_views.column_table_export, name="column_table_export"),
        path("subsites/", admin_views.subsites, name="subsites"),
    ]


# --- items belong to their unit ------------------------------------------------------------------------------

OTHER_UNIT = (
    "本信息属于{unit}，其他单位不能编辑、复制、移动、删除或改变其发布单位，即使在多个单位共同保障的栏目中"
    "（信息由发布单位负责审核把关）。如确需调整，请联系网站管理员。"
)


def _refuse_other_unit(request, page, *, reviewing_allowed=False):
    from django.core.exceptions import PermissionDenied

    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if not isinstance(specific, ItemPage) or not belongs_to_other_unit(request.user, specific):
        return None
    if reviewing_allowed:
        task = specific.current_workflow_task
        if task and task.user_can_access_editor(specific, request.user):
            return None
    owner = Unit.objects.filter(pk=item_owner_unit_id(specific)).first()
    raise PermissionDenied(OTHER_UNIT.format(unit=owner.name if owner else "其他单位"))


@hooks.register("before_edit_page")
def refuse_edit_of_other_units_item(request, page):
    return _refuse_other_unit(request, page, reviewing_allowed=True)


@hooks.register("construct_explorer_page_queryset")
def hide_other_units_drafts_in_explorer(parent_page, pages, request):
    # the explorer's listing and the sidebar explorer (admin API, child_of)
    return hide_other_units_drafts(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def hide_other_units_drafts_in_chooser(pages, request):
    # the page chooser's browse and search views
    return hide_other_units_drafts(pages, request.user)


class _UnitAwarePagePolicy(PagePermissionPolicy):
    def explorable_instances(self, user):
        return hide_other_units_drafts(super().explorable_instances(user), user)


class UnitAwarePageSearchView(PageSearchView):
    """The admin's page search (/admin/pages/search/), which has no queryset hook of its own."""

    permission_policy = _UnitAwarePagePolicy(Page)


class UnitAwarePageViewSet(PageViewSet):
    """Wagtail's page views, registered for the base Page (so for every page type without a viewset of its
    own); only the search view differs."""

    name = "unit_aware_pages"
    search_view_class = UnitAwarePageSearchView


@hooks.register("register_admin_viewset")
def register_unit_aware_page_viewset():
    return UnitAwarePageViewSet()


class UnitAwarePagesAdminAPIViewSet(PagesAdminAPIViewSet):
    """The admin API behind the sidebar explorer and the page chooser (/admin/api/main/pages/ and
    /admin/api/main/pages/<id>/): the listing is filtered by ``construct_explorer_page_queryset``, but the
    detail view is not, so another unit's draft title was readable by its id. Both now start from the
    same filtered queryset: another unit's unpublished item is 404 here."""

    def get_base_queryset(self):
        return hide_other_units_drafts(super().get_base_queryset(), self.request.user)


@hooks.register("construct_admin_api")
def unit_aware_admin_api(router):
    router.register_endpoint("pages", UnitAwarePagesAdminAPIViewSet)


@hooks.register("before_copy_page")
def refuse_copy_of_other_units_item(request, page):
    return _refuse_other_unit(request, page)


@hooks.register("before_move_page")
def refuse_move_of_other_units_item(request, page, destination):
    return _refuse_other_unit(request, page)


@hooks.register("before_delete_page")
def refuse_delete_of_other_units_item(request, page):
    return _refuse_other_unit(request, page)


@hooks.register("register_admin_menu_item")
def column_table_menu_item():
    return RoleMenuItem("栏目责任表", "column_table", is_site_admin, icon_name="list-ul", order=250)


@hooks.register("register_admin_menu_item")
def subsites_menu_item():
    return RoleMenuItem("部门子站", "subsites", is_site_admin, icon_name="site", order=251)


class HolidayDataPanel(Component):
    order = 50

    def __init__(self, years):
        self.years = years

    def render_html(self, parent_context=None):
        return format_html(
            '<section class="panel help-block help-warning" role="alert"><p>{}。</p></section>',
            holiday_warning(self.years),
        )


@hooks.register("construct_homepage_panels")
def holiday_panel(request, panels):
    years = missing_years()
    if years:
        panels.insert(0, HolidayDataPanel(years))


@hooks.register("construct_homepage_panels")
def role_dashboards(request, panels):

    construct_panels(request, panels)


@hooks.register("construct_homepage_summary_items", order=1000)
def role_summary(request, items):
    """Wagtail's "241 个页面 / 0 张图片" counts mean something to the site administrator only."""

    if not is_site_admin(request.user) and has_role_dashboard(request.user):
        items.clear()
