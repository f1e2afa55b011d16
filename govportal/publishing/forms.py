"""Forms of the publishing app: the reviewer's decision (checklist, five gates, comment), withdrawal."""

from __future__ import annotations

from django import forms

from .routes import review_rules

CHECKLIST_HELP = "逐项审查后勾选：勾选表示已审查该项，确认不存在所列问题、符合要求。"


class ReviewDecisionForm(forms.Form):
    """Base form; ``review_form_class`` adds the checklist of the stage's locality."""

    action = "approve"
    checklist_items: tuple[str, ...] = ()
    gate_items: tuple[str, ...] = ()
    regulation_cite = ""

    comment = forms.CharField(
        label="审核意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "可填写审核意见（选填）"}),
    )

    def clean_comment(self):
        comment = (self.cleaned_data.get("comment") or "").strip()
        if self.action == "reject" and not comment:
            raise forms.ValidationError("退回修改须写明理由，以便信息员修改。")
        return comment

    def clean(self):
        data = super().clean()
        if self.action == "approve":
            missing = [c for c in self.checklist_items if c not in (data.get("checklist") or [])]
            if missing:
                self.add_error(
                    "checklist",
                    f"审核通过前须逐项确认审核清单（{self.regulation_cite}），尚未确认 {len(missing)} 项："
                    + "；".join(missing),
                )
            missing_gates = [g for g in self.gate_items if g not in (data.get("gates") or [])]
            if missing_gates:
                self.add_error(
                    "gates", f"须严把五关（{self.regulation_cite}），尚未确认：{'、'.join(missing_gates)}"
                )
        return data


def _checklist_cite(locality: str) -> str:
    try:
        rules = review_rules(locality)
    except Exception:
        return "本地区办法"
    return rules.cite(rules.checklist_article)


def review_form_class(task, action: str) -> type[ReviewDecisionForm]:
    """The decision form for ``task``'s stage and ``action`` (approve | reject)."""

    checklist = tuple(task.checklist or ())
    gates = tuple(task.gates or ())
    attrs: dict = {
        "action": action,
        "checklist_items": checklist if action == "approve" else (),
        "gate_items": gates if action == "approve" else (),
        "regulation_cite": _checklist_cite(task.locality),
    }
    if checklist:
        attrs["checklist"] = forms.MultipleChoiceField(
            label="审核清单",
            help_text=CHECKLIST_HELP,
            choices=[(c, c) for c in checklist],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
    if gates:
        attrs["gates"] = forms.MultipleChoiceField(
            label="审核把关",
            help_text="信息审核要严把以下各关。",
            choices=[(g, g) for g in gates],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
    if action == "reject":
        attrs["comment"] = forms.CharField(
            label="退回理由",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3, "placeholder": "写明需要修改的地方和理由"}),
        )
    name = "Approve" if action == "approve" else "Reject"
    form_class = type(f"{name}ReviewForm", (ReviewDecisionForm,), attrs)
    # The comment comes last (under the checklist) on the phone.
    form_class.base_fields = {
        **{k: v for k, v in form_class.base_fields.items() if k != "comment"},
        "comment": form_class.base_fields["comment"],
    }
    return form_class


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回原因",
        min_length=4,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：内容失当、信息已过期、涉密信息误发等"}),
        error_messages={
            "required": "请写明撤回原因：撤回记录留存备查，并写入发布登记簿。",
            "min_length": "撤回原因太短，请写明具体原因（至少 4 个字）。",
        },
    )
