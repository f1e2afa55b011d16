"""Back-office pages of the portal app: the column responsibility table as a spreadsheet."""

from __future__ import annotations

import base64
import secrets

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from govportal.accounts.models import Unit
from govportal.accounts.permissions import is_site_admin
from govportal.rules.profile import ProfileError

from .columns import UnknownUnits, create_subsite, export_columns_xlsx, import_columns_xlsx
from .models import HomePage

MAX_UPLOAD = 5 * 1024 * 1024


class TableUploadForm(forms.Form):
    home = forms.ModelChoiceField(label="网站", queryset=HomePage.objects.all(), empty_label=None)
    file = forms.FileField(label="栏目责任表（.xlsx）")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只接受 Excel 工作簿（.xlsx）。请先用“下载”得到模板，修改后上传。")
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError("文件超过 5 MB，栏目责任表不应这么大，请检查是否上传错了文件。")
        return f


def _require_admin(request):
    if not is_site_admin(request.user):
        raise PermissionDenied("只有网站管理员可以维护栏目责任表。")


PENDING_KEY = "column_table_pending"


def column_table(request):
    _require_admin(request)
    problems: list = []
    report = None
    unknown: list[str] = []
    form = TableUploadForm()
    if request.method == "POST" and request.POST.get("confirm_units"):
        # The administrator confirmed adding the units the uploaded table names: apply the same file.
        pending = request.session.get(PENDING_KEY) or {}
        home = HomePage.objects.filter(pk=pending.get("home")).first()
        if home is None or request.POST.get("confirm_units") != pending.get("token"):
            problems = ["待确认的表格已失效，请重新上传。"]
        else:
            try:
                report = import_columns_xlsx(home, base64.b64decode(pending["data"]), add_unknown_units=True)
            except ProfileError as exc:
                problems = exc.problems
            request.session.pop(PENDING_KEY, None)
    elif request.method == "POST":
        form = TableUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                report = import_columns_xlsx(form.cleaned_data["home"], data)
            except UnknownUnits as exc:
                unknown = exc.names
                request.session[PENDING_KEY] = {
                    "home": form.cleaned_data["home"].pk,
                    "data": base64.b64encode(data).decode(),
                    "token": secrets.token_urlsafe(16),
                }
            except ProfileError as exc:
                problems = exc.problems
    return render(
        request,
        "portal/admin/column_table.html",
        {
            "form": form,
            "homes": HomePage.objects.all(),
            "problems": problems,
            "report": report,
            "unknown": unknown,
            "pending_token": request.session.get(PENDING_KEY, {}).get("token", "") if unknown else "",
        },
    )


def column_table_export(request):
    _require_admin(request)
    home = get_object_or_404(HomePage, pk=request.GET.get("home"))
    response = HttpResponse(
        export_columns_xlsx(home),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="columns-{home.locality}.xlsx"'
    return response


def subsites(request):
    """Site administrators open a sub-site for any unit (its home page and default columns)."""
    _require_admin(request)
    created = None
    if request.method == "POST":
        unit = get_object_or_404(Unit, pk=request.POST.get("unit"))
        created = create_subsite(unit)
    units = Unit.objects.select_related("subsite").order_by("locality", "sort_order", "id")
    rows = [(u, getattr(u, "subsite", None)) for u in units]
    return render(request, "portal/admin/subsites.html", {"rows": rows, "created": created})
