from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "govportal.search"
    label = "search"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .indexing import connect

        connect()  # idempotent (dispatch_uid): PublishingConfig.ready connects it first, before static publishing
