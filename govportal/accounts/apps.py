from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "govportal.accounts"
    label = "accounts"
    verbose_name = "单位与人员"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .staffing import guard_wagtail_exports

        guard_wagtail_exports()
