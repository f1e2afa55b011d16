"""Building each locality's review workflow from its profile, and what happens when it is approved.

``ensure_workflow(home)`` creates or updates the locality's Wagtail ``Workflow`` (machine check, then
one task per ``[[review.pipeline]]`` stage) and assigns it to the home page, so every item of the
site and its sub-sites goes through it. It runs whenever a profile is applied (``profile_applied``)
and when the demo is prepared. ``publish_approved`` is ``WAGTAIL_FINISH_WORKFLOW_ACTION``.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver
from wagtail.log_actions import log
from wagtail.models import Workflow, WorkflowPage, WorkflowTask

from govportal.portal.signals import profile_applied

from .interpretation import hold, should_hold
from .models import CoSignTask, MachineCheckTask, UnitRoleTask, WorkflowBinding
from .publication import locality_of
from .review import item_info, route_complete
from .routes import CO, review_rules

logger = logging.getLogger(__name__)


def _stage_values(stage, rules) -> dict:
    return {
        "name": stage.name,
        "unit_spec": stage.unit,
        "roles": list(stage.roles),
        "categories": list(stage.categories),
        "article": stage.article,
        "checklist": list(rules.checklist),
        "gates": list(rules.gates),
        "distinct_reviewers": rules.distinct_reviewers,
        "active": True,
    }


@transaction.atomic
def ensure_workflow(home) -> Workflow:
    """The locality's review workflow, built from (and kept in step with) its profile; assigned to ``home``."""
    locality = home.locality
    rules = review_rules(locality)
    binding = WorkflowBinding.objects.filter(locality=locality).select_related("workflow").first()
    name = f"{home.title}信息发布审核"
    if binding is None:
        workflow = Workflow.objects.create(name=name, active=True)
        binding = WorkflowBinding.objects.create(locality=locality, workflow=workflow)
    workflow = binding.workflow
    if workflow.name != name or not workflow.active:
        workflow.name, workflow.active = name, True
        workflow.save()

    check = MachineCheckTask.objects.filter(locality=locality).first()
    if check is None:
        check = MachineCheckTask.objects.create(name="机器检查（错敏信息）", locality=locality)
    elif not check.active:
        check.active = True
        check.save()
    tasks = [check]
    existing = {
        t.stage_code: t
        for model in (UnitRoleTask, CoSignTask)
        for t in model.objects.filter(locality=locality)
    }
    for stage in rules.stages:
        model = CoSignTask if stage.unit == CO else UnitRoleTask
        values = _stage_values(stage, rules)
        task = existing.pop(stage.code, None)
        if task is not None and not isinstance(task, model):
            task.deactivate()
            task = None
        if task is None:
            task = model.objects.create(locality=locality, stage_code=stage.code, **values)
        else:
            changed = [k for k, v in values.items() if getattr(task, k) != v]
            if changed:
                for k in changed:
                    setattr(task, k, values[k])
                task.save()
        tasks.append(task)
    for stale in existing.values():
        if stale.active:
            stale.deactivate()
    current = list(workflow.workflow_tasks.order_by("sort_order").values_list("task_id", flat=True))
    if current != [t.pk for t in tasks]:
        workflow.workflow_tasks.all().delete()
        for order, task in enumerate(tasks):
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


@receiver(profile_applied)
def on_profile_applied(sender, home, profile, **kwargs):
    ensure_workflow(home)


def publish_approved(workflow_state, user=None):
    """Publish the approved item (the workflow's approval is the authority, whoever signed last).

    Before publishing, the route is checked against the item as it now is: if its category or co-units
    changed during review so that a stage it now needs was skipped, the review starts again instead.
    """

    page = workflow_state.content_object
    missing = route_complete(workflow_state)
    if missing:
        specific = page.specific
        log(
            instance=specific,
            action="publishing.route_restart",
            user=user,
            data={"missing": missing},
        )
        workflow_state.restarted_for = missing  # read by the notifier: not published
        workflow_state.workflow.start(specific, workflow_state.requested_by)
        return
    revision = page.get_latest_revision()
    info = item_info(workflow_state)
    changed = False
    if info.unit is not None and "unit" in revision.content and not revision.content.get("unit"):
        # The item is published as its unit's: record the unit it was reviewed in (the submitter's).
        revision.content["unit"] = info.unit.pk
        changed = True
    if "info_category" in revision.content and revision.content.get("info_category") != info.category:
        # Record the category it was reviewed in (stricter than the editor's choice when its kind needs it):
        # the register, the feeds and the item's record read it.
        revision.content["info_category"] = info.category
        changed = True
    if changed:
        revision.save(update_fields=["content"])

    locality = locality_of(page)
    if should_hold(info.page, locality):
        # 同步: the document waits for its interpretation and is published with it.
        workflow_state.held_for_interpretation = True
        hold(page, revision, locality)
        return
    revision.publish(user=user, skip_permission_checks=True)
