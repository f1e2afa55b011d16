"""我的提醒: a person's notices, newest first. Showing a notice in full reads it."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from .models import Notice
from .notifications import mark_read, read_now

PER_PAGE = 30


def notice_list(request):
    if request.method == "POST":
        mark_read(user=request.user)
        messages.success(request, "已全部标记为已读。")
        return redirect("notices")
    page = Paginator(Notice.objects.filter(user=request.user), PER_PAGE).get_page(request.GET.get("p"))
    fresh = read_now(page.object_list)
    return render(request, "notices/list.html", {"title": "我的提醒", "page": page, "fresh": fresh})
