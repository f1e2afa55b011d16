from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "govportal.portal"
    label = "portal"
    verbose_name = "门户网站"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from govportal.accounts.permissions import register_site_home
        from govportal.search import registry as search

        from . import views
        from .columns import home_for
        from .models import ColumnPage, HomePage, ItemPage, SpecialTopicPage, SubsiteHomePage
        from .navigation import column_tree
        from .registry import register_page_context
        from .signals import connect

        connect()
        register_site_home(home_for)  # site-wide roles' page permissions sit on their site's home page
        search.register_items(ItemPage, ColumnPage)  # the search indexes the items, filters by column
        search.register_column_tree(column_tree)
        register_page_context(HomePage, views.home_context)  # the page models never import the views
        register_page_context(ColumnPage, views.column_context)
        register_page_context(SubsiteHomePage, views.column_context)
        register_page_context(SpecialTopicPage, views.topic_context)
