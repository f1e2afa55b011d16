"""Back-office model views (Wagtail ``ModelViewSet``) for incidents, feed subscriptions and webhook
receivers. Each is scoped to the user's locality and allowed by role, not by per-model Django permissions
(so no group needs extra permission rows)."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminPageChooser
from wagtail.permission_policies.base import BaseDjangoAuthPermissionPolicy
from wagtail.permissions import register_permission_policy

from govportal.accounts.models import Role, Unit
from govportal.accounts.permissions import is_site_admin, roles_of, unit_of
from govportal.portal.columns import home_for

from .models import FeedSubscription, Incident, WebhookEndpoint


class RolePermissionPolicy(BaseDjangoAuthPermissionPolicy):
    """Site administrators, and the roles listed per action, may act on the model."""

    def __init__(self, model, roles: dict[str, set[str]]):
        super().__init__(model)
        self.roles = roles

    def user_has_permission(self, user, action):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if user.is_superuser or is_site_admin(user):
            return True
        return bool(roles_of(user) & self.roles.get(action, set()))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        wanted = {Role.SITE_ADMIN} | {r for a in actions for r in self.roles.get(a, set())}
        return (
            get_user_model().objects.filter(is_active=True, groups__unit_role__role__in=wanted).distinct()
            | get_user_model().objects.filter(is_active=True, is_superuser=True)
        ).distinct()


def _locality(user) -> str:
    unit = unit_of(user)
    return unit.locality if unit else ""


class LocalityIndexView(generic.IndexView):
    def get_base_queryset(self):
        qs = super().get_base_queryset()
        locality = _locality(self.request.user)
        if self.request.user.is_superuser and not locality:
            return qs
        field = "column__path" if self.model is FeedSubscription else "locality"
        if field == "locality":
            return qs.filter(locality=locality)

        home = home_for(locality)
        return qs.filter(column__path__startswith=home.path) if home else qs.none()


def _object_locality(obj) -> str:
    if isinstance(obj, FeedSubscription):
        from .publication import locality_of

        return locality_of(obj.column) if obj.column_id else ""
    return getattr(obj, "locality", "")


class LocalityObjectMixin:
    """Edit, delete, copy, inspect, history and usage views: only objects of the user's own locality (a
    site administrator of one locality has no say over another's incidents, feeds or receivers)."""

    def get_object(self, *args, **kwargs):
        from django.http import Http404

        obj = super().get_object(*args, **kwargs)
        user = self.request.user
        if obj is None or (user.is_superuser and not _locality(user)):
            return obj
        if _object_locality(obj) != _locality(user):
            raise Http404("不是本地区的记录")
        return obj


def _scoped(view_class):
    return type(view_class.__name__, (LocalityObjectMixin, view_class), {})


class LocalityViewSet(ModelViewSet):
    index_view_class = LocalityIndexView
    edit_view_class = _scoped(generic.EditView)
    delete_view_class = _scoped(generic.DeleteView)
    copy_view_class = _scoped(generic.CopyView)
    inspect_view_class = _scoped(generic.InspectView)
    history_view_class = _scoped(ModelViewSet.history_view_class)
    usage_view_class = _scoped(ModelViewSet.usage_view_class)


class LocalityForm(WagtailAdminModelForm):
    """Sets ``locality`` from the user's unit and offers only that locality's units."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.locality = _locality(for_user) if for_user else ""
        for name in ("units", "unit"):
            if name in self.fields and self.locality:
                self.fields[name].queryset = Unit.objects.filter(locality=self.locality)

    def save(self, commit=True):
        if hasattr(self.instance, "locality") and not self.instance.locality:
            self.instance.locality = self.locality
        return super().save(commit=commit)


class IncidentForm(LocalityForm):
    class Meta:
        model = Incident
        fields = [
            "title",
            "kind",
            "heavy_impact",
            "event_time",
            "units",
            "description",
            "first_release_page",
            "first_release_at",
            "press_conference_at",
            "response_at",
            "closed_at",
        ]
        widgets = {"units": forms.CheckboxSelectMultiple, "first_release_page": AdminPageChooser()}

    def save(self, commit=True):
        if self.instance.created_by_id is None and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)


class FeedSubscriptionForm(LocalityForm):
    url = forms.URLField(
        label="订阅地址",
        max_length=500,
        assume_scheme="https",
        help_text="RSS、Atom 或 JSON Feed 地址（http/https）",
    )

    class Meta:
        model = FeedSubscription
        fields = ["name", "column", "url", "source_name", "poll_minutes", "active"]
        widgets = {"column": AdminPageChooser(target_models=["portal.ColumnPage"])}

    def clean_column(self):
        column = self.cleaned_data["column"]
        if column is not None and column.specific_class.__name__ != "ColumnPage":
            raise forms.ValidationError("请选择一个栏目：采集的信息导入栏目，作为转载信息等待审核。")
        return column


class WebhookEndpointForm(LocalityForm):
    url = forms.URLField(label="接收地址", max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "unit", "active"]
        widgets = {"secret": forms.TextInput(attrs={"autocomplete": "off"})}

    def clean_secret(self):
        secret = self.cleaned_data["secret"]
        if len(secret) < 16:
            raise forms.ValidationError("签名密钥至少 16 个字符（用于 HMAC-SHA256 签名，防止伪造推送）。")
        return secret


MANAGERS = {Role.HOST_OFFICE, Role.OPERATOR}


class IncidentViewSet(LocalityViewSet):
    model = Incident
    icon = "warning"
    menu_label = "突发事件与舆情"
    name = "incidents"
    url_prefix = "publishing/incidents"
    add_to_admin_menu = False
    form_fields = IncidentForm.Meta.fields
    index_view_class = LocalityIndexView
    list_display = ["title", "kind", "event_time", "closed_at"]

    def get_form_class(self, for_update=False):
        return IncidentForm


class FeedSubscriptionViewSet(LocalityViewSet):
    model = FeedSubscription
    icon = "download"
    menu_label = "信息采集订阅"
    name = "feed_subscriptions"
    url_prefix = "publishing/feed-subscriptions"
    add_to_admin_menu = False
    form_fields = FeedSubscriptionForm.Meta.fields
    index_view_class = LocalityIndexView
    list_display = ["name", "source_name", "active", "last_checked_at", "last_error"]

    def get_form_class(self, for_update=False):
        return FeedSubscriptionForm


class WebhookEndpointViewSet(LocalityViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = "信息推送接口"
    name = "webhooks"
    url_prefix = "publishing/webhooks"
    add_to_admin_menu = False
    form_fields = WebhookEndpointForm.Meta.fields
    index_view_class = LocalityIndexView
    list_display = ["name", "url", "unit", "active"]

    def get_form_class(self, for_update=False):
        return WebhookEndpointForm


register_permission_policy(
    Incident, RolePermissionPolicy(Incident, {a: MANAGERS for a in ("add", "change", "view", "delete")})
)
register_permission_policy(FeedSubscription, RolePermissionPolicy(FeedSubscription, {}))
register_permission_policy(WebhookEndpoint, RolePermissionPolicy(WebhookEndpoint, {}))

incident_viewset = IncidentViewSet()
feed_viewset = FeedSubscriptionViewSet()
webhook_viewset = WebhookEndpointViewSet()
