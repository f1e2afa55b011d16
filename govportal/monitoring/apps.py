from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "govportal.monitoring"
    label = "monitoring"
    verbose_name = "监测与错敏信息"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .registries import connect_signals

        connect_signals()

        from .tamper import connect_signals as connect_fingerprints

        connect_fingerprints()
