"""Who may see and do what with letters, error reports and disclosure requests.

- The hotline centre (role ``hotline``) of a locality sees every letter of it, triages, dispatches,
  approves extensions and publishes (000 Art. 19).
- A unit sees only the letters dispatched to it (its work orders); its handlers (信息员 and above) draft,
  its leaders (the profile's ``reply_approver_roles``) approve (Art. 20).
- A writer's name and contact are shown only on request, to the centre and to the lead unit's staff
  (never to a unit for a type listed in ``confidential_writer_types``, e.g. 举报); each showing is logged.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from govportal.accounts.audit import personal_data_access
from govportal.accounts.models import CONTENT_ROLES, Role
from govportal.accounts.permissions import roles_of, unit_of
from govportal.ratelimits import client_ip

from .models import DisclosureRequest, ErrorReport, Letter, OrderState, PersonalDataAccess, WorkOrder
from .rules import disclosure_rules, error_report_rules, letter_rules

UNIT_ROLES = tuple(str(r) for r in CONTENT_ROLES)
OVERSIGHT_ROLES = (Role.HOST_OFFICE, Role.SITE_ADMIN)


def _locality(user) -> str | None:
    unit = unit_of(user)
    return unit.locality if unit else None


def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def is_centre(user, locality: str | None = None) -> bool:
    """The hotline centre of ``locality`` (any locality when None)."""
    if is_superuser(user):
        return True
    if Role.HOTLINE not in roles_of(user):
        return False
    return locality is None or _locality(user) == locality


def is_unit_staff(user) -> bool:
    return bool(roles_of(user) & set(UNIT_ROLES)) and unit_of(user) is not None


def is_oversight(user, locality: str | None = None) -> bool:
    """Host office and site administrators: statistics and the access log, not letters' contents."""
    if is_superuser(user):
        return True
    if not roles_of(user) & {str(r) for r in OVERSIGHT_ROLES}:
        return False
    return locality is None or _locality(user) == locality


def centre_locality(user) -> str | None:
    return _locality(user) if Role.HOTLINE in roles_of(user) else None


# --- letters -----------------------------------------------------------------------------------------


def visible_letters(user) -> QuerySet[Letter]:
    if is_superuser(user):
        return Letter.objects.all()
    qs = Letter.objects.none()
    loc = centre_locality(user)
    if loc:
        qs = Letter.objects.filter(locality=loc)
    if is_unit_staff(user):
        own = Q(orders__unit=unit_of(user), orders__state__in=VISIBLE_ORDER_STATES)
        mine = Letter.objects.filter(own).distinct()
        qs = mine if not loc else Letter.objects.filter(Q(locality=loc) | own).distinct()
    return qs


# A unit sees a letter while its order is being worked on or after it answered; not once it returned a
# misrouted order or the centre cancelled its order (then the letter, and its later reply, belong to others).
VISIBLE_ORDER_STATES = (OrderState.OPEN, OrderState.DONE)


def visible_order(user, letter: Letter) -> WorkOrder | None:
    unit = unit_of(user)
    if not unit or not is_unit_staff(user):
        return None
    return letter.orders.filter(unit=unit, state__in=VISIBLE_ORDER_STATES).order_by("-is_lead").first()


def can_view_letter(user, letter: Letter) -> bool:
    if is_centre(user, letter.locality):
        return True
    return visible_order(user, letter) is not None


def can_see_full_letter(user, letter: Letter) -> bool:
    """The letter's text unmasked and its attachments: the centre; the lead unit unless the type is
    confidential (举报: the writer is protected). Co-units see the text with personal data hidden."""
    if is_centre(user, letter.locality):
        return True
    if letter.type in letter_rules(letter.locality).confidential_writer_types:
        return False
    order = visible_order(user, letter)
    return bool(order and order.is_lead)


def can_download_attachments(user, letter: Letter) -> bool:
    """Attachments (evidence, often with personal data): the centre and the lead unit (every download is
    logged); never co-units."""
    if is_centre(user, letter.locality):
        return True
    order = visible_order(user, letter)
    return bool(order and order.is_lead)


