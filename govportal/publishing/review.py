"""What the review tasks do (the models in ``models.py`` delegate here).

An item's route is decided from its latest revision: its information category, its unit (the item's
``unit``, or else the submitter's unit) and its co-units. Every human stage is acted on by people of
a unit holding one of the stage's roles; a co-sign stage waits for one approval from every co-unit.
Every decision is kept as a :class:`ReviewDecision` and logged on the page's history.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import TaskState
from wagtail.signals import task_submitted

from govportal.accounts.models import Role, Unit
from govportal.accounts.permissions import roles_of, unit_of
from govportal.accounts.staffing import staff_of
from govportal.monitoring.models import RegistryVersion
from govportal.monitoring.textcheck import check_item, check_item_attachments, locality_of, page_text
from govportal.notices.notifications import mark_read
from govportal.textcheck.findings import KIND_LABELS

from . import publication
from .categories import is_repost, review_category
from .models import CoSignTask, MachineCheckTask, ReviewDecision, ReviewStageTask, ReviewTaskState
from .routes import ANY, CO, OWN, STRICTNESS, review_rules

CATEGORY_LABELS = {
    "unit": "本单位职责范围内信息",
    "government": "以政府名义发布的信息",
    "major": "重大突发事件或敏感信息",
    "repost": "转载其他媒体的信息",
}


class ReviewRefused(PermissionDenied):
    """An action the rules do not allow; the message (Chinese) says why."""


# --- the item under review ----------------------------------------------------------------------------


@dataclass
class ItemInfo:
    page: object  # the specific page as in its latest revision
    revision: object
    unit: Unit | None
    category: str  # the category the item is reviewed in (never laxer than its kind requires)
    co_units: list[Unit] = field(default_factory=list)
    chosen_category: str = ""  # what the editor picked
    refused: list[str] = field(default_factory=list)  # why the chosen category cannot be used

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def raised_note(self) -> str:
        """Said on the review page when the item is reviewed in a stricter category than the editor chose."""

        if STRICTNESS.get(self.category, 0) > STRICTNESS.get(self.chosen_category, 0) and (
            self.chosen_category != "repost"
        ):
            chosen = CATEGORY_LABELS.get(self.chosen_category, self.chosen_category)
            return f"编辑所选为“{chosen}”，按本信息的种类从严审核"
        return ""


def item_info(workflow_state) -> ItemInfo:
    base = workflow_state.content_object
    revision = base.get_latest_revision()
    page = revision.as_object() if revision else base.specific
    unit = None
    # The route follows the unit the item belongs to, as stored on the item, never what a revision (an
    # edit form) says: an editor of another unit cannot take an item through their own unit's chain.
    unit_id = (
        type(page).objects.filter(pk=base.pk).values_list("unit_id", flat=True).first()
        if hasattr(page, "unit_id")
        else None
    )
    if unit_id:
        unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        unit = unit_of(workflow_state.requested_by)
    chosen = getattr(page, "info_category", "") or "unit"
    locality = publication.locality_of(base)
    category = review_category(page, locality)
    refused = []
    if chosen == "repost" and not is_repost(page):
        refused.append(repost_refusal(page, locality))
    co_units: list[Unit] = []
    if hasattr(page, "co_units"):
        co_units = [u for u in page.co_units.all() if unit is None or u.pk != unit.pk]
    return ItemInfo(
        page=page,
        revision=revision,
        unit=unit,
        category=category,
        co_units=co_units,
        chosen_category=chosen,
        refused=refused,
    )


def repost_refusal(page, locality: str) -> str:

    try:
        rules = review_rules(locality)
        cite = rules.cite(rules.repost_article)
    except Exception:
        cite = "转载信息的审核规定"
    kind = getattr(page, "kind_label", "") or "信息"
    return (
        f"“{CATEGORY_LABELS['repost']}”只适用于从其他媒体转载的信息（{cite}）；本条是{kind}，"
        "不是转载信息，不能选择该类别而免去本单位的审核。请在“发布与审核”中改选信息类别，"
        "或以“转载信息”发布并注明来源和原文地址后重新提交。"
    )


def findings_for(revision) -> list[dict]:
    """The text check of a revision and of the attachments it links (document blocks and document
    links whose text can be extracted); an attachment's findings name its file in ``subkind`` and
    ``attachment``. Cached by the revision's content, the attachments' files, the locality and the
    version of the administrators' registries (a new sensitive word applies at the next check)."""
    from wagtail.documents import get_document_model

    if revision is None:
        return []
    page = revision.as_object()
    locality = locality_of(getattr(revision, "content_object", None) or page)
    doc_ids = sorted(set(page_text(page).documents))
    docs = list(
        get_document_model()
        .objects.filter(pk__in=doc_ids)
        .order_by("pk")
        .values_list("pk", "file", "file_hash")
    )
    content = json.dumps(revision.content, sort_keys=True, default=str)
    digest = hashlib.sha256(
        "\x1f".join([content, locality, RegistryVersion.current(), json.dumps(docs, default=str)]).encode()
    ).hexdigest()
    key = f"publishing:findings:{digest}"
    found = cache.get(key)
    if found is None:
        found = [f.to_dict() for f in check_item(page, locality=locality, as_is=True)]
        for doc, _extracted, doc_findings in check_item_attachments(page, locality=locality, as_is=True):
            name = doc.filename or doc.title
            for f in doc_findings:
                d = f.to_dict()
                d["attachment"] = name
                d["document_id"] = doc.pk
                d["subkind"] = f"附件“{name}”" + (f"·{d['subkind']}" if d.get("subkind") else "")
                found.append(d)
        cache.set(key, found, 3600)
    return found


