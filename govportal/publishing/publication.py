"""Around publication: which pages need review, withdrawal (撤回), and what happens on publish/unpublish.

- Every item (a page with an information category) is published only through its review workflow;
  direct publishing from the editor is refused (see ``wagtail_hooks``).
- ``withdraw(page, user, reason)`` takes a published item off the public site at once through Wagtail's
  unpublish (so ``page_unpublished`` handlers purge caches), records who, when and why, and keeps the item
  in the back office and in the register.
- On ``page_published`` / ``page_unpublished`` the register is written and webhook deliveries are queued.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.signals import page_published, page_unpublished

from govportal.accounts.models import Role
from govportal.accounts.permissions import roles_of, unit_of
from govportal.portal.homes import home_of

from .models import Withdrawal
from .register import record_withdrawal
from .routes import DEFAULT_WITHDRAW_ROLES, review_rules
from .signals import item_published, item_unpublished


def is_item(page) -> bool:
    return hasattr(page, "info_category")


def locality_of(page) -> str:
    home = home_of(page)
    return home.locality if home else ""


def last_withdrawal(page_id: int) -> Withdrawal | None:
    """The latest withdrawal of a page (registered for monitoring's link check)."""
    return Withdrawal.objects.filter(page_id=page_id).order_by("-created_at").first()


def withdraw_roles(page) -> tuple[str, ...]:
    try:
        return review_rules(locality_of(page)).withdraw_roles
    except Exception:
        return DEFAULT_WITHDRAW_ROLES


def same_locality(user, page) -> bool:
    """Is ``user`` staff of the locality ``page`` belongs to? (A superuser belongs everywhere.) A site
    administrator or host office of one locality has no say over another's items."""
    if getattr(user, "is_superuser", False):
        return True
    unit = unit_of(user)
    return unit is not None and bool(unit.locality) and unit.locality == locality_of(page)


def is_locality_admin(user, page) -> bool:
    """A site administrator or the host office of ``page``'s own locality (or a superuser)."""
    if getattr(user, "is_superuser", False):
        return True
    roles = roles_of(user)
    return bool(roles & {Role.SITE_ADMIN, Role.HOST_OFFICE}) and same_locality(user, page)


def can_withdraw(user, page) -> bool:
    """Site administrators and the host office of the item's locality, or the publishing unit's
    responsible people (per profile)."""
    if not getattr(user, "is_authenticated", False) or not page.live:
        return False
    if is_locality_admin(user, page):
        return True
    roles = roles_of(user)
    unit = unit_of(user)
    return bool(unit and item_unit_id(page) == unit.pk and roles & set(withdraw_roles(page)))


def item_unit_id(page):
    """The item's unit, or else the unit of whoever submitted it for review."""
    if getattr(page, "unit_id", None):
        return page.unit_id
    from wagtail.models import WorkflowState

    state = WorkflowState.objects.for_instance(page).order_by("-created_at").first()
    requester = getattr(state, "requested_by", None)
    staff = getattr(requester, "staff", None)
    return staff.unit_id if staff else None


@transaction.atomic
def withdraw(page, user, reason: str) -> Withdrawal:
    page = page.specific
    url = page.get_url() or ""
    UnpublishPageAction(page, user=user, log_action=True).execute(skip_permission_checks=True)
    record = Withdrawal.objects.create(
        page=page,
        title=page.title,
        url=url,
        unit_name=page.unit.name if getattr(page, "unit", None) else "",
        user=user,
        user_name=(user.get_full_name() or user.get_username()) if user else "系统",
        reason=reason,
    )
    log(instance=page, action="publishing.withdraw", user=user, data={"reason": reason, "url": url})
    record_withdrawal(page, reason, record.created_at)
    return record


@receiver(page_published)
def on_published(sender, instance, revision=None, **kwargs):
    if not is_item(instance):
        return
    # the register, emergency releases, interpretations and the outgoing feeds (PublishingConfig.ready)
    item_published.send(sender=type(instance), page=instance, locality=locality_of(instance))


@receiver(page_unpublished)
def on_unpublished(sender, instance, **kwargs):
    if not is_item(instance):
        return
    if instance.expired:
        record_withdrawal(instance, "到期下线（定时下线）")
    else:
        record_withdrawal(instance, "已下线")
    item_unpublished.send(sender=type(instance), page=instance)  # the outgoing feeds
