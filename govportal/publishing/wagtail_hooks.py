"""Back-office wiring of the publishing app.

- Items (pages with an information category) reach the public site only through review: the editor's
  "publish" action is removed and refused, bulk publishing and "copy and publish" of items are refused;
  Wagtail's unpublish of an item goes to the withdrawal form, which asks for the reason.
- Menu "信息发布": the reviewer's inbox, the publication register, emergencies, feeds, webhooks.
- Dashboard panels: what waits for me, and the emergency countdown.
- Log actions, so the page history shows machine checks, co-sign consents and withdrawals.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.models import TaskState

from govportal.accounts.menus import RoleMenuItem
from govportal.accounts.models import Role
from govportal.accounts.permissions import is_site_admin, roles_of, unit_of
from govportal.notices.notifications import unread
from govportal.search.indexing import index_page

from . import views
from .admin_views import feed_viewset, incident_viewset, webhook_viewset
from .models import Incident, ReviewTaskState, StaticPublish
from .publication import can_withdraw, is_item

REVIEW_ONLY = (
    "信息须经审核后才能发布（未经审核把关的信息不得上网发布）：请点击“提交审核”，审核通过后自动发布。"
)


@hooks.register("register_admin_urls")
def urls():
    return [
        path("publishing/review/<int:state_id>/", views.review, name="publishing_review"),
        path("publishing/inbox/", views.inbox, name="publishing_inbox"),
        path("publishing/item/<int:page_id>/", views.item_status, name="publishing_item"),
        path("publishing/withdraw/<int:page_id>/", views.withdraw_view, name="publishing_withdraw"),
        path("publishing/register/", views.register_view, name="publishing_register"),
        path("publishing/emergencies/", views.emergencies, name="publishing_emergencies"),
        path(
            "publishing/emergencies/<int:pk>/<str:what>/",
            views.incident_done,
            name="publishing_incident_done",
        ),
        path("publishing/interpretations/", views.interpretations, name="publishing_interpretations"),
        path("publishing/feeds/", views.feeds_overview, name="publishing_feeds"),
        path("publishing/feeds/<int:pk>/fetch/", views.feed_fetch, name="publishing_feed_fetch"),
    ]


@hooks.register("register_admin_viewset")
def viewsets():
    return [incident_viewset, feed_viewset, webhook_viewset]


# --- nothing is published around the review --------------------------------------------------------


@hooks.register("construct_page_action_menu")
def hide_publish(menu_items, request, context):
    page = context.get("page")
    model = page.specific_class if page is not None and page.pk else context.get("model")
    if model is not None and hasattr(model, "info_category"):
        menu_items[:] = [
            i for i in menu_items if getattr(i, "name", "") not in ("action-publish", "action-unpublish")
        ]


@hooks.register("before_publish_page")
def refuse_direct_publish(request, page):
    if is_item(page.specific):
        if page.live and page.live_revision_id is None:
            # Wagtail's "add page" stores a new page live=True before asking this hook (its publish would
            # set it): refused, the new item must stay a draft, or the public could read it unreviewed.

            type(page).objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
            page.live, page.has_unpublished_changes = False, True
            index_page(page.pk)  # the lists (from the search index) took it in when it was saved live
        messages.error(request, REVIEW_ONLY)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk(request, action_type, objects, action_class_instance):
    items = [o for o in objects if is_item(getattr(o, "specific", o))]
    if not items:
        return None
    if action_type == "publish":
        messages.error(request, "信息不能批量发布：" + REVIEW_ONLY)
        return redirect(request.GET.get("next") or reverse("wagtailadmin_explore_root"))
    if action_type == "unpublish":
        messages.error(
            request,
            "已发布的信息须逐条撤回并写明原因（撤回记录留存备查）：请在信息的“审核记录”中点击“撤回”。",
        )
        return redirect(request.GET.get("next") or reverse("wagtailadmin_explore_root"))
    return None


@hooks.register("before_copy_page")
def refuse_copy_publish(request, page):
    if request.method == "POST" and request.POST.get("publish_copies"):
        if is_item(page.specific) or any(is_item(p.specific) for p in page.get_descendants()[:500]):
            messages.error(request, "复制的信息须重新审核后发布：请取消“发布副本”后再复制。")
            return redirect("wagtailadmin_pages:copy", page.pk)
    return None


@hooks.register("before_unpublish_page")
def withdraw_instead(request, page):
    if is_item(page.specific):
        return redirect("publishing_withdraw", page.pk)
    return None


@hooks.register("before_edit_page")
def show_return_reasons(request, page):
    """On the draft of a returned item, show who returned it and why (or the machine check's list)."""
    if request.method != "GET":
        return None
    state = page.current_workflow_state
    if state is None or state.status != state.STATUS_NEEDS_CHANGES or state.current_task_state is None:
        return None
    ts = state.current_task_state
    if not isinstance(ts.specific, ReviewTaskState):
        return None
    who = ts.finished_by.get_full_name() or ts.finished_by.get_username() if ts.finished_by else "机器检查"
    messages.warning(request, f"本信息在“{ts.task.name}”环节被{who}退回修改：{ts.comment}")
    return None


@hooks.register("before_edit_page")
def show_static_publish(request, page):
    """After a publish, the pages of the public site are written by the job worker: the editor sees
    正在发布 while it works, then the result (or the failure)."""
    if request.method != "GET":
        return None

    state = StaticPublish.objects.filter(page_id=page.pk).first()
    if state is None:
        return None
    if state.state == StaticPublish.PENDING:
        messages.info(request, "正在发布：网站页面正在后台生成，稍候刷新本页查看结果。")
    elif state.state == StaticPublish.DONE and state.finished_at:
        when = timezone.localtime(state.finished_at).strftime("%Y-%m-%d %H:%M:%S")
        done = "已发布到网站" if page.live else "已从网站撤下"
        messages.success(request, f"{done}（{when}）：{state.detail}。")
    elif state.state == StaticPublish.FAILED:
        messages.error(
            request,
            f"发布到网站失败：{state.detail}。信息本身已发布，网站管理员可运行 govportal publish-site 补写页面文件。",
        )
    return None


# --- page buttons -----------------------------------------------------------------------------------------


def _item_buttons(page, user, priority_base):
    if not is_item(page.specific_deferred if hasattr(page, "specific_deferred") else page.specific):
        return
    yield Button(
        "审核记录", reverse("publishing_item", args=[page.pk]), icon_name="tasks", priority=priority_base
    )
    if page.live and can_withdraw(user, page.specific):
        yield Button(
            "撤回",
            reverse("publishing_withdraw", args=[page.pk]),
            icon_name="cross",
            priority=priority_base + 1,
        )


@hooks.register("register_page_header_buttons")
def header_buttons(page, user, view_name, next_url=None):
    yield from _item_buttons(page, user, 40)


@hooks.register("register_page_listing_more_buttons")
def listing_buttons(page, user, next_url=None):
    yield from _item_buttons(page, user, 40)


# --- menu ----------------------------------------------------------------------------------------------------


class InboxMenuItem(MenuItem):
    def get_context(self, request):
        context = super().get_context(request)
        waiting = TaskState.objects.reviewable_by(request.user).count()
        if waiting:
            context["label"] = f"{self.label}（{waiting}）"
        return context


def _site_admin_or(*roles):
    """The site administrator, and the people holding one of ``roles``."""
    wanted = set(roles)
    return lambda user: user.is_superuser or is_site_admin(user) or bool(roles_of(user) & wanted)


@hooks.register("register_admin_menu_item")
def publishing_menu():
    from wagtail.admin.menu import Menu

    items = [
        InboxMenuItem("待我审核", reverse("publishing_inbox"), icon_name="tasks", order=10),
        RoleMenuItem(
            "发布登记簿",
            "publishing_register",
            _site_admin_or(Role.HOST_OFFICE, Role.OPERATOR),
            icon_name="list-ol",
            order=20,
        ),
        MenuItem("突发事件时限", reverse("publishing_emergencies"), icon_name="warning", order=30),
        MenuItem("政策解读跟踪", reverse("publishing_interpretations"), icon_name="doc-full", order=35),
        RoleMenuItem("信息采集订阅", "publishing_feeds", _site_admin_or(), icon_name="download", order=40),
        RoleMenuItem("信息推送接口", "webhooks:index", _site_admin_or(), icon_name="link-external", order=50),
    ]
    return SubmenuMenuItem("信息发布", Menu(items=items), icon_name="doc-full-inverse", order=150)


# --- dashboard ---------------------------------------------------------------------------------------------------


class WaitingPanel(Component):
    order = 40

    def __init__(self, request):
        self.request = request

    def render_html(self, parent_context=None):
        user = self.request.user
        states = list(TaskState.objects.reviewable_by(user).select_related("task", "workflow_state")[:8])
        notices = list(unread(user)[:5])
        if not states and not notices:
            return ""
        rows = []
        for ts in states:
            page = ts.workflow_state.content_object
            if page is not None:
                rows.append({"state": ts, "page": page, "task": ts.task})
        return render_to_string(
            "publishing/panels/waiting.html",
            {"rows": rows, "notices": notices, "now": timezone.now()},
            request=self.request,
        )


class EmergencyPanel(Component):
    order = 30

    def __init__(self, request):
        self.request = request

    def render_html(self, parent_context=None):
        unit = unit_of(self.request.user)
        if unit is None:
            return ""
        incidents = Incident.objects.filter(locality=unit.locality, closed_at__isnull=True)
        if not (
            is_site_admin(self.request.user)
            or roles_of(self.request.user) & {Role.HOST_OFFICE, Role.OPERATOR}
        ):
            incidents = incidents.filter(units=unit)
        incidents = list(incidents.prefetch_related("units")[:5])
        if not incidents:
            return ""
        return render_to_string(
            "publishing/panels/emergencies.html",
            {"rows": views.incident_rows(incidents)},
            request=self.request,
        )


@hooks.register("construct_homepage_panels")
def panels(request, panels):
    # "待我审核" is ours (it opens the review page with its checklist): Wagtail's "Awaiting your review"
    # would list the same items a second time.
    panels[:] = [p for p in panels if getattr(p, "name", "") != "workflow_objects_to_moderate"]
    panels.append(EmergencyPanel(request))
    panels.append(WaitingPanel(request))


# --- history -------------------------------------------------------------------------------------------------


@hooks.register("register_log_actions")
def log_actions(actions):
    @actions.register_action("publishing.machine_check")
    class MachineCheck(LogFormatter):
        label = "机器检查"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            if data.get("blocking") or data.get("problems"):
                return f"机器检查未通过，已退回：{data.get('comment', '')}"
            return f"机器检查通过（提示 {data.get('warnings', 0)} 条）"

    @actions.register_action("publishing.cosign")
    class CoSign(LogFormatter):
        label = "联合发布会签"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            text = f"{data.get('unit', '')}同意联合发布；尚待{'、'.join(data.get('waiting', []))}同意"
            if data.get("comment"):
                text += f"。意见：{data['comment']}"
            return text

    @actions.register_action("publishing.withdraw")
    class Withdraw(LogFormatter):
        label = "撤回"

        def format_message(self, log_entry):
            return f"已从网站撤回。原因：{(log_entry.data or {}).get('reason', '')}"

    @actions.register_action("publishing.route_restart")
    class RouteRestart(LogFormatter):
        label = "重新审核"

        def format_message(self, log_entry):
            missing = "、".join((log_entry.data or {}).get("missing", []))
            return f"审核中信息类别或联合发布单位有变，尚缺“{missing}”环节，审核流程重新开始"
