"""Back office: 开放接口令牌 — a site administrator issues and stops tokens for their locality's sites, the
platform superuser for any site or all of them. The raw token is shown once, on the page that creates it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.models import Page, Site

from govportal.accounts.permissions import is_site_admin
from govportal.accounts.policy import locality_of
from govportal.portal.models import HomePage

from . import tokens
from .models import ApiConsumer


def may_manage(user) -> bool:
    return is_site_admin(user)


def _check(request) -> str:
    """The locality the user manages tokens for ('' for the platform superuser: every one)."""
    if not may_manage(request.user):
        raise PermissionDenied("只有网站管理员可以管理开放接口令牌。")
    return "" if request.user.is_superuser else locality_of(request.user)


def sites_for(locality: str):
    """The sites whose home page belongs to ``locality`` (every site for '')."""

    qs = Site.objects.select_related("root_page").order_by("pk")
    if not locality:
        return qs
    homes = HomePage.objects.filter(locality=locality).values_list("path", flat=True)
    ids = [s.pk for s in qs if s.root_page.path[: 2 * Page.steplen] in set(homes)]
    return qs.filter(pk__in=ids)


def consumers_for(locality: str):
    qs = ApiConsumer.objects.prefetch_related("sites").select_related("created_by")
    return qs if not locality else qs.filter(locality=locality)


class ConsumerForm(forms.Form):
    name = forms.CharField(label="调用方名称", max_length=120, help_text="如 省政府网站监管平台")
    organisation = forms.CharField(label="所属单位", max_length=120, required=False)
    all_sites = forms.BooleanField(label="可读取全部网站", required=False)
    sites = forms.ModelMultipleChoiceField(
        label="可读取的网站",
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rate = forms.CharField(
        label="调用频率限制",
        max_length=60,
        required=False,
        help_text="如 60/m,3000/h（每分钟60次且每小时3000次）；不填用平台默认值（每分钟120次、每小时6000次）",
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, locality: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites_for(locality)
        self.fields["sites"].label_from_instance = lambda s: f"{s.site_name or s.hostname}（{s.hostname}）"
        if locality:  # only the platform's superuser opens every site
            del self.fields["all_sites"]

    def clean_rate(self):
        rate = self.cleaned_data["rate"].strip()
        if rate and not tokens.valid_rate(rate):
            raise forms.ValidationError(
                "格式应如 60/m,3000/h：次数/时间单位（s 秒、m 分钟、h 小时、d 天），多个用英文逗号分隔。"
            )
        return rate

    def clean(self):
        data = super().clean()
        if not data.get("all_sites") and not data.get("sites"):
            raise forms.ValidationError("请选择令牌可读取的网站。")
        return data


def consumers(request):
    locality = _check(request)
    form = ConsumerForm(request.POST or None, locality=locality)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        consumer, raw = tokens.issue(
            d["name"],
            organisation=d["organisation"],
            sites=[] if d.get("all_sites") else d["sites"],
            all_sites=bool(d.get("all_sites")),
            locality=locality,
            rate=d["rate"],
            note=d["note"],
            created_by=request.user,
        )
        response = render(
            request, "api/created.html", {"title": "开放接口令牌已创建", "consumer": consumer, "raw": raw}
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "api/consumers.html",
        {"title": "开放接口令牌", "form": form, "consumers": consumers_for(locality)},
    )


@require_POST
def revoke(request, pk: int):
    locality = _check(request)
    consumer = get_object_or_404(consumers_for(locality), pk=pk)
    tokens.revoke(consumer)
    messages.success(request, f"已停用“{consumer}”的令牌，使用它的调用将返回 401。")
    return redirect("api_admin:consumers")
