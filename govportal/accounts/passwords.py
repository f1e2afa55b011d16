"""Password rules as Django password validators, reading the policy profile of the person's locality.

Django runs ``AUTH_PASSWORD_VALIDATORS`` wherever a password is chosen (the back office's user forms, the
change-password page) and calls ``password_changed`` whenever a new password is saved, which is where the
history and the date of the change are kept. Every message names the rule and the article it comes from.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import AccountSecurity, PasswordHistory
from .policy import CLASS_LABELS, AccountRules, rules_for

_CLASS_TESTS = {
    "digit": re.compile(r"[0-9]"),
    "lower": re.compile(r"[a-z]"),
    "upper": re.compile(r"[A-Z]"),
    "symbol": re.compile(r"[^0-9A-Za-z]"),
}


def _rules(user) -> AccountRules:
    return rules_for(user)


class ProfileLengthValidator:
    def validate(self, password: str, user=None) -> None:
        rules = _rules(user)
        if len(password) < rules.min_length:
            raise ValidationError(
                f"密码至少需要 {rules.min_length} 位，现在只有 {len(password)} 位（{rules.password_citation}）。",
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return "密码长度须符合本地区规定（至少 8 位）。"


class ProfileClassesValidator:
    def validate(self, password: str, user=None) -> None:
        rules = _rules(user)
        present = [name for name in rules.class_names if _CLASS_TESTS[name].search(password)]
        if len(present) < rules.classes:
            names = "、".join(CLASS_LABELS[n] for n in rules.class_names)
            raise ValidationError(
                f"密码须由{names}中至少 {rules.classes} 类字符组合而成，现在只有 {len(present)} 类"
                f"（{rules.password_citation}）。",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return "须由数字、大小写字母、符号等字符组合而成。"


def _names_of(user) -> list[str]:
    names = []
    username = getattr(user, "username", "") or ""
    if len(username) >= 3:
        names.append(username)
    staff = getattr(user, "staff", None) if getattr(user, "pk", None) else None
    try:
        unit = staff.unit if staff is not None else None
    except Exception:
        unit = None
    if unit is not None:
        names += [unit.name, unit.code, *(unit.aliases or [])]
    return [n for n in names if n and len(n) >= 2]


class NoNameInsideValidator:
    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.casefold()
        for name in _names_of(user):
            if name.casefold() in lowered:
                which = "账号名" if name == getattr(user, "username", None) else "单位名称"
                raise ValidationError(
                    f"密码不能包含{which}“{name}”（{_rules(user).password_citation}：密码不得易于猜测）。",
                    code="password_contains_name",
                )

    def get_help_text(self) -> str:
        return "不能包含账号名或单位名称。"


class HistoryValidator:
    """No reuse of the current password or the last N (the hashes are kept in PasswordHistory)."""

    def validate(self, password: str, user=None) -> None:
        if user is None or not getattr(user, "pk", None):
            return

        rules = _rules(user)
        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[
                : rules.history
            ]
        )
        from django.contrib.auth import get_user_model

        current = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
        if current:
            hashes.append(current)
        if any(check_password(password, h) for h in hashes if h):
            raise ValidationError(
                f"新密码不能与最近 {rules.history} 次使用过的密码相同（{rules.password_citation}：定期更改密码）。",
                code="password_reused",
            )

    def password_changed(self, password: str, user=None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        record_password_set(user)

    def get_help_text(self) -> str:
        return "不能重复使用最近用过的密码。"


def record_password_set(user) -> None:
    """Keep the new hash in the history (trimmed to what the rules need) and the date it was set."""

    PasswordHistory.objects.create(user=user, password=user.password)
    keep = max(_rules(user).history, 1)
    old = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()
    state, _ = AccountSecurity.objects.get_or_create(user=user)
    state.password_changed_at = timezone.now()
    state.must_change_password = False
    state.must_change_reason = ""
    state.save(update_fields=["password_changed_at", "must_change_password", "must_change_reason"])


def password_change_reason(user) -> str:
    """Why this person must choose a new password before working, or "" when they need not."""

    state = AccountSecurity.objects.filter(user=user).first()
    if state and state.must_change_password:
        return state.must_change_reason or "管理员为您设置或重置了密码，请先修改密码。"
    rules = _rules(user)
    if not rules.max_age_days:
        return ""
    since = (state.password_changed_at if state else None) or user.date_joined
    if since and timezone.now() - since > timedelta(days=rules.max_age_days):
        return (
            f"您的密码已使用超过 {rules.max_age_days} 天，须定期更改（{rules.password_citation}），"
            "请先设置新密码。"
        )
    return ""


def require_change(user, reason: str) -> None:

    state, _ = AccountSecurity.objects.get_or_create(user=user)
    state.must_change_password = True
    state.must_change_reason = reason[:200]
    state.save(update_fields=["must_change_password", "must_change_reason"])