def blocking(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f.get("severity") == "blocking"]


def describe_finding(f: dict) -> str:
    label = KIND_LABELS.get(f.get("kind"), f.get("kind", ""))
    if f.get("subkind"):
        label += f"·{f['subkind']}"
    text = f"【{label}】“{f.get('text', '')}”"
    if f.get("suggestion"):
        text += f"，建议改为“{f['suggestion']}”"
    if f.get("rule"):
        text += f"（{f['rule']}）"
    return text


# --- who acts ---------------------------------------------------------------------------------------


def role_labels(roles) -> str:
    return "或".join(Role(r).label if r in Role.values else r for r in roles)


def stage_units(task: ReviewStageTask, info: ItemInfo) -> list[Unit]:
    if task.unit_spec == OWN:
        return [info.unit] if info.unit else []
    if task.unit_spec == CO:
        return list(info.co_units)
    if task.unit_spec == ANY:
        return list(
            Unit.objects.filter(
                locality=task.locality,
                role_groups__role__in=task.roles,
                role_groups__group__user__is_active=True,
            ).distinct()
        )
    return list(Unit.objects.filter(locality=task.locality, code=task.unit_spec))


def stage_applies(task: ReviewStageTask, info: ItemInfo) -> bool:
    wanted = {info.category}
    if info.category != "repost" and is_repost(info.page):
        wanted.add("repost")  # a repost reviewed more strictly still gets its repost check (001 Art. 8 (3))
    if not wanted & set(task.categories):
        return False
    if task.unit_spec == CO:
        return bool(info.co_units)
    return True


def route_problems(workflow, info: ItemInfo) -> list[str]:
    """Why the item cannot go through its route (a category it may not have, no unit, nobody to act)."""
    problems = list(info.refused)
    for task in human_tasks(workflow):
        if not stage_applies(task, info):
            continue
        if task.unit_spec == OWN and info.unit is None:
            problems.append(
                f"无法确定本信息的发布单位，“{task.name}”环节找不到审核人：请在“发布单位”中选择本信息的发布单位。"
            )
            continue
        units = stage_units(task, info)
        if task.unit_spec not in (OWN, CO, ANY) and not units:
            problems.append(f"“{task.name}”环节的办理单位（{task.unit_spec}）不存在，请联系网站管理员。")
            continue
        if task.unit_spec == CO:
            lacking = [u.name for u in units if not staff_of([u], task.roles).exists()]
            if lacking:
                problems.append(
                    f"“{task.name}”环节：联合发布单位{'、'.join(lacking)}尚无{role_labels(task.roles)}账号，"
                    "无法会签，请联系网站管理员在“单位与人员”中设置后再提交。"
                )
        elif not staff_of(units, task.roles).exists():
            where = "、".join(u.name for u in units) if units else "本地区各单位"
            problems.append(
                f"“{task.name}”环节没有可以办理的人员：{where}尚无{role_labels(task.roles)}账号，"
                "请联系网站管理员在“单位与人员”中设置后再提交。"
            )
    return problems


