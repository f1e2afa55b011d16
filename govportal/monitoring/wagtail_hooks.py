from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from govportal.accounts.menus import RoleMenuItem
from govportal.accounts.permissions import unit_of
from govportal.portal.models import HomePage

from . import freshness as fr
from . import permissions as perms
from . import views, watch_views
from .models import REGISTRY_MODELS, AllowedDomain, BlockedDomain, FixedExpression, Leader, SensitiveWord

for _model in REGISTRY_MODELS:
    # by role (site administrators, host office), not by per-model Django permissions
    register_permission_policy(_model, perms.RegistryPermissionPolicy(_model), exact_class=True)

# --- registries (词库) -------------------------------------------------------------------------------------


class RegistryViewSet(SnippetViewSet):
    search_backend_name = None  # plain database lookups: no search index to keep for these tables
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = False


# A tick or a cross (screen readers hear 是/否), not the word "True".
ENABLED = BooleanColumn("enabled", label="启用")


class SensitiveWordViewSet(RegistryViewSet):
    model = SensitiveWord
    icon = "warning"
    menu_label = "敏感词库"
    list_display = ["term", "category", "severity", "suggestion", "locality", ENABLED]
    list_filter = ["category", "severity", "enabled", "locality"]
    search_fields = ["term", "category", "note"]


class FixedExpressionViewSet(RegistryViewSet):
    model = FixedExpression
    icon = "edit"
    menu_label = "规范表述库"
    list_display = ["wrong", "correct", "category", "severity", "locality", ENABLED]
    list_filter = ["category", "severity", "enabled", "locality"]
    search_fields = ["wrong", "correct", "category"]


class LeaderViewSet(RegistryViewSet):
    model = Leader
    icon = "user"
    menu_label = "领导人姓名职务库"
    list_display = ["name", "titles", "outdated", "locality", ENABLED]
    list_filter = ["enabled", "locality"]
    search_fields = ["name", "titles", "outdated"]


class BlockedDomainViewSet(RegistryViewSet):
    model = BlockedDomain
    icon = "cross"
    menu_label = "链接黑名单"
    list_display = ["domain", "note", "locality", ENABLED]
    list_filter = ["enabled", "locality"]
    search_fields = ["domain", "note"]


class AllowedDomainViewSet(RegistryViewSet):
    model = AllowedDomain
    icon = "link"
    menu_label = "非政府网站链接白名单"
    list_display = ["domain", "note", "locality", ENABLED]
    list_filter = ["enabled", "locality"]
    search_fields = ["domain", "note"]


class TextcheckGroup(SnippetViewSetGroup):
    menu_label = "错敏信息"
    menu_icon = "warning"
    menu_name = "textcheck"
    menu_order = 320
    submenu_hook = "register_textcheck_menu_item"
    items = (
        SensitiveWordViewSet,
        FixedExpressionViewSet,
        LeaderViewSet,
        BlockedDomainViewSet,
        AllowedDomainViewSet,
    )


register_snippet(TextcheckGroup)


@hooks.register("register_textcheck_menu_item")
def scan_report_menu_item():
    return RoleMenuItem(
        "全站扫描报告", "textcheck_scan_report", perms.can_view_scans, icon_name="doc-full", order=0
    )


@hooks.register("register_textcheck_menu_item")
def registry_tools_menu_item():
    return RoleMenuItem(
        "词库导入导出",
        "textcheck_registry_tools",
        perms.can_manage_registries,
        icon_name="download",
        order=90,
    )


@hooks.register("register_admin_urls")
def register_admin_urls():

    return [
        path("textcheck/check/<int:page_id>/", views.check_page, name="textcheck_check_page"),
        path(
            "textcheck/check/new/<str:app_label>/<str:model_name>/<int:parent_id>/",
            views.check_new,
            name="textcheck_check_new",
        ),
        path("textcheck/scan/", views.scan_report, name="textcheck_scan_report"),
        path("textcheck/scan/start/", views.scan_start, name="textcheck_scan_start"),
        path("textcheck/scan/<int:run_id>/findings/", views.scan_findings, name="textcheck_scan_findings"),
        path("textcheck/scan/<int:run_id>/export/", views.scan_export, name="textcheck_scan_export"),
        path("textcheck/finding/<int:finding_id>/mark/", views.scan_mark, name="textcheck_scan_mark"),
        path("textcheck/registries/", views.registry_tools, name="textcheck_registry_tools"),
        path("textcheck/registries/export/", views.registry_export, name="textcheck_registry_export"),
    ]


# --- the editor's “检查” button ----------------------------------------------------------------------------


class TextCheckMenuItem(ActionMenuItem):
    """“检查错敏信息” in the page editor's action menu: checks what is in the form now, saves nothing."""

    label = "检查错敏信息"
    name = "action-textcheck"
    icon_name = "warning"
    template_name = "monitoring/check_menu_item.html"

    def is_shown(self, context):
        return context["view"] in ("create", "edit")

    def get_url(self, parent_context):
        request = parent_context["request"]
        if parent_context["view"] == "edit":
            return reverse("textcheck_check_page", args=[parent_context["page"].pk])
        kwargs = getattr(request.resolver_match, "kwargs", {}) or {}
        try:
            return reverse(
                "textcheck_check_new",
                args=[
                    kwargs["content_type_app_name"],
                    kwargs["content_type_model_name"],
                    kwargs["parent_page_id"],
                ],
            )
        except KeyError:
            return None


