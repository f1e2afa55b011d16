"""The letter and error-report statistics of a locality or a unit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.accounts.permissions import unit_of

from ..permissions import is_centre, is_oversight, is_unit_staff
from ..routing import routable_units
from ..stats import charts_for, error_report_stats, letter_stats
from .common import locality_of


def statistics(request):
    user = request.user
    locality = locality_of(user)
    if not locality:
        raise PermissionDenied("没有可查看的统计。")
    whole = is_centre(user, locality) or is_oversight(user, locality)
    unit = None
    if whole:
        uid = request.GET.get("unit", "")
        unit = Unit.objects.filter(pk=uid, locality=locality).first() if uid.isdigit() else None
    elif is_unit_staff(user):
        unit = unit_of(user)
    else:
        raise PermissionDenied("没有可查看的统计。")
    this_year = timezone.localdate().year
    year = int(request.GET.get("year")) if (request.GET.get("year") or "").isdigit() else this_year
    stats = letter_stats(locality, year, unit=unit)
    return render(
        request,
        "interaction/admin/statistics.html",
        {
            "title": "信件统计",
            "stats": stats,
            "charts": charts_for(stats),
            "errors": error_report_stats(locality, year, unit=unit),
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            "unit": unit,
            "whole": whole,
            "units": routable_units(locality) if whole else [],
        },
    )
