from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "govportal.portal"
    label = "portal"
    verbose_name = "门户网站"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from govportal.accounts.permissions import register_site_home
        from govportal.search import registry as search

        from .columns import home_for
        from .models import ColumnPage, ItemPage
        from .navigation import column_tree
        from .signals import connect

        connect()
        register_site_home(home_for)  # site-wide roles' page permissions sit on their site's home page
        search.register_items(ItemPage, ColumnPage)  # the search indexes the items, filters by column
        search.register_column_tree(column_tree)
