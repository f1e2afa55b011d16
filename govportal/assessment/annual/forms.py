"""The input forms: what the platform cannot know, validated with messages in Chinese."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from .models import REVIEW_GROUPS, REVIEW_RESULTS, DisclosureReport, WebsiteReport

WEBSITE_FIELDS = [
    "visitors_unique",
    "visits_total",
    "hot_responses",
    "registered_users",
    "handled_total",
    "handled_person",
    "handled_legal",
    "monitoring_mechanism",
    "emergency_drill",
    "security_officer",
    "weibo_name",
    "weibo_posts",
    "weibo_followers",
    "wechat_name",
    "wechat_posts",
    "wechat_followers",
    "other_media",
    "innovation",
]
TABLE_FOUR_FIELDS = [f"{g}_{r}" for g, _ in REVIEW_GROUPS for r, _ in REVIEW_RESULTS]
DISCLOSURE_FIELDS = [
    "overview",
    "problems",
    "other_matters",
    "licensing_decisions",
    "penalty_decisions",
    "enforcement_decisions",
    "fees_amount",
    *TABLE_FOUR_FIELDS,
]


def _chinese_numbers(form: forms.ModelForm) -> None:
    for field in form.fields.values():
        label = field.label
        if isinstance(field, forms.DecimalField):  # before IntegerField: DecimalField is one
            field.error_messages.update(
                invalid=f"「{label}」请填写数字（单位：万元，如 12.5）。",
                min_value=f"「{label}」不能小于 0。",
                max_decimal_places=f"「{label}」最多保留 4 位小数。",
                max_digits=f"「{label}」数值过大，请核对。",
                max_whole_digits=f"「{label}」数值过大，请核对。",
            )
        elif isinstance(field, forms.IntegerField):
            field.widget.attrs.update(min="0", inputmode="numeric")
            field.error_messages.update(
                invalid=f"「{label}」请填写整数（如 1200），不要带单位或小数。",
                min_value=f"「{label}」不能小于 0。",
                max_value=f"「{label}」数值过大，请核对。",
            )
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.setdefault("rows", 6)


class WebsiteReportForm(forms.ModelForm):
    class Meta:
        model = WebsiteReport
        fields = WEBSITE_FIELDS
        widgets = {
            "other_media": forms.Textarea(attrs={"rows": 3}),
            "innovation": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _chinese_numbers(self)
        for name in ("monitoring_mechanism", "emergency_drill", "security_officer"):
            self.fields[name].choices = [("", "（未填）"), ("是", "是"), ("否", "否")]
            self.fields[name].error_messages["invalid_choice"] = (
                f"「{self.fields[name].label}」请选择“是”或“否”。"
            )

    def clean(self):
        data = super().clean()
        total, person, legal = (
            data.get("handled_total"),
            data.get("handled_person"),
            data.get("handled_legal"),
        )
        if (person is not None or legal is not None) and total is None:
            self.add_error("handled_total", "填写了自然人或法人办件量，请同时填写办件量总数。")
        elif total is not None and (person or 0) + (legal or 0) > total:
            self.add_error(
                "handled_person",
                f"自然人办件量与法人办件量之和（{(person or 0) + (legal or 0)}）不能大于办件量总数（{total}）。",
            )
        unique, visits = data.get("visitors_unique"), data.get("visits_total")
        if unique is not None and visits is not None and unique > visits:
            self.add_error(
                "visitors_unique",
                f"独立用户访问总量（{unique}）不能大于网站总访问量（{visits}）：每个用户至少访问一次。",
            )
        for prefix, name in (("weibo", "政务微博"), ("wechat", "政务微信")):
            if (data.get(f"{prefix}_posts") or data.get(f"{prefix}_followers")) and not data.get(
                f"{prefix}_name"
            ):
                self.add_error(f"{prefix}_name", f"填写了{name}的发布量或关注量，请填写{name}名称。")
        return data


class DisclosureReportForm(forms.ModelForm):
    class Meta:
        model = DisclosureReport
        fields = DISCLOSURE_FIELDS
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 10}),
            "problems": forms.Textarea(attrs={"rows": 6}),
            "other_matters": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _chinese_numbers(self)
        for name in TABLE_FOUR_FIELDS + ["licensing_decisions", "penalty_decisions", "enforcement_decisions"]:
            self.fields[name].required = False
        self.fields["fees_amount"].required = False

    def clean(self):
        data = super().clean()
        for name in TABLE_FOUR_FIELDS + ["licensing_decisions", "penalty_decisions", "enforcement_decisions"]:
            if name in data and data[name] is None:
                data[name] = 0
        if "fees_amount" in data and data["fees_amount"] is None:
            data["fees_amount"] = Decimal(0)
        elif data.get("fees_amount") is not None and data["fees_amount"] < 0:
            self.add_error("fees_amount", f"「{self.fields['fees_amount'].label}」不能小于 0。")
        return data


PUBLISH_REQUIRED = [
    (
        "overview",
        "按《中华人民共和国政府信息公开条例》第五十条，年度报告应当包括行政机关主动公开政府信息的情况，请填写“一、总体情况”。",
    ),
    (
        "problems",
        "按《中华人民共和国政府信息公开条例》第五十条第（四）项，年度报告应当包括政府信息公开工作存在的主要问题及改进情况，请填写“五、存在的主要问题及改进情况”。",
    ),
]


def publish_problems(report: DisclosureReport) -> list[str]:
    return [message for name, message in PUBLISH_REQUIRED if not (getattr(report, name) or "").strip()]
