"""The personal-data access log (个人信息查看记录): who saw which letter's, request's or report's personal
data.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from ..models import PersonalDataAccess
from ..permissions import is_oversight, is_superuser
from .common import locality_of


def access_log(request):
    user = request.user
    locality = locality_of(user)
    if not is_oversight(user, locality):
        raise PermissionDenied("只有主办单位和网站管理员可以查看个人信息查看记录。")
    qs = PersonalDataAccess.objects.select_related("user", "letter", "disclosure", "error_report")
    if not is_superuser(user):
        qs = qs.filter(
            Q(letter__locality=locality)
            | Q(disclosure__locality=locality)
            | Q(error_report__locality=locality)
        )
    code = (request.GET.get("code") or "").strip().upper()
    if code:
        qs = qs.filter(Q(letter__query_code=code) | Q(disclosure__code=code) | Q(error_report__code=code))
    page = Paginator(qs, 50).get_page(request.GET.get("p"))
    return render(
        request,
        "interaction/admin/access_log.html",
        {"title": "个人信息查看记录", "page": page, "code": code},
    )
