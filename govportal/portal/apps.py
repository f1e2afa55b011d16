from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "govportal.portal"
    label = "portal"
    verbose_name = "门户网站"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .signals import connect

        connect()
