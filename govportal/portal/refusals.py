"""Why the back office refuses a page: the column belongs to another unit (issue #19).

Wagtail answers a page it will not open with a bare "对不起，你没有权限访问" on the dashboard. Before the
page views run, this middleware asks Wagtail's own permission tester the same question; when the answer
is no, it says which unit the column (or item) belongs to and what the user can do, then sends the user
to the dashboard as Wagtail would. It decides nothing itself: the permission check stays Wagtail's.
"""

from __future__ import annotations

from django.shortcuts import redirect
from wagtail.admin import messages
from wagtail.models import Page

from govportal.accounts.permissions import is_site_admin, unit_of

from .models import ColumnPage

# url name -> (kwarg holding the page id, what the user tried)
_VIEWS = {
    "add_subpage": ("parent_page_id", "add"),
    "add": ("parent_page_id", "add"),
    "edit": ("page_id", "edit"),
}


def owners_of(page) -> list[str]:
    """Names of the units responsible for ``page``: a column's 保障单位, an item's unit or its column's."""

    node = page.specific
    while node is not None:
        if isinstance(node, ColumnPage):
            names = [u.name for u in node.units.all()]
            return names or ([node.responsible_text] if node.responsible_text else [])
        unit = getattr(node, "unit", None)
        if unit is not None:
            return [unit.name]
        parent = node.get_parent()
        node = parent.specific if parent is not None and parent.depth > 2 else None
    return []


def refusal_message(user, page, doing: str) -> str:

    page = page.specific
    owners = "、".join(owners_of(page)) or "网站管理员"
    mine = getattr(unit_of(user), "name", "") or "您的账号"
    kind = "栏目" if isinstance(page, ColumnPage) else "信息"
    if doing == "edit" and isinstance(page, ColumnPage):
        return (
            f"不能修改栏目「{page.title}」：栏目的名称、更新频率和保障单位由网站管理员按栏目责任表维护。"
            f"该栏目的保障单位是{owners}；在栏目中发布信息请点“添加子页面”。"
        )
    action = "新建信息" if doing == "add" else "修改"
    return (
        f"不能在{kind}「{page.title}」{action}：它属于{owners}，您所在的{mine}不是其保障单位。"
        "请在本单位负责的栏目中发布；如栏目责任有误，请联系网站管理员调整栏目责任表。"
    )


class ColumnRefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None or match.namespace != "wagtailadmin_pages" or match.url_name not in _VIEWS:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_site_admin(user):
            return None
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return None
        key, doing = _VIEWS[match.url_name]
        page = Page.objects.filter(pk=view_kwargs.get(key)).first()
        if page is None or page.depth <= 2:
            return None
        perms = page.specific.permissions_for_user(user)
        allowed = perms.can_add_subpage() if doing == "add" else perms.can_edit()
        if allowed:
            return None
        messages.error(request, refusal_message(user, page, doing))
        return redirect("wagtailadmin_home")
