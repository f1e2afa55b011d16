from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Staff, Unit


class UnitViewSet(SnippetViewSet):
    model = Unit
    icon = "group"
    menu_label = "单位"
    list_display = ["name", "kind", "locality", "parent"]
    list_filter = ["locality", "kind"]
    search_fields = ["name", "code"]


class StaffViewSet(SnippetViewSet):
    model = Staff
    icon = "user"
    menu_label = "单位人员"
    list_display = ["user", "unit", "title"]
    list_filter = ["unit__locality"]


class AccountsGroup(SnippetViewSetGroup):
    menu_label = "单位与人员"
    menu_icon = "group"
    menu_order = 300
    items = (UnitViewSet, StaffViewSet)


register_snippet(AccountsGroup)
