"""The centre's frequently asked questions (常见问题): list, edit, made from a letter."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from wagtail.admin import messages

from ..faq import faq_from_letter
from ..models import Faq, Letter
from ..permissions import centre_locality, is_centre, is_superuser
from ..routing import routable_units
from ..text import personal_data_findings
from .common import PER_PAGE, locality_of, unit_from_post


def _require_centre(user) -> str:
    locality = centre_locality(user) or (locality_of(user) if is_superuser(user) else None)
    if not locality or not is_centre(user, locality):
        raise PermissionDenied("只有12345热线管理中心可以维护常见问题。")
    return locality


def faq_admin(request):
    locality = _require_centre(request.user)
    q = (request.GET.get("q") or "").strip()
    faqs = Faq.objects.filter(locality=locality).select_related("unit")
    if q:
        faqs = faqs.filter(Q(question__icontains=q) | Q(answer__icontains=q) | Q(topic__icontains=q))
    page = Paginator(faqs, PER_PAGE).get_page(request.GET.get("p"))
    return render(request, "interaction/admin/faqs.html", {"title": "常见问题", "page": page, "q": q})


def faq_edit(request, pk: int | None = None):
    locality = _require_centre(request.user)
    if pk:
        faq = get_object_or_404(Faq, pk=pk, locality=locality)
    elif request.GET.get("letter", "").isdigit():
        letter = get_object_or_404(Letter, pk=int(request.GET["letter"]), locality=locality)
        faq = faq_from_letter(letter)
    else:
        faq = Faq(locality=locality)
    problems = []
    if request.method == "POST":
        if request.POST.get("delete") and faq.pk:
            faq.delete()
            messages.success(request, "已删除。")
            return redirect("interaction_admin:faqs")
        faq.question = request.POST.get("question", "").strip()[:200]
        faq.answer = request.POST.get("answer", "").strip()
        faq.topic = request.POST.get("topic", "").strip()[:60]
        faq.is_public = request.POST.get("is_public") == "1"
        unit = unit_from_post(request, "unit", locality)
        faq.unit = unit
        if request.POST.get("source_letter", "").isdigit():
            faq.source_letter = Letter.objects.filter(
                pk=int(request.POST["source_letter"]), locality=locality
            ).first()
        if len(faq.question) < 4:
            problems.append("请填写问题（至少4个字）。")
        if len(faq.answer) < 4:
            problems.append("请填写解答。")
        if personal_data_findings(faq.question + "\n" + faq.answer):
            problems.append(
                "问题或解答中含有个人信息（手机号、身份证号、住址等），常见问题是公开的，请删除后再保存。"
            )
        if not problems:
            faq.created_by = faq.created_by or request.user
            faq.save()
            messages.success(request, "常见问题已保存。")
            return redirect("interaction_admin:faqs")
    return render(
        request,
        "interaction/admin/faq_edit.html",
        {
            "title": "编辑常见问题" if faq.pk else "新增常见问题",
            "faq": faq,
            "problems": problems,
            "units": routable_units(locality),
        },
    )