@hooks.register("register_page_action_menu_item")
def textcheck_menu_item():
    return TextCheckMenuItem(order=5)


@hooks.register("insert_editor_js")
def textcheck_editor_js():
    return format_html(
        '<link rel="stylesheet" href="{}"><script src="{}" defer></script>',
        static("monitoring/textcheck.css"),
        static("monitoring/textcheck.js"),
    )


# --- watching the site (issue 15): freshness board, self-inspection, alerts --------------------------------


@hooks.register("register_admin_urls")
def register_watch_urls():
    from django.urls import path

    return [
        path("monitoring/freshness/", watch_views.freshness_board, name="monitoring_freshness"),
        path("monitoring/inspection/", watch_views.inspection_report, name="monitoring_inspection"),
        path(
            "monitoring/inspection/veto/<int:n>/",
            watch_views.inspection_veto,
            name="monitoring_inspection_veto",
        ),
        path(
            "monitoring/inspection/run/<int:run_id>/",
            watch_views.inspection_report,
            name="monitoring_inspection_run",
        ),
        path(
            "monitoring/inspection/run/<int:run_id>/veto/<int:n>/",
            watch_views.inspection_veto,
            name="monitoring_inspection_run_veto",
        ),
        path("monitoring/column-groups/", watch_views.column_groups, name="monitoring_column_groups"),
        path("monitoring/alerts/", watch_views.alerts, name="monitoring_alerts"),
        path("monitoring/links/", watch_views.link_report, name="monitoring_links"),
        path("monitoring/reading/", watch_views.reading, name="monitoring_reading"),
        path("monitoring/alerts/<int:alert_id>/", watch_views.alert_action, name="monitoring_alert_action"),
    ]


class _WatchMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return watch_views.can_view_freshness(request.user)


@hooks.register("register_admin_menu_item")
def watch_menu():
    return _WatchMenuItem(
        "网站监测",
        Menu(register_hook_name="register_watch_menu_item"),
        icon_name="time",
        order=310,
        name="watch",
    )


@hooks.register("register_watch_menu_item")
def freshness_menu_item():
    return RoleMenuItem(
        "栏目更新情况", "monitoring_freshness", watch_views.can_view_freshness, icon_name="time", order=0
    )


@hooks.register("register_watch_menu_item")
def inspection_menu_item():
    return RoleMenuItem(
        "网站自查", "monitoring_inspection", watch_views.can_view_inspection, icon_name="tasks", order=10
    )


@hooks.register("register_watch_menu_item")
def alerts_menu_item():
    return RoleMenuItem(
        "监测告警", "monitoring_alerts", watch_views.can_view_freshness, icon_name="warning", order=20
    )


@hooks.register("register_watch_menu_item")
def reading_menu_item():
    return RoleMenuItem(
        "读网", "monitoring_reading", watch_views.can_view_freshness, icon_name="view", order=5
    )


@hooks.register("register_watch_menu_item")
def links_menu_item():
    return RoleMenuItem(
        "链接检查", "monitoring_links", watch_views.can_view_freshness, icon_name="link", order=25
    )


@hooks.register("register_watch_menu_item")
def column_groups_menu_item():
    return RoleMenuItem(
        "栏目检查分组", "monitoring_column_groups", perms.can_manage_registries, icon_name="list-ul", order=30
    )


class FreshnessPanel(Component):
    """The dashboard panel: the columns of the user's scope that are overdue, due soon or empty."""

    name = "monitoring_freshness"
    order = 150

    def __init__(self, counts: dict, lines: list, scope: str):
        self.counts, self.lines, self.scope = counts, lines, scope

    def render_html(self, parent_context=None):

        items = format_html_join(
            "",
            '<li><a href="{}">{}</a>：{}{}</li>',
            (
                (
                    reverse("wagtailadmin_explore", args=[s.column.pk]),
                    s.title,
                    s.state_label,
                    f"（到期日 {s.due}）" if s.due else "",
                )
                for s in self.lines
            ),
        )
        return format_html(
            '<section class="panel summary nice-padding gw-panel" aria-labelledby="gw-panel-h">'
            '<h2 id="gw-panel-h">栏目更新情况（{}）</h2>'
            "<p>已超期 <strong>{}</strong> 个，即将到期 <strong>{}</strong> 个，空白栏目 <strong>{}</strong> 个。"
            ' <a href="{}">查看全部</a></p><ul>{}</ul></section>',
            self.scope,
            self.counts[fr.OVERDUE],
            self.counts[fr.DUE_SOON],
            self.counts[fr.EMPTY],
            reverse("monitoring_freshness"),
            items,
        )


@hooks.register("construct_homepage_panels")
def freshness_panel(request, panels):
    panel = freshness_panel_for(request.user)
    if panel is not None:
        panels.append(panel)


def freshness_panel_for(user):

    if not watch_views.can_view_freshness(user):
        return None
    unit = unit_of(user)

    home = HomePage.objects.filter(locality=unit.locality).first() if unit else HomePage.objects.first()
    if home is None:
        return None
    statuses = fr.visible_statuses(user, fr.column_statuses(home))
    counts = fr.summary(statuses)
    urgent = [s for s in statuses if s.state in (fr.OVERDUE, fr.DUE_SOON)]
    urgent.sort(key=lambda s: (s.state != fr.OVERDUE, s.due or timezone.localdate()))
    scope = "全部单位" if perms.sees_all_units(user) else (unit.name if unit else "")
    return FreshnessPanel(counts, urgent[:8], scope)
