"""The state machines of letters, disclosure requests and error reports, as tables, and the one ``fire()``.

Each :class:`Transition` is one row: its name (the action a button posts), the states it may start from,
the state it leads to (``None``: the step is taken without changing the state, e.g. 受理 or 申请延期), who
may take it (a predicate of ``permissions.py``, named in :data:`RIGHTS`), and the key of the article it
carries out in the machine's profile section (``[letters]``, ``[disclosure]``, ``[error_reports]``), cited
with the loaded locality's regulation — never another locality's article.

:func:`refusal` decides (state, action, rights) without a database; :func:`allowed` gives the actions a user
may take on an object now (what the back office shows as buttons); :func:`fire` takes a step: it checks the
table, runs the step's own checks, claims the state with a conditional update (``filter(pk=…,
state=old).update(…)``) so two clerks clicking at once cannot both win, runs the step's events,
related rows and notifications in the same transaction, and sends :data:`transition_fired`.

The steps themselves (what each action writes) are registered by ``workflow.py``, ``disclosure.py`` and
``error_reports.py`` with :func:`step`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Generator
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal

from . import permissions
from .models import DisclosureState, ErrorState, LetterState
from .rules import disclosure_rules, error_report_rules, letter_rules


class WorkflowError(Exception):
    """A step that is not allowed; ``str(exc)`` is the message for the user."""


#: Sent after a step was taken: ``sender`` is the model, with ``obj``, ``transition``, ``actor``,
#: ``source`` (the state before) and ``target`` (the state after).
transition_fired = Signal()


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the verb in 「不能{label}」
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    who: str  # key of RIGHTS
    article: str  # key of the article in the machine's profile section
    refusal: str = ""  # what a refused actor reads, when not RIGHTS[who]


@dataclass(frozen=True)
class Machine:
    name: str  # model_name of the model it drives
    noun: str  # 信件 / 申请 / 纠错: 「该来信已由其他工作人员处理」 uses ``taken``
    taken: str
    states: type  # the TextChoices of the state field
    steps_module: str
    transitions: tuple[Transition, ...]

    def get(self, action: str) -> Transition:
        for t in self.transitions:
            if t.name == action:
                return t
        raise WorkflowError("未知的操作。")

    def state_label(self, state: str) -> str:
        return dict(self.states.choices).get(state, state)

    def cite(self, locality: str, key: str) -> str:
        return RULES[self.name](locality).cite(key)


#: Who may: the predicate names of ``permissions.py`` the table uses, and what a refused actor reads
#: (``{label}``: the step; ``{unit}``: the unit the object is addressed to).
RIGHTS: dict[str, str] = {
    "is_centre": "只有12345热线管理中心可以{label}",
    "is_lead_handler": "只有主办单位的工作人员可以{label}",
    "is_co_handler": "只有协办单位可以{label}",
    "is_unit_leader": "只有主办单位的负责领导可以{label}",
    "writer": "只有来信人可以{label}",
    "can_handle_disclosure": "只有{unit}的工作人员可以办理这件申请",
    "is_disclosure_approver": "延长答复期限须经政府信息公开工作机构负责人同意",
    "applicant": "只有申请人可以{label}",
    "is_error_centre": "只有网站纠错的受理单位可以{label}",
    "is_error_handler": "只有责任单位可以答复这条纠错",
}
REVIEW_REFUSAL = "答复须经本单位负责领导审核，您没有审核权限"

L, D, E = LetterState, DisclosureState, ErrorState

LETTERS = Machine(
    name="letter",
    noun="信件",
    taken="该来信已由其他工作人员处理",
    states=LetterState,
    steps_module="govportal.interaction.workflow",
    transitions=(
        Transition("accept", "受理", (L.RECEIVED,), None, "is_centre", "single_entry_article"),
        Transition(
            "reject", "不予受理", (L.RECEIVED, L.RETURNED), L.REJECTED, "is_centre", "single_entry_article"
        ),
        Transition("merge", "合并", (L.RECEIVED, L.RETURNED), L.MERGED, "is_centre", "single_entry_article"),
        Transition(
            "dispatch", "派单", (L.RECEIVED, L.RETURNED), L.DISPATCHED, "is_centre", "single_entry_article"
        ),
        Transition(
            "return", "退回工单", (L.DISPATCHED,), L.RETURNED, "is_lead_handler", "single_entry_article"
        ),
        Transition("co_return", "退回工单", (L.DISPATCHED,), None, "is_co_handler", "single_entry_article"),
        Transition(
            "opinion", "提交协办意见", (L.DISPATCHED, L.REVIEW), None, "is_co_handler", "deadline_article"
        ),
        Transition(
            "assign", "指定经办人", (L.DISPATCHED, L.REVIEW), None, "is_unit_leader", "deadline_article"
        ),
        Transition("save_draft", "起草答复", (L.DISPATCHED,), None, "is_lead_handler", "review_article"),
        Transition(
            "submit_reply", "提交答复", (L.DISPATCHED,), L.REVIEW, "is_lead_handler", "review_article"
        ),
        Transition(
            "approve", "审核答复", (L.REVIEW,), L.APPROVED, "is_unit_leader", "review_article", REVIEW_REFUSAL
        ),
        Transition(
            "send_back",
            "审核答复",
            (L.REVIEW,),
            L.DISPATCHED,
            "is_unit_leader",
            "review_article",
            REVIEW_REFUSAL,
        ),
        Transition("publish", "发布答复", (L.APPROVED,), L.CONCLUDED, "is_centre", "single_entry_article"),
        Transition("unpublish", "撤下公开", (L.CONCLUDED,), None, "is_centre", "publication_article"),
        Transition(
            "request_extension",
            "申请延期",
            (L.DISPATCHED, L.REVIEW),
            None,
            "is_lead_handler",
            "deadline_article",
        ),
        Transition(
            "approve_extension",
            "审批延期",
            (L.DISPATCHED, L.RETURNED, L.REVIEW, L.APPROVED),
            None,
            "is_centre",
            "single_entry_article",
        ),
        Transition(
            "refuse_extension",
            "审批延期",
            (L.DISPATCHED, L.RETURNED, L.REVIEW, L.APPROVED),
            None,
            "is_centre",
            "single_entry_article",
        ),
        Transition("rate", "评价", (L.CONCLUDED,), None, "writer", "deadline_article"),
    ),
)

DISCLOSURES = Machine(
    name="disclosurerequest",
    noun="申请",
    taken="该申请已由其他工作人员处理",
    states=DisclosureState,
    steps_module="govportal.interaction.disclosure",
    transitions=(
        Transition(
            "confirm", "确认收到", (D.SUBMITTED,), D.PROCESSING, "can_handle_disclosure", "receipt_article"
        ),
        Transition(
            "correction",
            "要求补正",
            (D.SUBMITTED, D.PROCESSING),
            D.CORRECTION,
            "can_handle_disclosure",
            "correction_article",
        ),
        Transition(
            "submit_correction", "提交补正", (D.CORRECTION,), D.PROCESSING, "applicant", "correction_article"
        ),
        Transition(
            "consult",
            "征求第三方意见",
            (D.PROCESSING,),
            D.CONSULTING,
            "can_handle_disclosure",
            "consultation_article",
        ),
        Transition(
            "end_consult",
            "结束征求意见",
            (D.CONSULTING,),
            D.PROCESSING,
            "can_handle_disclosure",
            "consultation_article",
        ),
        Transition(
            "extension",
            "申请延期",
            (D.PROCESSING, D.CONSULTING),
            None,
            "can_handle_disclosure",
            "answer_article",
        ),
        Transition(
            "approve_extension",
            "审批延期",
            (D.PROCESSING, D.CONSULTING),
            None,
            "is_disclosure_approver",
            "answer_article",
        ),
        Transition(
            "refuse_extension",
            "审批延期",
            (D.PROCESSING, D.CONSULTING),
            None,
            "is_disclosure_approver",
            "answer_article",
        ),
        Transition(
            "answer",
            "答复",
            (D.PROCESSING, D.CORRECTION),
            D.ANSWERED,
            "can_handle_disclosure",
            "answer_article",
        ),
        Transition(
            "answer_spot",
            "当场答复",
            (D.SUBMITTED, D.PROCESSING),
            D.ANSWERED,
            "can_handle_disclosure",
            "answer_article",
        ),
    ),
)

ERROR_REPORTS = Machine(
    name="errorreport",
    noun="纠错",
    taken="这条纠错已由其他工作人员处理",
    states=ErrorState,
    steps_module="govportal.interaction.error_reports",
    transitions=(
        Transition("forward", "转办", (E.RECEIVED,), E.FORWARDED, "is_error_centre", "article"),
        Transition("answer", "答复", (E.FORWARDED,), E.ANSWERED, "is_error_handler", "article"),
        Transition(
            "invalid", "作无效处理", (E.RECEIVED, E.FORWARDED), E.INVALID, "is_error_centre", "article"
        ),
    ),
)

MACHINES: dict[str, Machine] = {m.name: m for m in (LETTERS, DISCLOSURES, ERROR_REPORTS)}
RULES: dict[str, Callable] = {
    "letter": letter_rules,
    "disclosurerequest": disclosure_rules,
    "errorreport": error_report_rules,
}


# --- deciding (no database) -------------------------------------------------------------------------------


def refusal(
    machine: Machine,
    state: str,
    action: str,
    rights: frozenset[str] | set[str],
    locality: str,
    unit: str = "",
) -> str:
    """Why ``action`` may not be taken from ``state`` by an actor holding ``rights``, or "" when it may.

    The message names the rule and the loaded locality's article (「平台默认规则」 when its profile has none);
    ``unit`` is the name of the unit the object is addressed to, where the rule names it.
    """
    t = machine.get(action)
    cite = machine.cite(locality, t.article)
    if t.who not in rights:
        return (t.refusal or RIGHTS[t.who]).format(label=t.label, unit=unit or "受理机关") + f"（{cite}）。"
    if state not in t.sources:
        return f"{machine.noun}当前状态为“{machine.state_label(state)}”，不能{t.label}（{cite}）。"
    return ""


def rights_of(machine: Machine, actor, obj) -> frozenset[str]:
    """The predicates of ``permissions.py`` ``actor`` satisfies on ``obj`` (only those ``machine`` uses)."""
    if actor is None:  # the public: the writer or the applicant, who proved the query password
        return frozenset({"writer", "applicant"})
    checks: dict[str, Callable[[], bool]] = {
        "is_centre": lambda: permissions.is_centre(actor, obj.locality),
        "is_lead_handler": lambda: permissions.is_lead_handler(actor, obj),
        "is_co_handler": lambda: permissions.is_co_handler(actor, obj),
        "is_unit_leader": lambda: permissions.is_unit_leader(actor, obj),
        "can_handle_disclosure": lambda: permissions.can_handle_disclosure(actor, obj),
        "is_disclosure_approver": lambda: permissions.is_disclosure_approver(actor, obj),
        "is_error_centre": lambda: permissions.is_error_centre(actor, obj.locality),
        "is_error_handler": lambda: permissions.is_error_handler(actor, obj),
    }
    used = {t.who for t in machine.transitions}
    return frozenset(name for name, check in checks.items() if name in used and check())


def machine_for(obj) -> Machine:
    return MACHINES[obj._meta.model_name]


def allowed(obj, actor) -> set[str]:
    """The actions ``actor`` may take on ``obj`` now: what the back office offers as buttons."""
    machine = machine_for(obj)
    rights = rights_of(machine, actor, obj)
    return {t.name for t in machine.transitions if t.who in rights and obj.state in t.sources}


def check(obj, action: str, actor) -> Transition:
    """The transition, or :class:`WorkflowError` with the refusal."""
    machine = machine_for(obj)
    unit = getattr(obj, "unit", None)
    why = refusal(
        machine, obj.state, action, rights_of(machine, actor, obj), obj.locality, unit.name if unit else ""
    )
    if why:
        raise WorkflowError(why)
    return machine.get(action)


# --- taking a step -----------------------------------------------------------------------------------------

#: A step: a generator function ``(obj, actor, **data)`` that validates and yields the fields to write with
#: the new state (a dict), then — once the state is claimed — writes its events, related rows and
#: notifications; what it returns is what :func:`fire` returns.
StepFunction = Callable[..., Generator[dict, None, object]]
_STEPS: dict[tuple[str, str], StepFunction] = {}


def step(machine: Machine, *actions: str) -> Callable[[StepFunction], StepFunction]:
    """Register the step function of ``actions`` of ``machine`` (the function gets ``action=`` too)."""

    def register(func: StepFunction) -> StepFunction:
        for action in actions:
            machine.get(action)  # a step for an action the table does not have is a programming error
            _STEPS[(machine.name, action)] = func
        return func

    return register


def fire(obj, action: str, actor, **data):
    """Take ``action`` on ``obj`` as ``actor``; :class:`WorkflowError` (in Chinese) when it is refused.

    The state is claimed with ``filter(pk=…, state=old).update(state=new, …)``: when another clerk took a
    step first (0 rows), nothing is written and the message says so, with the state now.
    """
    machine = machine_for(obj)
    t = check(obj, action, actor)
    importlib.import_module(machine.steps_module)  # registers the steps
    func = _STEPS[(machine.name, action)]
    source = obj.state
    target = t.target or source
    model = type(obj)
    try:
        with transaction.atomic():
            run = func(obj, actor, action=action, **data)
            try:
                fields = next(run)
            except StopIteration:
                raise RuntimeError(f"step {machine.name}.{action} yielded no fields") from None
            if not model.objects.filter(pk=obj.pk, state=source).update(state=target, **fields):
                now = model.objects.filter(pk=obj.pk).values_list("state", flat=True).first()
                raise WorkflowError(
                    f"{machine.taken}（当前状态：{machine.state_label(now)}），请刷新后查看。"
                )
            obj.state = target
            for name, value in fields.items():
                setattr(obj, name, value)
            try:
                next(run)
            except StopIteration as done:
                result = done.value
            else:
                raise RuntimeError(f"step {machine.name}.{action} yielded twice")
    except WorkflowError:
        obj.refresh_from_db()  # nothing was written: what the step had set on the object is dropped too
        raise
    transition_fired.send(sender=model, obj=obj, transition=t, actor=actor, source=source, target=target)
    return result
