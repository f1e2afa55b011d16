"""Who is told what about a review (through ``govportal.notices``: a notice in the back office and an e-mail).

Reviewers are told when an item reaches their stage; the submitter when it is returned (with the
reasons) or approved; responsible units when an emergency deadline nears or passes; a unit when a
policy document's interpretation is due.
"""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_cancelled, task_submitted

from govportal.accounts.models import Role, Unit
from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import mark_read, notify

from .models import ReviewTaskState
from .publication import locality_of
from .review import item_info


def review_url(state) -> str:
    return reverse("publishing_review", args=[state.pk])


def item_url(page_id) -> str:
    return reverse("publishing_item", args=[page_id])


@receiver(task_submitted, sender=ReviewTaskState)
def stage_started(sender, instance: ReviewTaskState, user=None, **kwargs):

    if instance.status != TaskState.STATUS_IN_PROGRESS:
        return
    task = instance.task.specific
    units = list(instance.units.all())
    info = item_info(instance.workflow_state)
    title = f"待审核：{info.page.title}（{task.name}）"
    body = (
        f"信息《{info.page.title}》（{info.category_label}"
        f"{'，' + info.unit.name if info.unit else ''}）已到“{task.name}”环节，等待您审核。"
    )
    warnings = [f for f in instance.findings if f.get("severity") != "blocking"]
    if warnings:
        body += f"\n机器检查提示 {len(warnings)} 条，请审核时留意。"
    notify(staff_of(units, task.roles), "review", title, body, review_url(instance))


def item_returned(sender, instance: WorkflowState, user=None, **kwargs):
    state = instance.current_task_state
    if state is None:
        return
    page = instance.content_object
    task = state.task.specific
    who = ""
    if state.finished_by:
        who = state.finished_by.get_full_name() or state.finished_by.get_username()
    title = f"退回修改：{page.get_admin_display_title()}"
    body = f"信息《{page.get_admin_display_title()}》在“{task.name}”环节被{who or '系统'}退回修改。\n理由：\n{state.comment}"
    recipients = [instance.requested_by] if instance.requested_by else site_admins_of(page)
    notify(recipients, "returned", title, body, reverse("wagtailadmin_pages:edit", args=[page.pk]))


def item_approved(sender, instance: WorkflowState, user=None, **kwargs):
    if getattr(instance, "restarted_for", None):
        return
    page = instance.content_object.specific
    if getattr(instance, "held_for_interpretation", False):
        body = f"信息《{page.title}》已审核通过。按规定须与政策解读同步发布，目前暂缓发布，解读发布时将同步发布。"
    elif page.live:
        body = f"信息《{page.title}》已审核通过并发布。"
    elif page.go_live_at and page.go_live_at > timezone.now():
        body = f"信息《{page.title}》已审核通过，将于 {timezone.localtime(page.go_live_at):%Y-%m-%d %H:%M} 定时发布。"
    else:
        body = f"信息《{page.title}》已审核通过。"
    recipients = [instance.requested_by] if instance.requested_by else []
    notify(recipients, "approved", f"审核通过：{page.title}", body, item_url(page.pk))


def site_admins_of(page) -> list:
    """Who answers for an item nobody submitted (a feed entry): the locality's site administrators."""

    units = Unit.objects.filter(locality=locality_of(page))
    return list(staff_of(units, [Role.SITE_ADMIN]))


@receiver(task_cancelled, sender=ReviewTaskState)
def stage_cancelled(sender, instance, user=None, **kwargs):
    mark_read(url=review_url(instance))
