from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "govportal.monitoring"
    label = "monitoring"
    verbose_name = "监测与错敏信息"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from wagtail.documents import get_document_model

        from . import registries, textcheck
        from .tasks import enqueue_extraction

        registries.connect_signals()
        textcheck.connect_signals()
        post_save.connect(
            enqueue_extraction, sender=get_document_model(), dispatch_uid="monitoring_extract_text"
        )

        from .tamper import connect_signals as connect_fingerprints

        connect_fingerprints()
