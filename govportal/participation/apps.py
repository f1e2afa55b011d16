from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "govportal.participation"
    label = "participation"
    verbose_name = "公众参与"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401
