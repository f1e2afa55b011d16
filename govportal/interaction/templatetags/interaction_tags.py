"""Template helpers for the interaction app's public forms and back office."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from ..deadlines import deadline_status, remaining_workdays

register = template.Library()


@register.filter
def ix_widget(field):
    """Render a bound field's widget tied to its help text and errors (aria-describedby, aria-invalid)."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required and field.widget_type not in ("radioselect", "checkbox"):
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def due_badge(due, done=False, soon=1):
    """A coloured label for a deadline: 已超期 / 即将到期 / 剩N个工作日."""
    if not due:
        return ""
    status = deadline_status(due, bool(done), soon=int(soon or 1))
    if not status:
        return format_html('<span class="ix-badge">期限 {}</span>', due.strftime("%Y-%m-%d"))
    left = remaining_workdays(due)
    if status == "overdue":
        return format_html('<span class="ix-badge ix-overdue">已超期 {} 个工作日</span>', -left)
    if status == "soon":
        text = "今天到期" if left == 0 else f"剩 {left} 个工作日"
        return format_html('<span class="ix-badge ix-soon">即将到期（{}）</span>', text)
    return format_html('<span class="ix-badge ix-ok">剩 {} 个工作日</span>', left)


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def person(user):
    """A staff member's display name (full name, else username), or — ."""
    if not user:
        return "—"
    return user.get_full_name() or user.get_username()
