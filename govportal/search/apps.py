from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "govportal.search"
    label = "search"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from govportal.publishing import static_site

        from .indexing import connect

        connect()
        # Static publishing's handlers must run in every process that can publish (web workers, the job
        # worker's scheduled publishing, management commands), after the listing's (the pages it writes
        # read the listing), hence here.
        static_site.connect_signals()