def human_tasks(workflow) -> list[ReviewStageTask]:
    return [t for t in workflow.tasks.filter(active=True).specific() if isinstance(t, ReviewStageTask)]


def may_act(task: ReviewStageTask, state, user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if state is None or state.status != TaskState.STATUS_IN_PROGRESS:
        return False
    if not isinstance(state, ReviewTaskState):
        state = state.specific
    unit = unit_of(user)
    if unit is None or not (roles_of(user) & set(task.roles)):
        return False
    if not state.units.filter(pk=unit.pk).exists():
        return False
    if isinstance(task, CoSignTask) and state.review_decisions.filter(unit=unit).exists():
        return False
    return True


def approve_blockers(task: ReviewStageTask, state, user) -> list[str]:
    """Why ``user`` may not approve now (empty when they may)."""
    reasons = []
    if task.distinct_reviewers:
        earlier = (
            ReviewDecision.objects.filter(
                task_state__workflow_state_id=state.workflow_state_id,
                user=user,
                action=ReviewDecision.APPROVE,
            )
            .exclude(stage_code=task.stage_code)
            .values_list("stage_name", flat=True)
            .first()
        )
        if earlier:
            reasons.append(
                f"您已在“{earlier}”环节签署过本信息；同一信息的各审核环节须由不同的人把关"
                f"（{task_rules_cite(task)}）。请由本单位其他{role_labels(task.roles)}办理。"
            )
    author_rule = first_review_by_author(task, state, user)
    if author_rule and not author_rule.startswith(SELF_CHECKED):
        reasons.append(author_rule)
    revision = state.workflow_state.content_object.get_latest_revision()
    hard = blocking(findings_for(revision))
    if hard:
        reasons.append(
            f"当前稿件有 {len(hard)} 处必须修改的错敏信息（如{describe_finding(hard[0])}），不能审核通过，请退回修改。"
        )
    return reasons


SELF_CHECKED = "自校"


def first_review_by_author(task: ReviewStageTask, state, user) -> str:
    """The 初审初校 rule (issue #19) for ``user`` signing an editor stage of their own item.

    "" when it does not apply; a refusal when the unit has another editor (or the profile does not allow
    self-checking); a note starting with ``SELF_CHECKED`` when the unit's only editor may check it."""
    if Role.EDITOR not in task.roles:
        return ""
    workflow_state = state.workflow_state
    page = workflow_state.content_object
    if user.pk not in {workflow_state.requested_by_id, getattr(page, "owner_id", None)}:
        return ""
    unit = unit_of(user)
    editors = staff_of([unit], [Role.EDITOR]).exclude(pk=user.pk).count() if unit else 0

    try:
        rules = review_rules(task.locality)
    except Exception:
        rules = None
    cite = (
        rules.cite(rules.self_check_article) if rules and rules.self_check_article else task_rules_cite(task)
    )
    if editors:
        return (
            f"“{task.name}”须由作者以外的信息员办理：本信息由您起草，本单位还有 {editors} 名信息员，"
            f"请由其中一人初审初校（{task_rules_cite(task)}）。"
        )
    if rules is not None and rules.self_check:
        return f"{SELF_CHECKED}：本单位只有一名信息员，按{cite}由作者自行初审初校，已记录为自校。"
    return (
        f"“{task.name}”须由作者以外的信息员办理，本地区配置不允许自校，而本单位只有您一名信息员"
        f"（{task_rules_cite(task)}）。请网站管理员为本单位增设信息员。"
    )


def task_rules_cite(task) -> str:

    try:
        return review_rules(task.locality).cite(task.article.split("：")[0])
    except Exception:
        return task.article


def actions_for(task: ReviewStageTask, obj, user):
    state = obj.current_workflow_task_state
    if state is None or state.task_id != task.pk:
        return []
    state = state.specific
    if not may_act(task, state, user):
        return []
    reject_label = "不同意（退回修改）" if isinstance(task, CoSignTask) else "退回修改"
    actions = [("reject", reject_label, True)]
    if not approve_blockers(task, state, user):
        approve_label = "同意联合发布" if isinstance(task, CoSignTask) else "审核通过"
        actions.append(("approve", approve_label, True))
    return actions


def states_user_can_moderate(task: ReviewStageTask, user):
    unit = unit_of(user)
    if unit is None or not (roles_of(user) & set(task.roles)):
        return TaskState.objects.none()
    qs = TaskState.objects.filter(task=task, status=TaskState.STATUS_IN_PROGRESS, reviewtaskstate__units=unit)
    if isinstance(task, CoSignTask):
        qs = qs.exclude(review_decisions__unit=unit)
    return TaskState.objects.filter(pk__in=list(qs.values_list("pk", flat=True)))


# --- starting stages ------------------------------------------------------------------------------


def _new_state(task, workflow_state, info: ItemInfo) -> ReviewTaskState:
    return ReviewTaskState(
        workflow_state=workflow_state,
        task=task,
        revision=info.revision,
        category=info.category,
    )


def _finish(state: ReviewTaskState, status: str, comment: str) -> ReviewTaskState:
    state.status = status
    state.finished_at = timezone.now()
    state.comment = comment
    state.save()
    return state


def run_machine_check(task: MachineCheckTask, workflow_state, user=None) -> ReviewTaskState:
    info = item_info(workflow_state)
    state = _new_state(task, workflow_state, info)
    found = findings_for(info.revision)
    hard = blocking(found)
    problems = route_problems(workflow_state.workflow, info)
    state.findings = found
    if hard or problems:
        lines = []
        if hard:
            lines.append(f"机器检查发现 {len(hard)} 处必须修改的错敏信息：")
            lines += [f"{n}. {describe_finding(f)}" for n, f in enumerate(hard, start=1)]
        if problems:
            lines.append("审核流程无法进行：")
            lines += [f"- {p}" for p in problems]
        lines.append("请修改后重新提交。")
        _finish(state, TaskState.STATUS_REJECTED, "\n".join(lines))
    else:
        warnings = len(found)
        comment = "机器检查通过。" + (f"另有 {warnings} 条提示随稿送审核人参考。" if warnings else "")
        _finish(state, TaskState.STATUS_APPROVED, comment)
    log(
        instance=info.page,
        action="publishing.machine_check",
        user=None,
        revision=info.revision,
        data={
            "blocking": len(hard),
            "warnings": len(found) - len(hard),
            "problems": problems,
            "comment": state.comment,
        },
    )
    return state


def start_stage(task: ReviewStageTask, workflow_state, user=None) -> ReviewTaskState:
    info = item_info(workflow_state)
    state = _new_state(task, workflow_state, info)
    if not stage_applies(task, info):
        why = (
            "本信息无联合发布单位"
            if task.unit_spec == CO and info.category in task.categories
            else f"不适用于“{info.category_label}”"
        )
        return _finish(state, TaskState.STATUS_SKIPPED, f"已跳过：{why}。")
    state.status = TaskState.STATUS_IN_PROGRESS
    state.findings = [f for f in findings_for(info.revision) if f.get("severity") != "blocking"]
    state.save()
    state.units.set(stage_units(task, info))
    task_submitted.send(sender=ReviewTaskState, instance=state, user=user)
    return state


# --- acting -----------------------------------------------------------------------------------------


def _record(task, state, user, action, checklist, gates, comment) -> ReviewDecision:
    staff = getattr(user, "staff", None)
    unit = staff.unit if staff else None
    page = state.workflow_state.content_object
    decision = ReviewDecision.objects.create(
        task_state=state,
        page_id=page.pk,
        revision=page.get_latest_revision(),
        stage_code=task.stage_code,
        stage_name=task.name,
        user=user,
        user_name=user.get_full_name() or user.get_username(),
        unit=unit,
        unit_name=unit.name if unit else "",
        roles=sorted(roles_of(user) & set(task.roles)),
        action=action,
        checklist=list(checklist),
        gates=list(gates),
        comment=comment,
    )
    return decision


@transaction.atomic
def perform(task: ReviewStageTask, task_state, user, action_name, checklist=(), gates=(), comment="", **kw):
    state = ReviewTaskState.objects.select_for_update().get(pk=task_state.pk)
    if state.status != TaskState.STATUS_IN_PROGRESS:
        raise ReviewRefused("本环节已经办结，无需再次办理。")
    if not may_act(task, state, user):
        raise ReviewRefused(
            f"您不能办理“{task.name}”环节：须由{'、'.join(u.name for u in state.units.all()) or '相应单位'}"
            f"的{role_labels(task.roles)}办理。"
        )
    comment = (comment or "").strip()
    checklist = [c for c in (checklist or []) if c in task.checklist]
    gates = [g for g in (gates or []) if g in task.gates]
    if action_name == "approve":
        blockers = approve_blockers(task, state, user)
        if blockers:
            raise ReviewRefused(blockers[0])
        missing = [c for c in task.checklist if c not in checklist] + [
            g for g in task.gates if g not in gates
        ]
        if missing:
            raise ReviewRefused(f"审核通过前须逐项确认审核清单，尚未确认：{'；'.join(missing)}。")
        self_checked = first_review_by_author(task, state, user)
        if self_checked.startswith(SELF_CHECKED):
            comment = f"【{self_checked}】{comment}".strip()
        _record(task, state, user, ReviewDecision.APPROVE, checklist, gates, comment)
        if isinstance(task, CoSignTask):
            agreed = set(state.review_decisions.filter(action="approve").values_list("unit_id", flat=True))
            waiting = [u for u in state.units.all() if u.pk not in agreed]
            if waiting:
                staff_unit = unit_of(user)
                log(
                    instance=state.workflow_state.content_object.specific,
                    action="publishing.cosign",
                    user=user,
                    revision=state.revision,
                    data={
                        "unit": staff_unit.name if staff_unit else "",
                        "waiting": [u.name for u in waiting],
                        "comment": comment,
                    },
                )
                return None
        state.approve(user=user, comment=comment)
        _close_notices(state)
    elif action_name == "reject":
        if not comment:
            raise ReviewRefused("退回修改须写明理由，以便信息员修改。")
        _record(task, state, user, ReviewDecision.REJECT, checklist, gates, comment)
        state.reject(user=user, comment=comment)
        _close_notices(state)
    else:
        raise ReviewRefused(f"未知的审核操作：{action_name}")
    return None


def _close_notices(state) -> None:
    """The stage is done: the "waiting for you" notices about it are no longer news."""
    from django.urls import reverse

    mark_read(url=reverse("publishing_review", args=[state.pk]))


def route_complete(workflow_state) -> list[str]:
    """Stages the item's current route needs that were not approved in this round (empty = complete)."""
    from django.conf import settings

    info = item_info(workflow_state)
    states = workflow_state.task_states.filter(status=TaskState.STATUS_APPROVED)
    if getattr(settings, "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", False) and info.revision is not None:
        states = states.filter(revision=info.revision)  # approvals of earlier text do not count
    approved = set(states.values_list("task_id", flat=True))
    return [
        t.name
        for t in human_tasks(workflow_state.workflow)
        if stage_applies(t, info) and t.pk not in approved
    ]