def unit_order(user, letter: Letter) -> WorkOrder | None:
    """The open work order of the user's unit on this letter, if the user works for that unit."""
    unit = unit_of(user)
    if not unit or not is_unit_staff(user):
        return None
    return letter.orders.filter(unit=unit, state=OrderState.OPEN).first()


def is_lead_handler(user, letter: Letter) -> bool:
    order = unit_order(user, letter)
    return bool(order and order.is_lead)


def is_co_handler(user, letter: Letter) -> bool:
    """Staff of a co-unit with an open order: they give an opinion, the lead unit answers."""
    order = unit_order(user, letter)
    return bool(order and not order.is_lead)


def is_unit_leader(user, letter: Letter) -> bool:
    """A leader of the lead unit who may approve its reply (000 Art. 20: 经负责领导审核)."""
    order = unit_order(user, letter)
    if not order or not order.is_lead:
        return False
    approvers = set(letter_rules(letter.locality).reply_approver_roles)
    return bool(roles_of(user) & approvers)


def can_see_contact(user, letter: Letter) -> bool:
    if is_centre(user, letter.locality):
        return True
    if letter.type in letter_rules(letter.locality).confidential_writer_types:
        return False
    order = unit_order(user, letter)
    return bool(order and order.is_lead)


# --- error reports -------------------------------------------------------------------------------------


def is_error_centre(user, locality: str) -> bool:
    """Who forwards error reports: the profile's ``forwarded_by`` unit, else the hotline centre."""
    if is_superuser(user):
        return True
    forwarded_by = error_report_rules(locality).forwarded_by
    if forwarded_by:
        unit = unit_of(user)
        return bool(unit and unit.locality == locality and unit.code == forwarded_by)
    return is_centre(user, locality)


def is_error_handler(user, report: ErrorReport) -> bool:
    """Who answers a forwarded error report: the unit it was forwarded to (or the receiving unit itself)."""
    if is_error_centre(user, report.locality):
        return True
    return is_unit_staff(user) and report.unit_id is not None and unit_of(user) == report.unit


def error_centre_locality(user) -> str | None:
    loc = _locality(user)
    return loc if loc and is_error_centre(user, loc) else None


def visible_error_reports(user) -> QuerySet[ErrorReport]:
    if is_superuser(user):
        return ErrorReport.objects.all()
    loc = error_centre_locality(user)
    unit = unit_of(user)
    cond = Q(pk__in=[])
    if loc:
        cond |= Q(locality=loc)
    if unit and is_unit_staff(user):
        cond |= Q(unit=unit, forwarded_at__isnull=False)
    return ErrorReport.objects.filter(cond)


# --- disclosure requests -----------------------------------------------------------------------------


def visible_disclosures(user) -> QuerySet[DisclosureRequest]:
    if is_superuser(user):
        return DisclosureRequest.objects.all()
    unit = unit_of(user)
    if unit and is_unit_staff(user):
        return DisclosureRequest.objects.filter(unit=unit)
    return DisclosureRequest.objects.none()


def is_disclosure_approver(user, request: DisclosureRequest) -> bool:
    """The head of the unit's disclosure office (第三十三条 政府信息公开工作机构负责人)."""
    if unit_of(user) != request.unit:
        return False
    return bool(roles_of(user) & set(disclosure_rules(request.locality).extension_approver_roles))


def can_handle_disclosure(user, request: DisclosureRequest) -> bool:
    return is_superuser(user) or (unit_of(user) == request.unit and is_unit_staff(user))


# --- the access log ------------------------------------------------------------------------------------


def log_access(request, user, what: str, *, letter=None, disclosure=None, error_report=None) -> None:
    PersonalDataAccess.objects.create(
        user=user if getattr(user, "pk", None) else None,
        letter=letter,
        disclosure=disclosure,
        error_report=error_report,
        what=what,
        ip=client_ip(request),
    )

    personal_data_access(request, what, user=user)
