from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "govportal.search"
    label = "search"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from govportal.publishing import cache

        from .indexing import connect

        connect()
        # The public-page cache's invalidation handlers must run in every process that can publish
        # (web workers, the job worker's scheduled publishing, management commands), hence here.
        cache.connect_signals()
