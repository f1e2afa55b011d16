"""What the back-office views share: the page size of a list, the locality a user works for, reading
a unit or plain fields from a form.
"""

from __future__ import annotations

from govportal.accounts.models import Unit
from govportal.accounts.permissions import unit_of
from govportal.portal.models import HomePage

from ..permissions import is_superuser

PER_PAGE = 30


def locality_of(user) -> str | None:
    unit = unit_of(user)
    if unit:
        return unit.locality
    if is_superuser(user):
        home = HomePage.objects.exclude(locality="").first()
        return home.locality if home else None
    return None


def unit_from_post(request, name: str, locality: str) -> Unit | None:
    value = request.POST.get(name, "")
    if not value.isdigit():
        return None
    return Unit.objects.filter(pk=int(value), locality=locality).first()


def post_fields(*names: str, **renamed: str):
    """A form reader passing POST fields on as they are (``renamed``: step argument = POST field)."""
    pairs = [(n, n) for n in names] + list(renamed.items())
    return lambda request, letter: {arg: request.POST.get(field, "") for arg, field in pairs}
