from django.core.exceptions import PermissionDenied
from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import staffing, views
from .forms import StaffForm
from .menus import RoleMenuItem
from .models import Staff, Unit
from .policy import locality_of


class UnitViewSet(SnippetViewSet):
    model = Unit
    icon = "group"
    menu_label = "单位"
    list_display = ["name", "kind", "locality", "parent"]
    list_filter = ["locality", "kind"]
    search_fields = ["name", "code"]


class StaffViewSet(SnippetViewSet):
    model = Staff
    icon = "user"
    menu_label = "单位人员"
    edit_handler = ObjectList(Staff.panels, base_form_class=StaffForm)
    list_display = ["user", "unit", "title"]
    list_filter = ["unit__locality"]


class AccountsGroup(SnippetViewSetGroup):
    menu_label = "单位与人员"
    menu_icon = "group"
    menu_order = 300
    items = (UnitViewSet, StaffViewSet)


register_snippet(AccountsGroup)


# --- security pages ---------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def security_step_urls():
    # Reachable while the two-factor or password step is pending (see middleware._OPEN_PATHS).
    return [
        path("security/2fa/enrol/", views.two_factor_enrol, name="accounts_2fa_enrol"),
        path("security/2fa/verify/", views.two_factor_verify, name="accounts_2fa_verify"),
        path("security/password/", views.password_change, name="accounts_password_change"),
    ]


class SecurityViewSet(ViewSet):
    name = "accounts_admin"
    url_prefix = "security"
    icon = "lock"

    def get_urlpatterns(self):
        return [
            path("log/", views.security_log, name="log"),
            path("resets/", views.reset_requests, name="resets"),
            path("resets/<int:pk>/", views.reset_decide, name="reset_decide"),
            path("changes/", views.admin_changes, name="changes"),
            path("training/", views.trainings, name="trainings"),
            path("responsibility/", views.responsibility, name="responsibility"),
            path("responsibility/<int:unit_id>/", views.responsibility_edit, name="responsibility_edit"),
            path("two-factor/", views.two_factor_people, name="two_factor"),
            path("two-factor/<int:user_id>/reset/", views.two_factor_reset, name="two_factor_reset"),
        ]


@hooks.register("register_admin_viewset")
def register_security_viewset():
    return SecurityViewSet()


def _oversight(u, loc):
    return staffing.can_record_requests(u, loc) or staffing.can_read_security_log(u, loc)


_MENU = [
    ("修改密码", "accounts_password_change", "key", lambda u, loc: True),
    ("安全审计日志", "accounts_admin:log", "list-ul", staffing.can_read_security_log),
    ("单位责任人", "accounts_admin:responsibility", "group", _oversight),
    ("管理员变更备案", "accounts_admin:changes", "user", staffing.is_site_admin_of),
    ("上岗培训记录", "accounts_admin:trainings", "form", staffing.can_record_requests),
    ("密码重置申请", "accounts_admin:resets", "key", staffing.can_record_requests),
    ("双因素认证", "accounts_admin:two_factor", "lock", staffing.is_site_admin_of),
]


@hooks.register("register_admin_menu_item")
def security_menu_item():
    menu = Menu(
        items=[
            RoleMenuItem(
                label,
                url_name,
                lambda user, shown=shown: shown(user, locality_of(user)),
                icon_name=icon,
                order=i,
                name=f"security-{i}",
            )
            for i, (label, url_name, icon, shown) in enumerate(_MENU)
        ]
    )
    return SubmenuMenuItem("账号安全", menu, icon_name="lock", order=310, name="security")


# --- who may touch whose account --------------------------------------------------------------------


def _refuse_snippet(request, instance) -> None:
    if not isinstance(instance, Staff) or request.user.is_superuser:
        return
    if instance.user.is_superuser:
        raise PermissionDenied("只有平台超级管理员可以修改超级管理员的人员记录。")
    if instance.unit.locality != locality_of(request.user):
        raise PermissionDenied("不能修改其他地区单位的人员。")


@hooks.register("before_edit_snippet")
def before_edit_staff(request, instance):
    _refuse_snippet(request, instance)


@hooks.register("before_delete_snippet")
def before_delete_staff(request, instances):
    for instance in instances:
        _refuse_snippet(request, instance)
