from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "govportal.accounts"
    label = "accounts"
    verbose_name = "单位与人员"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401


class UsersConfig(WagtailUsersAppConfig):
    """wagtail.users with GovPortal's user views (govportal/accounts/users.py)."""

    user_viewset = "govportal.accounts.users.UserViewSet"
