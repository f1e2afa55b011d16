from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import permissions as perms
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


class SensitiveWordViewSet(RegistryViewSet):
    model = SensitiveWord
    icon = "warning"
    menu_label = "敏感词库"
    list_display = ["term", "category", "severity", "suggestion", "locality", "enabled"]
    list_filter = ["category", "severity", "enabled", "locality"]
    search_fields = ["term", "category", "note"]


class FixedExpressionViewSet(RegistryViewSet):
    model = FixedExpression
    icon = "edit"
    menu_label = "规范表述库"
    list_display = ["wrong", "correct", "category", "severity", "locality", "enabled"]
    list_filter = ["category", "severity", "enabled", "locality"]
    search_fields = ["wrong", "correct", "category"]


class LeaderViewSet(RegistryViewSet):
    model = Leader
    icon = "user"
    menu_label = "领导人姓名职务库"
    list_display = ["name", "titles", "outdated", "locality", "enabled"]
    list_filter = ["enabled", "locality"]
    search_fields = ["name", "titles", "outdated"]


class BlockedDomainViewSet(RegistryViewSet):
    model = BlockedDomain
    icon = "cross"
    menu_label = "链接黑名单"
    list_display = ["domain", "note", "locality", "enabled"]
    list_filter = ["enabled", "locality"]
    search_fields = ["domain", "note"]


class AllowedDomainViewSet(RegistryViewSet):
    model = AllowedDomain
    icon = "link"
    menu_label = "非政府网站链接白名单"
    list_display = ["domain", "note", "locality", "enabled"]
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


class _RoleMenuItem(MenuItem):
    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self._check = check

    def is_shown(self, request):
        return self._check(request.user)


@hooks.register("register_textcheck_menu_item")
def scan_report_menu_item():
    return _RoleMenuItem(
        "全站扫描报告",
        reverse("textcheck_scan_report"),
        icon_name="doc-full",
        order=0,
        check=perms.can_view_scans,
    )


@hooks.register("register_textcheck_menu_item")
def registry_tools_menu_item():
    return _RoleMenuItem(
        "词库导入导出",
        reverse("textcheck_registry_tools"),
        icon_name="download",
        order=90,
        check=perms.can_manage_registries,
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    from . import views

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
