"""Demo accounts: the demo signs in with the documented password alone (no second factor) and its
passwords do not expire. ``govportal demo`` calls ``mark_demo_accounts`` after every app's demo data."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import AccountSecurity

DEMO_EXEMPTION = "演示账号（govportal demo）：不要求双因素认证"


def mark_demo_accounts() -> int:
    """Every active account of the demo database (only demo accounts live there)."""

    count = 0
    for user in get_user_model().objects.filter(is_active=True):
        state, _ = AccountSecurity.objects.get_or_create(user=user)
        state.two_factor_exempt = DEMO_EXEMPTION
        state.password_changed_at = timezone.now()
        state.must_change_password = False
        state.save()
        count += 1
    return count


def prepare(home) -> str:
    """The per-app demo hook: nothing here; the marking runs last (see mark_demo_accounts)."""
    return ""
