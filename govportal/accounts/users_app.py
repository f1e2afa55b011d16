"""wagtail.users with GovPortal's user views (govportal/accounts/users.py); listed in INSTALLED_APPS in its
place. Kept out of apps.py, where a second AppConfig would hide AccountsConfig from Django."""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersConfig(WagtailUsersAppConfig):
    user_viewset = "govportal.accounts.users.UserViewSet"
