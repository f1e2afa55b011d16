"""Who may change what in the page tree: a column (or sub-site home) is the site administrators'; an
item is its unit's (the unit stored on it, else its creator's or first submitter's)."""

from __future__ import annotations

from wagtail.models import PagePermissionTester, WorkflowState

from govportal.accounts.models import Staff
from govportal.accounts.permissions import is_site_admin, unit_of


class ColumnPermissionTester(PagePermissionTester):
    """Units work inside a column; only site administrators change the column itself."""

    def can_edit(self):
        return is_site_admin(self.user) and super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return is_site_admin(self.user) and super().can_delete(ignore_bulk)

    def can_move(self):
        return is_site_admin(self.user) and super().can_move()

    def can_copy(self):
        return is_site_admin(self.user) and super().can_copy()

    def can_unpublish(self):
        return is_site_admin(self.user) and super().can_unpublish()


def item_owner_unit_id(page) -> int | None:
    """The unit an item belongs to: the unit stored on the item itself (never what a form posts), or
    else the unit of the person who created it, or of whoever first submitted it for review."""
    if not page.pk:
        return None
    # Read from the database once per page object: the explorer asks it for every button of every row
    # (a column of 300 items: hundreds of queries). The stored value, so a form's posted unit never counts.
    cached = getattr(page, "_stored_owner_unit", None)
    if cached is not None and cached[0] == page.pk:
        return cached[1]
    owner = _owner_unit_id(page)
    page._stored_owner_unit = (page.pk, owner)
    return owner


def _owner_unit_id(page) -> int | None:
    if hasattr(
        page, "stored_unit_id"
    ):  # loaded from the database with the page (models.items.ItemPage.from_db)
        stored = page.stored_unit_id
    else:
        stored = type(page).objects.filter(pk=page.pk).values_list("unit_id", flat=True).first()
    if stored:
        return stored
    user_ids = [page.owner_id] if page.owner_id else []
    first = WorkflowState.objects.for_instance(page).order_by("created_at").first()
    if first is not None and first.requested_by_id:
        user_ids.append(first.requested_by_id)
    for user_id in user_ids:
        unit_id = Staff.objects.filter(user_id=user_id).values_list("unit_id", flat=True).first()
        if unit_id:
            return unit_id
    return None


def belongs_to_other_unit(user, page) -> bool:
    """Is ``page`` an item of a unit other than ``user``'s? Site administrators (and the platform
    superuser) act on every unit's items of their site, as their role allows; everyone else only on
    their own unit's, even in a column several units share. An item of no unit at all (made by a
    program, or its unit deleted) is left to the column's permissions."""
    if getattr(user, "is_superuser", False) or is_site_admin(user):
        return False
    owner = item_owner_unit_id(page)
    if owner is None:
        return False
    mine = unit_of(user)
    return mine is None or mine.pk != owner


class ItemPermissionTester(PagePermissionTester):
    """Items belong to their unit. Page permissions on a shared column let each of its units add items
    there; editing, copying, moving, deleting, publishing or withdrawing an item stays with the item's
    own unit. Another unit reaches an item's editor only through a review stage that is theirs."""

    def _foreign(self) -> bool:
        if not hasattr(self, "_is_foreign"):
            self._is_foreign = bool(self.page.pk) and belongs_to_other_unit(self.user, self.page)
        return self._is_foreign

    def _reviewing(self) -> bool:
        task = self.page.current_workflow_task
        return bool(task) and task.user_can_access_editor(self.page, self.user)

    def can_edit(self):
        if self._foreign():
            return self.user.is_active and self._reviewing()
        return super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return not self._foreign() and super().can_delete(ignore_bulk)

    def can_move(self):
        return not self._foreign() and super().can_move()

    def can_copy(self):
        return not self._foreign() and super().can_copy()

    def can_unpublish(self):
        return not self._foreign() and super().can_unpublish()

    def can_publish(self):
        return not self._foreign() and super().can_publish()

    def can_lock(self):
        return not self._foreign() and super().can_lock()

    def can_unlock(self):
        return not self._foreign() and super().can_unlock()

    def can_view_revisions(self):
        return (not self._foreign() or self._reviewing()) and super().can_view_revisions()
